"""Result arithmetic: ratios, weights and milestone progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reports.measures import (
    equal_weights,
    milestone_result,
    milestone_result_to_date,
    ratio_percent,
)

D = Decimal


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        ("13048289.81", "126392040", "10.32"),
        ("36541036.81", "128365151.00", "28.47"),
        ("58914450.19", "125845960.00", "46.81"),
        ("95136211.13", "124903691", "76.17"),
    ],
)
def test_ratio_percent_seed_figures(numerator: str, denominator: str, expected: str) -> None:
    assert ratio_percent(D(numerator), D(denominator)) == D(expected)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        ("1", "32", "3.13"),  # 3.125: banker's rounding would give 3.12
        ("5", "32", "15.63"),  # 15.625: banker's rounding would give 15.62
        ("1", "8", "12.50"),
        ("1", "3", "33.33"),
        ("2", "3", "66.67"),
        ("0", "5", "0.00"),
        ("5", "5", "100.00"),
        ("7", "5", "140.00"),
    ],
)
def test_ratio_percent_rounds_half_up(numerator: str, denominator: str, expected: str) -> None:
    assert ratio_percent(D(numerator), D(denominator)) == D(expected)


def test_ratio_percent_has_two_places() -> None:
    assert str(ratio_percent(D(1), D(1))) == "100.00"
    assert str(ratio_percent(D(0), D(3))) == "0.00"


def test_ratio_percent_rounds_the_exact_quotient_once() -> None:
    # 100 x n / 3 is 0.00499...9666..., just below the half-way point; rounding it
    # to 28 digits first would give 0.005 and then 0.01.
    numerator = D("0.00014999999999999999999999999999")
    assert ratio_percent(numerator, D(3)) == D("0.00")


def test_ratio_percent_accepts_large_budgets() -> None:
    assert ratio_percent(D("1234567890123456789.01"), D("2469135780246913578.02")) == D("50.00")


@pytest.mark.parametrize("denominator", ["0", "0.00", "-1", "-126392040"])
def test_ratio_percent_rejects_non_positive_denominator(denominator: str) -> None:
    with pytest.raises(ValueError, match="denominator"):
        ratio_percent(D(1), D(denominator))


def test_ratio_percent_rejects_negative_numerator() -> None:
    with pytest.raises(ValueError, match="numerator"):
        ratio_percent(D("-0.01"), D(100))


@pytest.mark.parametrize(("numerator", "denominator"), [("NaN", "1"), ("1", "Infinity")])
def test_ratio_percent_rejects_non_finite(numerator: str, denominator: str) -> None:
    with pytest.raises(ValueError):
        ratio_percent(D(numerator), D(denominator))


@pytest.mark.parametrize("count", [1, 2, 3, 5, 6, 7, 9, 11, 12, 100])
def test_equal_weights_sum_to_exactly_100(count: int) -> None:
    weights = equal_weights(count)
    assert len(weights) == count
    assert sum(weights) == D(100)
    assert all(w.as_tuple().exponent == -2 for w in weights)
    assert max(weights) - min(weights) <= D("0.01")


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, ["100.00"]),
        (3, ["33.34", "33.33", "33.33"]),
        (5, ["20.00"] * 5),
        (7, ["14.29"] * 4 + ["14.28"] * 3),
    ],
)
def test_equal_weights_values(count: int, expected: list[str]) -> None:
    assert equal_weights(count) == [D(e) for e in expected]


@pytest.mark.parametrize("count", [0, -1])
def test_equal_weights_rejects_no_steps(count: int) -> None:
    with pytest.raises(ValueError):
        equal_weights(count)


def test_milestone_result_sums_done_weights() -> None:
    steps = [(D("33.34"), True), (D("33.33"), False), (D("33.33"), True)]
    assert milestone_result(steps) == D("66.67")


def test_milestone_result_all_done_is_100() -> None:
    assert milestone_result((w, True) for w in equal_weights(7)) == D("100.00")


def test_milestone_result_nothing_done() -> None:
    result = milestone_result([(D(50), False), (D(50), False)])
    assert result == 0
    assert str(result) == "0.00"


def test_milestone_result_of_no_steps() -> None:
    assert milestone_result([]) == D("0.00")


# The seed's five-step indicator for FY 2564: one step due per quarter-ish, the
# first due 30 Dec 2020 (inside Q1), the last at year end.
_DUES = [
    date(2020, 12, 30),
    date(2021, 3, 31),
    date(2021, 6, 30),
    date(2021, 8, 31),
    date(2021, 9, 30),
]


def _five_steps(done_count: int) -> list[tuple[Decimal, bool, date | None]]:
    return [
        (weight, i < done_count, due)
        for i, (weight, due) in enumerate(zip(equal_weights(5), _DUES, strict=True))
    ]


def test_to_date_is_100_in_q1_when_the_step_due_is_done() -> None:
    steps = _five_steps(done_count=1)
    assert milestone_result(step[:2] for step in steps) == D("20.00")
    assert milestone_result_to_date(steps, as_of=date(2020, 12, 31)) == D("100.00")


@pytest.mark.parametrize(
    ("done_count", "as_of"),
    [
        (1, date(2020, 12, 31)),
        (2, date(2021, 3, 31)),
        (3, date(2021, 6, 30)),
        (5, date(2021, 9, 30)),
    ],
)
def test_to_date_is_100_every_quarter_when_on_plan(done_count: int, as_of: date) -> None:
    assert milestone_result_to_date(_five_steps(done_count), as_of) == D("100.00")


def test_to_date_counts_a_step_due_on_the_as_of_day() -> None:
    steps = _five_steps(done_count=0)
    assert milestone_result_to_date(steps, as_of=date(2020, 12, 30)) == D("0.00")


def test_to_date_behind_plan() -> None:
    # Q3: three steps due, two done.
    assert milestone_result_to_date(_five_steps(2), as_of=date(2021, 6, 30)) == D("66.67")


def test_to_date_ignores_steps_done_ahead_of_plan() -> None:
    steps = [(D(50), False, date(2020, 12, 30)), (D(50), True, date(2021, 9, 30))]
    assert milestone_result_to_date(steps, as_of=date(2020, 12, 31)) == D("0.00")


def test_to_date_falls_back_to_cumulative_when_nothing_is_due() -> None:
    steps = _five_steps(done_count=1)
    assert milestone_result_to_date(steps, as_of=date(2020, 11, 1)) == D("20.00")


def test_to_date_leaves_out_steps_without_due_date() -> None:
    steps = [(D(50), True, date(2020, 12, 30)), (D(50), False, None)]
    assert milestone_result_to_date(steps, as_of=date(2021, 9, 30)) == D("100.00")


def test_to_date_with_only_undated_steps_is_cumulative() -> None:
    steps = [(D(60), True, None), (D(40), False, None)]
    assert milestone_result_to_date(steps, as_of=date(2021, 9, 30)) == D("60.00")


def test_to_date_accepts_a_generator() -> None:
    steps = iter(_five_steps(done_count=1))
    assert milestone_result_to_date(steps, as_of=date(2020, 12, 31)) == D("100.00")
