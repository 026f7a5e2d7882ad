from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictsConfig(AppConfig):
    name = "districts"
    verbose_name = _("สำนักงานเขตและผู้ใช้")

    def ready(self) -> None:
        from districts import signals  # noqa: F401 - connects the sign-in receiver
