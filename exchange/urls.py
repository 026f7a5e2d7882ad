"""URLs of imports and exports, mounted under exchange/."""

from __future__ import annotations

from django.urls import URLPattern, path, register_converter

from exchange import views


class FormatConverter:
    """An export's format: ``csv`` or ``xlsx`` (anything else is not found)."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

urlpatterns: list[URLPattern] = [
    path("import/", views.import_page, name="import_page"),
    path("import/<int:run_id>/", views.import_run, name="import_run"),
    path("import/<int:run_id>/apply/", views.import_apply, name="import_apply"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("rollover/", views.rollover_page, name="rollover_page"),
    path("rollover/apply/", views.rollover_apply, name="rollover_apply"),
    path("rollover/<int:year>/", views.rollover_done, name="rollover_done"),
    path("config/<int:year>.xlsx", views.config_export, name="config_export"),
    path(
        "export/districts/<str:code>/<int:year>.<fmt:fmt>",
        views.export_district_year,
        name="export_district_year",
    ),
    path(
        "export/districts/<str:code>/scorecard/<int:year>.<fmt:fmt>",
        views.export_scorecard,
        name="export_scorecard",
    ),
    path("export/matrix.<fmt:fmt>", views.export_matrix, name="export_matrix"),
    path("export/queue.<fmt:fmt>", views.export_queue, name="export_queue"),
    path("export/summary.<fmt:fmt>", views.export_summary, name="export_summary"),
    path("export/rankings.<fmt:fmt>", views.export_rankings, name="export_rankings"),
    path("export/reports.<fmt:fmt>", views.export_reports, name="export_reports"),
    path("export/jobs/<int:export_id>/", views.export_job, name="export_job"),
    path(
        "export/jobs/<int:export_id>/download/",
        views.export_job_download,
        name="export_job_download",
    ),
]
