"""The API's test world: tokens for district A (Huai Khwang), for every district, and
reports of every kind with recognisable markers on what must never leave the office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_create
from districts.models import District
from indicators.models import Assignment, ReportingPeriod
from reports.models import Report, Status
from tests.personas import PHRA_NAKHON, SEED_YEAR, Personas

#: Strings that must never appear in any answer of the API.
MARKERS = {
    "submitted": "91111.11",  # the result of a report handed in, not evaluated
    "tomorrow": "93333.33",  # the result of an evaluated report of a quarter published tomorrow
    "unpublished": "94444.44",  # the result of an evaluated report of an unpublished quarter
    "comment": "LEAK-EVALUATOR-COMMENT",
    "reason": "LEAK-SCORE-REASON",
    "evaluator": "LEAKEVALUATORNAME",
    "self_score": "12.34",
    "suggested": "23.45",
    "tomorrow_date": "",  # filled in by the world: the date of tomorrow's publication
}
#: Phra Nakhon's published result: visible to an every-district token, never to A's.
PN_PUBLIC_RESULT = "95555.55"
#: Huai Khwang's published result in Q1.
HK_PUBLIC_RESULT = "81818.18"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    caches[settings.API_RATE_CACHE].clear()
    yield
    caches[settings.API_RATE_CACHE].clear()


@dataclass
class World:
    hk: Assignment
    pn: Assignment
    hk_secret: str
    all_secret: str
    hk_token: ApiToken
    all_token: ApiToken
    tomorrow: dt.date


def issue(
    actor: Any,
    *,
    districts: list[District] | None = None,
    every: bool = False,
    expires_on: dt.date | None = None,
    agency: str = "สำนักงานสถิติแห่งชาติ",
) -> tuple[ApiToken, str]:
    token = ApiToken(
        agency=agency,
        contact_email="api@example.go.th",
        all_districts=every,
        expires_on=expires_on,
    )
    secret = api_token_create(token=token, districts=districts or [], actor=actor)
    return token, secret


def _report(assignment: Assignment, quarter: int, **fields: Any) -> Report:
    report, _ = Report.objects.update_or_create(
        assignment=assignment, quarter=quarter, defaults=fields
    )
    return report


@pytest.fixture
def world(personas: Personas) -> World:
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    periods = ReportingPeriod.objects.filter(fiscal_year__year=SEED_YEAR)
    periods.filter(quarter__in=[1, 2]).update(assessment_published_on=today - dt.timedelta(days=3))
    periods.filter(quarter=3).update(assessment_published_on=tomorrow)
    periods.filter(quarter=4).update(assessment_published_on=None)
    MARKERS["tomorrow_date"] = tomorrow.isoformat()

    evaluator = personas.evaluator
    evaluator.first_name = MARKERS["evaluator"]
    evaluator.save()
    secret_fields = {
        "evaluator_comment": MARKERS["comment"],
        "score_reason": MARKERS["reason"],
        "self_score": Decimal(MARKERS["self_score"]),
        "suggested_score": Decimal(MARKERS["suggested"]),
        "evaluated_by": evaluator,
    }
    hk = _hk_assignment()
    pn = _pn_assignment()
    evaluated = {"status": Status.EVALUATED, "evaluated_at": timezone.now(), "full_score": 100}
    _report(
        hk, 1, result=Decimal(HK_PUBLIC_RESULT), score=Decimal(80), **evaluated, **secret_fields
    )
    _report(
        hk,
        2,
        status=Status.SUBMITTED,
        result=Decimal(MARKERS["submitted"]),
        score=None,
        evaluator_comment=MARKERS["comment"],
    )
    _report(
        hk, 3, result=Decimal(MARKERS["tomorrow"]), score=Decimal(77), **evaluated, **secret_fields
    )
    _report(
        hk,
        4,
        result=Decimal(MARKERS["unpublished"]),
        score=Decimal(66),
        **evaluated,
        **secret_fields,
    )
    _report(
        pn, 1, result=Decimal(PN_PUBLIC_RESULT), score=Decimal(90), **evaluated, **secret_fields
    )
    # Every other report of a quarter not public today carries the marker too.
    Report.objects.filter(
        assignment__indicator__fiscal_year__year=SEED_YEAR, quarter__in=[3, 4]
    ).exclude(result=None).update(result=Decimal(MARKERS["unpublished"]))
    hk_token, hk_secret = issue(personas.admin, districts=[hk.district])
    all_token, all_secret = issue(personas.admin, every=True, agency="กรมการปกครอง")
    return World(hk, pn, hk_secret, all_secret, hk_token, all_token, tomorrow)


def _hk_assignment() -> Assignment:
    from tests.personas import HK_SEED_ASSIGNMENT

    return Assignment.objects.select_related("district", "indicator").get(code=HK_SEED_ASSIGNMENT)


def _pn_assignment() -> Assignment:
    from tests.personas import PN_BUDGET_INDICATOR

    return Assignment.objects.select_related("district", "indicator").get(
        district__code=PHRA_NAKHON,
        indicator__code=PN_BUDGET_INDICATOR,
        indicator__fiscal_year__year=SEED_YEAR,
    )


def call(secret: str | None, name: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """GET one API endpoint with a bearer token (None: without one)."""
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return Client().get(reverse(f"api_v1:{name}", kwargs=kwargs), params or {}, headers=headers)


LISTS = ["fiscal_years", "districts", "indicators", "results", "scores"]
