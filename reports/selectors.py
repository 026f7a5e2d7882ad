"""Reads for the district's pages and the PDFs: the district home, the report page,
the indicator sheet (the web page and the printed sheet share it) and the report's
audit history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import membership_of, scope_assignments
from districts.models import District, Division, Role, ZoneGroup
from indicators.calendar import district_windows, is_late, quarter_window
from indicators.fiscal import QUARTERS, quarter_bounds
from indicators.models import (
    Assignment,
    FiscalYear,
    Indicator,
    MeasurementKind,
    MilestoneBasis,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    StrategyNode,
)
from indicators.rules import RuleDescription, describe_rule
from indicators.selectors import EARLIER_YEARS_CTE, EARLIER_YEARS_LIMIT, earlier_years, fiscal_years
from kpi_portal.charts import Chart, Series, line_chart
from kpi_portal.thaidigits import format_amount
from reports.editing import district_lock
from reports.models import (
    EDITABLE_STATUSES,
    HANDED_IN_STATUSES,
    NOT_STARTED,
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    Status,
    StepProgress,
    YearSummary,
    status_label,
)
from reports.publication import is_published, score_is_public
from reports.scoring import suggested_score
from reports.validation import Problem, report_problems


class _ShowsStatus:
    """The status of a row's report as every page shows it (not started without one)."""

    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else NOT_STARTED

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class QuarterRow(_ShowsStatus):
    """One line of the quarterly table on the sheet and the home page."""

    quarter: int
    target: Decimal | None
    report: Report | None
    period: ReportingPeriod | None
    url: str = ""  # the quarter's report page, where a page lists many of them

    @property
    def score_public(self) -> bool:
        """The district may see this quarter's score (``reports.publication``)."""
        return score_is_public(self.report, self.period)

    @property
    def awaiting_publication(self) -> bool:
        """Evaluated, but its quarter not yet published: "รอประกาศผล"."""
        return (
            self.report is not None
            and self.report.status == Status.EVALUATED
            and not self.score_public
        )

    @property
    def last_transition(self) -> ReportTransition | None:
        if self.report is None:
            return None
        transitions = list(self.report.transitions.all())
        return transitions[-1] if transitions else None


@dataclass
class EarlierYear:
    """One earlier year of an indicator (ผลการดำเนินงานปีก่อน ๆ), on the sheet and, in
    brief, on the district page: its assignment, quarters and published score."""

    assignment: Assignment
    rows: list[QuarterRow]
    url: str  # that year's sheet
    code_changed: bool  # the indicator had another code that year
    name_changed: bool  # ... or another name

    @property
    def year(self) -> int:
        return self.assignment.indicator.fiscal_year.year

    @property
    def indicator(self) -> Indicator:
        return self.assignment.indicator

    @property
    def annual_result(self) -> Decimal | None:
        """The year's result as it ended: the last quarter reported with a result."""
        return next(
            (
                r.report.result
                for r in reversed(self.rows)
                if r.report and r.report.result is not None
            ),
            None,
        )

    @property
    def assessment(self) -> QuarterRow | None:
        """The year's last evaluated quarter; its score shows only once published."""
        return next(
            (r for r in reversed(self.rows) if r.report and r.report.status == Status.EVALUATED),
            None,
        )


