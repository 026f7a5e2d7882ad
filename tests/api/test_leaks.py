"""0 leaks: every endpoint with every filter, for a district's token and an
every-district token, never shows an unpublished, unevaluated or tomorrow's result,
nor any internal field, nor (for a district's token) another district."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from reports.publication import PUBLIC_REPORT_FIELDS
from tests.api.conftest import HK_PUBLIC_RESULT, LISTS, MARKERS, PN_PUBLIC_RESULT, World, call
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, SEED_YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    # Hundreds of requests in a few seconds: the limits have their own tests.
    settings.API_RATE_PER_MINUTE = settings.API_RATE_PER_DAY = 1_000_000


FILTERS: dict[str, list[Any]] = {
    "year": [None, SEED_YEAR],
    "quarter": [None, 2, 3, 4],
    "district": [None, HUAI_KHWANG, PHRA_NAKHON],
    "indicator": [None, "5.2", "7.4.1"],
}


def _every_filter() -> list[dict[str, Any]]:
    combos = []
    for values in itertools.product(*FILTERS.values()):
        params = {k: v for k, v in zip(FILTERS, values, strict=True) if v is not None}
        combos.append(params)
    return combos


def _bodies(secret: str) -> list[tuple[str, dict[str, Any], str]]:
    bodies = []
    for name in LISTS:
        for params in _every_filter():
            if name == "scores":
                params = {"year": SEED_YEAR, **params}
            response = call(secret, name, params)
            assert response.status_code == 200, (name, params, response.content)
            bodies.append((name, params, response.content.decode()))
    for code in (HUAI_KHWANG, PHRA_NAKHON):
        response = call(secret, "district", code=code)
        bodies.append(("district", {"code": code}, response.content.decode()))
    return bodies


def test_no_internal_marker_leaves_for_either_token(world: World) -> None:
    leaks = [
        (name, params, what)
        for secret in (world.hk_secret, world.all_secret)
        for name, params, body in _bodies(secret)
        for what, marker in MARKERS.items()
        if marker and marker in body
    ]
    assert leaks == []


def test_a_district_token_never_sees_another_district(world: World) -> None:
    leaks = [
        (name, params)
        for name, params, body in _bodies(world.hk_secret)
        if PHRA_NAKHON in body or "พระนคร" in body or PN_PUBLIC_RESULT in body
    ]
    assert leaks == []


def test_the_every_district_token_sees_both_published_results(world: World) -> None:
    body = call(world.all_secret, "results", {"year": SEED_YEAR}).json()
    results = {row["result"] for row in body["results"]}
    assert {HK_PUBLIC_RESULT, PN_PUBLIC_RESULT} <= results
    assert {row["quarter"] for row in body["results"]} <= {1, 2}


def test_results_carry_only_public_fields_and_configuration(world: World) -> None:
    rows = call(world.hk_secret, "results", {"year": SEED_YEAR}).json()["results"]
    assert [(r["district_code"], r["quarter"], r["result"]) for r in rows] == [
        (HUAI_KHWANG, 1, HK_PUBLIC_RESULT)
    ]
    configuration = {
        "year",
        "district_code",
        "district_name_th",
        "district_name_en",
        "indicator_code",
        "indicator_name",
        "unit",
        "assignment_code",
        "target",
        "weight",
    }
    assert set(rows[0]) <= set(PUBLIC_REPORT_FIELDS) | configuration
    assert not {"evaluator_comment", "self_score", "suggested_score", "score_reason"} & set(rows[0])


def test_a_quarter_published_tomorrow_is_not_listed(world: World) -> None:
    years = call(world.all_secret, "fiscal_years").json()["results"]
    seed = next(y for y in years if y["year"] == SEED_YEAR)
    assert [q["quarter"] for q in seed["published_quarters"]] == [1, 2]
    scores = call(world.all_secret, "scores", {"year": SEED_YEAR}).json()["results"]
    assert {row["quarter"] for row in scores} == {1, 2}
    assert call(world.all_secret, "results", {"quarter": 3}).json()["count"] == 0
    assert call(world.all_secret, "scores", {"year": SEED_YEAR, "quarter": 3}).json()["count"] == 0
