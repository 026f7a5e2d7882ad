"""Reads of fiscal years that several apps' pages share."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from indicators.fiscal import current_fiscal_year
from indicators.models import FiscalYear


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
