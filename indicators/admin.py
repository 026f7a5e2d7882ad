from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from indicators.models import (
    Assignment,
    DeadlineExtension,
    FiscalYear,
    Indicator,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    StrategyNode,
)


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0
    max_num = 4


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "starts_on", "ends_on", "is_open"]
    list_filter = ["is_open"]
    inlines = [ReportingPeriodInline]


class StrategyChildInline(admin.TabularInline):
    model = StrategyNode
    fk_name = "parent"
    extra = 0
    fields = ["code", "title", "title_en"]


@admin.register(StrategyNode)
class StrategyNodeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "parent"]
    search_fields = ["code", "title"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [StrategyChildInline]


class MilestoneStepInline(admin.StackedInline):
    model = MilestoneStep
    extra = 0
    fields = [("number", "weight", "due_date", "due_note"), "title"]
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "fiscal_year", "kind", "unit", "indicator_type", "level"]
    list_filter = ["fiscal_year", "kind", "indicator_type", "level", "direction"]
    search_fields = ["code", "name"]
    list_select_related = ["fiscal_year"]
    autocomplete_fields = ["strategy_nodes"]
    inlines = [MilestoneStepInline]
    fieldsets = [
        (None, {"fields": ["fiscal_year", ("code", "component"), "name", "unit"]}),
        (
            "การวัดผล",
            {
                "fields": [
                    ("indicator_type", "level", "direction"),
                    ("kind", "milestone_basis"),
                    ("numerator_label", "denominator_label"),
                    "full_score",
                ]
            },
        ),
        (
            "รายละเอียดตัวชี้วัด",
            {
                "fields": [
                    "definition",
                    "calculation_method",
                    "data_collection",
                    "supporting_projects",
                    "strategy_nodes",
                ]
            },
        ),
    ]


class MilestoneSubItemInline(admin.TabularInline):
    model = MilestoneSubItem
    extra = 0


@admin.register(MilestoneStep)
class MilestoneStepAdmin(admin.ModelAdmin):
    list_display = ["indicator", "number", "weight", "due_date"]
    list_filter = ["indicator__fiscal_year"]
    search_fields = ["indicator__code", "indicator__name", "title"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    inlines = [MilestoneSubItemInline]


class QuarterTargetInline(admin.TabularInline):
    model = QuarterTarget
    extra = 0
    max_num = 4


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["code", "indicator", "district", "division", "annual_target"]
    list_filter = ["indicator__fiscal_year", "district__zone_group", "district", "indicator__kind"]
    search_fields = ["code", "indicator__code", "indicator__name", "district__name_th"]
    list_select_related = ["indicator", "district", "division"]
    autocomplete_fields = ["indicator", "district", "division"]
    inlines = [QuarterTargetInline]


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    """Read only: extensions are granted by the evaluation office's page or the reports'
    admin action, both through ``indicators.services.deadline_extend``."""

    list_display = ["district", "period", "deadline", "reason", "granted_by", "granted_at"]
    list_filter = ["period__fiscal_year", "period__quarter"]
    search_fields = ["district__name_th"]
    list_select_related = ["district", "period__fiscal_year", "granted_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # an extension granted stays on record
