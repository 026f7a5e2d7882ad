"""The public pages and the open data files: no login, published results only.

Every page goes through ``public.cache.public_page`` (rendered once as an anonymous
visitor, cached by the public version, no cookies); the data comes from
``public.selectors`` and ``public.opendata``, which read only what
``reports.publication`` lets out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from exchange.exports.writers import Column, Export, Part, csv_response
from kpi_portal.http import parse_int, wants_thai_digits
from printing import pdf
from printing.views import sheet_pdf_response
from public import opendata
from public.cache import (
    as_public_visitor,
    page_language,
    public_headers,
    public_page,
    public_version,
)
from public.selectors import (
    city_overview,
    public_assignment,
    public_scorecard,
    public_sheet,
    public_year,
    published_years,
)

PUBLIC_PREFIXES = ("/public/", "/opendata/")


def purl(request: HttpRequest, name: str, *args: object, **query: object) -> str:
    """A public URL in the page's language (``?lang=en`` travels with every link)."""
    params = {k: v for k, v in query.items() if v not in (None, "")}
    if page_language(request) != settings.LANGUAGE_CODE:
        params["lang"] = page_language(request)
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


def _switch(request: HttpRequest) -> str:
    """This page in the other language."""
    other = "th" if page_language(request) == "en" else "en"
    params = {k: v for k, v in request.GET.items() if k != "lang"}
    if other != settings.LANGUAGE_CODE:
        params["lang"] = other
    return f"{request.path}?{urlencode(params)}" if params else request.path


def _page(request: HttpRequest, template: str, context: dict[str, object]) -> HttpResponse:
    context.update(
        switch_url=_switch(request),
        home_url=purl(request, "public_home"),
        opendata_url=purl(request, "opendata_index"),
        base_template="public/base.html",
    )
    return render(request, template, context)


@public_page(params=("year", "quarter"))
def home(request: HttpRequest) -> HttpResponse:
    """The city overview: the districts ranked for the year's latest published quarter."""
    overview = city_overview(
        parse_int(request.GET.get("year")), parse_int(request.GET.get("quarter"))
    )
    year = overview.fiscal_year.year
    return _page(
        request,
        "public/home.html",
        {
            "overview": overview,
            "year_urls": [(y, purl(request, "public_home", year=y.year)) for y in overview.years],
            "quarter_urls": [
                (q, purl(request, "public_home", year=year, quarter=q)) for q in overview.quarters
            ],
            "district_urls": {
                entry.district.pk: purl(
                    request,
                    "public_district",
                    entry.district.code,
                    year=year,
                    quarter=overview.quarter,
                )
                for entry in overview.ranking.ranked
            },
        },
    )


@public_page(params=("year", "quarter"))
def district(request: HttpRequest, code: str) -> HttpResponse:
    """A district's published scorecard and its indicators, each linking to its sheet."""
    card = public_scorecard(
        code, parse_int(request.GET.get("year")), parse_int(request.GET.get("quarter"))
    )
    year = card.fiscal_year.year
    return _page(
        request,
        "public/district.html",
        {
            "card": card,
            "year_urls": [
                (y, purl(request, "public_district", code, year=y.year)) for y in card.years
            ],
            "quarter_urls": [
                (q, purl(request, "public_district", code, year=year, quarter=q))
                for q in card.quarters
            ],
            "sheet_urls": {
                line.assignment.pk: purl(request, "public_sheet", line.assignment.pk)
                for line in card.lines
            },
            "city_url": purl(request, "public_home", year=year, quarter=card.quarter),
        },
    )


def _thai_digits(request: HttpRequest) -> bool:
    with translation.override(page_language(request)):
        return wants_thai_digits(request)


