"""The search page: ``/search/?q=…&kind=…&year=…&page=…``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.selectors import fiscal_years
from kpi_portal.http import HtmxHttpRequest, parse_int
from search.query import FULL_LENGTH, MIN_LENGTH, search_text
from search.selectors import CAP, KIND_LABELS, PAGE_SIZE, Scope, search


@login_required
@require_GET
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    query = search_text(request.GET.get("q"))
    scope = Scope.of(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in scope.kinds else None
    years = list(fiscal_years().values_list("year", flat=True))
    year = parse_int(request.GET.get("year"))
    year = year if year in years else None
    page = min(max(parse_int(request.GET.get("page")) or 1, 1), CAP // PAGE_SIZE)
    groups = search(request.user, query, kind=kind, year=year, page=page) if query.text else []
    template = "search/search.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "query": query,
            "groups": groups,
            "kind": kind,
            "kinds": [(k, KIND_LABELS[k]) for k in scope.kinds],
            "year": year,
            "years": years,
            "page": page,
            "next_page": page + 1,
            "min_length": MIN_LENGTH,
            "full_length": FULL_LENGTH,
            "cap": CAP,
            "nothing_found": bool(groups) and all(g.found == 0 for g in groups if g.searched),
        },
    )
