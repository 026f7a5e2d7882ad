"""Pages of the evaluation office (สยป.): matrix, queue, scoring, returns, history, summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts.access import get_district_for_user, office_required, sees_every_district
from districts.models import ZoneGroup
from evaluation import services as evaluation_services
from evaluation.cache import SLOT, cached_parts, fill_slot, matrix_version, safe_html
from evaluation.forms import ExtensionForm, ReopenForm, ReturnForm, ScoreForm
from evaluation.scorecard import (
    YEAR_QUARTER,
    RankedDistrict,
    Ranking,
    Scorecard,
    district_ranking,
    district_scorecard,
    weight_totals,
)
from evaluation.selectors import (
    QUEUE_STATUSES,
    IndicatorSummary,
    Matrix,
    QueueFilter,
    QueueFlag,
    indicator_summary,
    matrix_outline,
    matrix_zone_required,
    next_in_queue,
    office_matrix,
    queue_choices,
    report_for_scoring,
    review_queue,
    with_flags,
)
from evaluation.templatetags.matrix import indicator_options
from indicators import services as indicator_services
from indicators.calendar import district_deadline
from indicators.fiscal import QUARTERS, current_fiscal_year, quarter_of
from indicators.models import FiscalYear, Indicator, PublicationEvent, ReportingPeriod
from indicators.selectors import fiscal_year_for_page, fiscal_years
from kpi_portal.errors import ActionRefused
from kpi_portal.http import HtmxHttpRequest, parse_int
from kpi_portal.thaidate import format_date
from reports import services
from reports.changes import changes_since_review
from reports.history import report_history
from reports.models import Report, Status, status_legend
from reports.publication import is_published
from reports.scoring import score_comparison, suggested_score
from reports.validation import report_problems

_int = parse_int


def year_and_quarter(request: HtmxHttpRequest) -> tuple[FiscalYear, int]:
    """The office pages' year and quarter (``?year=&quarter=``): by default the current
    quarter of the current year, or the fourth of a past year. Exports ask it too."""
    fiscal_year = fiscal_year_for_page(_int(request.GET.get("year")))
    quarter = _int(request.GET.get("quarter"))
    if quarter not in QUARTERS:
        today = timezone.localdate()
        quarter = quarter_of(today) if fiscal_year.year == current_fiscal_year(today) else 4
    return fiscal_year, quarter


def _matrix_filters(request: HtmxHttpRequest, default_zone: str | None) -> dict[str, Any]:
    """The matrix's filters from the query (zone, indicator, status, sort); no zone
    asked for is every zone, unless there are too many agencies for one table
    (``default_zone``: selectors.matrix_zone_required)."""
    return {
        "zone_code": request.GET.get("zone") or default_zone,
        "indicator_id": _int(request.GET.get("indicator")),
        "status": request.GET.get("status") or None,
        "sort": request.GET.get("sort") or "name",
    }


def matrix_for_request(request: HtmxHttpRequest) -> Matrix:
    """The matrix with the page's filters (year, quarter, zone, indicator, status,
    sort): the page and its export show the same rows."""
    fiscal_year, quarter = year_and_quarter(request)
    return office_matrix(fiscal_year, quarter, **_matrix_filters(request, matrix_zone_required()))


def _cached_matrix(
    fiscal_year: FiscalYear, quarter: int, filters: dict[str, Any]
) -> tuple[dict[str, bytes], Matrix | None]:
    """The matrix's table and indicator choices from the matrix cache, else built (and
    the matrix they were built from)."""
    version = matrix_version(fiscal_year.pk, quarter, timezone.localdate())  # before the data
    built: list[Matrix] = []

    def render_parts() -> dict[str, str]:
        matrix = office_matrix(fiscal_year, quarter, **filters)
        built.append(matrix)
        return {
            # No request: the cached table must hold nothing of whoever asked first.
            "table": render_to_string("office/home.html#matrix-table", {"matrix": matrix}),
            "indicator_options": indicator_options(matrix.all_indicators, filters["indicator_id"]),
        }

    params = {"year": fiscal_year.pk, "quarter": quarter, **filters}
    return cached_parts(version, params, render_parts), (built[0] if built else None)


@office_required
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The matrix of districts × indicators for one quarter; its table comes from the
    matrix cache while nothing it shows has changed (evaluation/cache.py)."""
    fiscal_year, quarter = year_and_quarter(request)
    default_zone = matrix_zone_required()
    filters = _matrix_filters(request, default_zone)
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
    parts, matrix = _cached_matrix(fiscal_year, quarter, filters)
    shown = request.GET.copy()
    shown["zone"] = filters["zone_code"] or ""
    template = "office/home.html"
    if request.htmx:
        template += "#matrix"
    response = render(
        request,
        template,
        {
            "matrix": matrix or matrix_outline(fiscal_year, quarter, period, sort=filters["sort"]),
            "matrix_table": mark_safe(SLOT),  # noqa: S308  # nosec B308, B703
            "indicator_options": safe_html(parts["indicator_options"]),
            "period": period,
            "last_publication": period.publication_events.all()[:1] if period else [],
            "filters": shown,
            "zone_required": default_zone is not None,
            "statuses": status_legend(),
            "queue_size": Report.objects.filter(status=Status.SUBMITTED).count(),
        },
    )
    return fill_slot(response, parts["table"])


