"""Reads for the evaluation office: the district × indicator matrix, the review
queue, suggested scores, report history and the per-indicator summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from districts.models import District, ZoneGroup
from evaluation.scorecard import rank_by_score
from indicators.calendar import is_late, period_deadlines
from indicators.models import (
    Assignment,
    DeadlineExtension,
    FiscalYear,
    Indicator,
    ReportingPeriod,
)
from indicators.selectors import fiscal_years
from kpi_portal.thaidigits import format_amount, format_score
from reports.models import (
    HANDED_IN_STATUSES,
    NOT_STARTED,
    Explanation,
    Report,
    ReportTransition,
    Status,
    StepProgress,
    status_legend,
)
from reports.publication import is_published

DONE_VALUES = frozenset(
    str(status) for status in HANDED_IN_STATUSES
)  # plain strings compare faster
EVALUATED = str(Status.EVALUATED)


@dataclass(slots=True)
class Cell:
    """One district's report on one indicator for the quarter (or its absence)."""

    assignment_id: int
    report_id: int | None
    status: str  # a Status value, or NOT_STARTED without a report
    result: Decimal | None
    score: Decimal | None
    full_score: Decimal | None
    late: bool
    explained: bool = False  # the district explained warnings of its report
    # The score as a share of the full score (0-1): full scores differ between
    # indicators (100, 10, 5), so means and colours compare shares, not points.
    share: float | None = None
    band: str = ""  # SCORE_BANDS' name of an evaluated cell's share, for its colour
    # Text filled in once per cell by office_matrix: a 50 x 100 matrix is 5,000
    # cells, and formatting them through template tags was most of the page.
    status_label: str = ""
    result_text: str = ""
    score_text: str = ""
    url: str = ""


#: The heat map's colours of an evaluated cell: its share of the full score from
#: each lower bound up, highest first. The cell also prints the score itself.
SCORE_BANDS = (("high", 0.8), ("mid", 0.5), ("low", 0.0))


def score_band(share: float) -> str:
    return next(name for name, bound in SCORE_BANDS if share >= bound)


def _dress(cell: Cell, labels: dict[str, str], score_url: str, formatted: dict[Any, Any]) -> Cell:
    """Fill in the cell's text once; ``formatted`` remembers figures already formatted."""
    cell.status_label = labels[cell.status]
    if cell.report_id is not None:
        cell.url = score_url.replace("0", str(cell.report_id), 1)
    if cell.result is not None:
        if cell.result not in formatted:
            formatted[cell.result] = format_amount(cell.result)
        cell.result_text = formatted[cell.result]
    if cell.score is not None and cell.full_score is not None:
        key = (cell.score, cell.full_score)
        if key not in formatted:
            share = float(cell.score / cell.full_score)
            formatted[key] = (
                f"{format_score(cell.score)}/{format_score(cell.full_score)}",
                share,
                score_band(share),
            )
        cell.score_text, cell.share, band = formatted[key]
        if cell.status == EVALUATED:
            cell.band = band
    return cell


@dataclass
class Completeness:
    """Reports handed in out of those assigned, and the mean score of those scored."""

    assigned: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    scored: int = 0
    shares: float = 0.0  # the sum of the scored cells' shares of their full score

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0

    @property
    def ratio(self) -> float:
        """Handed in / assigned, unrounded: the sort key (0 when nothing is assigned)."""
        return self.submitted / self.assigned if self.assigned else 0.0

    @property
    def mean_score(self) -> float | None:
        """The mean score of the scored cells, as a percentage of the full score."""
        return 100 * self.shares / self.scored if self.scored else None

    @property
    def mean_text(self) -> str:
        mean = self.mean_score
        return "" if mean is None else f"{mean:.1f}%"

    def add(self, other: Completeness) -> None:
        self.assigned += other.assigned
        self.submitted += other.submitted
        self.on_time += other.on_time
        self.late += other.late
        self.scored += other.scored
        self.shares += other.shares


@dataclass
class MatrixRow:
    district: District
    cells: list[Cell | None]
    completeness: Completeness


