from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import DailyRun, Email, ManualReminder, Notification, Preference


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """A record of what was said and sent: read, never written, here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Email)
class EmailAdmin(ReadOnly):
    list_display = ["created_at", "to", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state"]
    search_fields = ["to", "subject", "key"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["created_at", "recipient", "kind", "district", "read_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__username", "key"]
    raw_id_fields = ["recipient", "report", "actor"]


@admin.register(ManualReminder)
class ManualReminderAdmin(ReadOnly):
    list_display = ["at", "district", "period", "actor", "recipients"]


@admin.register(DailyRun)
class DailyRunAdmin(ReadOnly):
    list_display = ["day", "ran_at", "reminders", "digests"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "email", "digest", "updated_at"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
