from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from indicators.scoring import five_level_score, level_of, milestones_due_score, proportional_score

LEVELS = [D(60), D(70), D(80), D(90), D(100)]


class TestProportional:
    def test_on_target_is_full_score(self) -> None:
        assert proportional_score(D(100), D(100), D(100)) == D("100.00")

    def test_above_target_is_capped(self) -> None:
        assert proportional_score(D(150), D(100), D(100)) == D("100.00")

    def test_seed_budget_against_a_100_percent_target(self) -> None:
        assert proportional_score(D("76.17"), D(100), D(100)) == D("76.17")

    def test_zero_target_asks_for_nothing(self) -> None:
        assert proportional_score(D(0), D(0), D(100)) == D("100.00")

    def test_lower_is_better(self) -> None:
        assert proportional_score(D(5), D(10), D(100), lower_is_better=True) == D("100.00")
        assert proportional_score(D(20), D(10), D(100), lower_is_better=True) == D("50.00")

    def test_lower_is_better_with_zero_target(self) -> None:
        assert proportional_score(D(0), D(0), D(100), lower_is_better=True) == D("100.00")
        assert proportional_score(D(3), D(0), D(100), lower_is_better=True) == D("0.00")


class TestFiveLevels:
    @pytest.mark.parametrize(
        ("result", "level"),
        [
            (D("59.99"), D(0)),
            (D(60), D(1)),
            (D(80), D(3)),
            (D(85), D("3.5")),
            (D(100), D(5)),
            (D(130), D(5)),
        ],
    )
    def test_levels_and_interpolation(self, result: D, level: D) -> None:
        assert level_of(result, LEVELS) == level

    def test_exactly_on_a_threshold_gets_that_level(self) -> None:
        assert five_level_score(D(90), LEVELS, D(100)) == D("80.00")

    def test_lower_is_better_scale(self) -> None:
        descending = [D(20), D(15), D(10), D(5), D(0)]
        assert level_of(D("7.5"), descending, lower_is_better=True) == D("3.5")
        assert level_of(D(25), descending, lower_is_better=True) == D(0)
        assert five_level_score(D(0), descending, D(100), lower_is_better=True) == D("100.00")

    def test_thresholds_in_the_wrong_direction_are_refused(self) -> None:
        with pytest.raises(ValueError):
            level_of(D(1), list(reversed(LEVELS)))


class TestMilestonesDue:
    STEPS = [
        (D(20), True, dt.date(2020, 12, 30)),
        (D(20), False, dt.date(2021, 3, 31)),
        (D(20), False, dt.date(2021, 9, 30)),
    ]

    def test_only_steps_due_by_quarter_end_count(self) -> None:
        assert milestones_due_score(self.STEPS, dt.date(2020, 12, 31), D(100)) == D("100.00")
        assert milestones_due_score(self.STEPS, dt.date(2021, 3, 31), D(100)) == D("50.00")

    def test_nothing_due_yet_is_full_score(self) -> None:
        assert milestones_due_score(self.STEPS, dt.date(2020, 11, 1), D(100)) == D("100.00")
