"""What the API reads: only what may leave the office, only within a token's scope.

Every list takes ``scope`` — the district ids a token may read, or None for all — and
filters by it in the database; a district outside it is treated as one that does
not exist. Reports leave only through ``reports.publication.public_reports`` and
only with the fields of ``PUBLIC_REPORT_FIELDS``; district scores only for the
quarters ``published_periods_q`` says are public, from ``evaluation.scorecard``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from districts.models import District
from evaluation.scorecard import district_ranking
from indicators.models import Assignment, FiscalYear, Indicator, QuarterTarget, ReportingPeriod
from reports.models import Report
from reports.publication import PUBLIC_REPORT_FIELDS, public_reports, published_periods_q

Scope = frozenset[int] | None

#: The report fields a result row carries: the public ones less the narrative, which
#: is long free text the agencies did not ask for (a follow-up may add it).
RESULT_REPORT_FIELDS = tuple(f for f in PUBLIC_REPORT_FIELDS if f != "narrative")


@dataclass(frozen=True, slots=True)
class Filters:
    year: int | None = None
    quarter: int | None = None
    district: str | None = None  # a district's code
    indicator: str | None = None  # an indicator's code


def fiscal_years(today: dt.date | None = None) -> QuerySet[FiscalYear]:
    """Every fiscal year, newest first, with its published quarters. Two queries."""
    published = ReportingPeriod.objects.filter(published_periods_q(today)).order_by("quarter")
    return FiscalYear.objects.prefetch_related(
        Prefetch("periods", queryset=published, to_attr="published_periods")
    ).order_by("-year")


def districts(scope: Scope, code: str | None = None) -> QuerySet[District]:
    """The districts the token may read, by code. One query."""
    found = District.objects.select_related("zone_group").order_by("code")
    if scope is not None:
        found = found.filter(pk__in=scope)
    if code is not None:
        found = found.filter(code=code)
    return found


def indicators(scope: Scope, filters: Filters) -> QuerySet[Indicator]:
    """The indicators assigned to at least one district the token may read, by year
    and code; with a district filter, those assigned to that district. One query."""
    assigned = Assignment.objects.filter(indicator=OuterRef("pk"))
    if scope is not None:
        assigned = assigned.filter(district_id__in=scope)
    if filters.district is not None:
        assigned = assigned.filter(district__code=filters.district)
    found = Indicator.objects.filter(Exists(assigned)).select_related("fiscal_year")
    if filters.year is not None:
        found = found.filter(fiscal_year__year=filters.year)
    if filters.indicator is not None:
        found = found.filter(code=filters.indicator)
    return found.order_by("-fiscal_year__year", "code", "pk")


def results(scope: Scope, filters: Filters, today: dt.date | None = None) -> QuerySet[Any]:
    """One row per assignment and published quarter: the published report's public
    fields with the assignment's configuration (its target for the quarter, weight).
    Rows, not models, so nothing else of a report can be serialised by mistake.
    One query for a page (and one for the count)."""
    reports = public_reports(Report.objects.all(), today)
    if scope is not None:
        reports = reports.filter(assignment__district_id__in=scope)
    if filters.year is not None:
        reports = reports.filter(assignment__indicator__fiscal_year__year=filters.year)
    if filters.quarter is not None:
        reports = reports.filter(quarter=filters.quarter)
    if filters.district is not None:
        reports = reports.filter(assignment__district__code=filters.district)
    if filters.indicator is not None:
        reports = reports.filter(assignment__indicator__code=filters.indicator)
    quarter_target = QuarterTarget.objects.filter(
        assignment_id=OuterRef("assignment_id"), quarter=OuterRef("quarter")
    ).values("target")[:1]
    return reports.order_by(
        "assignment__indicator__fiscal_year__year",
        "quarter",
        "assignment__district__code",
        "assignment__indicator__code",
        "pk",
    ).values(
        *RESULT_REPORT_FIELDS,
        year=F("assignment__indicator__fiscal_year__year"),
        district_code=F("assignment__district__code"),
        district_name_th=F("assignment__district__name_th"),
        district_name_en=F("assignment__district__name_en"),
        indicator_code=F("assignment__indicator__code"),
        indicator_name=F("assignment__indicator__name"),
        unit=F("assignment__indicator__unit"),
        assignment_code=F("assignment__code"),
        target=Coalesce(Subquery(quarter_target), F("assignment__annual_target")),
        weight=Coalesce(F("assignment__weight"), F("assignment__indicator__weight")),
    )


@dataclass(frozen=True, slots=True)
class ScoreRow:
    year: int
    quarter: int
    published_on: dt.date
    district: District
    score: Decimal | None
    percent: Decimal | None
    rank: int | None
    zone_rank: int | None
    indicators_scored: int
    indicators_unscored: int


def district_scores(scope: Scope, filters: Filters, today: dt.date | None = None) -> list[ScoreRow]:
    """Each district's weighted score and rank in each published quarter of one year
    (``filters.year`` is required: the rankings are computed per quarter, four
    queries each, so a year bounds the work). Ranks are among all districts, as the
    office publishes them; only the districts in scope are listed."""
    today = today or timezone.localdate()
    if filters.year is None:
        return []
    year = FiscalYear.objects.filter(year=filters.year).first()
    if year is None:
        return []
    periods = ReportingPeriod.objects.filter(published_periods_q(today), fiscal_year=year)
    if filters.quarter is not None:
        periods = periods.filter(quarter=filters.quarter)
    rows = []
    for period in periods.order_by("quarter"):
        ranking = district_ranking(year, period.quarter, today=today)
        published_on = period.assessment_published_on
        if not ranking.published or published_on is None:
            continue
        for entry in sorted(ranking.ranked, key=lambda e: e.district.code):
            if scope is not None and entry.district.pk not in scope:
                continue
            if filters.district is not None and entry.district.code != filters.district:
                continue
            rows.append(
                ScoreRow(
                    year=year.year,
                    quarter=period.quarter,
                    published_on=published_on,
                    district=entry.district,
                    score=entry.score.score,
                    percent=entry.score.percent,
                    rank=entry.rank,
                    zone_rank=entry.zone_rank,
                    indicators_scored=entry.score.scored,
                    indicators_unscored=entry.score.unscored,
                )
            )
    return rows
