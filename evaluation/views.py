"""Pages of the evaluation office (สยป.): matrix, queue, scoring, returns, history, summary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts.access import office_required
from evaluation import services as evaluation_services
from evaluation.forms import ExtensionForm, ReopenForm, ReturnForm, ScoreForm
from evaluation.selectors import (
    indicator_summary,
    next_in_queue,
    office_matrix,
    report_for_scoring,
    review_queue,
)
from indicators import services as indicator_services
from indicators.fiscal import QUARTERS, current_fiscal_year, quarter_of
from indicators.models import FiscalYear, Indicator, PublicationEvent, ReportingPeriod
from indicators.selectors import fiscal_year_for_page, fiscal_years
from kpi_portal.errors import ActionRefused
from kpi_portal.http import HtmxHttpRequest, parse_int
from reports import services
from reports.history import report_history
from reports.models import Report, Status, status_legend
from reports.scoring import suggested_score
from reports.validation import report_problems

_int = parse_int


def _year_and_quarter(request: HtmxHttpRequest) -> tuple[FiscalYear, int]:
    fiscal_year = fiscal_year_for_page(_int(request.GET.get("year")))
    quarter = _int(request.GET.get("quarter"))
    if quarter not in QUARTERS:
        today = timezone.localdate()
        quarter = quarter_of(today) if fiscal_year.year == current_fiscal_year(today) else 4
    return fiscal_year, quarter


@office_required
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The matrix of districts × indicators for one quarter."""
    fiscal_year, quarter = _year_and_quarter(request)
    matrix = office_matrix(
        fiscal_year,
        quarter,
        zone_code=request.GET.get("zone") or None,
        indicator_id=_int(request.GET.get("indicator")),
        status=request.GET.get("status") or None,
        sort=request.GET.get("sort") or "name",
    )
    template = "office/home.html"
    if request.htmx:
        template += "#matrix"
    period = (
        ReportingPeriod.objects.filter(fiscal_year=fiscal_year, quarter=quarter)
        .prefetch_related(
            Prefetch(
                "publication_events",
                queryset=PublicationEvent.objects.select_related("actor").order_by("-at", "-id"),
            )
        )
        .first()
    )
    return render(
        request,
        template,
        {
            "matrix": matrix,
            "period": period,
            "last_publication": period.publication_events.all()[:1] if period else [],
            "filters": request.GET,
            "statuses": status_legend(),
            "queue_size": review_queue().count(),
        },
    )


@office_required
@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """Submitted reports, oldest first, a hundred to a page."""
    reports = Paginator(review_queue(), 100).get_page(request.GET.get("page"))
    return render(
        request, "office/queue.html", {"reports": reports, "waiting": reports.paginator.count}
    )


def _scoring_context(report: Report, **extra: Any) -> dict[str, Any]:
    suggested = suggested_score(report)
    return {
        "report": report,
        "a": report.assignment,
        "ind": report.assignment.indicator,
        "suggested": suggested,
        "score_form": extra.pop("score_form", None)
        or ScoreForm(
            initial={"score": suggested}, full_score=report.full_score, suggested=suggested
        ),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(),
        "extension_form": extra.pop("extension_form", None) or ExtensionForm(),
        "next_report": next_in_queue(report),
        "history": report_history(report),
        # The warnings the district explained when it submitted, as they stand.
        "warnings": [p for p in report_problems(report) if not p.is_error],
        **extra,
    }


def _next_report_url(report: Report) -> str:
    following = next_in_queue(report)
    return reverse("office_score", args=[following.pk]) if following else reverse("office_queue")


