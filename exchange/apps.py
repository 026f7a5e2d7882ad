from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Data in and out in bulk: Excel import with a dry run, Excel and CSV exports,
    rolling a fiscal year over."""

    name = "exchange"
    verbose_name = _("นำเข้าและส่งออกข้อมูล")