@dataclass
class ZoneSubtotal:
    """One zone group's districts in scope: their tally, per indicator too, and
    the rows of theirs that the filters show (in the matrix's order)."""

    group: ZoneGroup
    completeness: Completeness
    by_indicator: list[Completeness]
    districts: int = 0
    rows: list[MatrixRow] = field(default_factory=list)


#: The matrix's row orders (the ``sort`` parameter): Thai dictionary order; zone
#: groups, each headed by its subtotal; completeness or mean score, lowest or
#: highest first ("-"). Ties keep Thai order; rows without a score come last.
SORTS = ("name", "zone", "completeness", "-completeness", "-score", "score")


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
    sort: str = SORTS[0]
    #: The zone groups of the districts in scope, in their order, with subtotals.
    zones: list[ZoneSubtotal] = field(default_factory=list)
    total: Completeness = field(default_factory=Completeness)


def matrix_zone_required() -> str | None:
    """The zone group the matrix opens on when none is asked for: none while every
    agency fits one table (settings.MATRIX_MAX_ROWS; Bangkok's 50 do), else the first
    group — at national scale a province's few hundred rows, not 790,000 cells."""
    if District.objects.count() <= settings.MATRIX_MAX_ROWS:
        return None
    return ZoneGroup.objects.order_by("position", "pk").values_list("code", flat=True).first()


def office_matrix(
    fiscal_year: FiscalYear,
    quarter: int,
    *,
    zone_code: str | None = None,
    indicator_id: int | None = None,
    status: str | None = None,
    sort: str = SORTS[0],
    today: dt.date | None = None,
) -> Matrix:
    """Districts × assigned indicators, in a fixed number of queries, with subtotals per
    zone group and overall; rows in Thai dictionary order unless ``sort`` says otherwise."""
    today = today or timezone.localdate()
    if sort not in SORTS:
        sort = SORTS[0]
    districts = District.objects.select_related("zone_group").order_by("name_th")
    if zone_code:
        districts = districts.filter(zone_group__code=zone_code)
    all_indicators = _assigned_indicators(fiscal_year)
    indicators = [i for i in all_indicators if indicator_id in (None, i.pk)]
    in_scope = Assignment.objects.filter(indicator__fiscal_year=fiscal_year)
    if indicator_id is not None:
        in_scope = in_scope.filter(indicator_id=indicator_id)
    if zone_code:
        # Only the zone's cells: at national scale a province's matrix would otherwise
        # read the country's 790,000 (demo/national.py).
        in_scope = in_scope.filter(district__zone_group__code=zone_code)
    period = ReportingPeriod.objects.filter(fiscal_year=fiscal_year, quarter=quarter).first()
    deadlines = period_deadlines(period)

    # One query for the assignments and their report for the quarter (a LEFT JOIN),
    # unordered: the Meta ordering joined districts and indicators only to sort
    # 5,000 rows that are looked up by key anyway.
    rows_in = (
        in_scope.annotate(
            quarter_report=FilteredRelation("reports", condition=Q(reports__quarter=quarter)),
            # The submission's local date comes from the database: converting 5,000
            # datetimes to the local zone in Python was a tenth of the page.
            report_submitted_on=TruncDate("quarter_report__submitted_at"),
            # Explanations handed in with the report (drafts keep theirs to themselves).
            explained=Exists(
                Explanation.objects.filter(
                    report_id=OuterRef("quarter_report__id"),
                    report__status__in=HANDED_IN_STATUSES,
                )
            ),
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
            "explained",
        )
    )
    labels = {value: label for value, label in status_legend()}
    formatted: dict[Any, Any] = {}
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
        explained,
    ) in rows_in:
        late = is_late(
            deadlines.for_district(district_id),
            today,
            handed_in=report_status in DONE_VALUES,
            submitted_on=submitted_on,
        )
        cells_by_key[(district_id, indicator_id_)] = _dress(
            Cell(
                assignment_id,
                report_id,
                report_status or NOT_STARTED,
                result,
                score,
                full_score,
                late,
                explained,
            ),
            labels,
            score_url,
            formatted,
        )

    rows = []
    zones: dict[int, ZoneSubtotal] = {}
    for district in districts:
        zone = zones.get(district.zone_group_id)
        if zone is None:
            zone = zones[district.zone_group_id] = ZoneSubtotal(
                district.zone_group, Completeness(), [Completeness() for _ in indicators]
            )
        zone.districts += 1
        cells: list[Cell | None] = [
            cells_by_key.get((district.pk, indicator.pk)) for indicator in indicators
        ]
        # The row's tally in local variables and one tally per cell, the zone's
        # column: the columns' totals are the zones' added up below. 5,000 cells
        # each updating three tallies' attributes cost a tenth of the page.
        assigned = submitted = on_time = late_count = scored = 0
        shares = 0.0
        for cell, tally in zip(cells, zone.by_indicator, strict=True):
            if cell is None:
                continue
            done = cell.status in DONE_VALUES
            assigned += 1
            tally.assigned += 1
            if done:
                submitted += 1
                tally.submitted += 1
            if cell.late:
                late_count += 1
                tally.late += 1
            elif done:
                on_time += 1
                tally.on_time += 1
            share = cell.share
            if cell.band and share is not None:  # evaluated, with a score
                scored += 1
                shares += share
                tally.scored += 1
                tally.shares += share
        completeness = Completeness(assigned, submitted, on_time, late_count, scored, shares)
        zone.completeness.add(completeness)
        if status and not any(
            c is not None and (c.status == status or (status == "late" and c.late)) for c in cells
        ):
            continue
        if completeness.assigned or not indicator_id:
            rows.append(MatrixRow(district, cells, completeness))
    rows = _sorted_rows(rows, sort)
    for row in rows:
        zones[row.district.zone_group_id].rows.append(row)
    zone_list = sorted(zones.values(), key=lambda z: (z.group.position, z.group.pk))
    total = Completeness()
    by_indicator = [Completeness() for _ in indicators]
    for zone in zone_list:
        total.add(zone.completeness)
        for column, zone_column in zip(by_indicator, zone.by_indicator, strict=True):
            column.add(zone_column)
    return Matrix(
        fiscal_year=fiscal_year,
        quarter=quarter,
        deadline=period.deadline if period else None,
        indicators=indicators,
        rows=rows,
        by_indicator=by_indicator,
        zone_groups=list(ZoneGroup.objects.order_by("position")),
        years=list(fiscal_years()),
        all_indicators=all_indicators,
        sort=sort,
        zones=zone_list,
        total=total,
    )


