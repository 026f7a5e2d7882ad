"""Reads for pages and PDFs: the web page and the printed sheet share these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from districts.access import scope_assignments
from indicators.models import (
    QUARTERS,
    Assignment,
    FiscalYear,
    MilestoneStep,
    ReportingPeriod,
    StrategyNode,
)
from reports.models import DeadlineExtension, Report, ReportTransition, Status, StepProgress


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


def strategy_chain(nodes: list[StrategyNode]) -> list[StrategyNode]:
    """The nodes with all their ancestors, top-down (ด้านที่ ๗ → ๗.๕ → ๗.๕.๑ → ๗.๕.๑.๓)."""
    codes: set[str] = set()
    for node in nodes:
        parts = node.code.split(".")
        codes.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    if not codes:
        return []
    chain = list(StrategyNode.objects.filter(code__in=codes))
    return sorted(chain, key=lambda n: [int(p) if p.isdigit() else p for p in n.code.split(".")])


def assignment_sheet(assignment: Assignment) -> AssignmentSheet:
    """Load the detail sheet of one assignment in a fixed number of queries."""
    assignment = (
        Assignment.objects.select_related(
            "indicator__fiscal_year", "district__zone_group", "division", "year_summary"
        )
        .prefetch_related(
            "quarter_targets",
            "indicator__strategy_nodes",
            Prefetch(
                "indicator__steps",
                queryset=MilestoneStep.objects.prefetch_related("sub_items"),
            ),
            *_report_prefetches(),
        )
        .get(pk=assignment.pk)
    )
    periods = {
        p.quarter: p
        for p in ReportingPeriod.objects.filter(fiscal_year_id=assignment.indicator.fiscal_year_id)
    }
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
        strategy_chain=strategy_chain(list(assignment.indicator.strategy_nodes.all())),
        latest_assessment=published[-1] if published else None,
        summary=summary,
    )


def fiscal_years() -> QuerySet[FiscalYear]:
    return FiscalYear.objects.order_by("-year")