@office_required
@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """Reports waiting for the office, newest year first, filtered, a hundred to a page."""
    filters = QueueFilter.from_query(request.GET)
    reports = Paginator(review_queue(filters), 100).get_page(request.GET.get("page"))
    reports.object_list = with_flags(reports.object_list)
    return render(
        request,
        "office/queue.html",
        {
            "reports": reports,
            "waiting": reports.paginator.count,
            "filters": filters,
            "statuses": [(s, Status(s).label) for s in QUEUE_STATUSES],
            "flags": [
                (QueueFlag.WARNING, _("มีคำชี้แจงคำเตือน")),
                (QueueFlag.RESUBMITTED, _("ส่งใหม่หลังส่งกลับหรือเปิดแก้ไข")),
                (QueueFlag.LATE, _("ส่งล่าช้า")),
            ],
            **queue_choices(),
        },
    )


def _scoring_context(
    report: Report, filters: QueueFilter | None = None, actor: Any = None, **extra: Any
) -> dict[str, Any]:
    filters = filters or QueueFilter()
    suggested = suggested_score(report)
    return {
        "report": report,
        "a": report.assignment,
        "ind": report.assignment.indicator,
        "suggested": suggested,
        "comparison": score_comparison(report, suggested),
        "score_form": extra.pop("score_form", None)
        or ScoreForm(
            initial={"score": suggested}, full_score=report.full_score, suggested=suggested
        ),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(),
        "extension_form": extra.pop("extension_form", None) or ExtensionForm(),
        "next_report": next_in_queue(report, filters),
        "queue_filter": filters,
        "conflict": evaluation_services.evaluation_conflict(report, actor),
        "history": report_history(report),
        "changes": changes_since_review(report),
        "deadline": district_deadline(
            report.assignment.indicator.fiscal_year_id,
            report.quarter,
            report.assignment.district_id,
        ),
        # The warnings the district explained when it submitted, as they stand.
        "warnings": [p for p in report_problems(report) if not p.is_error],
        **extra,
    }


def _next_report_url(request: HtmxHttpRequest, report: Report) -> str:
    """The next report waiting in the evaluator's filter, else the queue (filtered)."""
    filters = QueueFilter.from_query(request.GET)
    following = next_in_queue(report, filters)
    if following is None:
        messages.info(request, _("ไม่มีรายงานรอประเมินในตัวกรองนี้แล้ว"))
        return reverse("office_queue") + filters.query
    return reverse("office_score", args=[following.pk]) + filters.query


def _act(
    request: HtmxHttpRequest,
    report: Report,
    form: forms.Form,
    form_name: str,
    action: Callable[[dict[str, Any]], Any],
    then: Callable[[], str],
    done: str | Callable[[Any], str] = "",
) -> HttpResponse:
    """Validate ``form``, run ``action`` with its data, confirm with ``done`` (a
    message, or one made from what the action returned) and go to ``then()``; on
    a refusal, show the scoring page again with the form's errors (422)."""
    if form.is_valid():
        try:
            made = action(form.cleaned_data)
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            message = done(made) if callable(done) else done
            if message:
                messages.success(request, message)
            return redirect(then())
    filters = QueueFilter.from_query(request.GET)
    return render(
        request,
        "office/score.html",
        _scoring_context(report, filters, request.user, **{form_name: form}),
        status=422,
    )


def _same_page(request: HtmxHttpRequest, report: Report) -> str:
    return reverse("office_score", args=[report.pk]) + QueueFilter.from_query(request.GET).query


def _names(report: Report) -> dict[str, object]:
    return {
        "district": report.assignment.district.office_name,
        "code": report.assignment.indicator.code,
        "q": report.quarter,
    }


def _report(report_id: int) -> Report:
    return report_for_scoring(get_object_or_404(Report, pk=report_id).pk)


@office_required
@require_http_methods(["GET", "POST"])
def score(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """The report exactly as submitted, the indicator's criteria and the scoring form."""
    report = _report(report_id)
    filters = QueueFilter.from_query(request.GET)
    if request.method == "GET":
        return render(request, "office/score.html", _scoring_context(report, filters, request.user))
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
        lambda: _next_report_url(request, report),
        _("บันทึกคะแนนของ%(district)s ตัวชี้วัด %(code)s ไตรมาสที่ %(q)s แล้ว") % _names(report),
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
        lambda data: evaluation_services.report_return(
            report=report, actor=request.user, comment=data["comment"]
        ),
        lambda: _next_report_url(request, report),
        _("ส่งรายงานของ%(district)s ตัวชี้วัด %(code)s ไตรมาสที่ %(q)s กลับให้แก้ไขแล้ว") % _names(report),
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
        lambda: (
            reverse("office_score", args=[report.pk]) + QueueFilter.from_query(request.GET).query
        ),
        _("เปิดรายงานให้สำนักงานเขตแก้ไขอีกครั้งแล้ว"),
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
        lambda: _same_page(request, report),
        lambda extension: _extension_granted(report, extension.deadline),
    )


