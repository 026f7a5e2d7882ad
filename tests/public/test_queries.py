"""Every public page and open-data file makes the same number of queries whatever the
number of districts, indicators and reports (cold, and one query once cached)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import District
from indicators.models import Assignment, FiscalYear, Indicator, QuarterTarget
from reports.models import Report, Status
from tests.personas import HUAI_KHWANG, SEED_YEAR

pytestmark = pytest.mark.django_db


def _consume(response: HttpResponseBase) -> None:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # type: ignore[attr-defined]


def cold_and_cached(url: str) -> tuple[int, int]:
    caches["public"].clear()
    client = Client()
    with CaptureQueriesContext(connection) as cold:
        _consume(client.get(url))
    with CaptureQueriesContext(connection) as cached:
        _consume(client.get(url))
    return len(cold), len(cached)


def grow(indicators: int) -> None:
    """More indicators in the seed year, assigned to every district, each evaluated in
    the three published quarters, with quarter targets."""
    year = FiscalYear.objects.get(year=SEED_YEAR)
    template = Indicator.objects.filter(fiscal_year=year).first()
    assert template is not None
    districts = list(District.objects.all())
    for n in range(indicators):
        indicator = Indicator.objects.get(pk=template.pk)
        indicator.pk = None
        indicator.code = f"9.{n + 1}"
        indicator.weight = Decimal(10)
        indicator.save()
        assignments = Assignment.objects.bulk_create(
            Assignment(indicator=indicator, district=d, annual_target=Decimal(100))
            for d in districts
        )
        QuarterTarget.objects.bulk_create(
            QuarterTarget(assignment=a, quarter=q, target=Decimal(25 * q))
            for a in assignments
            for q in (1, 2, 3, 4)
        )
        Report.objects.bulk_create(
            Report(
                assignment=a,
                quarter=q,
                status=Status.EVALUATED,
                result=Decimal(20 * q),
                score=Decimal(80),
                full_score=Decimal(100),
                narrative="ผลงาน",
                evaluated_at=timezone.now(),
            )
            for a in assignments
            for q in (1, 2, 3)
        )


def urls() -> list[str]:
    sheet = Assignment.objects.filter(
        district__code=HUAI_KHWANG, indicator__fiscal_year__year=SEED_YEAR
    ).first()
    assert sheet is not None
    return [
        reverse("public_home"),
        reverse("public_home") + f"?year={SEED_YEAR}&quarter=2",
        reverse("public_district", args=[HUAI_KHWANG]),
        reverse("public_sheet", args=[sheet.pk]),
        reverse("opendata_index"),
        reverse("opendata_catalog"),
        reverse("opendata_schema"),
        reverse("opendata_csv", args=[SEED_YEAR]),
        reverse("opendata_json", args=[SEED_YEAR]),
    ]


def test_public_queries_do_not_grow_with_districts_indicators_and_reports(demo: None) -> None:
    small = {url: cold_and_cached(url) for url in urls()}
    grow(3)
    big = {url: cold_and_cached(url) for url in urls()}
    assert big == small
    for url, (cold, cached) in small.items():
        assert cold <= 20, (url, cold)
        if "opendata/" in url and url.endswith((".csv", ".json")) and "catalog" not in url:
            continue  # the files are streamed, not kept: cold every time
        if url.startswith("/public/"):
            assert cached == 1, (url, cached)  # the public version, nothing else


def test_the_ranking_counts_the_new_districts(demo: None) -> None:
    grow(1)
    page = Client().get(reverse("public_home")).content.decode()
    assert page.count('href="/public/districts/') >= 2 * District.objects.count()  # overall + zone
