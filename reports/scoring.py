"""The score a report's own figures earn by its indicator's rule: the district's
self-assessment is prefilled with it, and the office is offered it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from indicators.fiscal import quarter_end
from indicators.models import ScoringRule
from indicators.scoring import suggest_score
from kpi_portal.thaidigits import format_score
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


@dataclass(frozen=True)
class ScoreComparison:
    """The district's self-assessment, the rule's suggestion and the office's score side
    by side (the scoring page), each difference taken from the district's own score."""

    self_score: Decimal | None
    suggested: Decimal | None
    given: Decimal | None
    full_score: Decimal

    def _from_self(self, other: Decimal | None) -> Decimal | None:
        if self.self_score is None or other is None:
            return None
        return other - self.self_score

    @property
    def suggested_difference(self) -> str:
        """How far the rule's suggestion is from the self-assessment: "−5", "+2.5", "0"."""
        return signed_score(self._from_self(self.suggested))

    @property
    def given_difference(self) -> str:
        """How far the office's score is from the self-assessment."""
        return signed_score(self._from_self(self.given))

    @property
    def self_above_suggestion(self) -> bool:
        """The district rated itself higher than its figures earn by the rule."""
        difference = self._from_self(self.suggested)
        return difference is not None and difference < 0

    @property
    def given_below_self(self) -> bool:
        """The office gave less than the district gave itself."""
        difference = self._from_self(self.given)
        return difference is not None and difference < 0


def signed_score(difference: Decimal | None) -> str:
    """A score difference with its sign ("+5", "−2.5", "0"); "–" when there is none."""
    if difference is None:
        return "–"
    if difference == 0:
        return "0"
    sign = "+" if difference > 0 else "\u2212"
    return sign + format_score(abs(difference))


def score_comparison(report: Report, suggested: Decimal | None) -> ScoreComparison:
    """The comparison for one report, given its suggestion (already computed by the page)."""
    return ScoreComparison(
        self_score=report.self_score,
        suggested=suggested,
        given=report.score,
        full_score=report.full_score,
    )
