from __future__ import annotations

from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.city, name="dashboard_city"),
    path("districts/<str:code>/", views.district, name="dashboard_district"),
]
