"""Reads for the public pages: only what ``reports.publication`` lets leave the office.

Every figure here comes through ``public_reports`` / ``published_periods_q`` (the
rankings through ``district_ranking``, which counts published quarters only), and
every report that reaches a template is a ``PublicReport``: the public fields and
nothing else, so even a template mistake cannot print an evaluator's comment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from districts.models import District
from evaluation.scorecard import (
    Ranking,
    WeightedScore,
    district_ranking,
    district_scorecard,
)
from indicators.models import Assignment, FiscalYear, Indicator, ReportingPeriod
from reports.models import Report, Status
from reports.publication import PUBLIC_REPORT_FIELDS, public_reports, published_periods_q
from reports.selectors import AssignmentSheet, QuarterRow, assignment_sheet


@dataclass(frozen=True)
class PublicReport:
    """A report as it leaves the office: ``PUBLIC_REPORT_FIELDS`` only."""

    quarter: int
    result: Decimal | None
    score: Decimal
    full_score: Decimal
    narrative: str
    evaluated_at: dt.datetime | None
    # What the shared sheet templates ask of any report; constant here.
    status: str = Status.EVALUATED
    self_score: None = None

    @classmethod
    def of(cls, report: Report) -> PublicReport:
        return cls(**{name: getattr(report, name) for name in PUBLIC_REPORT_FIELDS})


def published_years(today: dt.date | None = None) -> QuerySet[FiscalYear]:
    """The fiscal years with at least one published quarter, the newest first."""
    published = ReportingPeriod.objects.filter(
        published_periods_q(today), fiscal_year_id=OuterRef("pk")
    )
    return FiscalYear.objects.filter(Exists(published)).order_by("-year")


def published_quarters(fiscal_year: FiscalYear, today: dt.date | None = None) -> list[int]:
    return sorted(
        ReportingPeriod.objects.filter(published_periods_q(today), fiscal_year=fiscal_year)
        .values_list("quarter", flat=True)
        .distinct()
    )


def public_year(year: int | None, years: list[FiscalYear]) -> FiscalYear:
    """The year asked for among the published ``years`` (default the newest); 404 else."""
    if not years:
        raise Http404("no published fiscal year")
    if year is None:
        return years[0]
    for fiscal_year in years:
        if fiscal_year.year == year:
            return fiscal_year
    raise Http404("fiscal year not published")


def _quarter(asked: int | None, quarters: list[int]) -> int:
    return asked if asked in quarters else quarters[-1]


@dataclass
class CityOverview:
    fiscal_year: FiscalYear
    years: list[FiscalYear]
    quarters: list[int]  # the year's published quarters
    quarter: int  # the one shown: the latest published, unless asked
    ranking: Ranking
    indicators: int

    @property
    def ranked(self) -> int:
        return sum(1 for entry in self.ranking.ranked if entry.rank is not None)


def city_overview(year: int | None, quarter: int | None = None) -> CityOverview:
    """The city's districts ranked by weighted score for a published quarter."""
    years = list(published_years())
    fiscal_year = public_year(year, years)
    quarters = published_quarters(fiscal_year)
    shown = _quarter(quarter, quarters)
    return CityOverview(
        fiscal_year=fiscal_year,
        years=years,
        quarters=quarters,
        quarter=shown,
        ranking=district_ranking(fiscal_year, shown),
        indicators=Indicator.objects.filter(fiscal_year=fiscal_year).count(),
    )


@dataclass(frozen=True)
class PublicLine:
    """One indicator of a district's public scorecard: its score only when public."""

    assignment: Assignment
    weight: Decimal | None
    target: Decimal
    result: Decimal | None
    score: Decimal | None
    full_score: Decimal
    level: Decimal | None
    weighted: Decimal | None

    @property
    def published(self) -> bool:
        return self.score is not None


@dataclass
class PublicScorecard:
    district: District
    fiscal_year: FiscalYear
    years: list[FiscalYear]
    quarters: list[int]
    quarter: int
    lines: list[PublicLine]
    total: WeightedScore
    by_quarter: list[tuple[int, WeightedScore]]  # published quarters only
    unreported_policy: str

    @property
    def published_lines(self) -> int:
        return sum(1 for line in self.lines if line.published)


def public_scorecard(code: str, year: int | None, quarter: int | None = None) -> PublicScorecard:
    """A district's scorecard as the public sees it: the district's view
    (``office_view=False``: no score of an unpublished quarter), and of each line only
    the weight, target and — for a published score — result, score and share."""
    years = list(published_years())
    fiscal_year = public_year(year, years)
    district = District.objects.filter(code=code).first()
    if district is None:
        raise Http404("no such district")
    quarters = published_quarters(fiscal_year)
    shown = _quarter(quarter, quarters)
    card = district_scorecard(district, fiscal_year, shown, office_view=False)
    if not card.lines:
        raise Http404("no assignment in this year")
    lines = [
        PublicLine(
            assignment=line.assignment,
            weight=line.weight,
            target=line.target,
            result=line.result if line.score is not None else None,
            score=line.score,
            full_score=line.full_score,
            level=line.level,
            weighted=line.office_weighted if line.score is not None else None,
        )
        for line in card.lines
    ]
    return PublicScorecard(
        district=district,
        fiscal_year=fiscal_year,
        years=years,
        quarters=quarters,
        quarter=shown,
        lines=lines,
        total=card.office,
        by_quarter=[(q, total) for q, published, total in card.by_quarter if published],
        unreported_policy=card.unreported_policy,
    )


def public_assignment(pk: int, today: dt.date | None = None) -> Assignment:
    """An assignment of a fiscal year with a published quarter; 404 otherwise."""
    published = ReportingPeriod.objects.filter(
        published_periods_q(today),
        fiscal_year_id=OuterRef("indicator__fiscal_year_id"),
    )
    assignment = Assignment.objects.filter(Exists(published), pk=pk).first()
    if assignment is None:
        raise Http404("no published assignment")
    return assignment


def public_sheet(assignment: Assignment, today: dt.date | None = None) -> AssignmentSheet:
    """The indicator sheet with only published quarters filled in.

    ``assignment_sheet`` loads the sheet as the office would see it; every row whose
    report is not in ``public_reports`` loses its report (the page prints
    "ยังไม่ประกาศผล"), the others keep a ``PublicReport``. The year's summary is the
    fourth quarter's text: shown once that quarter is public."""
    today = today or timezone.localdate()
    sheet = assignment_sheet(assignment)
    public_ids = set(
        public_reports(Report.objects.filter(assignment=assignment), today).values_list(
            "pk", flat=True
        )
    )
    rows = [
        QuarterRow(
            row.quarter,
            row.target,
            PublicReport.of(row.report)  # type: ignore[arg-type]
            if row.report is not None and row.report.pk in public_ids
            else None,
            row.period,
        )
        for row in sheet.rows
    ]
    published = [row.report for row in rows if row.report is not None]
    return replace(
        sheet,
        rows=rows,
        latest_assessment=published[-1] if published else None,  # type: ignore[arg-type]
        summary=sheet.summary if rows and rows[-1].report is not None else "",
        extra={**sheet.extra, "public": True},
    )
