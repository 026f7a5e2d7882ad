"""What the readers' dashboards show: published results only.

Every score and result here has left the office by the one rule of
``reports.publication`` (``public_reports``, ``score_is_public``) and is weighed
by the one arithmetic of ``evaluation.scorecard`` (``weighted_score``,
``district_ranking``, ``district_scorecard`` without the office's view). The only
live figures are the counts of reports by status — how far the districts have
got with reporting, which says nothing about their scores.

Each selector runs a fixed number of queries, whatever the number of districts,
indicators or years.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District, ZoneGroup
from evaluation.scorecard import (
    LineState,
    Ranking,
    ScorecardLine,
    Weighed,
    WeightedScore,
    district_ranking,
    district_scorecard,
    level_score,
    weighted_score,
)
from indicators.fiscal import QUARTERS, current_fiscal_year, quarter_of
from indicators.models import Assignment, Direction, FiscalYear, QuarterTarget, ReportingPeriod
from kpi_portal.charts import Chart, Series, bar_chart, line_chart
from public.cache import public_memo
from reports.models import NOT_STARTED, Report, Status, status_legend
from reports.publication import AWAITING_PUBLICATION, is_published, public_reports

_FOUR_PLACES = Decimal("0.0001")
#: Statuses always shown in the completeness chart, even when no report has them.
_ALWAYS_SHOWN = (NOT_STARTED, Status.EVALUATED.value)
#: How many indicators the off-target chart shows (the table lists them all).
OFF_TARGET_CHART_TOP = 10


def quarter_label(quarter: int) -> str:
    return _("ไตรมาสที่ %(quarter)s") % {"quarter": quarter}


def short_quarter_label(year: int, quarter: int) -> str:
    """ "1/64": the first quarter of fiscal year 2564, short enough for forty on an axis."""
    return f"{quarter}/{year % 100:02d}"


# --- the year and quarter a dashboard shows ----------------------------------------


@dataclass(frozen=True)
class QuarterChoice:
    quarter: int
    published: bool


@dataclass(frozen=True)
class Period:
    fiscal_year: FiscalYear
    quarter: int
    published: bool
    choices: list[QuarterChoice]


def dashboard_period(
    fiscal_year: FiscalYear, asked: int | None, today: dt.date | None = None
) -> Period:
    """The quarter asked for, or else the year's latest published quarter (or, with
    none published yet, the current quarter of the current year, the fourth of
    another). One query."""
    today = today or timezone.localdate()
    published = {
        p.quarter
        for p in ReportingPeriod.objects.filter(fiscal_year=fiscal_year)
        if is_published(p.assessment_published_on, today)
    }
    if asked in QUARTERS:
        quarter = asked
    elif published:
        quarter = max(published)
    elif fiscal_year.year == current_fiscal_year(today):
        quarter = quarter_of(today)
    else:
        quarter = QUARTERS[-1]
    return Period(
        fiscal_year,
        quarter,
        quarter in published,
        [QuarterChoice(q, q in published) for q in QUARTERS],
    )


# --- the city: reporting completeness ----------------------------------------------


@dataclass
class Completeness:
    """How many of the year's assignments stand at each status, quarter by quarter."""

    assignments: int
    statuses: list[tuple[str, str]]  # (status, label), the legend's order
    counts: dict[str, list[int]]  # status -> one count per quarter

    def handed_in(self, index: int) -> int:
        return sum(
            self.counts[s][index] for s in (Status.SUBMITTED, Status.EVALUATED) if s in self.counts
        )

    @property
    def chart(self) -> Chart:
        return bar_chart(
            title=_("ความครบถ้วนของการรายงาน"),
            description=_("จำนวนรายงานตามสถานะในแต่ละไตรมาส จากตัวชี้วัดที่มอบหมายทั้งหมด %(n)s รายการ")
            % {"n": f"{self.assignments:,}"},
            categories=[quarter_label(q) for q in QUARTERS],
            series=[Series(label, self.counts[status]) for status, label in self.statuses],
            unit=_("รายงาน"),
            stacked=True,
        )


