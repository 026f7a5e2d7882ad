"""Reads for the evaluation office: the district × indicator matrix, the review
queue, suggested scores, report history and the per-indicator summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pghistory.models
from django.contrib.auth import get_user_model
from django.db.models import Exists, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District, ZoneGroup
from indicators.fiscal import quarter_bounds
from indicators.models import (
    Assignment,
    Direction,
    FiscalYear,
    Indicator,
    MeasurementKind,
    ReportingPeriod,
    ScoringRule,
)
from kpi_portal.thaidate import thai_date
from kpi_portal.thaidigits import format_amount, format_score
from reports.models import DeadlineExtension, Report, ReportTransition, Status, StepProgress
from reports.scoring import five_level_score, milestones_due_score, proportional_score

DONE = (Status.SUBMITTED, Status.EVALUATED)
DONE_VALUES = frozenset(str(status) for status in DONE)  # plain strings compare faster


@dataclass(slots=True)
class Cell:
    """One district's report on one indicator for the quarter (or its absence)."""

    assignment_id: int
    report_id: int | None
    status: str  # a Status value, or "not_started" without a report
    result: Decimal | None
    score: Decimal | None
    full_score: Decimal | None
    late: bool
    # Text filled in once per cell by office_matrix: a 50 x 100 matrix is 5,000
    # cells, and formatting them through template tags was most of the page.
    status_label: str = ""
    label: str = ""  # status_label, and "late" when it is
    result_text: str = ""
    score_text: str = ""
    url: str = ""


def _cell_labels() -> dict[str, str]:
    return {
        "not_started": _("ยังไม่เริ่ม"),
        Status.DRAFT: _("ร่าง"),
        Status.SUBMITTED: _("ส่งแล้ว"),
        Status.RETURNED: _("ส่งกลับ"),
        Status.EVALUATED: _("ประเมินแล้ว"),
        Status.REOPENED: _("เปิดแก้ไข"),
    }


def _dress(
    cell: Cell, labels: dict[str, str], late: str, score_url: str, formatted: dict[Any, str]
) -> Cell:
    """Fill in the cell's text once; ``formatted`` remembers figures already formatted."""
    cell.status_label = labels[cell.status]
    cell.label = cell.status_label + (f" · {late}" if cell.late else "")
    if cell.report_id is not None:
        cell.url = score_url.replace("0", str(cell.report_id), 1)
    if cell.result is not None:
        if cell.result not in formatted:
            formatted[cell.result] = format_amount(cell.result)
        cell.result_text = formatted[cell.result]
    if cell.score is not None and cell.full_score is not None:
        key = (cell.score, cell.full_score)
        if key not in formatted:
            formatted[key] = f"{format_score(cell.score)}/{format_score(cell.full_score)}"
        cell.score_text = formatted[key]
    return cell


@dataclass
class Completeness:
    assigned: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass
class MatrixRow:
    district: District
    cells: list[Cell | None]
    completeness: Completeness


@dataclass
class Matrix:
    fiscal_year: FiscalYear
    quarter: int
    deadline: dt.date | None
    indicators: list[Indicator]
    rows: list[MatrixRow]
    by_indicator: list[Completeness]
    zone_groups: list[ZoneGroup]
    years: list[FiscalYear]
    all_indicators: list[Indicator] = field(default_factory=list)


def _is_late(
    status: str | None, submitted_on: dt.date | None, deadline: dt.date | None, today: dt.date
) -> bool:
    if deadline is None:
        return False
    if status in DONE_VALUES:
        return submitted_on is not None and submitted_on > deadline
    return today > deadline


