from __future__ import annotations

from django.contrib import admin

from indicators.models import DeadlineExtension
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    StepProgress,
    YearSummary,
)


class RatioUpdateInline(admin.TabularInline):
    model = RatioUpdate
    extra = 0
    fields = ["as_of", "numerator", "denominator", "percent", "note"]
    readonly_fields = ["percent"]


class StepProgressInline(admin.TabularInline):
    model = StepProgress
    extra = 0
    autocomplete_fields = ["step"]


class EvidenceFileInline(admin.TabularInline):
    model = EvidenceFile
    extra = 0
    fields = ("original_name", "content_type", "size", "step", "uploaded_by", "uploaded_at")
    readonly_fields = fields


class LetterReferenceInline(admin.TabularInline):
    model = LetterReference
    extra = 0
    fields = ["number", "dated", "title", "step"]


class ReportTransitionInline(admin.TabularInline):
    model = ReportTransition
    extra = 0
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        # History is written by the lifecycle services only.
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "assignment",
        "quarter",
        "status",
        "result",
        "score",
        "full_score",
        "updated_at",
    ]
    list_filter = [
        "status",
        "quarter",
        "assignment__indicator__fiscal_year",
        "assignment__district__zone_group",
        "assignment__district",
    ]
    search_fields = [
        "assignment__code",
        "assignment__indicator__code",
        "assignment__indicator__name",
        "assignment__district__name_th",
    ]
    list_select_related = ["assignment__indicator", "assignment__district"]
    autocomplete_fields = ["assignment"]
    readonly_fields = ["version", "created_at", "updated_at", "submitted_at", "evaluated_at"]
    inlines = [
        RatioUpdateInline,
        StepProgressInline,
        LetterReferenceInline,
        EvidenceFileInline,
        ReportTransitionInline,
    ]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    list_display = ["district", "period", "deadline", "granted_by", "granted_at"]
    list_filter = ["period__fiscal_year", "period__quarter"]
    search_fields = ["district__name_th"]
    autocomplete_fields = ["district"]


@admin.register(YearSummary)
class YearSummaryAdmin(admin.ModelAdmin):
    list_display = ["assignment", "updated_at", "updated_by"]
    search_fields = ["assignment__code", "assignment__district__name_th"]
    autocomplete_fields = ["assignment"]