def completeness(fiscal_year: FiscalYear) -> Completeness:
    """Live counts of reports by status over all assignments of the year (a quarter
    nobody opened is "not started"). Two queries."""
    assignments = Assignment.objects.filter(indicator__fiscal_year=fiscal_year).count()
    rows = (
        Report.objects.filter(assignment__indicator__fiscal_year=fiscal_year)
        .order_by()
        .values_list("quarter", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, list[int]] = {status: [0] * len(QUARTERS) for status, _l in status_legend()}
    for quarter, status, n in rows:
        counts[status][quarter - 1] += n
    for index in range(len(QUARTERS)):
        opened = sum(counts[s][index] for s in counts if s != NOT_STARTED)
        counts[NOT_STARTED][index] = max(assignments - opened, 0)
    statuses = [
        (status, label)
        for status, label in status_legend()
        if status in _ALWAYS_SHOWN or any(counts[status])
    ]
    return Completeness(assignments, statuses, {s: counts[s] for s, _l in statuses})


# --- the city: weighted scores by zone group ---------------------------------------


@dataclass(frozen=True)
class ZoneScore:
    group: ZoneGroup
    mean: Decimal | None  # the mean of its districts' weighted scores; None: none published
    scored: int
    districts: int


@dataclass
class ZoneScores:
    ranking: Ranking
    zones: list[ZoneScore]
    city: ZoneScore | None  # the fifty districts together (group None)

    @property
    def chart(self) -> Chart:
        return bar_chart(
            title=_("คะแนนถ่วงน้ำหนักเฉลี่ยตามกลุ่มเขต"),
            description=_(
                "ค่าเฉลี่ยคะแนนถ่วงน้ำหนักของสำนักงานเขตในแต่ละกลุ่มเขต %(quarter)s "
                "ปีงบประมาณ %(year)s (เต็ม 5)"
            )
            % {
                "quarter": quarter_label(self.ranking.quarter),
                "year": self.ranking.fiscal_year.year,
            },
            categories=[z.group.display_name for z in self.zones],
            series=[Series(_("คะแนนเฉลี่ย"), [z.mean for z in self.zones])],
            unit=_("คะแนน (เต็ม 5)"),
            y_max=5,
            horizontal=True,
        )


def _mean(scores: list[Decimal]) -> Decimal | None:
    if not scores:
        return None
    return (sum(scores, Decimal(0)) / len(scores)).quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


def zone_scores(fiscal_year: FiscalYear, quarter: int, today: dt.date | None = None) -> ZoneScores:
    """Each zone group's mean weighted score for the quarter, from the rankings (only a
    published quarter's evaluations count). Four queries."""
    ranking = district_ranking(fiscal_year, quarter, today=today)
    zones = []
    for group, members in ranking.zone_groups:
        scores = [m.score.score for m in members if m.score.score is not None]
        zones.append(ZoneScore(group, _mean(scores), len(scores), len(members)))
    everyone = [e.score.score for e in ranking.ranked if e.score.score is not None]
    city = None
    if ranking.ranked:
        city = ZoneScore(ZoneGroup(), _mean(everyone), len(everyone), len(ranking.ranked))
    return ZoneScores(ranking, zones, city)


# --- the city: indicators off target -----------------------------------------------


@dataclass(frozen=True)
class DistrictResult:
    code: str
    name: str
    result: Decimal
    target: Decimal


@dataclass
class IndicatorOffTarget:
    indicator_id: int
    code: str
    name: str
    unit: str
    direction: str
    compared: int = 0  # districts with a published result
    off: list[DistrictResult] = field(default_factory=list)

    @property
    def direction_label(self) -> str:
        return str(Direction(self.direction).label)


def is_off_target(result: Decimal, target: Decimal, direction: str) -> bool:
    """Whether a result misses its target, in the indicator's direction."""
    if direction == Direction.LOWER:
        return result > target
    return result < target


def _quarter_target() -> Subquery:
    return Subquery(
        QuarterTarget.objects.filter(
            assignment_id=OuterRef("assignment_id"), quarter=OuterRef("quarter")
        ).values("target")[:1]
    )


def off_target(
    fiscal_year: FiscalYear, quarter: int, today: dt.date | None = None
) -> list[IndicatorOffTarget]:
    """The year's indicators with a published result for the quarter, each with the
    districts whose result misses the quarter's target (the annual target where the
    quarter has none), most missed first. One query."""
    rows = (
        public_reports(
            Report.objects.filter(
                assignment__indicator__fiscal_year=fiscal_year,
                quarter=quarter,
                result__isnull=False,
            ),
            today,
        )
        .annotate(target=Coalesce(_quarter_target(), F("assignment__annual_target")))
        .order_by("assignment__district__code")
        .values_list(
            "assignment__indicator_id",
            "assignment__indicator__code",
            "assignment__indicator__name",
            "assignment__indicator__unit",
            "assignment__indicator__direction",
            "assignment__district__code",
            "assignment__district__name_th",
            "result",
            "target",
        )
    )
    found: dict[int, IndicatorOffTarget] = {}
    for pk, code, name, unit, direction, d_code, d_name, result, target in rows:
        if result is None or target is None:  # filtered out above; a target is required
            continue
        entry = found.setdefault(pk, IndicatorOffTarget(pk, code, name, unit, direction))
        entry.compared += 1
        if is_off_target(result, target, direction):
            entry.off.append(DistrictResult(d_code, d_name, result, target))
    return sorted(found.values(), key=lambda e: (-len(e.off), _code_key(e.code)))


def _code_key(code: str) -> tuple[int | str, ...]:
    # "5.2" before "5.10": indicator codes are dotted numbers.
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))


