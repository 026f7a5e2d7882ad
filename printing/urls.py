"""URLs of the prints page, mounted under prints/."""

from __future__ import annotations

from django.urls import path

from printing import views

urlpatterns = [
    path("", views.prints, name="prints"),
    path("<int:job_id>/", views.job_status, name="print_job"),
    path("<int:job_id>/download/", views.job_download, name="print_job_download"),
]