def office_matrix(
    fiscal_year: FiscalYear,
    quarter: int,
    *,
    zone_code: str | None = None,
    indicator_id: int | None = None,
    status: str | None = None,
    today: dt.date | None = None,
) -> Matrix:
    """Districts (Thai dictionary order) × assigned indicators, in a fixed number of queries."""
    today = today or timezone.localdate()
    districts = District.objects.select_related("zone_group").order_by("name_th")
    if zone_code:
        districts = districts.filter(zone_group__code=zone_code)
    # EXISTS rather than a join + DISTINCT: the DISTINCT over 50 assignments per
    # indicator and every indicator column cost 93 ms of a 450 ms page at full scale.
    all_indicators = list(
        Indicator.objects.filter(fiscal_year=fiscal_year)
        .filter(Exists(Assignment.objects.filter(indicator=OuterRef("pk"))))
        .only("id", "code", "name")
        .order_by("code")
    )
    indicators = [i for i in all_indicators if indicator_id in (None, i.pk)]
    in_scope = Assignment.objects.filter(indicator__fiscal_year=fiscal_year)
    if indicator_id is not None:
        in_scope = in_scope.filter(indicator_id=indicator_id)
    period = ReportingPeriod.objects.filter(fiscal_year=fiscal_year, quarter=quarter).first()
    extensions = (
        dict(DeadlineExtension.objects.filter(period=period).values_list("district_id", "deadline"))
        if period
        else {}
    )

    # One query for the assignments and their report for the quarter (a LEFT JOIN),
    # unordered: the Meta ordering joined districts and indicators only to sort
    # 5,000 rows that are looked up by key anyway.
    rows_in = (
        in_scope.annotate(
            quarter_report=FilteredRelation("reports", condition=Q(reports__quarter=quarter)),
            # The submission's local date comes from the database: converting 5,000
            # datetimes to the local zone in Python was a tenth of the page.
            report_submitted_on=TruncDate("quarter_report__submitted_at"),
        )
        .order_by()
        .values_list(
            "id",
            "district_id",
            "indicator_id",
            "quarter_report__id",
            "quarter_report__status",
            "quarter_report__result",
            "quarter_report__score",
            "quarter_report__full_score",
            "report_submitted_on",
        )
    )
    labels, late_label = _cell_labels(), str(_("ล่าช้า"))
    formatted: dict[Any, str] = {}
    score_url = reverse("office_score", args=[0])  # "/office/reports/0/"
    cells_by_key: dict[tuple[int, int], Cell] = {}
    for (
        assignment_id,
        district_id,
        indicator_id_,
        report_id,
        report_status,
        result,
        score,
        full_score,
        submitted_on,
    ) in rows_in:
        deadline = (
            max(period.deadline, extensions.get(district_id, period.deadline)) if period else None
        )
        late = _is_late(report_status, submitted_on, deadline, today)
        cells_by_key[(district_id, indicator_id_)] = _dress(
            Cell(
                assignment_id,
                report_id,
                report_status or "not_started",
                result,
                score,
                full_score,
                late,
            ),
            labels,
            late_label,
            score_url,
            formatted,
        )

    rows = []
    by_indicator = [Completeness() for _ in indicators]
    for district in districts:
        completeness = Completeness()
        cells: list[Cell | None] = [
            cells_by_key.get((district.pk, indicator.pk)) for indicator in indicators
        ]
        for cell, column_tally in zip(cells, by_indicator, strict=True):
            if cell is None:
                continue
            done = cell.status in DONE_VALUES
            for tally in (completeness, column_tally):
                tally.assigned += 1
                tally.submitted += done
                tally.late += cell.late
                tally.on_time += done and not cell.late
        if status and not any(
            c is not None and (c.status == status or (status == "late" and c.late)) for c in cells
        ):
            continue
        if completeness.assigned or not indicator_id:
            rows.append(MatrixRow(district, cells, completeness))
    return Matrix(
        fiscal_year=fiscal_year,
        quarter=quarter,
        deadline=period.deadline if period else None,
        indicators=indicators,
        rows=rows,
        by_indicator=by_indicator,
        zone_groups=list(ZoneGroup.objects.order_by("position")),
        years=list(FiscalYear.objects.order_by("-year")),
        all_indicators=all_indicators,
    )


