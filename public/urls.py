from __future__ import annotations

from django.urls import path

from public import views

urlpatterns = [
    path("public/", views.home, name="public_home"),
    path("public/language/", views.language, name="public_language"),
    path("public/districts/<str:code>/", views.district, name="public_district"),
    path("public/assignments/<int:pk>/", views.sheet, name="public_sheet"),
    path("public/assignments/<int:pk>/sheet.pdf", views.sheet_pdf, name="public_sheet_pdf"),
    path("opendata/", views.opendata_index, name="opendata_index"),
    path("opendata/catalog.json", views.opendata_catalog, name="opendata_catalog"),
    path("opendata/schema/results.json", views.opendata_schema, name="opendata_schema"),
    path("opendata/<int:year>/results.csv", views.opendata_csv, name="opendata_csv"),
    path("opendata/<int:year>/results.json", views.opendata_json, name="opendata_json"),
]
