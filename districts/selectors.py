"""Reads for the district home page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from districts.models import District, Division
from indicators.models import QUARTERS, Assignment, FiscalYear, QuarterTarget, ReportingPeriod
from reports.models import DeadlineExtension, Report, ReportTransition, Status
from reports.selectors import QuarterRow

# The report fields the district home shows (status chips, scores, latest result).
HOME_REPORT_FIELDS = ("id", "assignment_id", "quarter", "status", "result", "score", "full_score")


@dataclass
class HomeRow:
    assignment: Assignment
    quarters: list[QuarterRow]
    latest_result: Decimal | None
    next_deadline: dt.date | None
    overdue: bool
    sheet_url: str = ""

    @property
    def days_left(self) -> int | None:
        if self.next_deadline is None:
            return None
        return (self.next_deadline - timezone.localdate()).days


@dataclass
class DistrictHome:
    district: District
    fiscal_year: FiscalYear
    years: list[FiscalYear]
    divisions: list[Division]
    division: Division | None
    rows: list[HomeRow]
    read_only: bool


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
    extensions = {
        e.period.quarter: e.deadline
        for e in DeadlineExtension.objects.filter(
            district=district, period__fiscal_year=fiscal_year
        ).select_related("period")
    }
    deadlines = {q: max(p.deadline, extensions.get(q, p.deadline)) for q, p in periods.items()}
    rows = []
    # Reversed once and filled in: 500 {% url %} tags were a tenth of the page.
    report_url = reverse("report_page", args=[0, 0])  # /assignments/0/q0/
    sheet_url = reverse("assignment_sheet", args=[0])  # /assignments/0/
    for assignment in assignments:
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
            and (
                reports.get(q) is None
                or reports[q].status not in (Status.SUBMITTED, Status.EVALUATED)
            )
        ]
        overdue = any(deadlines[q] < today for q in pending)
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
            )
        )
    # Overdue first, then the nearest deadline, then indicator code.
    rows.sort(key=lambda r: (not r.overdue, r.next_deadline or dt.date.max))
    return DistrictHome(
        district=district,
        fiscal_year=fiscal_year,
        years=list(FiscalYear.objects.order_by("-year")),
        divisions=list(district.divisions.order_by("name")),
        division=next((d for d in district.divisions.all() if d.pk == division_id), None),
        rows=rows,
        read_only=not fiscal_year.is_open,
    )