def earlier_years_of(
    assignments: list[Assignment], *, years: int = EARLIER_YEARS_LIMIT
) -> dict[int, list[EarlierYear]]:
    """The earlier years of each assignment (``indicators.selectors.earlier_years``),
    the latest first, with their targets, reports and quarters: five queries however
    many assignments and years (one when none has an earlier year)."""
    found = earlier_years(
        assignments,
        years=years,
        queryset=Assignment.objects.select_related("indicator__fiscal_year").prefetch_related(
            Prefetch(
                "quarter_targets",
                queryset=QuarterTarget.objects.order_by("assignment_id", "quarter"),
            ),
            Prefetch(
                "reports",
                queryset=Report.objects.only(*HOME_REPORT_FIELDS).order_by(
                    "assignment_id", "quarter"
                ),
            ),
        ),
    )
    if not found:
        return {}
    periods: dict[int, dict[int, ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(
        fiscal_year_id__in={e.indicator.fiscal_year_id for chain in found.values() for e in chain}
    ):
        periods.setdefault(period.fiscal_year_id, {})[period.quarter] = period
    sheet_url = reverse("assignment_sheet", args=[0])  # /assignments/0/
    by_id = {a.pk: a for a in assignments}
    result: dict[int, list[EarlierYear]] = {}
    for start_id, chain in found.items():
        now = by_id[start_id].indicator
        rows = []
        for earlier in chain:
            targets = {t.quarter: t.target for t in earlier.quarter_targets.all()}
            reports = {r.quarter: r for r in earlier.reports.all()}
            year_periods = periods.get(earlier.indicator.fiscal_year_id, {})
            rows.append(
                EarlierYear(
                    assignment=earlier,
                    rows=[
                        QuarterRow(q, targets.get(q), reports.get(q), year_periods.get(q))
                        for q in QUARTERS
                    ],
                    url=sheet_url.replace("/0/", f"/{earlier.pk}/", 1),
                    code_changed=earlier.indicator.code != now.code,
                    name_changed=earlier.indicator.name != now.name,
                )
            )
        result[start_id] = rows
    return result


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
    earlier: list[EarlierYear] = field(default_factory=list)  # the latest first

    @property
    def indicator(self):  # type: ignore[no-untyped-def]
        return self.assignment.indicator

    @property
    def rule(self) -> RuleDescription:
        """The scoring rule in words (เกณฑ์การให้คะแนน), as the page and the PDF print it."""
        return describe_rule(self.assignment.indicator)

    @cached_property
    def trend(self) -> Chart | None:
        """Results against targets quarter by quarter, from the earliest year shown to
        this one (the earlier years' chart); None without an earlier year."""
        if not self.earlier:
            return None
        years = [(e.year, e.rows) for e in reversed(self.earlier)]
        years.append((self.indicator.fiscal_year.year, self.rows))
        rows = [(year, row) for year, quarters in years for row in quarters]
        return line_chart(
            title=_("ผลงานเทียบกับเป้าหมาย ปีงบประมาณ %(first)s–%(last)s")
            % {"first": years[0][0], "last": years[-1][0]},
            description=_(
                "ผลงานและเป้าหมายของแต่ละไตรมาส (ไตรมาส/ปี) ปีละสี่ไตรมาส ไตรมาสที่ยังไม่มีผลงานเว้นว่างไว้"
            ),
            categories=[f"{row.quarter}/{year % 100:02d}" for year, row in rows],
            series=[
                Series(
                    str(_("ผลงาน")), [row.report.result if row.report else None for _y, row in rows]
                ),
                Series(str(_("เป้าหมาย")), [row.target for _y, row in rows]),
            ],
            unit=self.indicator.unit,
        )

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
            queryset=Report.objects.order_by("quarter")
            .select_related("evaluated_by")
            .prefetch_related(
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
    earlier = earlier_years_of(loaded)
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
    return [
        _sheet(a, periods.get(a.indicator.fiscal_year_id, {}), plan, earlier.get(a.pk, []))
        for a in loaded
    ]


def _sheet(
    assignment: Assignment,
    periods: dict[int, ReportingPeriod],
    plan: dict[str, StrategyNode],
    earlier: list[EarlierYear],
) -> AssignmentSheet:
    targets = {t.quarter: t.target for t in assignment.quarter_targets.all()}
    reports = {r.quarter: r for r in assignment.reports.all()}
    rows = [QuarterRow(q, targets.get(q), reports.get(q), periods.get(q)) for q in QUARTERS]
    published = [row.report for row in rows if row.score_public]
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
        earlier=earlier,
    )


@dataclass
class StepRow:
    step: MilestoneStep
    progress: StepProgress | None
    overdue: bool

    @property
    def saved_key(self) -> str:
        """Where the page confirms a save of this step (``saved_at`` of the view)."""
        return f"step-{self.step.pk}"


@dataclass
class ReportPage(_ShowsStatus):
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
    opens_on: dt.date | None = None
    extension_reason: str = ""
    problems: list[Problem] = field(default_factory=list)
    can_certify: bool = False
    hand_in_to: str = Status.SUBMITTED
    published_on: dt.date | None = None  # the quarter's evaluations, if published
    # What the report's figures earn by the indicator's rule: the self-assessment's
    # prefill while the district may still submit (reports.scoring).
    suggested: Decimal | None = None

    @property
    def full_score(self) -> Decimal:
        return self.report.full_score if self.report else self.assignment.indicator.full_score

    @property
    def earlier_self_score(self) -> Decimal | None:
        """The self-assessment of an earlier hand-in (before a return), when it differs
        from the prefill, so the officer sees what they said last time."""
        earlier = self.report.self_score if self.report else None
        return earlier if earlier is not None and earlier != self.suggested else None

    @property
    def score_public(self) -> bool:
        """The district may see the score (``reports.publication``)."""
        return (
            self.report is not None
            and self.report.status == Status.EVALUATED
            and self.report.score is not None
            and is_published(self.published_on)
        )

    @property
    def comment_title(self) -> str:
        """Who sent the report back and how, above the reason they gave."""
        comment = self.returned_comment
        if comment is None:
            return ""
        if comment.to_status == Status.REOPENED:
            return str(_("สยป. เปิดให้แก้ไขอีกครั้ง"))
        if comment.from_status == Status.AWAITING_CERTIFICATION:
            return str(_("ผู้อำนวยการเขตส่งกลับให้แก้ไข"))
        return str(_("สยป. ส่งกลับให้แก้ไข"))

    def problems_in(self, section: str) -> list[Problem]:
        return [p for p in self.problems if p.section == section]

    @property
    def ratio_problems(self) -> list[Problem]:
        return self.problems_in("ratio")

    @property
    def steps_problems(self) -> list[Problem]:
        return self.problems_in("steps")

    @property
    def main_problems(self) -> list[Problem]:
        return self.problems_in("main")

    @property
    def evidence_problems(self) -> list[Problem]:
        return self.problems_in("evidence")

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def blocking_count(self) -> int:
        return sum(1 for p in self.problems if p.blocks)

    @property
    def milestone_summary(self) -> str:
        """How the milestone result follows from the steps, in a sentence."""
        indicator = self.assignment.indicator
        if indicator.kind != MeasurementKind.MILESTONES or not self.steps:
            return ""
        done = [row for row in self.steps if row.progress]
        if indicator.milestone_basis == MilestoneBasis.TO_DATE:
            end = quarter_bounds(indicator.fiscal_year.year, self.quarter)[1]
            due = [r for r in self.steps if r.step.due_date is not None and r.step.due_date <= end]
            if due:
                return _("ครบ %(done)s จาก %(due)s ขั้นตอนที่ถึงกำหนดภายในไตรมาสนี้") % {
                    "done": sum(1 for r in due if r.progress),
                    "due": len(due),
                }
        weight = sum((row.step.weight for row in done), Decimal(0))
        return _("ดำเนินการแล้ว %(done)s จาก %(all)s ขั้นตอน น้ำหนักรวม %(weight)s") % {
            "done": len(done),
            "all": len(self.steps),
            "weight": format_amount(weight),
        }

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


def report_page(
    assignment: Assignment, quarter: int, *, user_can_edit: bool, user: Any = None
) -> ReportPage:
    """Load one quarter's report with its updates, steps and evidence."""
    assignment = (
        Assignment.objects.select_related("indicator__fiscal_year", "district", "division")
        .prefetch_related("quarter_targets", "indicator__steps", "indicator__checks")
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
            "explanations",
            Prefetch("transitions", queryset=ReportTransition.objects.order_by("at", "id")),
        )
        .first()
    )
    window = quarter_window(assignment.indicator.fiscal_year_id, quarter, assignment.district_id)
    today = timezone.localdate()
    closed_reason = district_lock(
        status=report.status if report else None, window=window, today=today
    )

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
    if report is not None and report.status in EDITABLE_STATUSES:
        # The reason the report is open again: the office's return or reopening, or the
        # head sending it back; shown until the report is handed in again.
        latest = report.transitions.all()
        returned = latest[len(latest) - 1] if latest else None
        if returned is not None and not returned.reason:
            returned = None
    problems: list[Problem] = []
    if report is not None:
        # Listed beside the fields while the report can change; once handed in, its
        # warnings stay on the page with the district's explanations.
        report.assignment = assignment
        problems = report_problems(report)
    targets = {t.quarter: t.target for t in assignment.quarter_targets.all()}
    is_head = user is not None and (
        user.is_superuser or getattr(membership_of(user), "role", None) == Role.HEAD
    )
    can_certify = (
        report is not None
        and report.status == Status.AWAITING_CERTIFICATION
        and user_can_edit
        and is_head
        and not district_lock(status=None, window=window, today=today)
    )
    hand_in_to = (
        Status.AWAITING_CERTIFICATION
        if assignment.indicator.fiscal_year.head_certification and not is_head
        else Status.SUBMITTED
    )
    earlier_updates = []
    if assignment.indicator.kind == MeasurementKind.RATIO and quarter > 1:
        earlier_updates = list(
            RatioUpdate.objects.filter(report__assignment=assignment, report__quarter__lt=quarter)
            .select_related("report")
            .order_by("as_of", "id")
        )
    can_edit = user_can_edit and not closed_reason
    return ReportPage(
        assignment=assignment,
        quarter=quarter,
        report=report,
        deadline=window.deadline,
        extended=window.extended,
        can_edit=can_edit,
        closed_reason=closed_reason,
        steps=steps,
        returned_comment=returned,
        target=targets.get(quarter),
        earlier_updates=earlier_updates,
        opens_on=window.opens_on,
        extension_reason=window.extension_reason if window.extended else "",
        problems=problems,
        can_certify=can_certify,
        hand_in_to=hand_in_to,
        published_on=window.published_on,
        suggested=suggested_score(report) if report is not None and can_edit else None,
    )


def _sheet_sources() -> list[tuple[type[Any], str]]:
    """Every table the detail sheet is printed from, with the rows that belong to one
    assignment (``%(a)s``); the conditions use the CTE ``ids`` of sheet_fingerprint."""
    reports_of = "report_id IN (SELECT id FROM reports_report WHERE assignment_id = %(a)s)"
    earlier = "id IN (SELECT id FROM earlier WHERE depth > 0)"
    earlier_indicators = (
        "(SELECT indicator_id FROM indicators_assignment"
        " WHERE id IN (SELECT id FROM earlier WHERE depth > 0))"
    )
    earlier_years = (
        "(SELECT fiscal_year_id FROM indicators_indicator WHERE id IN"
        " (SELECT indicator_id FROM indicators_assignment"
        " WHERE id IN (SELECT id FROM earlier WHERE depth > 0)))"
    )
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
        # The earlier years' section: the rows of each year the CTE ``earlier``
        # (indicators.selectors.EARLIER_YEARS_CTE) follows, so that a new link, a
        # changed code or an earlier year's report prints the sheet anew.
        (Assignment, earlier),
        (Indicator, "id IN " + earlier_indicators),
        (FiscalYear, "id IN " + earlier_years),
        (ReportingPeriod, "fiscal_year_id IN " + earlier_years),
        (QuarterTarget, "assignment_" + earlier),
        (Report, "assignment_" + earlier),
    ]