def _assigned_indicators(fiscal_year: FiscalYear) -> list[Indicator]:
    """The year's indicators assigned to any district, by code."""
    # EXISTS rather than a join + DISTINCT: the DISTINCT over 50 assignments per
    # indicator and every indicator column cost 93 ms of a 450 ms page at full scale.
    return list(
        Indicator.objects.filter(fiscal_year=fiscal_year)
        .filter(Exists(Assignment.objects.filter(indicator=OuterRef("pk"))))
        .only("id", "code", "name")
        .order_by("code")
    )


def matrix_outline(
    fiscal_year: FiscalYear,
    quarter: int,
    period: ReportingPeriod | None,
    *,
    sort: str = SORTS[0],
) -> Matrix:
    """What the matrix page shows around its table (the filters' years and zone
    groups, the deadline), without the cells: the page around a cached table."""
    return Matrix(
        fiscal_year=fiscal_year,
        quarter=quarter,
        deadline=period.deadline if period else None,
        indicators=[],
        rows=[],
        by_indicator=[],
        zone_groups=list(ZoneGroup.objects.order_by("position")),
        years=list(fiscal_years()),
        sort=sort if sort in SORTS else SORTS[0],
    )


def _sorted_rows(rows: list[MatrixRow], sort: str) -> list[MatrixRow]:
    """The rows (in Thai order) in the order ``sort`` names; sorts are stable, so
    ties stay in Thai order."""
    if sort == "completeness":
        return sorted(rows, key=lambda r: r.completeness.ratio)
    if sort == "-completeness":
        return sorted(rows, key=lambda r: -r.completeness.ratio)
    if sort in ("score", "-score"):
        sign = -1 if sort == "-score" else 1
        return sorted(
            rows,
            key=lambda r: (
                r.completeness.mean_score is None,
                sign * (r.completeness.mean_score or 0),
            ),
        )
    return rows  # "name", and "zone", whose groups keep Thai order within them


