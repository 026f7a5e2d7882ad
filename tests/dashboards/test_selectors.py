"""The dashboards' figures against the ones worked out by hand in tests/dashboards/world.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.selectors import (
    city_dashboard,
    city_trend,
    completeness,
    dashboard_period,
    district_dashboard,
    is_off_target,
    off_target,
    zone_scores,
)
from districts.models import District
from evaluation.scorecard import district_ranking
from indicators.models import Assignment, Direction, QuarterTarget
from reports.models import NOT_STARTED, Status
from tests.dashboards.world import FUTURE_RESULT, NONG_CHOK, SECRET_RESULT, build_world, indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo: None) -> dict[str, Any]:
    return build_world()


def test_period_defaults_to_the_latest_published_quarter(world: dict[str, Any]) -> None:
    period = dashboard_period(world["year"], None)
    assert period.quarter == 1
    assert period.published
    assert [(c.quarter, c.published) for c in period.choices] == [
        (1, True),
        (2, False),
        (3, False),  # published from tomorrow
        (4, False),
    ]
    assert dashboard_period(world["year"], 2).published is False


def test_completeness_counts_every_assignment_by_status(world: dict[str, Any]) -> None:
    figures = completeness(world["year"])
    assert figures.assignments == 6
    assert figures.counts[NOT_STARTED] == [1, 4, 5, 6]
    assert figures.counts[Status.EVALUATED] == [5, 1, 1, 0]
    assert figures.counts[Status.DRAFT] == [0, 1, 0, 0]
    # Statuses nobody is at are left out of the chart, but not "not started" or "evaluated".
    assert [s for s, _label in figures.statuses] == [NOT_STARTED, "draft", "evaluated"]
    assert figures.handed_in(0) == 5
    table = figures.chart.table
    assert [row.name for row in table.rows] == ["ยังไม่เริ่ม", "ร่าง", "ประเมินแล้ว"]
    assert table.rows[0].cells == ["1", "4", "5", "6"]


def test_zone_scores_are_the_means_of_the_districts_weighted_scores(
    world: dict[str, Any],
) -> None:
    scores = zone_scores(world["year"], 1)
    by_zone = {z.group.code: z for z in scores.zones}
    assert by_zone["central"].mean == Decimal("4.1250")
    assert (by_zone["central"].scored, by_zone["central"].districts) == (2, 2)
    assert by_zone["east"].mean == Decimal("1.6000")
    assert by_zone["north"].mean is None
    assert scores.city is not None
    assert scores.city.mean == Decimal("3.2833")
    ranked = {e.district.code: e.score.score for e in scores.ranking.ranked}
    assert ranked == {
        "1017": Decimal("4.0000"),
        "1001": Decimal("4.2500"),
        NONG_CHOK: Decimal("1.6"),
    }
    assert scores.chart.table.rows[0].cells[:4] == ["4.13", "–", "–", "1.6"]


def test_an_unpublished_quarter_has_no_zone_scores(world: dict[str, Any]) -> None:
    for quarter in (2, 3):
        scores = zone_scores(world["year"], quarter)
        assert all(z.mean is None for z in scores.zones)
        assert scores.city is not None and scores.city.mean is None


def test_off_target_follows_each_indicators_direction(world: dict[str, Any]) -> None:
    found = {i.code: i for i in off_target(world["year"], 1)}
    assert [d.name for d in found["9.1"].off] == ["พระนคร"]
    assert found["9.1"].compared == 2
    assert [(d.name, d.result, d.target) for d in found["9.2"].off] == [
        ("ห้วยขวาง", Decimal("12.00"), Decimal("10.00"))
    ]
    assert found["9.2"].compared == 3
    assert is_off_target(Decimal(11), Decimal(10), Direction.LOWER)
    assert not is_off_target(Decimal(10), Decimal(10), Direction.LOWER)
    assert is_off_target(Decimal(9), Decimal(10), Direction.HIGHER)


def test_off_target_uses_the_annual_target_where_the_quarter_has_none(
    world: dict[str, Any],
) -> None:
    QuarterTarget.objects.filter(
        assignment=world["assignments"][("1017", "9.1")], quarter=1
    ).delete()
    found = {i.code: i for i in off_target(world["year"], 1)}
    # Huai Khwang's 25 is now held against the annual 80, and misses it.
    assert sorted(d.name for d in found["9.1"].off) == ["พระนคร", "ห้วยขวาง"]


def test_off_target_sees_only_published_results(world: dict[str, Any]) -> None:
    assert off_target(world["year"], 2) == []
    assert off_target(world["year"], 3) == []


def test_trend_has_the_city_mean_of_each_published_quarter(world: dict[str, Any]) -> None:
    points = [p for p in city_trend() if p.year == world["year"].year]
    assert [(p.quarter, p.mean, p.districts) for p in points] == [(1, Decimal("3.2833"), 3)]
    # The same figure as the rankings give for that quarter.
    ranking = district_ranking(world["year"], 1)
    scores = [e.score.score for e in ranking.ranked if e.score.score is not None]
    assert points[0].mean == (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.0001"))


def test_district_dashboard_shows_only_what_left_the_office(world: dict[str, Any]) -> None:
    hk = world["districts"]["1017"]
    dash = district_dashboard(hk, world["year"], 1)
    assert dash.total.score == Decimal("4.0000")
    lines = {ln.code: ln for ln in dash.lines}
    assert lines["9.1"].result == Decimal("25.00")
    assert lines["9.1"].level == Decimal(5)
    assert lines["9.2"].weighted == Decimal("1.0000")  # 40 × 2.5 ÷ 100
    unpublished = district_dashboard(hk, world["year"], 2)
    assert [ln.result for ln in unpublished.lines] == [None, None]
    assert [ln.score for ln in unpublished.lines] == [None, None]
    assert unpublished.total.score is None
    assert not hasattr(unpublished.lines[0], "self_score")
    trend = {t.code: t for t in dash.trends}
    cells = trend["9.1"].chart.table.rows
    assert cells[0].cells == ["25", "–", "–", "–"]  # quarters 2 and 3 not public
    assert cells[1].cells == ["20", "80", "80", "80"]  # quarter 1's target, else the annual
    every = " ".join(c for t in dash.trends for row in t.chart.table.rows for c in row.cells)
    assert SECRET_RESULT not in every and FUTURE_RESULT not in every
    assert "777" not in str(trend["9.1"].chart.svg)


def _grow(world: dict[str, Any], n: int) -> None:
    """n more indicators for every district of the world, and ten more districts."""
    year = world["year"]
    more = list(District.objects.exclude(code__in=world["districts"]).order_by("code")[:10])
    for number in range(n):
        ind = indicator(year, f"8.{number + 1}", weight=1)
        for district in [*world["districts"].values(), *more]:
            Assignment.objects.create(indicator=ind, district=district, annual_target=10)


def test_query_counts_do_not_grow_with_districts_or_indicators(world: dict[str, Any]) -> None:
    hk = world["districts"]["1017"]

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as city:
            city_dashboard(world["year"], 1)
        with CaptureQueriesContext(connection) as district:
            district_dashboard(hk, world["year"], 1)
        return len(city), len(district)

    before = count()
    _grow(world, 6)
    assert count() == before
