"""Reads of fiscal years and weights that several apps' pages share."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, FiscalYear


def fiscal_years() -> QuerySet[FiscalYear]:
    """Every fiscal year, the newest first (the year pickers)."""
    return FiscalYear.objects.order_by("-year")


def fiscal_year_for_page(year: int | None) -> FiscalYear:
    """The year a page asked for; without one, the current year (or the latest before
    it, or else the first there is). 404 when there is none."""
    if year is not None:
        found = FiscalYear.objects.filter(year=year).first()
    else:
        found = (
            FiscalYear.objects.filter(year__lte=current_fiscal_year()).order_by("-year").first()
            or FiscalYear.objects.order_by("year").first()
        )
    if found is None:
        raise Http404
    return found


def district_weight_total(*, district_id: int, fiscal_year_id: int) -> Decimal | None:
    """The Σ of a district's effective indicator weights in a year (its own, else the
    indicator's default); None when none of its indicators is weighted at all."""
    rows = Assignment.objects.filter(
        district_id=district_id, indicator__fiscal_year_id=fiscal_year_id
    ).values_list("weight", "indicator__weight")
    effective = [own if own is not None else default for own, default in rows]
    if all(weight is None for weight in effective):
        return None
    return sum((weight or Decimal(0) for weight in effective), Decimal(0))


#: How far back an indicator's earlier years are followed (the sheet shows them all).
EARLIER_YEARS_LIMIT = 10

# The rule of an assignment's earlier years, as a recursive CTE ``earlier(start_id,
# id, year, depth)``: from each assignment in ``%(start)s`` (a list of ids), one step
# back a year at a time, at most ``%(depth)s`` steps. A step follows ``previous``
# where it is set; where it is empty, the same district's assignment of the same
# indicator code in the fiscal year just before, unless another assignment names that
# one as its ``previous`` (one successor per predecessor). Every step goes to an
# earlier fiscal year of the same district, so a chain can neither loop nor cross to
# another district, whatever the rows say. Each step is two index look-ups (the
# primary key; fiscal year, code and district), so a district page's hundred
# assignments over ten years is one query of a thousand look-ups. sheet_fingerprint
# (reports.selectors) digests the same rows from the same CTE.
EARLIER_YEARS_CTE = """
earlier(start_id, id, year, depth) AS (
    SELECT a.id, a.id, y.year, 0
    FROM indicators_assignment a
    JOIN indicators_indicator i ON i.id = a.indicator_id
    JOIN indicators_fiscalyear y ON y.id = i.fiscal_year_id
    WHERE a.id = ANY(%(start)s)
  UNION ALL
    SELECT e.start_id, step.id, step.year, e.depth + 1
    FROM earlier e
    JOIN indicators_assignment cur ON cur.id = e.id
    CROSS JOIN LATERAL (
        SELECT x.id, xy.year
        FROM indicators_assignment x
        JOIN indicators_indicator xi ON xi.id = x.indicator_id
        JOIN indicators_fiscalyear xy ON xy.id = xi.fiscal_year_id
        WHERE x.id = cur.previous_id AND x.district_id = cur.district_id AND xy.year < e.year
      UNION ALL
        SELECT x.id, xy.year
        FROM indicators_indicator ci
        JOIN indicators_fiscalyear xy ON xy.year = e.year - 1
        JOIN indicators_indicator xi ON xi.fiscal_year_id = xy.id AND xi.code = ci.code
        JOIN indicators_assignment x ON x.indicator_id = xi.id AND x.district_id = cur.district_id
        WHERE cur.previous_id IS NULL AND ci.id = cur.indicator_id
          AND NOT EXISTS (SELECT 1 FROM indicators_assignment s WHERE s.previous_id = x.id)
        LIMIT 1
    ) step
    WHERE e.depth < %(depth)s
)
"""

_EARLIER_SELECT = " SELECT start_id, id FROM earlier WHERE depth > 0 ORDER BY start_id, depth"
# Constants only; the ids and the depth are query parameters.
_EARLIER_YEARS_QUERY = "WITH RECURSIVE " + EARLIER_YEARS_CTE + _EARLIER_SELECT


def earlier_years(
    assignments: Iterable[Assignment],
    *,
    years: int = EARLIER_YEARS_LIMIT,
    queryset: QuerySet[Assignment] | None = None,
) -> dict[int, list[Assignment]]:
    """Each assignment's earlier years, the latest first, by the assignment's id (an
    assignment without any is left out): at most ``years`` of them, loaded from
    ``queryset`` (with its fiscal year by default). Two queries however many
    assignments and years, one more per prefetch of ``queryset``."""
    start = [a.pk for a in assignments]
    if not start or years < 1:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _EARLIER_YEARS_QUERY, {"start": start, "depth": min(years, EARLIER_YEARS_LIMIT)}
        )
        chain = cursor.fetchall()
    if not chain:
        return {}
    if queryset is None:
        queryset = Assignment.objects.select_related("indicator__fiscal_year")
    loaded = queryset.in_bulk({earlier_id for _start, earlier_id in chain})
    found: dict[int, list[Assignment]] = {}
    for start_id, earlier_id in chain:
        if earlier_id in loaded:
            found.setdefault(start_id, []).append(loaded[earlier_id])
    return found
