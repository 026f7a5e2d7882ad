"""A district's weighted score, its scorecard and the ranking of districts.

The performance agreement's arithmetic (คำรับรองการปฏิบัติราชการ): every
indicator's score is read on the five-point scale (its score ÷ full score × 5),
and the district's result is Σ(weight × level score) ÷ Σweight, to four
decimals, with its percentage equivalent (÷ 5 × 100, to two). ``weighted_score``
is the one function that computes it; the scorecard page, its PDF and the
rankings all call it.

An assigned indicator without a score counts as 0 or is left out of the
average with its weight, per ``settings.SCORECARD_UNREPORTED``; either way it is
shown, never hidden.

The year's result is the fourth quarter's evaluation: results are cumulative,
and the fourth quarter's is the twelve months' (docs/design.md, "Scores").
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District, ZoneGroup
from evaluation.cache import matrix_version
from indicators.fiscal import QUARTERS
from indicators.models import Assignment, FiscalYear, QuarterTarget, ReportingPeriod
from reports.models import HANDED_IN_STATUSES, Report, Status
from reports.publication import is_published

FIVE = Decimal(5)
HUNDRED = Decimal(100)
_FOUR_PLACES = Decimal("0.0001")
_TWO_PLACES = Decimal("0.01")
#: The year's result is the last quarter's evaluation (see the module's docstring).
YEAR_QUARTER = QUARTERS[-1]


class LineState(StrEnum):
    SCORED = "scored"
    AWAITING_EVALUATION = "awaiting_evaluation"  # handed in, not scored (or not public)
    NOT_REPORTED = "not_reported"


LINE_STATE_LABELS = {
    LineState.SCORED: _("ประเมินแล้ว"),
    LineState.AWAITING_EVALUATION: _("รอผลการประเมิน"),
    LineState.NOT_REPORTED: _("ไม่ได้รายงาน"),
}


def level_score(score: Decimal, full_score: Decimal) -> Decimal:
    """A score read on the five-point scale, exactly (score ÷ full score × 5)."""
    return score * FIVE / full_score


@dataclass(frozen=True, slots=True)
class Weighed:
    """One indicator as the weighted average sees it."""

    weight: Decimal | None  # None: no weight set for the district or the indicator
    score: Decimal | None  # None: nothing to count (not reported, not evaluated)
    full_score: Decimal


@dataclass(frozen=True, slots=True)
class WeightedScore:
    score: Decimal | None  # five-point scale, four decimals; None when nothing counts
    percent: Decimal | None  # the same as a percentage, two decimals
    weight_counted: Decimal  # Σweight of the indicators in the average
    scored: int  # indicators with a score
    unscored: int  # indicators without one (counted as 0, or left out)

    @property
    def has_score(self) -> bool:
        return self.scored > 0


def weighted_score(lines: Iterable[Weighed], *, unreported: str | None = None) -> WeightedScore:
    """Σ(weight × level score) ÷ Σweight on the five-point scale, to four decimals.

    ``unreported`` is "zero" (an indicator without a score counts as 0 with its
    weight) or "omit" (it is left out, weight and all); the default is
    ``settings.SCORECARD_UNREPORTED``. An indicator without a weight weighs
    nothing. With no score at all there is no result (None), not 0: a district
    nobody has evaluated is not the last district.
    """
    sums = WeightSums()
    for line in lines:
        weight = line.weight or Decimal(0)
        sums.weights += weight
        if line.score is None:
            sums.unscored += 1
            continue
        sums.scored += 1
        sums.weights_scored += weight
        sums.total += weight * level_score(line.score, line.full_score)
    return sums.result(unreported)


@dataclass(slots=True)
class WeightSums:
    """What a weighted score is computed from: summed line by line (``weighted_score``)
    or by the database for every district at once (``district_ranking``)."""

    total: Decimal = Decimal(0)  # Σ(weight × level score) of the scored lines
    weights: Decimal = Decimal(0)  # Σweight of every line
    weights_scored: Decimal = Decimal(0)  # Σweight of the scored lines
    scored: int = 0
    unscored: int = 0

    def result(self, unreported: str | None = None) -> WeightedScore:
        policy = unreported or settings.SCORECARD_UNREPORTED
        weights = self.weights if policy == "zero" else self.weights_scored
        if not self.scored or weights <= 0:
            return WeightedScore(None, None, weights, self.scored, self.unscored)
        exact = self.total / weights
        return WeightedScore(
            exact.quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP),
            (exact / FIVE * HUNDRED).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP),
            weights,
            self.scored,
            self.unscored,
        )


def rank_by_score[T](items: Iterable[tuple[Decimal, T]]) -> list[tuple[int, Decimal, T]]:
    """(score, item) pairs ranked best first; equal scores share a rank, the next
    rank skips (1, 2, 2, 4). Items keep their given order within a tie."""
    ordered = sorted(items, key=lambda pair: -pair[0])
    ranked: list[tuple[int, Decimal, T]] = []
    position = 0
    for score, group in groupby(ordered, key=lambda pair: pair[0]):
        members = list(group)
        rank = position + 1
        ranked.extend((rank, score, item) for _score, item in members)
        position += len(members)
    return ranked


# ---------------------------------------------------------------------------
# The scorecard of one district for one year


@dataclass
class ScorecardLine:
    assignment: Assignment
    weight: Decimal | None
    target: Decimal
    result: Decimal | None
    status: str | None
    full_score: Decimal
    self_score: Decimal | None
    suggested_score: Decimal | None
    score: Decimal | None  # the office's, when the viewer may see it
    evaluated_by: str = ""
    evaluated_at: dt.datetime | None = None
    # The line's share of each total (weight × level score ÷ Σweight counted).
    self_weighted: Decimal | None = None
    office_weighted: Decimal | None = None

    @property
    def state(self) -> LineState:
        if self.score is not None:
            return LineState.SCORED
        if self.status in HANDED_IN_STATUSES:
            return LineState.AWAITING_EVALUATION
        return LineState.NOT_REPORTED

    @property
    def state_label(self) -> str:
        return str(LINE_STATE_LABELS[self.state])

    @property
    def self_level(self) -> Decimal | None:
        return None if self.self_score is None else level_score(self.self_score, self.full_score)

    @property
    def level(self) -> Decimal | None:
        return None if self.score is None else level_score(self.score, self.full_score)


@dataclass(frozen=True, slots=True)
class Evaluator:
    """Who evaluated the scorecard's indicators: how many, from when to when."""

    name: str  # "" when the evaluation names nobody (the seed's)
    indicators: int
    first: dt.datetime
    last: dt.datetime

    @property
    def one_day(self) -> bool:
        return timezone.localdate(self.first) == timezone.localdate(self.last)


