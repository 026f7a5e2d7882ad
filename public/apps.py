from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """What leaves the office: the public pages of published results and the open data
    files, served from a cache without a login."""

    name = "public"
    verbose_name = _("ข้อมูลเผยแพร่สาธารณะ")
