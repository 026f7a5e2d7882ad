"""URLs of one quarter's report, mounted under assignments/<pk>/q<quarter>/."""

from __future__ import annotations

from django.urls import path

from reports import views

urlpatterns = [
    path("", views.report_detail, name="report_page"),
    path("submit/", views.report_submit, name="report_submit"),
    path("certify/", views.report_certify, name="report_certify"),
    path("send-back/", views.report_send_back, name="report_send_back"),
    path("ratio/", views.ratio_add, name="ratio_add"),
    path("ratio/preview/", views.ratio_preview, name="ratio_preview"),
    path("ratio/<int:update_id>/", views.ratio_edit, name="ratio_edit"),
    path("ratio/<int:update_id>/delete/", views.ratio_delete, name="ratio_delete"),
    path("steps/<int:step_id>/", views.step_save, name="step_save"),
    path("evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("letters/", views.letter_add, name="letter_add"),
    path("letters/<int:letter_id>/delete/", views.letter_delete, name="letter_delete"),
    path("history/", views.history, name="report_history"),
]
