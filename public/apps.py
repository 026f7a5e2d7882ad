from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """What leaves the office: the public pages of published results and the open data
    files, served from a cache without a login."""

    name = "public"
    verbose_name = _("ข้อมูลเผยแพร่สาธารณะ")

    def ready(self) -> None:
        # The print worker renders public sheets too, from the public selector only
        # this app may read (printing sits below public and cannot import it).
        from printing.models import PrintJob
        from printing.tasks import SHEET_LOADERS
        from public.selectors import public_assignment, public_sheet

        SHEET_LOADERS[PrintJob.Kind.PUBLIC_SHEET] = lambda pk: public_sheet(public_assignment(pk))
