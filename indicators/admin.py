from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

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
from indicators.rules import THRESHOLD_FIELDS, Rule, rule_notes, rule_preview
from indicators.selectors import district_weight_total
from indicators.steps import FULL_WEIGHT, weights_problem
from kpi_portal.adminhistory import ConfigHistoryMixin
from kpi_portal.thaidigits import format_amount


class ReportingPeriodInline(admin.TabularInline):
    model = ReportingPeriod
    extra = 0
    max_num = 4
    # Published and withdrawn on the office's matrix, where each is recorded.
    readonly_fields = ["assessment_published_on"]


@admin.register(FiscalYear)
class FiscalYearAdmin(ConfigHistoryMixin, admin.ModelAdmin):
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
    actions = ["roll_over"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A year's number dates its quarters, deadlines and reports: fixed once created.
        return ["year"] if obj is not None else []

    @admin.action(description=_("สร้างปีงบประมาณถัดไปจากปีที่เลือก (ดูตัวอย่างก่อน)"))
    def roll_over(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        """The rollover's own page, which previews before it writes anything."""
        if queryset.count() != 1:
            self.message_user(request, _("เลือกปีงบประมาณต้นแบบเพียงปีเดียว"), messages.ERROR)
            return None
        year = queryset.get().year
        return HttpResponseRedirect(f"{reverse('rollover_page')}?year={year}")


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


class RulePreviewForm(forms.ModelForm):  # type: ignore[type-arg]
    """The rule's fields of the indicator form, as typed, for the live preview.

    A ModelForm so that ``Indicator.clean`` (``indicators.rules.rule_problems``)
    judges them exactly as it judges the admin form on saving."""

    class Meta:
        model = Indicator
        fields = ["kind", "direction", "scoring_rule", "full_score", *THRESHOLD_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # On the add page the kind may still be empty; only milestones_due asks for it.
        self.fields["kind"].required = False


def rule_preview_context(form: RulePreviewForm, *, unit: str) -> dict[str, Any]:
    """The preview of a bound rule form: its problems, or the sample table and notes."""
    if not form.is_valid():
        problems = [
            (form.fields[name].label if name in form.fields else "", message)
            for name, messages in form.errors.items()
            for message in messages
        ]
        return {"problems": problems}
    rule = Rule.of(form.instance)
    rule = Rule(rule.rule, rule.kind, rule.direction, rule.full_score, rule.thresholds, unit)
    return {"preview": rule_preview(rule), "notes": rule_notes(rule)}


@admin.register(Indicator)
class IndicatorAdmin(ConfigHistoryMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "fiscal_year",
        "kind",
        "unit",
        "indicator_type",
        "level",
        "scoring_rule",
        "weight",
    ]
    list_filter = ["fiscal_year", "kind", "indicator_type", "level", "direction", "scoring_rule"]
    search_fields = ["code", "name"]
    list_select_related = ["fiscal_year"]
    autocomplete_fields = ["strategy_nodes"]
    inlines = [MilestoneStepInline, ValidationRuleInline]
    readonly_fields = ["rule_preview"]
    fieldsets = [
        (None, {"fields": ["fiscal_year", ("code", "component"), "name", "unit"]}),
        (
            _("การวัดผล"),
            {
                "fields": [
                    ("indicator_type", "level", "direction"),
                    ("kind", "milestone_basis"),
                    ("numerator_label", "denominator_label"),
                ]
            },
        ),
        (
            _("เกณฑ์การให้คะแนน"),
            {
                "classes": ["scoring-rule"],
                "description": _(
                    "เกณฑ์ระดับ 1–5 คือผลงานที่ได้ระดับนั้น ใช้เฉพาะเกณฑ์ 5 ระดับ "
                    "เรียงจากน้อยไปมากเมื่อยิ่งมากยิ่งดี และจากมากไปน้อยเมื่อยิ่งน้อยยิ่งดี "
                    "วิธีคิดคะแนนอื่นไม่ใช้ค่าเหล่านี้ แต่ระบบเก็บไว้"
                ),
                "fields": [
                    "scoring_rule",
                    ("full_score", "weight"),
                    tuple(THRESHOLD_FIELDS),
                    "rule_preview",
                ],
            },
        ),
        (
            _("รายละเอียดตัวชี้วัด"),
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

    class Media:
        # htmx for the rule's live preview; its configuration (no inline styles, no
        # eval: the CSP) is in admin/indicators/indicator/change_form.html.
        js = ["js/vendor/htmx.min.js"]

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "rule-preview/",
            self.admin_site.admin_view(self.rule_preview_view),
            name="indicators_indicator_rule_preview",
        )
        return [preview, *super().get_urls()]

    @admin.display(description=_("ตัวอย่างคะแนน"))
    def rule_preview(self, obj: Indicator) -> str:
        """The preview of the saved rule; htmx redraws it from the form as it is typed."""
        return render_to_string(
            "admin/indicators/indicator/rule_preview.html",
            {
                "url": reverse("admin:indicators_indicator_rule_preview"),
                **rule_preview_context(RulePreviewForm(data=_rule_data(obj)), unit=obj.unit),
            },
        )

    def rule_preview_view(self, request: HttpRequest) -> HttpResponse:
        """The preview of the rule as currently typed in the change or add form."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        context = rule_preview_context(
            RulePreviewForm(request.POST), unit=request.POST.get("unit", "").strip()
        )
        return TemplateResponse(
            request, "admin/indicators/indicator/_rule_preview_body.html", context
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fixed = (
            ["fiscal_year"] if obj is not None else []
        )  # its assignments and reports are that year's
        return [*fixed, *super().get_readonly_fields(request, obj)]

    def save_model(self, request: HttpRequest, obj: Indicator, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for note in rule_notes(Rule.of(obj)):
            self.message_user(request, note, messages.WARNING)


def _rule_data(obj: Indicator) -> dict[str, Any]:
    """A saved (or new) indicator's rule fields as form data, so the first preview is
    judged by the same form as the live ones."""
    form = RulePreviewForm(instance=obj)
    return {name: form[name].value() for name in form.fields}


class MilestoneSubItemInline(admin.TabularInline):
    model = MilestoneSubItem
    extra = 0


@admin.register(MilestoneStep)
class MilestoneStepAdmin(ConfigHistoryMixin, admin.ModelAdmin):
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


class WeightSetFilter(admin.SimpleListFilter):
    title = _("น้ำหนัก")
    parameter_name = "weight_set"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("own", _("เขตกำหนดน้ำหนักเอง")),
            ("default", _("ใช้น้ำหนักตั้งต้นของตัวชี้วัด")),
            ("none", _("ยังไม่มีน้ำหนัก")),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "own":
            return queryset.filter(weight__isnull=False)
        if self.value() == "default":
            return queryset.filter(weight__isnull=True, indicator__weight__isnull=False)
        if self.value() == "none":
            return queryset.filter(weight__isnull=True, indicator__weight__isnull=True)
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(ConfigHistoryMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "indicator",
        "district",
        "division",
        "annual_target",
        "weight",
        "effective_weight_display",
    ]
    list_editable = ["weight"]
    list_filter = [
        "indicator__fiscal_year",
        "district__zone_group",
        "district",
        "indicator__kind",
        WeightSetFilter,
    ]
    fields = ["indicator", "district", "division", "code", "annual_target", "weight", "previous"]
    search_fields = ["code", "indicator__code", "indicator__name", "district__name_th"]
    list_select_related = ["indicator", "district", "division"]
    autocomplete_fields = ["indicator", "district", "division", "previous"]
    inlines = [QuarterTargetInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Once the district has reported on it, the assignment stays that indicator's
        # and that district's: its reports, scores and history belong to both.
        if obj is not None and obj.reports.exists():
            return ["indicator", "district"]
        return []

    def save_model(self, request: HttpRequest, obj: Assignment, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        total = district_weight_total(
            district_id=obj.district_id, fiscal_year_id=obj.indicator.fiscal_year_id
        )
        if total is not None and total != FULL_WEIGHT:
            self.message_user(
                request,
                _(
                    "บันทึกแล้ว แต่น้ำหนักตัวชี้วัดของเขต%(district)s ปีงบประมาณ %(year)s "
                    "รวมกันได้ %(total)s ยังไม่ครบ 100 คะแนนถ่วงน้ำหนักของเขตนี้จะยังไม่ถูกต้อง "
                    "จนกว่าจะแก้ให้รวมกันได้ 100"
                )
                % {
                    "district": obj.district.name_th,
                    "year": obj.indicator.fiscal_year.year,
                    "total": format_amount(total),
                },
                messages.WARNING,
            )

    @admin.display(description=_("น้ำหนักที่ใช้ (ร้อยละ)"))
    def effective_weight_display(self, obj: Assignment) -> Decimal | None:
        """The weight that counts: the district's own, else the indicator's default."""
        return obj.effective_weight


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(ConfigHistoryMixin, admin.ModelAdmin):
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