def _fingerprint_sql() -> str:
    # Table names come from the models and the conditions are constants above; the
    # only values, the assignment's id and the depth, are the statement's parameters.
    # One literal formatted with %, not an f-string: bandit checks every piece of an
    # f-string and warns about the pieces its "nosec B608" does not apply to.
    parts = [
        "coalesce((SELECT string_agg(t::text, '|' ORDER BY t.id) FROM %s t WHERE %s), '')"  # noqa: S608, UP031  # nosec B608
        % (model._meta.db_table, condition)
        for model, condition in _sheet_sources()
    ]
    sql = (
        "WITH RECURSIVE ids AS ("  # noqa: S608  # nosec B608
        " SELECT a.indicator_id, a.district_id, a.division_id, i.fiscal_year_id, d.zone_group_id"
        " FROM indicators_assignment a"
        " JOIN indicators_indicator i ON i.id = a.indicator_id"
        " JOIN districts_district d ON d.id = a.district_id"
        " WHERE a.id = %(a)s), "
        + EARLIER_YEARS_CTE
        + f" SELECT md5(concat_ws('#', {', '.join(parts)}))"
    )
    return (
        sql.replace("%(a)s", "$1")
        .replace("%(start)s", "ARRAY[$1::bigint]")
        .replace("%(depth)s", "$2")
    )