def review_queue() -> QuerySet[Report]:
    """Submitted reports, oldest submission first (served by report_status_submitted)."""
    return (
        Report.objects.filter(status=Status.SUBMITTED)
        .select_related(
            "assignment__indicator__fiscal_year", "assignment__district", "submitted_by"
        )
        .order_by("submitted_at", "id")
    )


def next_in_queue(after: Report) -> Report | None:
    return (
        Report.objects.filter(status=Status.SUBMITTED)
        .exclude(pk=after.pk)
        .order_by("submitted_at", "id")
        .first()
    )


def suggested_score(report: Report) -> Decimal | None:
    """What the indicator's rule suggests for this report, or None without a result."""
    indicator = report.assignment.indicator
    full = report.full_score
    if indicator.scoring_rule == ScoringRule.MILESTONES_DUE:
        if indicator.kind != MeasurementKind.MILESTONES:
            return None
        done = set(report.step_progress.values_list("step_id", flat=True))
        quarter_end = quarter_bounds(indicator.fiscal_year.year, report.quarter)[1]
        return milestones_due_score(
            ((s.weight, s.pk in done, s.due_date) for s in indicator.steps.all()),
            quarter_end,
            full,
        )
    if report.result is None:
        return None
    lower = indicator.direction == Direction.LOWER
    if indicator.scoring_rule == ScoringRule.FIVE_LEVELS and indicator.level_thresholds:
        return five_level_score(
            report.result, indicator.level_thresholds, full, lower_is_better=lower
        )
    target = (
        report.assignment.quarter_targets.filter(quarter=report.quarter)
        .values_list("target", flat=True)
        .first()
    )
    if target is None:
        target = report.assignment.annual_target
    return proportional_score(report.result, target, full, lower_is_better=lower)


@dataclass
class HistoryEntry:
    at: dt.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]
    reason: str = ""


_FIELD_LABELS = {
    "status": "สถานะ",
    "result": "ผลงาน",
    "narrative": "รายงานผล",
    "score": "คะแนน",
    "full_score": "คะแนนเต็ม",
    "evaluator_comment": "ความเห็นผู้ประเมิน",
    "score_reason": "เหตุผลของคะแนน",
    "as_of": "ข้อมูล ณ วันที่",
    "numerator": "ตัวตั้ง",
    "denominator": "ตัวหาร",
    "note": "หมายเหตุ",
    "done_on": "วันที่แล้วเสร็จ",
    "number": "เลขที่หนังสือ",
    "dated": "ลงวันที่",
    "title": "เรื่อง",
    "original_name": "ไฟล์",
}
_MODEL_LABELS = {
    "reports.ReportEvent": "รายงาน",
    "reports.RatioUpdateEvent": "ข้อมูลความก้าวหน้า",
    "reports.StepProgressEvent": "ขั้นตอน",
    "reports.EvidenceFileEvent": "ไฟล์หลักฐาน",
    "reports.LetterReferenceEvent": "หนังสืออ้างอิง",
}
_ACTION_LABELS = {"insert": "เพิ่ม", "update": "แก้ไข", "delete": "ลบ"}
_HIDDEN = {
    "id",
    "report",
    "report_id",
    "updated_by",
    "updated_by_id",
    "created_by",
    "created_by_id",
    "uploaded_by",
    "uploaded_by_id",
    "file",
    "percent",
    "step_id",
    "assignment_id",
    "suggested_score",
    "evaluated_by_id",
    "submitted_by_id",
    "submitted_at",
    "evaluated_at",
    "uploaded_at",
    "content_type",
    "size",
    "quarter",
}


_AMOUNTS = {"result", "score", "full_score", "numerator", "denominator"}
_DATES = {"as_of", "done_on", "dated", "deadline"}


