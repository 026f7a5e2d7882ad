from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
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
    ValidationRule,
)
from indicators.steps import weights_problem


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0
    max_num = 4
    # Published and withdrawn on the office's matrix, where each is recorded.
    readonly_fields = ["assessment_published_on"]


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "starts_on",
        "ends_on",
        "is_open",
        "quarters_open_ahead",
        "head_certification",
    ]
    list_filter = ["is_open", "head_certification"]
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


class MilestoneStepFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """The steps of an indicator are saved together only when their weights add up to 100."""

    def clean(self) -> None:
        super().clean()
        weights = [
            form.cleaned_data.get("weight")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        message = weights_problem(weights)
        if message:
            raise ValidationError(message)


class MilestoneStepInline(admin.StackedInline):
    model = MilestoneStep
    formset = MilestoneStepFormSet
    extra = 0
    fields = [("number", "weight", "due_date", "due_note"), "title"]
    show_change_link = True


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0
    fields = ["kind", "severity", "threshold"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "fiscal_year", "kind", "unit", "indicator_type", "level"]
    list_filter = ["fiscal_year", "kind", "indicator_type", "level", "direction"]
    search_fields = ["code", "name"]
    list_select_related = ["fiscal_year"]
    autocomplete_fields = ["strategy_nodes"]
    inlines = [MilestoneStepInline, ValidationRuleInline]
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
    # Steps are added and weighted together on their indicator's page, where the
    # weights are checked to add up to 100; here only a step's text and sub-items.
    readonly_fields = ["indicator", "number", "weight"]
    inlines = [MilestoneSubItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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
