from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """Thai search across indicators, assignments, narratives, letters and year
    summaries, scoped to what the person may see."""

    name = "search"
    verbose_name = _("ค้นหา")
