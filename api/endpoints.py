"""The API's endpoints under /api/v1/: GET only, a bearer token on each, paginated lists.

Thin handlers: parse the filters, ask ``api.selectors``, page the answer. A district
outside the token's scope is one that does not exist: a list filtered by it is
empty, its detail is 404 — the same answers as for a code nobody uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query
from ninja.errors import ValidationError

from api import docs, selectors
from api.schemas import (
    DistrictOut,
    DistrictPage,
    ErrorOut,
    FiscalYearPage,
    IndicatorPage,
    ResultPage,
    ScorePage,
)
from api.security import ApiError, Caller, RateLimited, RateState, TokenAuth


class KpiApi(NinjaAPI):
    """ninja's API with the RateLimit headers on every answer to a known token."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        state: RateState | None = getattr(request, "api_rate", None)
        if state is not None:
            response["RateLimit-Limit"] = str(state.limit)
            response["RateLimit-Remaining"] = str(state.remaining)
            response["RateLimit-Reset"] = str(state.reset)
            response["RateLimit-Policy"] = state.policy
        response["Cache-Control"] = "private, no-store"
        return response


api = KpiApi(
    title="KPI Portal API",
    version="1",
    description=docs.API_DESCRIPTION,
    urls_namespace="api_v1",
    docs_url=None,  # ninja's page loads Swagger UI from a CDN; ours is api.views.docs
    auth=TokenAuth(),
    openapi_extra={"info": {"license": docs.LICENSE, "contact": docs.CONTACT}},
)