def _extension_granted(report: Report, deadline: dt.date) -> str:
    return _(
        "ขยายกำหนดส่งรายงานไตรมาสที่ %(q)s ปีงบประมาณ %(year)s ของ%(district)s ถึง %(date)s แล้ว"
    ) % {
        "q": report.quarter,
        "year": report.assignment.indicator.fiscal_year.year,
        "district": report.assignment.district.office_name,
        "date": format_date(deadline),
    }


def summary_for_request(
    request: HtmxHttpRequest,
) -> tuple[FiscalYear, int, list[Indicator], IndicatorSummary | None]:
    """The quarter summary's year, quarter, indicators and the chosen indicator's
    summary (the first indicator unless ``?indicator=`` names one of the year's)."""
    fiscal_year, quarter = year_and_quarter(request)
    indicators = list(Indicator.objects.filter(fiscal_year=fiscal_year).order_by("code"))
    chosen = next(
        (i for i in indicators if i.pk == _int(request.GET.get("indicator"))),
        indicators[0] if indicators else None,
    )
    return fiscal_year, quarter, indicators, indicator_summary(chosen, quarter) if chosen else None


@office_required
@require_GET
def summary(request: HtmxHttpRequest) -> HttpResponse:
    fiscal_year, quarter, indicators, summary = summary_for_request(request)
    return render(
        request,
        "office/summary.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "indicators": indicators,
            "summary": summary,
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


def _scorecard_quarter(request: HtmxHttpRequest, fiscal_year: FiscalYear) -> int:
    """The quarter asked for, else the latest published one, else the current one."""
    quarter = _int(request.GET.get("quarter"))
    if quarter in QUARTERS:
        return quarter
    today = timezone.localdate()
    published = [
        p.quarter
        for p in ReportingPeriod.objects.filter(fiscal_year=fiscal_year)
        if is_published(p.assessment_published_on, today)
    ]
    if published:
        return max(published)
    return quarter_of(today) if fiscal_year.year == current_fiscal_year(today) else YEAR_QUARTER


def scorecard_for_request(request: HtmxHttpRequest, code: str, year: int) -> Scorecard:
    district = get_district_for_user(request, code)
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    return district_scorecard(
        district,
        fiscal_year,
        _scorecard_quarter(request, fiscal_year),
        office_view=sees_every_district(request.user),
    )


@login_required
@require_GET
def scorecard(request: HtmxHttpRequest, code: str, year: int) -> HttpResponse:
    """A district's scorecard for a year: each indicator's weight, target, result,
    self-assessment and the office's score, and the weighted totals."""
    card = scorecard_for_request(request, code, year)
    return render(
        request,
        "scorecard/scorecard.html",
        {"card": card, "years": fiscal_years(), "year_quarter": YEAR_QUARTER},
    )


@dataclass
class RankingView:
    """The rankings as the page filters them (``?zone=``): overall and per zone group."""

    ranking: Ranking
    zone: str
    zone_required: bool  # too many agencies for one list: no "every zone" choice
    overall: list[RankedDistrict]
    groups: list[tuple[ZoneGroup, list[RankedDistrict]]]


def ranking_for_request(request: HtmxHttpRequest) -> RankingView:
    fiscal_year, quarter = year_and_quarter(request)
    required = matrix_zone_required()
    zone = request.GET.get("zone") or required or ""
    ranking = district_ranking(fiscal_year, quarter, zone_code=zone or None)
    return RankingView(
        ranking,
        zone,
        required is not None,
        [e for e in ranking.ranked if not zone or e.district.zone_group.code == zone],
        [(g, members) for g, members in ranking.zone_groups if not zone or g.code == zone],
    )


@office_required
@require_GET
def rankings(request: HtmxHttpRequest) -> HttpResponse:
    """The districts ranked by weighted score, overall and within zone groups, and
    the districts whose weights for the year do not add up to 100."""
    fiscal_year = (ranked := ranking_for_request(request)).ranking.fiscal_year
    ranking, groups, overall, zone = ranked.ranking, ranked.groups, ranked.overall, ranked.zone
    weights = [row for row in weight_totals(fiscal_year, zone or None) if row[1] != 100 or row[3]]
    return render(
        request,
        "office/rankings.html",
        {
            "ranking": ranking,
            "groups": groups,
            "overall": overall,
            "by_zone": request.GET.get("view") == "zones",
            "zone": zone,
            "zone_groups": list(ZoneGroup.objects.order_by("position")),
            "zone_required": ranked.zone_required,
            "weights": weights,
            "years": fiscal_years(),
            "year_quarter": YEAR_QUARTER,
        },
    )
