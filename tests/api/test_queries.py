"""Every list's query count stays the same as districts, assignments and published
reports grow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import District, ZoneGroup
from indicators.models import Assignment, Indicator, QuarterTarget
from reports.models import Report, Status
from tests.api.conftest import LISTS, World, call
from tests.personas import SEED_YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = settings.API_RATE_PER_DAY = 1_000_000


def _queries(secret: str, name: str) -> int:
    call(secret, name, {"year": SEED_YEAR})  # the first request notes the token's use
    with CaptureQueriesContext(connection) as captured:
        response = call(secret, name, {"year": SEED_YEAR})
    assert response.status_code == 200
    return len(captured)


def _grow(world: World, districts: int) -> None:
    """More districts, each assigned every indicator of the year, with published,
    evaluated reports and quarter targets, all within the scoped token's scope too."""
    indicators = list(Indicator.objects.filter(fiscal_year__year=SEED_YEAR))
    zone = ZoneGroup.objects.order_by("position")[0]
    start = District.objects.count()
    for n in range(districts):
        district = District.objects.create(
            code=f"9{start + n:03d}",
            name_th=f"เขตทดสอบ{start + n}",
            name_en=f"Test {start + n}",
            zone_group=zone,
        )
        world.hk_token.districts.add(district)  # the scoped token reads them too
        for i, indicator in enumerate(indicators):
            assignment = Assignment.objects.create(
                indicator=indicator,
                district=district,
                code=f"T{start + n}-{i}",
                annual_target=Decimal(100),
                weight=Decimal(50),
            )
            for quarter in (1, 2):
                QuarterTarget.objects.create(assignment=assignment, quarter=quarter, target=50)
                Report.objects.create(
                    assignment=assignment,
                    quarter=quarter,
                    status=Status.EVALUATED,
                    result=Decimal(60),
                    score=Decimal(70),
                    evaluated_at=timezone.now(),
                )


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_do_not_grow(world: World, name: str) -> None:
    for secret in (world.all_secret, world.hk_secret):
        before = _queries(secret, name)
        _grow(world, 3)
        after = _queries(secret, name)
        assert after == before, (name, before, after)
    assert call(world.all_secret, "results", {"year": SEED_YEAR}).json()["count"] >= 12


def test_the_counts(world: World) -> None:
    # What each costs: the token, its districts (a scoped token), then the list.
    counts = {name: _queries(world.hk_secret, name) for name in LISTS}
    assert counts["districts"] <= 4
    assert counts["results"] <= 4
    assert counts["scores"] <= 4 + 2 * 4  # two published quarters, four queries each