def _show(value: Any, name: str = "") -> str:
    """A history value as a Thai reader expects it: labels, amounts, BE dates."""
    if value is None or value == "":
        return "–"
    if name == "status" and value in Status.values:
        return str(Status(value).label)
    if name in _AMOUNTS:
        return format_amount(Decimal(str(value)))
    if name in _DATES:
        return thai_date(dt.date.fromisoformat(str(value)))
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def report_history(report: Report) -> list[HistoryEntry]:
    """Every change to the report and its figures, steps and evidence, newest first."""
    # Events aggregates every tracked model's history; pgh_context is the
    # request context (the user id) as JSON.
    events = list(pghistory.models.Events.objects.references(report).order_by("-pgh_created_at"))
    user_ids = {int(uid) for e in events if (uid := (e.pgh_context or {}).get("user"))}
    users = {
        u.pk: (u.get_full_name() or u.username)
        for u in get_user_model().objects.filter(pk__in=user_ids)
    }
    entries = []
    for event in events:
        user_id = int((event.pgh_context or {}).get("user") or 0)
        data = event.pgh_data or {}
        if event.pgh_label == "update":
            changes = [
                (_FIELD_LABELS.get(name, name), _show(old, name), _show(new, name))
                for name, (old, new) in (event.pgh_diff or {}).items()
                if name not in _HIDDEN
            ]
            if not changes:
                continue
        else:
            changes = [
                (_FIELD_LABELS.get(name, name), "", _show(value, name))
                for name, value in data.items()
                if name in _FIELD_LABELS and name not in _HIDDEN and value not in (None, "")
            ]
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                who=users.get(user_id, "ระบบ"),
                what=f"{_ACTION_LABELS.get(event.pgh_label, event.pgh_label)}"
                f"{_MODEL_LABELS.get(event.pgh_model, event.pgh_model)}",
                changes=changes,
            )
        )
    return entries


def report_for_scoring(pk: int) -> Report:
    return (
        Report.objects.select_related(
            "assignment__indicator__fiscal_year",
            "assignment__district__zone_group",
            "assignment__division",
            "submitted_by",
            "evaluated_by",
        )
        .prefetch_related(
            "ratio_updates",
            Prefetch("step_progress", queryset=StepProgress.objects.select_related("step")),
            "letters",
            "evidence_files",
            "assignment__quarter_targets",
            Prefetch(
                "transitions",
                queryset=ReportTransition.objects.select_related("actor").order_by("at", "id"),
            ),
        )
        .get(pk=pk)
    )


@dataclass
class SummaryRow:
    district: District
    cell: Cell

    @property
    def late(self) -> bool:
        return self.cell.late


@dataclass
class IndicatorSummary:
    indicator: Indicator
    quarter: int
    ranked: list[SummaryRow]
    zone_averages: list[tuple[ZoneGroup, Decimal | None, int]]
    late: int


def indicator_summary(
    indicator: Indicator, quarter: int, *, today: dt.date | None = None
) -> IndicatorSummary:
    """Districts ranked by score, zone-group averages and lateness for one indicator."""
    today = today or timezone.localdate()
    matrix = office_matrix(indicator.fiscal_year, quarter, indicator_id=indicator.pk, today=today)
    rows = [
        SummaryRow(row.district, cell)
        for row in matrix.rows
        if row.cells and (cell := row.cells[0]) is not None
    ]
    ranked = sorted(rows, key=lambda r: (r.cell.score is None, -(r.cell.score or 0)))
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for row in rows:
        if row.cell.score is not None:
            scores[row.district.zone_group_id].append(row.cell.score)
    averages = [
        (
            group,
            (sum(scores[group.pk], Decimal(0)) / len(scores[group.pk])).quantize(Decimal("0.01"))
            if scores[group.pk]
            else None,
            len(scores[group.pk]),
        )
        for group in matrix.zone_groups
    ]
    return IndicatorSummary(indicator, quarter, ranked, averages, sum(r.late for r in rows))
