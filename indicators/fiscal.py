"""Thai government fiscal years and their quarters.

Fiscal years are named by the Buddhist Era (BE = CE + 543) year in which they
end: FY 2564 runs from 1 October 2020 to 30 September 2021. Quarter 1 is
October-December, so the first quarter falls in the previous calendar year.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.utils import timezone

from kpi_portal.thaidate import be_to_ce, ce_to_be

#: The one definition of a fiscal year's quarters.
QUARTERS = (1, 2, 3, 4)

# The fiscal year starts in October; counting months from there makes the
# quarter a plain integer division instead of a table.
_FIRST_MONTH = 10


def fiscal_year_of(d: date) -> int:
    """BE fiscal year containing ``d``; October onwards already belongs to the next year."""
    ce_end_year = d.year + 1 if d.month >= _FIRST_MONTH else d.year
    return ce_to_be(ce_end_year)


def quarter_of(d: date) -> int:
    """Fiscal quarter (1-4) containing ``d``."""
    months_into_year = (d.month - _FIRST_MONTH) % 12
    return months_into_year // 3 + 1


def fiscal_year_bounds(year_be: int) -> tuple[date, date]:
    """First and last day of BE fiscal year ``year_be``."""
    ce_end_year = be_to_ce(year_be)
    return date(ce_end_year - 1, _FIRST_MONTH, 1), date(ce_end_year, 9, 30)


def quarter_bounds(year_be: int, quarter: int) -> tuple[date, date]:
    """First and last day of ``quarter`` in BE fiscal year ``year_be``.

    Raises ValueError for a quarter outside 1-4 rather than silently wrapping into
    a neighbouring year.
    """
    if quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1-4, not {quarter!r}")
    months_into_year = (quarter - 1) * 3
    first_month = (_FIRST_MONTH - 1 + months_into_year) % 12 + 1
    ce_year = be_to_ce(year_be) - (1 if first_month >= _FIRST_MONTH else 0)
    last_month = first_month + 2
    last_day = calendar.monthrange(ce_year, last_month)[1]
    return date(ce_year, first_month, 1), date(ce_year, last_month, last_day)


def quarter_opens_on(year_be: int, quarter: int, ahead: int = 0) -> date:
    """The day a quarter opens for reporting: its first day, or ``ahead`` quarters earlier."""
    start = quarter_bounds(year_be, quarter)[0]
    months = start.year * 12 + start.month - 1 - 3 * ahead
    return date(months // 12, months % 12 + 1, 1)


def quarter_end(year_be: int, quarter: int) -> date:
    """Last day of ``quarter`` in BE fiscal year ``year_be``: the usual 'as of' date."""
    return quarter_bounds(year_be, quarter)[1]


def current_fiscal_year(today: date | None = None) -> int:
    """BE fiscal year of ``today``, defaulting to today's date in Bangkok, not in UTC.

    Between midnight and 07:00 Bangkok time UTC is still on the previous day, which
    on 1 October would otherwise report the fiscal year that has just ended.
    """
    if today is None:
        today = timezone.localdate()
    return fiscal_year_of(today)


def same_day_years_later(d: date, years: int = 1) -> date:
    """``d`` moved ``years`` calendar years on; 29 February becomes 28 February in a
    year that has none (how a due date carries into the next fiscal year)."""
    year = d.year + years
    if d.month == 2 and d.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return d.replace(year=year)