def off_target_chart(indicators: list[IndicatorOffTarget], period: Period) -> Chart:
    top = [i for i in indicators if i.off][:OFF_TARGET_CHART_TOP]
    return bar_chart(
        title=_("ตัวชี้วัดที่ไม่บรรลุเป้าหมาย"),
        description=_(
            "จำนวนสำนักงานเขตที่ผลการดำเนินงานไม่บรรลุเป้าหมายของไตรมาส %(quarter)s "
            "ปีงบประมาณ %(year)s ตัวชี้วัดที่มากที่สุด %(n)s ตัว"
        )
        % {
            "quarter": quarter_label(period.quarter),
            "year": period.fiscal_year.year,
            "n": len(top),
        },
        categories=[f"{i.code} {i.name}" for i in top],
        series=[Series(_("เขตที่ไม่บรรลุเป้าหมาย"), [len(i.off) for i in top])],
        unit=_("เขต"),
        horizontal=True,
    )


# --- the city: the trend over quarters and years -----------------------------------


@dataclass(frozen=True)
class TrendPoint:
    year: int
    quarter: int
    mean: Decimal | None  # mean weighted score of the districts with one
    districts: int  # districts with a published score


def city_trend(today: dt.date | None = None) -> list[TrendPoint]:
    """The city's mean weighted score for every published quarter of every year, oldest
    first: each district weighed as ``district_ranking`` weighs it. Three queries."""
    today = today or timezone.localdate()
    periods = sorted(
        (p.fiscal_year.year, p.quarter, p.fiscal_year_id)
        for p in ReportingPeriod.objects.select_related("fiscal_year")
        if is_published(p.assessment_published_on, today)
    )
    if not periods:
        return []
    year_ids = {year_id for _y, _q, year_id in periods}
    assignments: dict[int, list[tuple[int, int, Decimal | None, Decimal]]] = defaultdict(list)
    for pk, year_id, district_id, weight, default_weight, full in (
        Assignment.objects.filter(indicator__fiscal_year_id__in=year_ids)
        .order_by()
        .values_list(
            "pk",
            "indicator__fiscal_year_id",
            "district_id",
            "weight",
            "indicator__weight",
            "indicator__full_score",
        )
    ):
        effective = weight if weight is not None else default_weight
        assignments[year_id].append((pk, district_id, effective, full))
    scores = {
        (assignment_id, quarter): (score, full)
        for assignment_id, quarter, score, full in public_reports(
            Report.objects.filter(assignment__indicator__fiscal_year_id__in=year_ids), today
        )
        .order_by()
        .values_list("assignment_id", "quarter", "score", "full_score")
    }
    points = []
    for year, quarter, year_id in periods:
        lines: dict[int, list[Weighed]] = defaultdict(list)
        for pk, district_id, weight, full in assignments[year_id]:
            score, report_full = scores.get((pk, quarter), (None, None))
            lines[district_id].append(Weighed(weight, score, report_full or full))
        totals = [weighted_score(district_lines).score for district_lines in lines.values()]
        counted = [t for t in totals if t is not None]
        points.append(TrendPoint(year, quarter, _mean(counted), len(counted)))
    return points