_FINGERPRINT = "kpi_sheet_fingerprint"


def _prepare_fingerprint() -> None:
    """Prepare the fingerprint's statement once per database session.

    Planning the thirty subqueries took 4 of the 6-7 ms of a fingerprint at full scale;
    a prepared generic plan runs in about 1.2 ms (docs/benchmarks.md, section 11),
    which a booklet pays once per sheet. Prepared on the raw connection, so that a
    page's query count is the same whether or not its session prepared it before.
    (A connection pooler in transaction mode would not keep it: see docs/scaling.md.)
    """
    connection.ensure_connection()
    raw = connection.connection
    if getattr(connection, "_fingerprint_prepared_on", None) is raw:
        return
    with raw.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [_FINGERPRINT])
        if cursor.fetchone() is None:
            cursor.execute(f"PREPARE {_FINGERPRINT} (bigint, int) AS {_fingerprint_sql()}")
        # Its generic plan from the first execution: the custom plans Postgres would
        # make for the first five are the planning this avoids. (The portal's own
        # queries are bound on the client, never prepared: this changes no other plan.)
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    connection._fingerprint_prepared_on = raw  # type: ignore[attr-defined]


def sheet_fingerprints(assignment_ids: list[int]) -> dict[int, str]:
    """A digest of every row each assignment's sheet is printed from, one query each.

    Whole rows, not chosen fields, so that no edit — through the services, the admin
    or SQL — can leave a stale printed sheet in the cache, and the cached PDF is
    found without loading the sheet (53 -> about 1 ms a request at full scale).
    """
    _prepare_fingerprint()
    found = {}
    with connection.cursor() as cursor:
        for assignment_id in assignment_ids:
            cursor.execute(
                f"EXECUTE {_FINGERPRINT} (%s, %s)", [int(assignment_id), EARLIER_YEARS_LIMIT]
            )
            row = cursor.fetchone()
            found[assignment_id] = str(row[0])
    return found