def _error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    if isinstance(exc, RateLimited):
        request.api_rate = exc.state  # type: ignore[attr-defined]
    response = api.create_response(request, exc.body(), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kpi-portal"'
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details: list[dict[str, object]] = [
        {"parameter": str(error.get("loc", ["", ""])[-1]), "problem": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return _error(
        request,
        ApiError(
            422,
            "invalid_parameter",
            "พารามิเตอร์ไม่ถูกต้อง ดูรายละเอียดใน details",
            "A parameter is not valid; see details.",
            details=details,
        ),
    )


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(
        request, ApiError(404, "not_found", "ไม่พบข้อมูลที่ขอ", "Nothing was found at this address.")
    )


api.add_exception_handler(ApiError, _error)  # type: ignore[arg-type]
api.add_exception_handler(ValidationError, _invalid)  # type: ignore[arg-type]

ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _caller(request: HttpRequest) -> Caller:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def page(request: HttpRequest, rows: Any, limit: int, offset: int) -> dict[str, Any]:
    """One page of ``rows`` (a queryset or a list) with the total and the links to
    the pages either side, which keep every other parameter of the request."""
    count = rows.count() if hasattr(rows, "query") else len(rows)
    items: Sequence[Any] = list(rows[offset : offset + limit])

    def link(start: int) -> str:
        query = request.GET.copy()
        query["limit"] = str(limit)
        query["offset"] = str(start)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "results": items,
    }


class Paging(docs.PagingParams):
    pass


class YearFilter(Paging):
    year: int | None = docs.YEAR


class DistrictFilter(Paging):
    code: str | None = docs.DISTRICT_CODE


class IndicatorFilter(Paging):
    year: int | None = docs.YEAR
    district: str | None = docs.DISTRICT
    indicator: str | None = docs.INDICATOR


class ResultFilter(IndicatorFilter):
    quarter: int | None = docs.QUARTER


class ScoreFilter(Paging):
    year: int = docs.YEAR_REQUIRED
    quarter: int | None = docs.QUARTER
    district: str | None = docs.DISTRICT


def _filters(params: Any) -> selectors.Filters:
    return selectors.Filters(
        year=getattr(params, "year", None),
        quarter=getattr(params, "quarter", None),
        district=getattr(params, "district", None),
        indicator=getattr(params, "indicator", None),
    )


@api.get(
    "/fiscal-years",
    response={200: FiscalYearPage, **ERRORS},
    url_name="fiscal_years",
    operation_id="list_fiscal_years",
    summary="ปีงบประมาณ",
    description=docs.FISCAL_YEARS,
    openapi_extra=docs.example("list_fiscal_years"),
)
def list_fiscal_years(request: HttpRequest, params: Query[Paging]) -> dict[str, Any]:
    years = [
        {
            "year": fy.year,
            "starts_on": fy.starts_on,
            "ends_on": fy.ends_on,
            "published_quarters": [
                {"quarter": p.quarter, "published_on": p.assessment_published_on}
                for p in fy.published_periods  # type: ignore[attr-defined]
            ],
        }
        for fy in selectors.fiscal_years()
    ]
    return page(request, years, params.limit, params.offset)


@api.get(
    "/districts",
    response={200: DistrictPage, **ERRORS},
    url_name="districts",
    operation_id="list_districts",
    summary="สำนักงานเขต",
    description=docs.DISTRICTS,
    openapi_extra=docs.example("list_districts"),
)
def list_districts(request: HttpRequest, params: Query[DistrictFilter]) -> dict[str, Any]:
    found = selectors.districts(_caller(request).district_ids, params.code)
    return page(request, found, params.limit, params.offset)


@api.get(
    "/districts/{code}",
    response={200: DistrictOut, 404: ErrorOut, **ERRORS},
    url_name="district",
    operation_id="get_district",
    summary="สำนักงานเขตหนึ่งเขต",
    description=docs.DISTRICT_DETAIL,
    openapi_extra=docs.example("get_district"),
)
def get_district(
    request: HttpRequest, code: str = Path(..., max_length=8, description=docs.CODE_TEXT)
) -> Any:
    found = selectors.districts(_caller(request).district_ids, code).first()
    if found is None:
        return _not_found(request, LookupError(code))
    return found


@api.get(
    "/indicators",
    response={200: IndicatorPage, **ERRORS},
    url_name="indicators",
    operation_id="list_indicators",
    summary="ตัวชี้วัด",
    description=docs.INDICATORS,
    openapi_extra=docs.example("list_indicators"),
)
def list_indicators(request: HttpRequest, params: Query[IndicatorFilter]) -> dict[str, Any]:
    found = selectors.indicators(_caller(request).district_ids, _filters(params))
    rows = found.values(
        "code",
        "name",
        "unit",
        "indicator_type",
        "level",
        "direction",
        "kind",
        "full_score",
        "weight",
        "definition",
        "calculation_method",
        year=F("fiscal_year__year"),
    )
    return page(request, rows, params.limit, params.offset)


@api.get(
    "/results",
    response={200: ResultPage, **ERRORS},
    url_name="results",
    operation_id="list_results",
    summary="ผลการดำเนินงานและคะแนนที่ประกาศแล้ว",
    description=docs.RESULTS,
    openapi_extra=docs.example("list_results"),
)
def list_results(request: HttpRequest, params: Query[ResultFilter]) -> dict[str, Any]:
    rows = selectors.results(_caller(request).district_ids, _filters(params), timezone.localdate())
    return page(request, rows, params.limit, params.offset)


@api.get(
    "/scores",
    response={200: ScorePage, **ERRORS},
    url_name="scores",
    operation_id="list_scores",
    summary="คะแนนถ่วงน้ำหนักและอันดับของเขต",
    description=docs.SCORES,
    openapi_extra=docs.example("list_scores"),
)
def list_scores(request: HttpRequest, params: Query[ScoreFilter]) -> dict[str, Any]:
    rows = [
        {
            "year": row.year,
            "quarter": row.quarter,
            "published_on": row.published_on,
            "district_code": row.district.code,
            "district_name_th": row.district.name_th,
            "district_name_en": row.district.name_en,
            "zone_group": row.district.zone_group.code,
            "score": row.score,
            "percent": row.percent,
            "rank": row.rank,
            "zone_rank": row.zone_rank,
            "indicators_scored": row.indicators_scored,
            "indicators_unscored": row.indicators_unscored,
        }
        for row in selectors.district_scores(_caller(request).district_ids, _filters(params))
    ]
    return page(request, rows, params.limit, params.offset)