def trend_chart(points: list[TrendPoint]) -> Chart:
    first, last = (points[0], points[-1]) if points else (None, None)
    span = (
        _("ตั้งแต่ไตรมาสที่ %(q1)s/%(y1)s ถึงไตรมาสที่ %(q2)s/%(y2)s")
        % {"q1": first.quarter, "y1": first.year, "q2": last.quarter, "y2": last.year}
        if first and last
        else ""
    )
    return line_chart(
        title=_("แนวโน้มคะแนนเฉลี่ยของกรุงเทพมหานคร"),
        description=_("คะแนนถ่วงน้ำหนักเฉลี่ยของสำนักงานเขต ทุกไตรมาสที่ประกาศผลแล้ว %(span)s (เต็ม 5)")
        % {"span": span},
        categories=[short_quarter_label(p.year, p.quarter) for p in points],
        series=[Series(_("คะแนนเฉลี่ยทุกเขต"), [p.mean for p in points])],
        unit=_("คะแนน (เต็ม 5)"),
        y_min=0,
        y_max=5,
    )


@dataclass
class CityDashboard:
    period: Period
    completeness: Completeness
    zones: ZoneScores
    off_target: list[IndicatorOffTarget]
    trend: list[TrendPoint]
    chosen: IndicatorOffTarget | None  # the indicator whose districts are listed

    @property
    def completeness_chart(self) -> Chart:
        return self.completeness.chart

    @property
    def zones_chart(self) -> Chart:
        return self.zones.chart

    @property
    def off_target_chart(self) -> Chart:
        return off_target_chart(self.off_target, self.period)

    @property
    def off_target_count(self) -> int:
        return sum(1 for i in self.off_target if i.off)

    @property
    def trend_chart(self) -> Chart:
        return trend_chart(self.trend)


def _public[T](
    name: str, parts: tuple[Any, ...], today: dt.date | None, compute: Callable[..., T], *args: Any
) -> T:
    """``compute(*args)``, a figure made of published data only, from the public cache
    while nothing public has changed (``public.cache.public_memo``). A caller asking
    about another day than today computes afresh."""
    if today is not None and today != timezone.localdate():
        return compute(*args, today=today)
    return public_memo(name, parts, lambda: compute(*args))


def city_dashboard(
    fiscal_year: FiscalYear,
    quarter: int | None,
    *,
    indicator: int | None = None,
    today: dt.date | None = None,
) -> CityDashboard:
    """The city's dashboard for a year and quarter. Eleven queries."""
    period = dashboard_period(fiscal_year, quarter, today)
    indicators = _public(
        "off_target",
        (fiscal_year.pk, period.quarter),
        today,
        off_target,
        fiscal_year,
        period.quarter,
    )
    return CityDashboard(
        period=period,
        completeness=completeness(fiscal_year),
        zones=_public(
            "zone_scores",
            (fiscal_year.pk, period.quarter),
            today,
            zone_scores,
            fiscal_year,
            period.quarter,
        ),
        off_target=indicators,
        trend=_public("city_trend", (), today, city_trend),
        chosen=next((i for i in indicators if i.indicator_id == indicator), None),
    )


# --- a district ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicLine:
    """One indicator of the district's scorecard, as far as it has left the office."""

    assignment_id: int
    code: str
    name: str
    unit: str
    weight: Decimal | None
    target: Decimal
    result: Decimal | None  # only with a published score
    score: Decimal | None
    full_score: Decimal
    level: Decimal | None
    weighted: Decimal | None
    state: LineState

    @property
    def state_label(self) -> str:
        if self.state == LineState.SCORED:
            return str(_("ประเมินแล้ว"))
        if self.state == LineState.AWAITING_EVALUATION:
            return str(AWAITING_PUBLICATION)
        return str(_("ไม่ได้รายงาน"))


