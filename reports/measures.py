"""The arithmetic of indicator results.

Results are published to two decimal places and compared against thresholds, so
they are computed in exact decimal arithmetic and rounded half-up exactly once,
the way an evaluator would round by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_MILLI = Decimal("0.001")

# Enough significant digits for any figure a district can report, so that the
# multiplication below is exact and the quotient reaches past its third decimal.
_WORKING_PRECISION = 80


def _round_cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def ratio_percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator x 100, rounded half-up to 2 places: 1/32 -> 3.13.

    Raises ValueError when the denominator is not positive or the numerator is
    negative, since neither yields a meaningful share.

    The quotient is truncated rather than rounded to the working precision, then
    to three places, and only then rounded half-up to two. Truncation can never
    lift a value onto the half-way point, so the result equals rounding the exact
    quotient once; rounding at each step could turn 0.00499...9 into 0.01.
    """
    if not (numerator.is_finite() and denominator.is_finite()):
        raise ValueError("ratio needs finite numbers")
    if denominator <= 0:
        raise ValueError(f"denominator must be positive, not {denominator}")
    if numerator < 0:
        raise ValueError(f"numerator must not be negative, not {numerator}")
    with localcontext(prec=_WORKING_PRECISION, rounding=ROUND_DOWN):
        quotient = numerator * HUNDRED / denominator
        truncated = quotient.quantize(_MILLI, rounding=ROUND_DOWN)
        return _round_cents(truncated)


def equal_weights(count: int) -> list[Decimal]:
    """``count`` weights of 2 decimal places that add up to exactly 100.

    The indivisible remainder goes one hundredth at a time to the first steps, so
    3 steps weigh 33.34, 33.33 and 33.33 and a fully done indicator scores 100.00.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    base, remainder = divmod(10_000, count)
    return [Decimal(base + (1 if i < remainder else 0)).scaleb(-2) for i in range(count)]


def milestone_result(steps: Iterable[tuple[Decimal, bool]]) -> Decimal:
    """Sum of the weights of the done steps, to 2 places: the cumulative result."""
    total = sum((weight for weight, done in steps if done), Decimal(0))
    return _round_cents(total)


def milestone_result_to_date(
    steps: Iterable[tuple[Decimal, bool, date | None]], as_of: date
) -> Decimal:
    """Progress against plan: done weight of the steps due by ``as_of`` as a percentage.

    Each step is ``(weight, done, due)``. Only steps due on or before ``as_of``
    count, and the result is their done weight divided by their total weight, x 100,
    rounded half-up to 2 places. A step without a due date is taken as due at year
    end and is left out of the plan; to count it, pass the year-end date as its due.

    A district that has finished everything planned so far is on plan, so a
    five-step indicator reports 100.00 in the first quarter when the one step due
    then is done, even though the cumulative result is only 20.00.

    When nothing is due yet (or the steps due carry no weight) there is no plan
    to measure against, and the cumulative ``milestone_result`` is returned instead,
    so early work still shows.
    """
    rows = list(steps)
    due_rows = [(weight, done) for weight, done, due in rows if due is not None and due <= as_of]
    planned = sum((weight for weight, _ in due_rows), Decimal(0))
    if planned <= 0:
        return milestone_result((weight, done) for weight, done, _ in rows)
    achieved = sum((weight for weight, done in due_rows if done), Decimal(0))
    return ratio_percent(achieved, planned)