def sheet_fingerprint(assignment_id: int) -> str:
    """The digest of the rows one sheet is printed from (sheet_fingerprints)."""
    return sheet_fingerprints([assignment_id])[assignment_id]


# The report fields the district home shows (status chips, scores, latest result).
HOME_REPORT_FIELDS = ("id", "assignment_id", "quarter", "status", "result", "score", "full_score")
# How many earlier years each row of the district home shows in brief (the sheet has
# them all).
HOME_EARLIER_YEARS = 3


@dataclass
class HomeRow:
    assignment: Assignment
    quarters: list[QuarterRow]
    latest_result: Decimal | None
    next_deadline: dt.date | None
    overdue: bool
    sheet_url: str = ""
    earlier: list[EarlierYear] = field(default_factory=list)  # in brief: HOME_EARLIER_YEARS

    @property
    def days_left(self) -> int | None:
        if self.next_deadline is None:
            return None
        return (self.next_deadline - timezone.localdate()).days

    @property
    def returned(self) -> list[QuarterRow]:
        """The quarters sent back to the district, shown with their reasons."""
        return [q for q in self.quarters if q.status == Status.RETURNED]


@dataclass(frozen=True)
class OpenQuarter:
    """The quarter the district reports now: started, and its deadline not passed."""

    quarter: int
    deadline: dt.date
    extended: bool
    days_left: int


@dataclass
class DistrictHome:
    district: District
    fiscal_year: FiscalYear
    years: list[FiscalYear]
    divisions: list[Division]
    division: Division | None
    rows: list[HomeRow]
    read_only: bool
    open_quarters: list[OpenQuarter] = field(default_factory=list)
    awaiting_certification: int = 0  # reports the district head has to certify