@dataclass(frozen=True)
class IndicatorTrend:
    assignment_id: int
    code: str
    name: str
    unit: str
    direction: str
    chart: Chart


@dataclass
class DistrictDashboard:
    district: District
    period: Period
    lines: list[PublicLine]
    total: WeightedScore
    by_quarter: list[tuple[int, bool, WeightedScore]]
    trends: list[IndicatorTrend]

    @property
    def weight_total(self) -> Decimal:
        return sum((line.weight or Decimal(0) for line in self.lines), Decimal(0))


def _public_line(line: ScorecardLine) -> PublicLine:
    indicator = line.assignment.indicator
    # district_scorecard without the office's view has a score only where
    # score_is_public says so; the result travels with it, never without.
    public = line.score is not None
    return PublicLine(
        assignment_id=line.assignment.pk,
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        weight=line.weight,
        target=line.target,
        result=line.result if public else None,
        score=line.score,
        full_score=line.full_score,
        level=level_score(line.score, line.full_score) if line.score is not None else None,
        weighted=line.office_weighted,
        state=line.state,
    )


def indicator_trends(
    district: District, fiscal_year: FiscalYear, today: dt.date | None = None
) -> list[IndicatorTrend]:
    """Each of the district's indicators in the year: its published result of every
    quarter against the quarter's target. Three queries, whatever the number."""
    assignments = list(
        Assignment.objects.filter(district=district, indicator__fiscal_year=fiscal_year)
        .select_related("indicator")
        .prefetch_related("quarter_targets")
        .order_by("indicator__code", "pk")
    )
    results = {
        (assignment_id, quarter): result
        for assignment_id, quarter, result in public_reports(
            Report.objects.filter(assignment__in=[a.pk for a in assignments]), today
        )
        .order_by()
        .values_list("assignment_id", "quarter", "result")
    }
    trends = []
    for assignment in sorted(assignments, key=lambda a: _code_key(a.indicator.code)):
        indicator = assignment.indicator
        targets = {t.quarter: t.target for t in assignment.quarter_targets.all()}
        chart = line_chart(
            title=f"{indicator.code} {indicator.name}",
            description=_(
                "ผลการดำเนินงานที่ประกาศแล้วเทียบกับเป้าหมายรายไตรมาส ปีงบประมาณ %(year)s (%(direction)s)"
            )
            % {"year": fiscal_year.year, "direction": Direction(indicator.direction).label},
            categories=[quarter_label(q) for q in QUARTERS],
            series=[
                Series(_("ผลการดำเนินงาน"), [results.get((assignment.pk, q)) for q in QUARTERS]),
                Series(_("เป้าหมาย"), [targets.get(q, assignment.annual_target) for q in QUARTERS]),
            ],
            unit=indicator.unit,
            y_min=0,
        )
        trends.append(
            IndicatorTrend(
                assignment.pk,
                indicator.code,
                indicator.name,
                indicator.unit,
                indicator.direction,
                chart,
            )
        )
    return trends


def district_dashboard(
    district: District,
    fiscal_year: FiscalYear,
    quarter: int | None,
    today: dt.date | None = None,
) -> DistrictDashboard:
    """The district's scorecard for a published quarter (what ``score_is_public``
    allows, nothing of the office's view) and each indicator's trend. Eight queries."""
    period = dashboard_period(fiscal_year, quarter, today)
    return _public(
        "district_dashboard",
        (district.pk, fiscal_year.pk, period.quarter),
        today,
        _district_dashboard,
        district,
        fiscal_year,
        period,
    )


def _district_dashboard(
    district: District, fiscal_year: FiscalYear, period: Period, today: dt.date | None = None
) -> DistrictDashboard:
    card = district_scorecard(district, fiscal_year, period.quarter, office_view=False, today=today)
    return DistrictDashboard(
        district=district,
        period=period,
        lines=sorted(
            (_public_line(line) for line in card.lines), key=lambda ln: _code_key(ln.code)
        ),
        total=card.office,
        by_quarter=card.by_quarter,
        trends=indicator_trends(district, fiscal_year, today),
    )


def dashboard_years() -> list[FiscalYear]:
    return list(FiscalYear.objects.order_by("-year"))


def district_choices() -> list[District]:
    return list(District.objects.order_by("name_th"))
