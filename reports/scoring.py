"""The score a report's own figures earn by its indicator's rule: the district's
self-assessment is prefilled with it, and the office is offered it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from indicators.fiscal import quarter_end
from indicators.models import ScoringRule
from indicators.scoring import suggest_score
from reports.models import Report


def suggested_score(report: Report) -> Decimal | None:
    """The suggestion for one report, from its indicator, targets and steps."""
    indicator = report.assignment.indicator
    steps: list[tuple[Decimal, bool, dt.date | None]] = []
    by_milestones = indicator.scoring_rule == ScoringRule.MILESTONES_DUE
    if by_milestones:
        done = set(report.step_progress.values_list("step_id", flat=True))
        steps = [(s.weight, s.pk in done, s.due_date) for s in indicator.steps.all()]
    target = report.assignment.annual_target
    thresholds = indicator.level_thresholds
    five_levels = indicator.scoring_rule == ScoringRule.FIVE_LEVELS and thresholds
    if report.result is not None and not five_levels and not by_milestones:
        # Only the proportional rule reads the quarter's target.
        quarter_target = (
            report.assignment.quarter_targets.filter(quarter=report.quarter)
            .values_list("target", flat=True)
            .first()
        )
        target = target if quarter_target is None else quarter_target
    return suggest_score(
        rule=indicator.scoring_rule,
        kind=indicator.kind,
        direction=indicator.direction,
        thresholds=thresholds,
        full_score=report.full_score,
        result=report.result,
        target=target,
        steps=steps,
        quarter_ends=quarter_end(indicator.fiscal_year.year, report.quarter),
    )
