from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Telling people what happened to their reports and what is due: notifications
    in the portal, email through an outbox, reminders, the office's digest and
    its completeness board."""

    name = "notifications"
    verbose_name = _("การแจ้งเตือน")

    def ready(self) -> None:
        # Events are read off the rows the lower apps already write (a transition,
        # an extension, a publication), so none of them imports this app.
        from notifications import events

        events.connect()
