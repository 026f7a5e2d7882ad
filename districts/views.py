from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from districts.selectors import district_home
from indicators.access import get_district_for_user
from indicators.fiscal import current_fiscal_year
from indicators.models import FiscalYear
from kpi_portal.http import HtmxHttpRequest, parse_int

_int_or_none = parse_int


@login_required
@require_GET
def home(request: HtmxHttpRequest, code: str) -> HttpResponse:
    district = get_district_for_user(request, code)
    year = _int_or_none(request.GET.get("year"))
    if year is None:
        fiscal_year = (
            FiscalYear.objects.filter(year__lte=current_fiscal_year()).order_by("-year").first()
        )
        if fiscal_year is None:
            fiscal_year = get_object_or_404(FiscalYear.objects.order_by("year")[:1])
    else:
        fiscal_year = get_object_or_404(FiscalYear, year=year)
    page = district_home(
        district, fiscal_year, division_id=_int_or_none(request.GET.get("division"))
    )
    template = "districts/home.html"
    if request.htmx:
        template += "#assignments"
    return render(request, template, {"page": page})
