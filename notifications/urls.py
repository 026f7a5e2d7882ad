from __future__ import annotations

from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("bell/", views.bell, name="notification_bell"),
    path("read/", views.notifications_read, name="notifications_read"),
    path("settings/", views.preferences, name="notification_preferences"),
    path("<int:notification_id>/", views.notification_open, name="notification_open"),
]

office_urlpatterns = [
    path("", views.board, name="completeness_board"),
    path("remind/", views.board_remind, name="completeness_remind"),
]
