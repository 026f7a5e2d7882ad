"""Reads of fiscal years and weights that several apps' pages share."""

from __future__ import annotations

from decimal import Decimal

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