class QueueFlag:
    WARNING = "warning"  # the district explained validation warnings
    RESUBMITTED = "resubmitted"  # returned or reopened before, handed in again
    LATE = "late"  # handed in after its deadline (extension included)


QUEUE_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.REOPENED, Status.EVALUATED)


@dataclass(frozen=True)
class QueueFilter:
    """What the evaluator narrowed the queue to; kept from page to page (``query``)."""

    year: int | None = None
    quarter: int | None = None
    zone: str = ""
    indicator: str = ""  # an indicator code: the same code across years
    status: str = Status.SUBMITTED
    flag: str = ""

    KEYS = ("year", "quarter", "zone", "indicator", "status", "flag")

    @classmethod
    def from_query(cls, query: Any) -> QueueFilter:
        def number(key: str) -> int | None:
            value = str(query.get(key) or "")
            return int(value) if value.isdigit() and len(value) <= 4 else None

        status = str(query.get("status") or Status.SUBMITTED)
        flag = str(query.get("flag") or "")
        quarter = number("quarter")
        return cls(
            year=number("year"),
            quarter=quarter if quarter in (1, 2, 3, 4) else None,
            zone=str(query.get("zone") or "")[:32],
            indicator=str(query.get("indicator") or "")[:20],
            status=status if status in QUEUE_STATUSES else Status.SUBMITTED,
            flag=flag if flag in (QueueFlag.WARNING, QueueFlag.RESUBMITTED, QueueFlag.LATE) else "",
        )

    @property
    def query(self) -> str:
        """The filter as a query string ("?year=2569&flag=late"), or "" for the default."""
        values = {
            "year": self.year or "",
            "quarter": self.quarter or "",
            "zone": self.zone,
            "indicator": self.indicator,
            "status": "" if self.status == Status.SUBMITTED else self.status,
            "flag": self.flag,
        }
        kept = {key: value for key, value in values.items() if value}
        return "?" + urlencode(kept) if kept else ""

    @property
    def is_default(self) -> bool:
        return self == QueueFilter()


def flag_annotations() -> dict[str, Any]:
    """The queue's flags as SQL: warnings the district explained, handed in again
    after a return or reopening, handed in after its deadline (extension included).

    Annotations on a ``Report`` queryset; the queue's export annotates every row
    it streams with them, the page only its hundred (``with_flags``)."""
    period = ReportingPeriod.objects.filter(
        fiscal_year_id=OuterRef("assignment__indicator__fiscal_year_id"),
        quarter=OuterRef("quarter"),
    )
    extension = DeadlineExtension.objects.filter(
        district_id=OuterRef("assignment__district_id"),
        period__fiscal_year_id=OuterRef("assignment__indicator__fiscal_year_id"),
        period__quarter=OuterRef("quarter"),
    )
    return {
        # A correlated count, not Count(): an aggregate would GROUP BY every
        # column of the thousands of waiting reports.
        "explained": Coalesce(
            Subquery(
                Explanation.objects.filter(report_id=OuterRef("pk"))
                .order_by()
                .values("report_id")
                .annotate(n=Count("id"))
                .values("n")[:1]
            ),
            0,
        ),
        "resubmitted": Exists(
            ReportTransition.objects.filter(
                report_id=OuterRef("pk"), to_status__in=(Status.RETURNED, Status.REOPENED)
            )
        ),
        "late": ExpressionWrapper(
            Q(
                submitted_at__date__gt=Coalesce(
                    Subquery(extension.values("deadline")[:1]),
                    Subquery(period.values("deadline")[:1]),
                )
            ),
            output_field=BooleanField(),
        ),
    }


