"""The readers' dashboards: the city, and one district. Published results only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboards.access import dashboard_required, get_dashboard_district, reads_every_district
from dashboards.selectors import (
    city_dashboard,
    dashboard_years,
    district_choices,
    district_dashboard,
)
from indicators.selectors import fiscal_year_for_page
from kpi_portal.http import parse_int
from kpi_portal.replica import replica_reads


@dashboard_required
@require_GET
@replica_reads
def city(request: HttpRequest) -> HttpResponse:
    """The city: reporting completeness, scores by zone group, indicators off
    target and the trend over the years (``?year=&quarter=&indicator=``)."""
    fiscal_year = fiscal_year_for_page(parse_int(request.GET.get("year")))
    dashboard = city_dashboard(
        fiscal_year,
        parse_int(request.GET.get("quarter")),
        indicator=parse_int(request.GET.get("indicator")),
    )
    every = reads_every_district(request.user)
    return render(
        request,
        "dashboards/city.html",
        {
            "dash": dashboard,
            "period": dashboard.period,
            "years": dashboard_years(),
            "districts": district_choices() if every else [],
        },
    )


@dashboard_required
@require_GET
@replica_reads
def district(request: HttpRequest, code: str) -> HttpResponse:
    """A district: its published scorecard for the quarter and each indicator's trend."""
    place = get_dashboard_district(request, code)
    fiscal_year = fiscal_year_for_page(parse_int(request.GET.get("year")))
    dashboard = district_dashboard(place, fiscal_year, parse_int(request.GET.get("quarter")))
    return render(
        request,
        "dashboards/district.html",
        {"dash": dashboard, "period": dashboard.period, "years": dashboard_years()},
    )
