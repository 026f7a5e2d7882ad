from __future__ import annotations

from django.urls import path

from evaluation import views

urlpatterns = [
    path("", views.home, name="office_home"),
    path("queue/", views.queue, name="office_queue"),
    path("summary/", views.summary, name="office_summary"),
    path("rankings/", views.rankings, name="office_rankings"),
    path("publish/", views.publish, name="office_publish"),
    path("withdraw/", views.withdraw, name="office_withdraw"),
    path("reports/<int:report_id>/", views.score, name="office_score"),
    path("reports/<int:report_id>/return/", views.return_report, name="office_return"),
    path("reports/<int:report_id>/reopen/", views.reopen, name="office_reopen"),
    path("reports/<int:report_id>/extend/", views.extend, name="office_extend"),
]
