from django.apps import AppConfig


class KpiPortalConfig(AppConfig):
    """The project package is an app too: it owns the Thai template filters."""

    name = "kpi_portal"
    verbose_name = "KPI Portal"
