"""Reads for pages and PDFs: the web page and the printed sheet share these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import scope_assignments
from districts.models import District, Division, ZoneGroup
from indicators.models import (
    QUARTERS,
    Assignment,
    FiscalYear,
    Indicator,
    MeasurementKind,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    StrategyNode,
)
from kpi_portal.thaidate import thai_date
from reports.models import (
    DeadlineExtension,
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    Status,
    StepProgress,
    YearSummary,
)


def effective_deadline(assignment: Assignment, quarter: int) -> dt.date | None:
    """The quarter's deadline for this assignment's district, extension included."""
    period = (
        ReportingPeriod.objects.filter(
            fiscal_year_id=assignment.indicator.fiscal_year_id, quarter=quarter
        )
        .only("id", "deadline")
        .first()
    )
    if period is None:
        return None
    extension = (
        DeadlineExtension.objects.filter(period=period, district_id=assignment.district_id)
        .values_list("deadline", flat=True)
        .first()
    )
    return max(period.deadline, extension) if extension else period.deadline


@dataclass
class QuarterRow:
    """One line of the quarterly table on the sheet and the home page."""

    quarter: int
    target: Decimal | None
    report: Report | None
    period: ReportingPeriod | None
    url: str = ""  # the quarter's report page, where a page lists many of them

    @property
    def status(self) -> str:
        return self.report.status if self.report else "not_started"

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("ยังไม่เริ่ม")

    @property
    def last_transition(self) -> ReportTransition | None:
        if self.report is None:
            return None
        transitions = list(self.report.transitions.all())
        return transitions[-1] if transitions else None


@dataclass
class AssignmentSheet:
    """Everything the indicator detail sheet shows, for the web page and the PDF alike."""

    assignment: Assignment
    rows: list[QuarterRow]
    steps: list[MilestoneStep]
    strategy_chain: list[StrategyNode]
    latest_assessment: Report | None
    summary: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def indicator(self):  # type: ignore[no-untyped-def]
        return self.assignment.indicator

    @property
    def latest_result(self) -> Decimal | None:
        for row in reversed(self.rows):
            if row.report is not None and row.report.result is not None:
                return row.report.result
        return None


def _report_prefetches() -> list[Prefetch[Any]]:
    return [
        Prefetch(
            "reports",
            queryset=Report.objects.order_by("quarter").prefetch_related(
                "ratio_updates",
                Prefetch("step_progress", queryset=StepProgress.objects.select_related("step")),
                "letters",
                "evidence_files",
                Prefetch("transitions", queryset=ReportTransition.objects.order_by("at", "id")),
            ),
        ),
    ]


def assignments_for_user(user: Any) -> QuerySet[Assignment]:
    return scope_assignments(
        user,
        Assignment.objects.select_related(
            "indicator__fiscal_year", "district__zone_group", "division"
        ),
    )


def strategy_chain(
    nodes: list[StrategyNode], plan: dict[str, StrategyNode] | None = None
) -> list[StrategyNode]:
    """The nodes with all their ancestors, top-down (ด้านที่ ๗ → ๗.๕ → ๗.๕.๑ → ๗.๕.๑.๓).

    ``plan`` (every node by code) saves the query when many chains are built."""
    codes: set[str] = set()
    for node in nodes:
        parts = node.code.split(".")
        codes.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    if not codes:
        return []
    if plan is None:
        chain = list(StrategyNode.objects.filter(code__in=codes))
    else:
        chain = [plan[code] for code in codes if code in plan]
    return sorted(chain, key=lambda n: [int(p) if p.isdigit() else p for p in n.code.split(".")])


def assignment_sheet(assignment: Assignment) -> AssignmentSheet:
    """Load the detail sheet of one assignment in a fixed number of queries."""
    return assignment_sheets(Assignment.objects.filter(pk=assignment.pk))[0]


def assignment_sheets(assignments: QuerySet[Assignment]) -> list[AssignmentSheet]:
    """The detail sheets of many assignments (a booklet's hundred) in the same fixed
    number of queries as one: loading them one by one was a tenth of a booklet."""
    loaded = list(
        assignments.select_related(
            "indicator__fiscal_year", "district__zone_group", "division", "year_summary"
        ).prefetch_related(
            "quarter_targets",
            "indicator__strategy_nodes",
            Prefetch(
                "indicator__steps",
                queryset=MilestoneStep.objects.prefetch_related("sub_items"),
            ),
            *_report_prefetches(),
        )
    )
    if not loaded:
        return []
    periods: dict[int, dict[int, ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(
        fiscal_year_id__in={a.indicator.fiscal_year_id for a in loaded}
    ):
        periods.setdefault(period.fiscal_year_id, {})[period.quarter] = period
    plan = (
        {node.code: node for node in StrategyNode.objects.all()}
        if any(a.indicator.strategy_nodes.all() for a in loaded)
        else {}
    )
    return [_sheet(a, periods.get(a.indicator.fiscal_year_id, {}), plan) for a in loaded]


def _sheet(
    assignment: Assignment,
    periods: dict[int, ReportingPeriod],
    plan: dict[str, StrategyNode],
) -> AssignmentSheet:
    targets = {t.quarter: t.target for t in assignment.quarter_targets.all()}
    reports = {r.quarter: r for r in assignment.reports.all()}
    rows = [QuarterRow(q, targets.get(q), reports.get(q), periods.get(q)) for q in QUARTERS]
    published = [
        row.report
        for row in rows
        if row.report is not None
        and row.report.score is not None
        and row.report.status == Status.EVALUATED
        and row.period is not None
        and row.period.assessment_published_on is not None
    ]
    try:
        summary = assignment.year_summary.text
    except Assignment.year_summary.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        summary = ""
    return AssignmentSheet(
        assignment=assignment,
        rows=rows,
        steps=list(assignment.indicator.steps.all()),
        strategy_chain=strategy_chain(list(assignment.indicator.strategy_nodes.all()), plan),
        latest_assessment=published[-1] if published else None,
        summary=summary,
    )


def fiscal_years() -> QuerySet[FiscalYear]:
    return FiscalYear.objects.order_by("-year")


@dataclass
class StepRow:
    step: MilestoneStep
    progress: StepProgress | None
    overdue: bool


@dataclass
class ReportPage:
    """Everything the quarterly report page shows."""

    assignment: Assignment
    quarter: int
    report: Report | None
    deadline: dt.date | None
    extended: bool
    can_edit: bool
    closed_reason: str
    steps: list[StepRow]
    returned_comment: ReportTransition | None
    target: Decimal | None
    earlier_updates: list[RatioUpdate] = field(default_factory=list)

    @property
    def indicator(self):  # type: ignore[no-untyped-def]
        return self.assignment.indicator

    @property
    def version(self) -> int:
        return self.report.version if self.report else 0

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - timezone.localdate()).days


def report_page(assignment: Assignment, quarter: int, *, user_can_edit: bool) -> ReportPage:
    """Load one quarter's report with its updates, steps and evidence."""
    assignment = (
        Assignment.objects.select_related("indicator__fiscal_year", "district", "division")
        .prefetch_related("quarter_targets")
        .get(pk=assignment.pk)
    )
    report = (
        Report.objects.filter(assignment=assignment, quarter=quarter)
        .select_related("submitted_by", "updated_by", "evaluated_by")
        .prefetch_related(
            "ratio_updates",
            Prefetch("step_progress", queryset=StepProgress.objects.select_related("step")),
            "letters",
            "evidence_files",
            Prefetch("transitions", queryset=ReportTransition.objects.order_by("at", "id")),
        )
        .first()
    )
    period = ReportingPeriod.objects.filter(
        fiscal_year_id=assignment.indicator.fiscal_year_id, quarter=quarter
    ).first()
    extension = (
        DeadlineExtension.objects.filter(period=period, district_id=assignment.district_id).first()
        if period
        else None
    )
    deadline = None
    if period is not None:
        deadline = max(period.deadline, extension.deadline) if extension else period.deadline
    today = timezone.localdate()

    closed_reason = ""
    if report is not None and report.status not in (Status.DRAFT, Status.RETURNED, Status.REOPENED):
        closed_reason = _("รายงานอยู่ในสถานะ “%(status)s” สำนักงานเขตจึงแก้ไขไม่ได้") % {
            "status": report.get_status_display()
        }
    elif deadline is not None and today > deadline:
        closed_reason = _(
            "เลยกำหนดส่งรายงานไตรมาสนี้แล้ว (%(date)s) หากจำเป็นต้องแก้ไข "
            "กรุณาติดต่อสำนักยุทธศาสตร์และประเมินผล (สยป.) เพื่อขอขยายกำหนดส่ง"
        ) % {"date": thai_date(deadline)}
    elif not assignment.indicator.fiscal_year.is_open:
        closed_reason = _("ปีงบประมาณนี้ปิดแล้ว")

    progress = {p.step_id: p for p in report.step_progress.all()} if report else {}
    if report is None:
        # Show what the next save will carry forward from the latest earlier quarter.
        earlier = (
            Report.objects.filter(assignment=assignment, quarter__lt=quarter)
            .order_by("-quarter")
            .prefetch_related("step_progress")
            .first()
        )
        progress = {p.step_id: p for p in earlier.step_progress.all()} if earlier else {}
    steps = [
        StepRow(
            step=step,
            progress=progress.get(step.pk),
            overdue=step.pk not in progress and step.due_date is not None and step.due_date < today,
        )
        for step in MilestoneStep.objects.filter(indicator=assignment.indicator).prefetch_related(
            "sub_items"
        )
    ]
    returned = None
    if report is not None and report.status == Status.RETURNED:
        returned = next(
            (t for t in reversed(report.transitions.all()) if t.to_status == Status.RETURNED), None
        )
    targets = {t.quarter: t.target for t in assignment.quarter_targets.all()}
    earlier_updates = []
    if assignment.indicator.kind == MeasurementKind.RATIO and quarter > 1:
        earlier_updates = list(
            RatioUpdate.objects.filter(report__assignment=assignment, report__quarter__lt=quarter)
            .select_related("report")
            .order_by("as_of", "id")
        )
    return ReportPage(
        assignment=assignment,
        quarter=quarter,
        report=report,
        deadline=deadline,
        extended=extension is not None
        and extension.deadline > (period.deadline if period else today),
        can_edit=user_can_edit and not closed_reason,
        closed_reason=closed_reason,
        steps=steps,
        returned_comment=returned,
        target=targets.get(quarter),
        earlier_updates=earlier_updates,
    )


def _sheet_sources() -> list[tuple[type[Any], str]]:
    """Every table the detail sheet is printed from, with the rows that belong to one
    assignment (``%(a)s``); the conditions use the CTE ``ids`` of sheet_fingerprint."""
    reports_of = "report_id IN (SELECT id FROM reports_report WHERE assignment_id = %(a)s)"
    return [
        (Assignment, "id = %(a)s"),
        (Indicator, "id = (SELECT indicator_id FROM ids)"),
        (FiscalYear, "id = (SELECT fiscal_year_id FROM ids)"),
        (District, "id = (SELECT district_id FROM ids)"),
        (ZoneGroup, "id = (SELECT zone_group_id FROM ids)"),
        (Division, "id = (SELECT division_id FROM ids)"),
        (YearSummary, "assignment_id = %(a)s"),
        (QuarterTarget, "assignment_id = %(a)s"),
        (ReportingPeriod, "fiscal_year_id = (SELECT fiscal_year_id FROM ids)"),
        # The chain climbs to ancestors by code; the whole plan is a few dozen rows.
        (StrategyNode, "TRUE"),
        (Indicator.strategy_nodes.through, "indicator_id = (SELECT indicator_id FROM ids)"),
        (MilestoneStep, "indicator_id = (SELECT indicator_id FROM ids)"),
        (
            MilestoneSubItem,
            "step_id IN (SELECT id FROM indicators_milestonestep"
            " WHERE indicator_id = (SELECT indicator_id FROM ids))",
        ),
        (Report, "assignment_id = %(a)s"),
        (RatioUpdate, reports_of),
        (StepProgress, reports_of),
        (LetterReference, reports_of),
        (EvidenceFile, reports_of),
    ]


def sheet_fingerprint(assignment_id: int) -> str:
    """A digest of every row the assignment's sheet is printed from, in one query.

    Whole rows, not chosen fields, so that no edit — through the services, the admin
    or SQL — can leave a stale printed sheet in the cache, and the cached PDF is
    found without loading the sheet (53 -> a few ms a request at full scale).
    """
    # Table names come from the models and the conditions are constants above; the
    # only value, the assignment's id, is a query parameter.
    parts = [
        f"coalesce((SELECT string_agg(t::text, '|' ORDER BY t.id) FROM {model._meta.db_table} t"  # noqa: S608
        f" WHERE {condition}), '')"  # nosec B608
        for model, condition in _sheet_sources()
    ]
    sql = (
        "WITH ids AS ("  # noqa: S608
        " SELECT a.indicator_id, a.district_id, a.division_id, i.fiscal_year_id, d.zone_group_id"
        " FROM indicators_assignment a"
        " JOIN indicators_indicator i ON i.id = a.indicator_id"
        " JOIN districts_district d ON d.id = a.district_id"
        " WHERE a.id = %(a)s)"
        f" SELECT md5(concat_ws('#', {', '.join(parts)}))"  # nosec B608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"a": assignment_id})
        row = cursor.fetchone()
    return str(row[0])
