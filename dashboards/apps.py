from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The readers' dashboards: the city and each district, published results only."""

    name = "dashboards"
    verbose_name = _("แดชบอร์ด")
