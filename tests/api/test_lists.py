"""The lists: pagination with a total and links, filters, stable order, 405 on
writes, 422 on bad parameters, and every answer valid against the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.urls import reverse
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api.docs import EXAMPLES
from districts.models import District
from indicators.models import Assignment
from tests.api.conftest import LISTS, World, call
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, SEED_YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = settings.API_RATE_PER_DAY = 1_000_000


def _schema() -> dict[str, Any]:
    response = Client().get(reverse("api_v1:openapi-json"))
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _validator(document: dict[str, Any], path: str, status: str = "200") -> Any:
    schema = document["paths"][path]["get"]["responses"][status]["content"]["application/json"]
    # OpenAPI 3.1's schemas are JSON Schema 2020-12; $refs point into the document.
    registry: Registry[Any] = Registry().with_resource(
        "urn:api", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    body = {"$ref": "urn:api#" + schema["schema"]["$ref"].removeprefix("#")}
    return jsonschema.Draft202012Validator(body, registry=registry), schema.get("example")


def test_the_schema_is_openapi_3_and_complete() -> None:
    document = _schema()
    assert document["openapi"].startswith("3.")
    assert document["info"]["license"]["name"]
    assert document["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    operations = [op for methods in document["paths"].values() for op in methods.values()]
    assert len(operations) == 6
    assert {m for methods in document["paths"].values() for m in methods} == {"get"}
    for operation in operations:
        assert operation["summary"] and operation["description"]
        assert {"200", "401", "422", "429"} <= set(operation["responses"])
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (operation["operationId"], parameter["name"])
    jsonschema.Draft202012Validator.check_schema(document["components"]["schemas"]["ResultPage"])


PATHS = {
    "fiscal_years": "/api/v1/fiscal-years",
    "districts": "/api/v1/districts",
    "indicators": "/api/v1/indicators",
    "results": "/api/v1/results",
    "scores": "/api/v1/scores",
}


@pytest.mark.parametrize("name", LISTS)
def test_every_answer_and_example_matches_its_schema(world: World, name: str) -> None:
    document = _schema()
    validator, example = _validator(document, PATHS[name])
    body = call(world.all_secret, name, {"year": SEED_YEAR}).json()
    assert body["count"] > 0
    validator.validate(body)
    validator.validate(example)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**body, "results": [{"year": "not a year"}]})
    errors, _example = _validator(document, PATHS[name], "401")
    errors.validate(call(None, name).json())


def test_the_detail_matches_its_schema(world: World) -> None:
    document = _schema()
    validator, example = _validator(document, "/api/v1/districts/{code}")
    validator.validate(call(world.hk_secret, "district", code=HUAI_KHWANG).json())
    validator.validate(example)
    assert set(EXAMPLES) == {
        op["operationId"] for methods in document["paths"].values() for op in methods.values()
    }


def test_pages_cover_the_list_once_in_a_stable_order(world: World) -> None:
    whole = call(world.all_secret, "districts", {"limit": 1000}).json()
    assert whole["count"] == District.objects.count() and whole["next"] is None
    codes = [d["code"] for d in whole["results"]]
    assert codes == sorted(codes)
    seen: list[str] = []
    url: str | None = reverse("api_v1:districts") + "?limit=7"
    pages = 0
    while url:
        response = Client().get(url, headers={"Authorization": f"Bearer {world.all_secret}"})
        body = response.json()
        assert body["count"] == whole["count"] and len(body["results"]) <= 7
        seen += [d["code"] for d in body["results"]]
        url = body["next"]
        pages += 1
    assert seen == codes
    assert pages == -(-len(codes) // 7)
    second = call(world.all_secret, "districts", {"limit": 7, "offset": 7}).json()
    assert second["previous"].endswith("limit=7&offset=0")
    assert call(world.all_secret, "districts", {"limit": 7}).json()["previous"] is None


def test_page_size_is_capped(world: World, settings: Any) -> None:
    too_big = call(world.all_secret, "districts", {"limit": settings.API_MAX_PAGE_SIZE + 1})
    assert too_big.status_code == 422
    assert too_big.json()["error"]["code"] == "invalid_parameter"
    assert too_big.json()["error"]["details"][0]["parameter"] == "limit"
    assert call(world.all_secret, "districts").json()["limit"] == settings.API_PAGE_SIZE


@pytest.mark.parametrize(
    "name,params",
    [
        ("results", {"quarter": 5}),
        ("results", {"quarter": 0}),
        ("results", {"year": "สองห้าหกสี่"}),
        ("results", {"offset": -1}),
        ("scores", {}),  # the year is required
        ("indicators", {"year": 1999}),
    ],
)
def test_bad_parameters_are_422_in_both_languages(
    world: World, name: str, params: dict[str, Any]
) -> None:
    response = call(world.all_secret, name, params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and error["message"] and error["message_en"]
    assert error["details"]


def test_filters(world: World) -> None:
    def rows(**params: Any) -> list[tuple[Any, ...]]:
        body = call(world.all_secret, "results", params).json()
        return [(r["district_code"], r["quarter"], r["indicator_code"]) for r in body["results"]]

    every = rows(year=SEED_YEAR)
    assert (HUAI_KHWANG, 1, world.hk.indicator.code) in every
    assert rows(year=SEED_YEAR, district=HUAI_KHWANG) == [r for r in every if r[0] == HUAI_KHWANG]
    assert rows(quarter=1) == [r for r in every if r[1] == 1]
    code = world.pn.indicator.code
    assert rows(indicator=code) == [r for r in every if r[2] == code]
    assert rows(year=2563) == []
    assert every == sorted(every, key=lambda r: (r[1], r[0], r[2]))
    years = call(world.all_secret, "indicators", {"year": SEED_YEAR}).json()["results"]
    assert {i["year"] for i in years} == {SEED_YEAR}
    hk = call(world.all_secret, "indicators", {"district": HUAI_KHWANG}).json()["results"]
    assert world.hk.indicator.code in {i["code"] for i in hk}


def test_scores_are_the_weighted_score_and_rank(world: World) -> None:
    Assignment.objects.filter(pk__in=[world.hk.pk, world.pn.pk]).update(weight=Decimal(100))
    rows = call(world.all_secret, "scores", {"year": SEED_YEAR, "quarter": 1}).json()["results"]
    by_code = {r["district_code"]: r for r in rows}
    # Huai Khwang: 80/100 of its only weighted indicator → 4.0000 of 5, 80 %.
    hk = by_code[HUAI_KHWANG]
    assert (hk["score"], hk["percent"]) == ("4.0000", "80.00")
    pn = by_code[PHRA_NAKHON]
    assert (pn["score"], pn["percent"]) == ("4.5000", "90.00")
    assert pn["rank"] < hk["rank"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head", "options"])
@pytest.mark.parametrize("name", LISTS)
def test_writes_are_405(world: World, name: str, method: str) -> None:
    client = Client()
    response = getattr(client, method)(
        reverse(f"api_v1:{name}"), headers={"Authorization": f"Bearer {world.all_secret}"}
    )
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    if method != "head":
        assert response.json()["error"]["code"] == "method_not_allowed"
