"""The arithmetic of an indicator's scoring rule.

The one home of the choice of rule (``suggest_score``) and of its arithmetic.
Pure functions, so the district's self-assessment, the office's suggestion and
the synthetic data agree exactly; the evaluator may always set another score,
with a reason. ``reports.scoring.suggested_score`` applies them to a report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from indicators.models import Direction, MeasurementKind, ScoringRule

_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_FIVE = Decimal(5)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def proportional_score(
    result: Decimal, target: Decimal, full_score: Decimal, *, lower_is_better: bool = False
) -> Decimal:
    """result ÷ target × full score, never above the full score.

    When lower is better the ratio is inverted (target ÷ result). A zero target
    asks for nothing when higher is better (full score) and for nothing at all
    when lower is better (full score only for a zero result).
    """
    if lower_is_better:
        if result <= target:
            return _cents(full_score)
        return _cents(full_score * target / result)
    if target <= 0:
        return _cents(full_score)
    return _cents(min(result / target, Decimal(1)) * full_score)


def level_of(
    result: Decimal, thresholds: Sequence[Decimal], *, lower_is_better: bool = False
) -> Decimal:
    """The level 0–5 reached on a five-level scale, interpolated linearly between levels.

    ``thresholds`` are the results that earn levels 1 to 5 (ascending, or
    descending when lower is better). Below level 1 the level is 0; exactly on
    a threshold it is that level; past level 5 it stays 5.
    """
    if len(thresholds) != 5:
        raise ValueError("a five-level scale needs five thresholds")
    sign = Decimal(-1) if lower_is_better else Decimal(1)
    points = [sign * t for t in thresholds]
    value = sign * result
    if any(b <= a for a, b in pairwise(points)):
        raise ValueError("thresholds must move in the direction of a better result")
    if value < points[0]:
        return _ZERO
    if value >= points[-1]:
        return _FIVE
    for level, (low, high) in enumerate(pairwise(points), start=1):
        if low <= value < high:
            return Decimal(level) + (value - low) / (high - low)
    raise AssertionError("unreachable")  # pragma: no cover


def five_level_score(
    result: Decimal,
    thresholds: Sequence[Decimal],
    full_score: Decimal,
    *,
    lower_is_better: bool = False,
) -> Decimal:
    """The full score times the level reached, out of five."""
    return _cents(
        level_of(result, thresholds, lower_is_better=lower_is_better) / _FIVE * full_score
    )


def milestones_due_score(
    steps: Iterable[tuple[Decimal, bool, dt.date | None]],
    quarter_end: dt.date,
    full_score: Decimal,
) -> Decimal:
    """The share of the weight of steps due by the quarter's end that is done.

    With nothing due yet there is nothing to miss: the full score.
    """
    due = [
        (weight, done)
        for weight, done, due_on in steps
        if due_on is not None and due_on <= quarter_end
    ]
    planned = sum((w for w, _ in due), _ZERO)
    if planned <= 0:
        return _cents(full_score)
    achieved = sum((w for w, done in due if done), _ZERO)
    return _cents(achieved / planned * full_score)


def suggest_score(
    *,
    rule: str,
    kind: str,
    direction: str,
    thresholds: Sequence[Decimal] | None,
    full_score: Decimal,
    result: Decimal | None,
    target: Decimal,
    steps: Iterable[tuple[Decimal, bool, dt.date | None]],
    quarter_ends: dt.date,
) -> Decimal | None:
    """What the indicator's scoring rule gives, or None when there is nothing to score.

    ``steps`` are a milestone indicator's (weight, done, due date); ``target`` is the
    quarter's target (the annual one where the quarter has none).
    """
    if rule == ScoringRule.MILESTONES_DUE:
        if kind != MeasurementKind.MILESTONES:
            return None
        return milestones_due_score(steps, quarter_ends, full_score)
    if result is None:
        return None
    lower = direction == Direction.LOWER
    if rule == ScoringRule.FIVE_LEVELS and thresholds:
        return five_level_score(result, thresholds, full_score, lower_is_better=lower)
    return proportional_score(result, target, full_score, lower_is_better=lower)