def _act(
    request: HtmxHttpRequest,
    report: Report,
    form: forms.Form,
    form_name: str,
    action: Callable[[dict[str, Any]], object],
    then: str,
) -> HttpResponse:
    """Validate ``form``, run ``action`` with its data, and go to ``then``; on a
    refusal, show the scoring page again with the form's errors (422)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            return redirect(then)
    return render(
        request, "office/score.html", _scoring_context(report, **{form_name: form}), status=422
    )


def _report(report_id: int) -> Report:
    return report_for_scoring(get_object_or_404(Report, pk=report_id).pk)


@office_required
@require_http_methods(["GET", "POST"])
def score(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """The report exactly as submitted, the indicator's criteria and the scoring form."""
    report = _report(report_id)
    if request.method == "GET":
        return render(request, "office/score.html", _scoring_context(report))
    suggested = suggested_score(report)
    return _act(
        request,
        report,
        ScoreForm(request.POST, full_score=report.full_score, suggested=suggested),
        "score_form",
        lambda data: evaluation_services.report_score(
            report=report,
            actor=request.user,
            score=data["score"],
            comment=data["comment"],
            reason=data["reason"],
            suggested=suggested,
        ),
        _next_report_url(report),
    )


@office_required
@require_POST
def return_report(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    return _act(
        request,
        report,
        ReturnForm(request.POST),
        "return_form",
        lambda data: services.report_transition(
            report=report, to_status=Status.RETURNED, actor=request.user, reason=data["comment"]
        ),
        _next_report_url(report),
    )


@office_required
@require_POST
def reopen(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    report = _report(report_id)
    return _act(
        request,
        report,
        ReopenForm(request.POST),
        "reopen_form",
        lambda data: services.report_transition(
            report=report, to_status=Status.REOPENED, actor=request.user, reason=data["reason"]
        ),
        reverse("office_score", args=[report.pk]),
    )


@office_required
@require_POST
def extend(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """Extend the report's quarter deadline for its district."""
    report = _report(report_id)
    period = get_object_or_404(
        ReportingPeriod,
        fiscal_year=report.assignment.indicator.fiscal_year,
        quarter=report.quarter,
    )
    return _act(
        request,
        report,
        ExtensionForm(request.POST),
        "extension_form",
        lambda data: indicator_services.deadline_extend(
            district=report.assignment.district,
            period=period,
            deadline=data["deadline"],
            reason=data["reason"],
            actor=request.user,
        ),
        reverse("office_score", args=[report.pk]),
    )


@office_required
@require_GET
def summary(request: HtmxHttpRequest) -> HttpResponse:
    fiscal_year, quarter = _year_and_quarter(request)
    indicators = list(Indicator.objects.filter(fiscal_year=fiscal_year).order_by("code"))
    chosen = next(
        (i for i in indicators if i.pk == _int(request.GET.get("indicator"))),
        indicators[0] if indicators else None,
    )
    return render(
        request,
        "office/summary.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "indicators": indicators,
            "summary": indicator_summary(chosen, quarter) if chosen else None,
            "years": fiscal_years(),
        },
    )


def _period(request: HtmxHttpRequest) -> ReportingPeriod | None:
    period = (
        ReportingPeriod.objects.select_related("fiscal_year")
        .filter(pk=_int(request.POST.get("period")) or 0)
        .first()
    )
    if period is None:
        messages.error(request, _("ไม่พบไตรมาสที่เลือก กรุณาเลือกใหม่"))
    return period


def _back_to_matrix(period: ReportingPeriod) -> HttpResponse:
    return redirect(
        reverse("office_home") + f"?year={period.fiscal_year.year}&quarter={period.quarter}"
    )


@office_required
@require_POST
def publish(request: HtmxHttpRequest) -> HttpResponse:
    """Publish a quarter's evaluations: from now the districts see their scores."""
    period = _period(request)
    if period is None:
        return redirect("office_home")
    try:
        indicator_services.period_publish(period=period, actor=request.user)
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("ประกาศผลการประเมินไตรมาสที่ %(q)s แล้ว สำนักงานเขตเห็นคะแนนของตนแล้ว")
            % {"q": period.quarter},
        )
    return _back_to_matrix(period)


@office_required
@require_POST
def withdraw(request: HtmxHttpRequest) -> HttpResponse:
    """Take a quarter's published evaluations back from the districts, with a reason."""
    period = _period(request)
    if period is None:
        return redirect("office_home")
    try:
        indicator_services.period_withdraw(
            period=period, actor=request.user, reason=request.POST.get("reason", "")[:2000]
        )
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("ถอนประกาศผลไตรมาสที่ %(q)s แล้ว") % {"q": period.quarter})
    return _back_to_matrix(period)
