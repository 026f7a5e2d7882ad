"""The reports in the Django admin: read only, with the office's lifecycle actions.

A report's figures and status change only through ``reports.services`` (its
lifecycle, version, audit and the reporting calendar); so the admin shows every
field and inline read-only, and its actions — return, reopen, extend the
deadline — call the same services as the evaluation office's pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import services as indicator_services
from indicators.models import ReportingPeriod
from kpi_portal.errors import ActionRefused
from kpi_portal.text import TextField
from reports.forms import ThaiDateField
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    Status,
    StepProgress,
    YearSummary,
)
from reports.services import report_transition


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RatioUpdateInline(_ReadOnlyInline):
    model = RatioUpdate
    fields = ["as_of", "numerator", "denominator", "percent", "note"]


class StepProgressInline(_ReadOnlyInline):
    model = StepProgress
    fields = ["step", "done_on", "note"]


class EvidenceFileInline(_ReadOnlyInline):
    model = EvidenceFile
    fields = ("original_name", "content_type", "size", "step", "uploaded_by", "uploaded_at")


class LetterReferenceInline(_ReadOnlyInline):
    model = LetterReference
    fields = ["number", "dated", "title", "step"]


class ReportTransitionInline(_ReadOnlyInline):
    model = ReportTransition
    fields = ("at", "from_status", "to_status", "actor", "reason")


class ReasonForm(forms.Form):
    reason = TextField(
        label=gettext_lazy("เหตุผล"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("กรุณาระบุเหตุผล")},
    )


class ExtensionForm(ReasonForm):
    deadline = ThaiDateField(label=gettext_lazy("ขยายกำหนดส่งถึง"))


def _act(
    request: HttpRequest,
    queryset: QuerySet[Report],
    *,
    title: str,
    form_class: type[ReasonForm],
    act: Any,
) -> HttpResponse | None:
    """Ask for the reason (and date) on an intermediate page, then act on each report."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "admin/reports/report/lifecycle_action.html",
            {
                **admin.site.each_context(request),
                "title": title,
                "form": form,
                "reports": queryset.select_related("assignment__indicator", "assignment__district"),
                "action": request.POST.get("action", ""),
                "opts": Report._meta,
            },
        )
    done = 0
    for report in queryset.select_related("assignment__indicator__fiscal_year"):
        try:
            act(report, form.cleaned_data)
        except ActionRefused as refused:
            messages.error(request, f"{report}: {refused}")
        else:
            done += 1
    if done:
        messages.success(request, _("ดำเนินการแล้ว %(n)s รายงาน") % {"n": done})
    return None


@admin.action(description=gettext_lazy("ส่งกลับให้สำนักงานเขตแก้ไข"))
def return_reports(
    modeladmin: ReportAdmin, request: HttpRequest, queryset: QuerySet[Report]
) -> HttpResponse | None:
    return _act(
        request,
        queryset,
        title=_("ส่งกลับให้สำนักงานเขตแก้ไข"),
        form_class=ReasonForm,
        act=lambda report, data: report_transition(
            report=report, to_status=Status.RETURNED, actor=request.user, reason=data["reason"]
        ),
    )


@admin.action(description=gettext_lazy("เปิดให้แก้ไขอีกครั้ง"))
def reopen_reports(
    modeladmin: ReportAdmin, request: HttpRequest, queryset: QuerySet[Report]
) -> HttpResponse | None:
    return _act(
        request,
        queryset,
        title=_("เปิดให้แก้ไขอีกครั้ง"),
        form_class=ReasonForm,
        act=lambda report, data: report_transition(
            report=report, to_status=Status.REOPENED, actor=request.user, reason=data["reason"]
        ),
    )


def _extend(request: HttpRequest, report: Report, data: dict[str, Any]) -> None:
    period = ReportingPeriod.objects.filter(
        fiscal_year=report.assignment.indicator.fiscal_year, quarter=report.quarter
    ).first()
    if period is None:
        raise ActionRefused(_("ยังไม่ได้กำหนดวันส่งของไตรมาสนี้"))
    indicator_services.deadline_extend(
        district=report.assignment.district,
        period=period,
        deadline=data["deadline"],
        reason=data["reason"],
        actor=request.user,
    )


@admin.action(description=gettext_lazy("ขยายกำหนดส่งของสำนักงานเขต"))
def extend_deadlines(
    modeladmin: ReportAdmin, request: HttpRequest, queryset: QuerySet[Report]
) -> HttpResponse | None:
    return _act(
        request,
        queryset,
        title=_("ขยายกำหนดส่งของสำนักงานเขต"),
        form_class=ExtensionForm,
        act=lambda report, data: _extend(request, report, data),
    )


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
    actions = [return_reports, reopen_reports, extend_deadlines]
    inlines = [
        RatioUpdateInline,
        StepProgressInline,
        LetterReferenceInline,
        EvidenceFileInline,
        ReportTransitionInline,
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a report is started by its district (reports.services.report_start)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # shown read-only; its changes are the actions above

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing saved is ever lost


@admin.register(YearSummary)
class YearSummaryAdmin(admin.ModelAdmin):
    list_display = ["assignment", "updated_at", "updated_by"]
    search_fields = ["assignment__code", "assignment__district__name_th"]
    autocomplete_fields = ["assignment"]
