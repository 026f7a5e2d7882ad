"""URLs of imports and exports, mounted under exchange/."""

from __future__ import annotations

from django.urls import URLPattern, path

from exchange import views

urlpatterns: list[URLPattern] = [
    path("import/", views.import_page, name="import_page"),
    path("import/<int:run_id>/", views.import_run, name="import_run"),
    path("import/<int:run_id>/apply/", views.import_apply, name="import_apply"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("rollover/", views.rollover_page, name="rollover_page"),
    path("rollover/apply/", views.rollover_apply, name="rollover_apply"),
    path("rollover/<int:year>/", views.rollover_done, name="rollover_done"),
    path("config/<int:year>.xlsx", views.config_export, name="config_export"),
]
