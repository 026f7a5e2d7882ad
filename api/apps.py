from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only JSON API for other agencies: tokens, their scope and rate
    limits, the published results and scores, the OpenAPI schema and its docs page."""

    name = "api"
    verbose_name = _("API สำหรับหน่วยงานภายนอก")