@dataclass
class Scorecard:
    district: District
    fiscal_year: FiscalYear
    quarter: int
    period: ReportingPeriod | None
    published: bool
    office_view: bool  # the office sees scores before they are published
    lines: list[ScorecardLine]
    office: WeightedScore
    self_assessed: WeightedScore
    by_quarter: list[tuple[int, bool, WeightedScore]]  # quarter, published, office score
    unreported_policy: str
    evaluators: list[Evaluator] = field(default_factory=list)

    @property
    def weight_total(self) -> Decimal:
        return sum((line.weight or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def weights_complete(self) -> bool:
        return self.weight_total == HUNDRED and all(line.weight is not None for line in self.lines)

    @property
    def office_shown(self) -> bool:
        return self.published or self.office_view


def _share(
    weight: Decimal | None, level: Decimal | None, total: WeightedScore, policy: str
) -> Decimal | None:
    """A line's share of a total: weight × level score ÷ Σweight counted."""
    if weight is None or not total.has_score or total.weight_counted <= 0:
        return None
    if level is None:
        return Decimal(0) if policy == "zero" else None
    return (weight * level / total.weight_counted).quantize(_FOUR_PLACES, rounding=ROUND_HALF_UP)


def _periods(fiscal_year: FiscalYear) -> dict[int, ReportingPeriod]:
    return {p.quarter: p for p in ReportingPeriod.objects.filter(fiscal_year=fiscal_year)}


def district_scorecard(
    district: District,
    fiscal_year: FiscalYear,
    quarter: int,
    *,
    office_view: bool,
    today: dt.date | None = None,
) -> Scorecard:
    """Every indicator assigned to the district in the year, with its weight, target,
    result, self-assessment and office score for the quarter, and the totals.

    The office's scores are shown to the district only for a published quarter;
    the office (``office_view``) sees them all. Four queries, whatever the size.
    """
    today = today or timezone.localdate()
    periods = _periods(fiscal_year)
    published = {q: is_published(p.assessment_published_on, today) for q, p in periods.items()}
    assignments = list(
        Assignment.objects.filter(district=district, indicator__fiscal_year=fiscal_year)
        .select_related("indicator")
        .prefetch_related(
            Prefetch(
                "quarter_targets",
                queryset=QuarterTarget.objects.filter(quarter=quarter),
                to_attr="the_quarter_target",
            )
        )
        .order_by("indicator__code", "pk")
    )
    reports = _reports_by_quarter([a.pk for a in assignments])
    shown = office_view or published.get(quarter, False)
    lines = []
    for assignment in assignments:
        report = reports.get((assignment.pk, quarter))
        targets = assignment.the_quarter_target  # type: ignore[attr-defined]
        score = report.score if report and report.status == Status.EVALUATED else None
        visible = report is not None and shown and score is not None
        lines.append(
            ScorecardLine(
                assignment=assignment,
                weight=assignment.effective_weight,
                target=targets[0].target if targets else assignment.annual_target,
                result=report.result if report else None,
                status=report.status if report else None,
                full_score=report.full_score if report else assignment.indicator.full_score,
                self_score=report.self_score if report else None,
                suggested_score=report.suggested_score if report else None,
                score=score if shown else None,
                evaluated_by=report.evaluator if report and visible else "",
                evaluated_at=report.evaluated_at if report and visible else None,
            )
        )
    by_quarter = [
        (
            q,
            published.get(q, False),
            weighted_score(
                _weighed(a, reports.get((a.pk, q)), counts=office_view or published.get(q, False))
                for a in assignments
            ),
        )
        for q in QUARTERS
    ]
    office = weighted_score(Weighed(ln.weight, ln.score, ln.full_score) for ln in lines)
    self_assessed = weighted_score(Weighed(ln.weight, ln.self_score, ln.full_score) for ln in lines)
    policy = settings.SCORECARD_UNREPORTED
    for line in lines:
        line.self_weighted = _share(line.weight, line.self_level, self_assessed, policy)
        line.office_weighted = _share(line.weight, line.level, office, policy) if shown else None
    evaluated: dict[str, list[dt.datetime]] = defaultdict(list)
    for line in lines:
        if line.evaluated_at is not None:
            evaluated[line.evaluated_by].append(line.evaluated_at)
    evaluators = sorted(
        (Evaluator(name, len(times), min(times), max(times)) for name, times in evaluated.items()),
        key=lambda e: (-e.indicators, e.name),
    )
    return Scorecard(
        district=district,
        fiscal_year=fiscal_year,
        quarter=quarter,
        period=periods.get(quarter),
        published=published.get(quarter, False),
        office_view=office_view,
        lines=lines,
        office=office,
        self_assessed=self_assessed,
        by_quarter=by_quarter,
        unreported_policy=policy,
        evaluators=evaluators,
    )


def _weighed(assignment: Assignment, report: _ReportRow | None, *, counts: bool) -> Weighed:
    if report is None:
        return Weighed(assignment.effective_weight, None, assignment.indicator.full_score)
    score = report.score if counts and report.status == Status.EVALUATED else None
    return Weighed(assignment.effective_weight, score, report.full_score)


@dataclass(frozen=True, slots=True)
class _ReportRow:
    result: Decimal | None
    status: str
    full_score: Decimal
    self_score: Decimal | None
    suggested_score: Decimal | None
    score: Decimal | None
    evaluated_at: dt.datetime | None
    evaluator: str


def _reports_by_quarter(assignment_ids: list[int]) -> dict[tuple[int, int], _ReportRow]:
    rows = Report.objects.filter(assignment_id__in=assignment_ids).values_list(
        "assignment_id",
        "quarter",
        "result",
        "status",
        "full_score",
        "self_score",
        "suggested_score",
        "score",
        "evaluated_at",
        "evaluated_by__first_name",
        "evaluated_by__last_name",
        "evaluated_by__username",
    )
    found = {}
    for (
        assignment_id,
        quarter,
        result,
        status,
        full_score,
        self_score,
        suggested,
        score,
        evaluated_at,
        first,
        last,
        username,
    ) in rows:
        name = " ".join(part for part in (first, last) if part) or (username or "")
        found[(assignment_id, quarter)] = _ReportRow(
            result, status, full_score, self_score, suggested, score, evaluated_at, name
        )
    return found


# ---------------------------------------------------------------------------
# Rankings


@dataclass
class RankedDistrict:
    district: District
    score: WeightedScore
    rank: int | None = None  # None: no published score, listed but never numbered
    zone_rank: int | None = None


@dataclass
class Ranking:
    fiscal_year: FiscalYear
    quarter: int
    published: bool
    ranked: list[RankedDistrict]  # best first, then those without a score
    zone_groups: list[tuple[ZoneGroup, list[RankedDistrict]]]
    unreported_policy: str

    @property
    def unranked(self) -> list[RankedDistrict]:
        return [r for r in self.ranked if r.rank is None]


def district_ranking(
    fiscal_year: FiscalYear,
    quarter: int,
    *,
    zone_code: str | None = None,
    today: dt.date | None = None,
) -> Ranking:
    """The districts by weighted score for the quarter, ties sharing a rank, overall
    and within each zone group. Only a published quarter's evaluations count; a
    district without one is listed without a number. With ``zone_code`` only that
    zone group's districts are listed, still with their rank among all. Five queries
    (four when the sums are cached)."""
    today = today or timezone.localdate()
    period = ReportingPeriod.objects.filter(fiscal_year=fiscal_year, quarter=quarter).first()
    published = period is not None and is_published(period.assessment_published_on, today)
    scores = {
        pk: sums.result()
        for pk, sums in _ranking_sums(fiscal_year, quarter, published, today).items()
    }
    ranks = {
        pk: rank
        for rank, _score, pk in rank_by_score(
            (score.score, pk) for pk, score in scores.items() if score.score is not None
        )
    }
    districts = District.objects.select_related("zone_group").order_by("name_th")
    groups_in_scope = ZoneGroup.objects.order_by("position")
    if zone_code:
        districts = districts.filter(zone_group__code=zone_code)
        groups_in_scope = groups_in_scope.filter(code=zone_code)
    entries = [
        RankedDistrict(d, scores[d.pk], ranks.get(d.pk)) for d in districts if d.pk in scores
    ]
    groups = []
    by_group: dict[int, list[RankedDistrict]] = defaultdict(list)
    for entry in entries:
        by_group[entry.district.zone_group_id].append(entry)
    for group in groups_in_scope:
        members = by_group.get(group.pk, [])
        _number(members, "zone_rank")
        groups.append((group, _best_first(members)))
    return Ranking(
        fiscal_year=fiscal_year,
        quarter=quarter,
        published=published,
        ranked=_best_first(entries),
        zone_groups=groups,
        unreported_policy=settings.SCORECARD_UNREPORTED,
    )


def _ranking_sums(
    fiscal_year: FiscalYear, quarter: int, published: bool, today: dt.date
) -> dict[int, WeightSums]:
    """Every district's sums for the quarter, added up by the database and kept in the
    matrix cache for the quarter's version (which every change they read bumps:
    reports, weights, publication, districts). At national scale (7,900 agencies,
    790,000 lines a quarter) the sums take ~2 s, the Python loop they replace 6 s."""
    version = matrix_version(fiscal_year.pk, quarter, today)  # before the data
    raw = f"{version}|{fiscal_year.pk}|{quarter}|{published}"
    key = "ranking-sums:" + hashlib.sha256(raw.encode()).hexdigest()
    store = caches["matrix"]
    stored: dict[int, tuple[Decimal, Decimal, Decimal, int, int]] | None = store.get(key)
    if stored is None:
        stored = {}
        weight = Coalesce("weight", "indicator__weight", Value(Decimal(0)))
        rows = Assignment.objects.filter(indicator__fiscal_year=fiscal_year).order_by()
        if published:
            # Only a published quarter's evaluations count.
            counted = Q(
                quarter_report__status=Status.EVALUATED, quarter_report__score__isnull=False
            )
            level = (
                F("quarter_report__score")
                * FIVE
                / Coalesce("quarter_report__full_score", "indicator__full_score")
            )
            aggregated: Any = (
                rows.annotate(
                    quarter_report=FilteredRelation(
                        "reports", condition=Q(reports__quarter=quarter)
                    )
                )
                .values("district_id")
                .annotate(
                    total=Sum(weight * level, filter=counted),
                    weights=Sum(weight),
                    weights_scored=Sum(weight, filter=counted),
                    scored=Count("pk", filter=counted),
                    lines=Count("pk"),
                )
            )
        else:
            aggregated = rows.values("district_id").annotate(
                total=Value(None, output_field=DecimalField()),
                weights=Sum(weight),
                weights_scored=Value(None, output_field=DecimalField()),
                scored=Value(0),
                lines=Count("pk"),
            )
        for row in aggregated:
            stored[row["district_id"]] = (
                row["total"] or Decimal(0),
                row["weights"] or Decimal(0),
                row["weights_scored"] or Decimal(0),
                row["scored"],
                row["lines"] - row["scored"],
            )
        store.set(key, stored)
    return {district: WeightSums(*values) for district, values in stored.items()}


def _number(entries: list[RankedDistrict], attribute: str) -> None:
    scored = [(e.score.score, e) for e in entries if e.score.score is not None]
    for rank, _score, entry in rank_by_score(scored):
        setattr(entry, attribute, rank)


def _best_first(entries: list[RankedDistrict]) -> list[RankedDistrict]:
    # Numbered first by score (Thai order within a tie), then the unnumbered in Thai order.
    return sorted(
        entries,
        key=lambda e: (e.score.score is None, -(e.score.score or 0)),
    )


def weight_totals(
    fiscal_year: FiscalYear, zone_code: str | None = None
) -> list[tuple[District, Decimal, int, int]]:
    """Each district's Σ weight for the year, with its number of assignments and of
    assignments without a weight: the office sees which districts do not add up to 100.
    Added up by the database (790,000 assignments at national scale); ``zone_code``:
    that zone group's districts only."""
    effective = Coalesce("weight", "indicator__weight")
    assignments = Assignment.objects.filter(indicator__fiscal_year=fiscal_year)
    districts = District.objects.order_by("name_th")
    if zone_code:
        assignments = assignments.filter(district__zone_group__code=zone_code)
        districts = districts.filter(zone_group__code=zone_code)
    totals = {
        row["district_id"]: row
        for row in assignments.order_by()
        .values("district_id")
        .annotate(
            total=Coalesce(Sum(effective), Value(Decimal(0))),
            lines=Count("pk"),
            unweighted=Count("pk", filter=Q(weight=None, indicator__weight=None)),
        )
    }
    return [
        (d, totals[d.pk]["total"], totals[d.pk]["lines"], totals[d.pk]["unweighted"])
        for d in districts
        if d.pk in totals
    ]
