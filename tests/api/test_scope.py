"""A token for district A sees A and nothing of B: not in districts, indicators,
results or scores, not by filtering for B, not by asking for B's page."""

from __future__ import annotations

import pytest

from api.models import ApiToken
from api.services import api_token_create
from districts.models import District
from tests.api.conftest import World, call, issue
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, SEED_YEAR, Personas

pytestmark = pytest.mark.django_db


def _codes(body: dict[str, object], field: str) -> set[str]:
    return {row[field] for row in body["results"]}  # type: ignore[attr-defined,index]


def test_districts_in_scope(world: World) -> None:
    assert _codes(call(world.hk_secret, "districts").json(), "code") == {HUAI_KHWANG}
    assert call(world.all_secret, "districts").json()["count"] == District.objects.count()
    assert call(world.hk_secret, "districts", {"code": PHRA_NAKHON}).json()["count"] == 0


def test_another_district_is_as_if_it_did_not_exist(world: World) -> None:
    other = call(world.hk_secret, "district", code=PHRA_NAKHON)
    nowhere = call(world.hk_secret, "district", code="9999")
    assert other.status_code == nowhere.status_code == 404
    assert other.json() == nowhere.json()
    assert other.json()["error"]["code"] == "not_found"
    assert call(world.all_secret, "district", code=PHRA_NAKHON).status_code == 200


def test_results_and_scores_in_scope(world: World) -> None:
    for name, field in (("results", "district_code"), ("scores", "district_code")):
        mine = call(world.hk_secret, name, {"year": SEED_YEAR}).json()
        assert _codes(mine, field) == {HUAI_KHWANG}, name
        theirs = call(world.hk_secret, name, {"year": SEED_YEAR, "district": PHRA_NAKHON})
        assert theirs.json()["count"] == 0, name
        every = call(world.all_secret, name, {"year": SEED_YEAR}).json()
        assert {HUAI_KHWANG, PHRA_NAKHON} <= _codes(every, field), name


def test_indicators_only_of_districts_in_scope(world: World, personas: Personas) -> None:
    mine = _codes(call(world.hk_secret, "indicators", {"year": SEED_YEAR}).json(), "code")
    every = _codes(call(world.all_secret, "indicators", {"year": SEED_YEAR}).json(), "code")
    assert world.hk.indicator.code in mine
    assert world.pn.indicator.code in every
    assert world.pn.indicator.code not in mine
    pn_only = call(world.hk_secret, "indicators", {"district": PHRA_NAKHON}).json()
    assert pn_only["count"] == 0


def test_a_two_district_token_sees_both_and_no_third(world: World, personas: Personas) -> None:
    _token, secret = issue(personas.admin, districts=[world.hk.district, world.pn.district])
    assert _codes(call(secret, "districts").json(), "code") == {HUAI_KHWANG, PHRA_NAKHON}
    assert _codes(call(secret, "results", {"year": SEED_YEAR}).json(), "district_code") == {
        HUAI_KHWANG,
        PHRA_NAKHON,
    }
    assert call(secret, "results", {"district": "1002"}).json()["count"] == 0


def test_an_every_district_token_keeps_no_district_list(personas: Personas) -> None:
    token = ApiToken(agency="ก", contact_email="a@example.go.th", all_districts=True)
    api_token_create(token=token, districts=list(District.objects.all()[:2]), actor=personas.admin)
    assert token.districts.count() == 0