FLAG_NAMES = ("explained", "resubmitted", "late")


def review_queue(filters: QueueFilter | None = None) -> QuerySet[Report]:
    """Reports in the office's hands, newest fiscal year first and, within a year,
    oldest submission first.

    The flags are computed in SQL only to filter by one; a page of the queue gets
    them for its own rows from ``with_flags``: working them out for the thousands
    of waiting reports before the LIMIT was nine tenths of the page.
    """
    filters = filters or QueueFilter()
    reports = (
        Report.objects.filter(status=filters.status)
        .select_related("assignment__indicator__fiscal_year", "assignment__district")
        .only(
            "id",
            "quarter",
            "status",
            "result",
            "submitted_at",
            "assignment__id",
            "assignment__district__id",
            "assignment__district__name_th",
            "assignment__indicator__id",
            "assignment__indicator__code",
            "assignment__indicator__name",
            "assignment__indicator__fiscal_year__id",
            "assignment__indicator__fiscal_year__year",
        )
        # From one index (report_queue_order): the year is a copy on the report.
        .order_by("-fiscal_year_number", "submitted_at", "id")
    )
    if filters.year:
        reports = reports.filter(fiscal_year_number=filters.year)
    if filters.quarter:
        reports = reports.filter(quarter=filters.quarter)
    if filters.zone:
        reports = reports.filter(assignment__district__zone_group__code=filters.zone)
    if filters.indicator:
        reports = reports.filter(assignment__indicator__code=filters.indicator)
    if filters.flag:
        flags = flag_annotations()
        name = {QueueFlag.WARNING: "explained"}.get(filters.flag, filters.flag)
        reports = reports.alias(**{name: flags[name]}).filter(
            **({f"{name}__gt": 0} if name == "explained" else {name: True})
        )
    return reports


def with_flags(reports: Iterable[Report]) -> list[Report]:
    """The reports, each with its flags (``explained``, ``resubmitted``, ``late``), in
    one query for all of them."""
    reports = list(reports)
    flags = {
        row["pk"]: row
        for row in Report.objects.filter(pk__in=[r.pk for r in reports])
        .annotate(**flag_annotations())
        .values("pk", *FLAG_NAMES)
    }
    for report in reports:
        for name in FLAG_NAMES:
            setattr(report, name, flags.get(report.pk, {}).get(name))
    return reports


def next_in_queue(after: Report, filters: QueueFilter | None = None) -> Report | None:
    """The next report waiting in the same filter (the queue's order), after ``after``."""
    filters = filters or QueueFilter()
    waiting = review_queue(QueueFilter(**{**filters.__dict__, "status": Status.SUBMITTED}))
    return waiting.exclude(pk=after.pk).first()


def queue_choices() -> dict[str, Any]:
    """What the queue's filter offers: years, zone groups, indicator codes."""
    return {
        "years": list(fiscal_years()),
        "zone_groups": list(ZoneGroup.objects.order_by("position")),
        "indicator_codes": list(
            Indicator.objects.order_by("code").values_list("code", flat=True).distinct()
        ),
    }


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
            "explanations",
            "assignment__quarter_targets",
            "assignment__indicator__steps",
            "assignment__indicator__checks",
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
    rank: int | None = None  # None: no published score, listed but never numbered

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
    published: bool = False


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
    # Ranks count published evaluations only; equal scores share a rank (1, 2, 2, 4).
    period = ReportingPeriod.objects.filter(
        fiscal_year_id=indicator.fiscal_year_id, quarter=quarter
    ).first()
    published = period is not None and is_published(period.assessment_published_on, today)
    if published:
        scored = [
            (row.cell.score * 100 / row.cell.full_score, row)
            for row in ranked
            if row.cell.score is not None and row.cell.full_score
        ]
        for rank, _score, row in rank_by_score(scored):
            row.rank = rank
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
    return IndicatorSummary(
        indicator, quarter, ranked, averages, sum(r.late for r in rows), published
    )
