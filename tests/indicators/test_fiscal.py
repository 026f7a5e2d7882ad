"""Fiscal years and quarters, especially at the turn of the year and the quarter."""

from __future__ import annotations

from datetime import date

import pytest

from indicators import fiscal
from indicators.fiscal import (
    be_to_ce,
    ce_to_be,
    current_fiscal_year,
    fiscal_year_bounds,
    fiscal_year_of,
    quarter_bounds,
    quarter_end,
    quarter_of,
)


def test_ce_to_be() -> None:
    assert ce_to_be(2021) == 2564


def test_be_to_ce() -> None:
    assert be_to_ce(2567) == 2024


@pytest.mark.parametrize("year", [1957, 2000, 2020, 2021, 2024, 2100])
def test_be_ce_round_trip(year: int) -> None:
    assert be_to_ce(ce_to_be(year)) == year
    assert ce_to_be(be_to_ce(year + 543)) == year + 543


@pytest.mark.parametrize(
    ("day", "year_be", "quarter"),
    [
        (date(2020, 9, 30), 2563, 4),
        (date(2020, 10, 1), 2564, 1),
        (date(2020, 12, 31), 2564, 1),
        (date(2021, 1, 1), 2564, 2),
        (date(2021, 3, 31), 2564, 2),
        (date(2021, 4, 1), 2564, 3),
        (date(2021, 6, 30), 2564, 3),
        (date(2021, 7, 1), 2564, 4),
        (date(2021, 9, 30), 2564, 4),
        (date(2021, 10, 1), 2565, 1),
        (date(2024, 2, 29), 2567, 2),
    ],
)
def test_fiscal_year_and_quarter_of(day: date, year_be: int, quarter: int) -> None:
    assert fiscal_year_of(day) == year_be
    assert quarter_of(day) == quarter


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2564) == (date(2020, 10, 1), date(2021, 9, 30))


@pytest.mark.parametrize(
    ("year_be", "quarter", "bounds"),
    [
        (2564, 1, (date(2020, 10, 1), date(2020, 12, 31))),
        (2564, 2, (date(2021, 1, 1), date(2021, 3, 31))),
        (2564, 3, (date(2021, 4, 1), date(2021, 6, 30))),
        (2564, 4, (date(2021, 7, 1), date(2021, 9, 30))),
        (2567, 2, (date(2024, 1, 1), date(2024, 3, 31))),
    ],
)
def test_quarter_bounds(year_be: int, quarter: int, bounds: tuple[date, date]) -> None:
    assert quarter_bounds(year_be, quarter) == bounds


@pytest.mark.parametrize("year_be", [2563, 2564, 2567, 2568])
def test_quarters_tile_the_fiscal_year(year_be: int) -> None:
    first, last = fiscal_year_bounds(year_be)
    assert quarter_bounds(year_be, 1)[0] == first
    assert quarter_bounds(year_be, 4)[1] == last
    for quarter in (1, 2, 3):
        end = quarter_bounds(year_be, quarter)[1]
        start_next = quarter_bounds(year_be, quarter + 1)[0]
        assert (start_next - end).days == 1


@pytest.mark.parametrize("year_be", [2563, 2564, 2567])
@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_quarter_bounds_agree_with_quarter_of(year_be: int, quarter: int) -> None:
    for day in quarter_bounds(year_be, quarter):
        assert fiscal_year_of(day) == year_be
        assert quarter_of(day) == quarter


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_quarter_bounds_rejects_unknown_quarter(quarter: int) -> None:
    with pytest.raises(ValueError, match="quarter"):
        quarter_bounds(2564, quarter)


def test_quarter_end() -> None:
    assert quarter_end(2564, 1) == date(2020, 12, 31)
    assert quarter_end(2564, 4) == date(2021, 9, 30)


def test_quarter_end_rejects_unknown_quarter() -> None:
    with pytest.raises(ValueError):
        quarter_end(2564, 5)


@pytest.mark.parametrize(
    ("today", "year_be"),
    [(date(2021, 9, 30), 2564), (date(2021, 10, 1), 2565)],
)
def test_current_fiscal_year_of_given_day(today: date, year_be: int) -> None:
    assert current_fiscal_year(today) == year_be


def test_current_fiscal_year_defaults_to_local_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fiscal.timezone, "localdate", lambda: date(2021, 10, 1))
    assert current_fiscal_year() == 2565


@pytest.mark.parametrize(
    ("day", "moved"),
    [
        (date(2024, 2, 29), date(2025, 2, 28)),  # a leap day into a common year
        (date(2023, 2, 28), date(2024, 2, 28)),  # not pushed to the new leap day
        (date(2020, 9, 30), date(2021, 9, 30)),  # the last day of a fiscal year
        (date(2020, 10, 1), date(2021, 10, 1)),
    ],
)
def test_same_day_years_later(day: date, moved: date) -> None:
    assert fiscal.same_day_years_later(day) == moved


def test_same_day_four_years_later_keeps_the_leap_day() -> None:
    assert fiscal.same_day_years_later(date(2024, 2, 29), 4) == date(2028, 2, 29)