@public_page(params=("digits",))
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The indicator sheet (seed 001's layout) with only published quarters filled in."""
    assignment = public_assignment(pk)
    thai_digits = _thai_digits(request)
    year = assignment.indicator.fiscal_year.year
    links = {
        "district": purl(request, "public_district", assignment.district.code, year=year),
        "home": purl(request, "public_home", year=year),
        "pdf": purl(request, "public_sheet_pdf", pk, digits=None if thai_digits else "arabic"),
        "pdf_th": reverse("public_sheet_pdf", args=[pk]),
        "digits": purl(request, "public_sheet", pk, digits="arabic" if thai_digits else None),
    }
    return _page(
        request,
        "reports/sheet.html",
        {
            "sheet": public_sheet(assignment),
            "thai_digits": thai_digits,
            "public": True,
            "links": links,
        },
    )


@require_safe
def sheet_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The public sheet as a PDF, printed by the worker and cached under a key of its
    own; meanwhile a "preparing" page (never cached) that refreshes itself."""
    language = page_language(request)
    as_public_visitor(request, language)
    assignment = public_assignment(pk)
    thai_digits = _thai_digits(request)
    response = sheet_pdf_response(
        request,
        assignment=assignment,
        thai_digits=thai_digits,
        language=language,
        cache_key=pdf.public_sheet_key(
            assignment.pk, version=public_version(), thai_digits=thai_digits, language=language
        ),
        public=True,
        context={
            "base_template": "public/base.html",
            "title": f"{assignment.indicator.code} {assignment.indicator.name}",
            "back_url": purl(request, "public_sheet", pk, digits=None if thai_digits else "arabic"),
            "switch_url": _switch(request),
            "home_url": purl(request, "public_home"),
            "opendata_url": purl(request, "opendata_index"),
        },
    )
    if response["Content-Type"] != "application/pdf":
        response.cookies.clear()
        response["Content-Language"] = language
        return response  # no-store: the preparing page must not be kept by a CDN
    return public_headers(response, language)


@require_safe
def language(request: HttpRequest) -> HttpResponseBase:
    """Kept for links from outside: /public/language/?lang=en&next=/public/... sends the
    visitor to the page in that language (the language lives in the URL)."""
    target = request.GET.get("next", "")
    if not (
        url_has_allowed_host_and_scheme(target, allowed_hosts=None)
        and target.startswith(PUBLIC_PREFIXES)
    ):
        target = reverse("public_home")
    lang = page_language(request)
    if lang != settings.LANGUAGE_CODE:
        target += ("&" if "?" in target else "?") + urlencode({"lang": lang})
    return HttpResponseRedirect(target)


# ---------------------------------------------------------------------------
# Open data


@public_page()
def opendata_index(request: HttpRequest) -> HttpResponse:
    """A Thai page describing the datasets, with every year's files."""
    years = list(published_years())
    return _page(
        request,
        "public/opendata.html",
        {
            "years": [
                (
                    y,
                    reverse("opendata_csv", args=[y.year]),
                    reverse("opendata_json", args=[y.year]),
                )
                for y in years
            ],
            "dictionary": opendata.data_dictionary(),
            "schema_url": reverse("opendata_schema"),
            "catalog_url": reverse("opendata_catalog"),
            "licence": (opendata.LICENCE_TITLE, opendata.LICENCE_URL),
            "publisher": opendata.PUBLISHER,
        },
    )


def _file_headers(response: HttpResponseBase, name: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return public_headers(response, settings.LANGUAGE_CODE)


@require_safe
def opendata_csv(request: HttpRequest, year: int) -> HttpResponseBase:
    """One fiscal year's published results, one row per assignment and quarter."""
    as_public_visitor(request, settings.LANGUAGE_CODE)
    fiscal_year = public_year(year, list(published_years()))
    columns = [Column(name) for name in opendata.HEADER]
    export = Export(
        name=f"results-{year}",
        parts=lambda: iter(
            [Part(str(year), columns, map(opendata.csv_row, opendata.result_rows(fiscal_year)))]
        ),
        one_table=True,
    )
    return _file_headers(csv_response(export), f"results-{year}.csv")


@require_safe
def opendata_json(request: HttpRequest, year: int) -> HttpResponseBase:
    as_public_visitor(request, settings.LANGUAGE_CODE)
    fiscal_year = public_year(year, list(published_years()))
    chunks = opendata.json_chunks(
        fiscal_year,
        schema_url=request.build_absolute_uri(reverse("opendata_schema")),
        csv_url=request.build_absolute_uri(reverse("opendata_csv", args=[year])),
    )
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in _in_thai(chunks)),
        content_type="application/json; charset=utf-8",
    )
    return _file_headers(response, f"results-{year}.json")


def _in_thai(chunks: Iterator[str]) -> Iterator[str]:
    # The stream is written after the view has returned, outside any override.
    with translation.override(settings.LANGUAGE_CODE):
        yield from chunks


def _json(request: HttpRequest, data: object, name: str) -> HttpResponseBase:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    return _file_headers(response, name)


@require_safe
def opendata_schema(request: HttpRequest) -> HttpResponseBase:
    """The JSON Schema every results.json validates against."""
    as_public_visitor(request, settings.LANGUAGE_CODE)
    with translation.override(settings.LANGUAGE_CODE):
        schema = opendata.results_schema(request.build_absolute_uri(request.path))
    return _json(request, schema, "results.schema.json")


@require_safe
def opendata_catalog(request: HttpRequest) -> HttpResponseBase:
    """The dataset described in CKAN's package fields with the DGA's metadata, so that
    data.go.th can harvest it."""
    as_public_visitor(request, settings.LANGUAGE_CODE)
    with translation.override(settings.LANGUAGE_CODE):
        catalog = opendata.catalog(list(published_years()), request.build_absolute_uri)
    return _json(request, catalog, "catalog.json")