def district_home(
    district: District,
    fiscal_year: FiscalYear,
    *,
    division_id: int | None = None,
    today: dt.date | None = None,
) -> DistrictHome:
    """The district's assignments for a year, overdue first, in a fixed number of queries."""
    today = today or timezone.localdate()
    assignments = (
        Assignment.objects.filter(district=district, indicator__fiscal_year=fiscal_year)
        .select_related("indicator", "division")
        .prefetch_related(
            # Ordered by the columns themselves: the models' Meta ordering by
            # "assignment" joins assignments, districts and indicators to sort.
            Prefetch(
                "quarter_targets",
                queryset=QuarterTarget.objects.order_by("assignment_id", "quarter"),
            ),
            Prefetch(
                "reports",
                # Only what the chips show: the narratives and the rest of a full
                # report row made this the slowest query of the page.
                queryset=Report.objects.only(*HOME_REPORT_FIELDS)
                .order_by("assignment_id", "quarter")
                .prefetch_related(
                    # A returned chip shows why; no other transition is shown here.
                    Prefetch(
                        "transitions",
                        queryset=ReportTransition.objects.filter(
                            to_status=Status.RETURNED
                        ).order_by("at", "id"),
                    )
                ),
            ),
        )
        .order_by("indicator__code")
    )
    if division_id is not None:
        assignments = assignments.filter(division_id=division_id)
    periods = {p.quarter: p for p in ReportingPeriod.objects.filter(fiscal_year=fiscal_year)}
    windows = district_windows(fiscal_year, district.pk, periods.values())
    deadlines = {q: w.deadline for q, w in windows.items() if w.deadline is not None}
    # The quarters the district may report today (opened, not past their deadline, the
    # year open), the one due first first: from 1 to 15 January, quarters 1 and 2.
    open_quarters = [
        OpenQuarter(q, deadlines[q], windows[q].extended, (deadlines[q] - today).days)
        for q in sorted(deadlines, key=lambda q: (deadlines[q], q))
        if windows[q].lock(today) is None
    ]
    loaded = list(assignments)
    earlier = earlier_years_of(loaded, years=HOME_EARLIER_YEARS)
    rows = []
    # Reversed once and filled in: 500 {% url %} tags were a tenth of the page.
    report_url = reverse("report_page", args=[0, 0])  # /assignments/0/q0/
    sheet_url = reverse("assignment_sheet", args=[0])  # /assignments/0/
    for assignment in loaded:
        reports = {r.quarter: r for r in assignment.reports.all()}
        targets = {t.quarter: t.target for t in assignment.quarter_targets.all()}
        quarters = [
            QuarterRow(
                q,
                targets.get(q),
                reports.get(q),
                periods.get(q),
                url=report_url.replace("/0/q0/", f"/{assignment.pk}/q{q}/", 1),
            )
            for q in QUARTERS
        ]
        pending = [
            q
            for q in QUARTERS
            if q in deadlines
            and (reports.get(q) is None or reports[q].status not in HANDED_IN_STATUSES)
        ]
        overdue = any(is_late(deadlines[q], today) for q in pending)
        upcoming = [deadlines[q] for q in pending if deadlines[q] >= today]
        latest = next(
            (r.result for q, r in sorted(reports.items(), reverse=True) if r.result is not None),
            None,
        )
        rows.append(
            HomeRow(
                assignment,
                quarters,
                latest,
                min(upcoming, default=None),
                overdue,
                sheet_url=sheet_url.replace("/0/", f"/{assignment.pk}/", 1),
                earlier=earlier.get(assignment.pk, []),
            )
        )
    # Overdue first, then the nearest deadline, then indicator code.
    rows.sort(key=lambda r: (not r.overdue, r.next_deadline or dt.date.max))
    return DistrictHome(
        district=district,
        fiscal_year=fiscal_year,
        years=list(fiscal_years()),
        divisions=list(district.divisions.order_by("name")),
        division=next((d for d in district.divisions.all() if d.pk == division_id), None),
        rows=rows,
        read_only=not fiscal_year.is_open,
        open_quarters=open_quarters,
        awaiting_certification=Report.objects.filter(
            assignment__district=district, status=Status.AWAITING_CERTIFICATION
        ).count(),
    )


@dataclass
class CertificationItem(_ShowsStatus):
    report: Report
    problems: list[Problem]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class CertificationQueue:
    """รอรับรอง: a district's reports the officers handed to the head."""

    district: District
    items: list[CertificationItem]
    is_head: bool


def certification_queue(district: District, user: Any) -> CertificationQueue:
    """The district's reports awaiting certification, with what the head must read."""
    reports = (
        Report.objects.filter(assignment__district=district, status=Status.AWAITING_CERTIFICATION)
        .select_related("assignment__indicator__fiscal_year", "assignment__division", "updated_by")
        .prefetch_related(
            "ratio_updates",
            "step_progress__step",
            "evidence_files",
            "letters",
            "explanations",
            "assignment__indicator__steps",
            "assignment__indicator__checks",
            "assignment__quarter_targets",
            # The rules compare with earlier quarters: all of them at once, not per report.
            "assignment__reports__ratio_updates",
        )
        .order_by(
            "assignment__indicator__fiscal_year__year", "assignment__indicator__code", "quarter"
        )
    )
    membership = membership_of(user)
    return CertificationQueue(
        district=district,
        items=[CertificationItem(report=r, problems=report_problems(r)) for r in reports],
        is_head=user.is_superuser or getattr(membership, "role", None) == Role.HEAD,
    )
