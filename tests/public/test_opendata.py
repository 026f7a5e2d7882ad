"""Open data as a harvester and a reuser read it: the CSV through Python's csv module,
results.json validated against the schema the site publishes, the data dictionary
naming exactly the CSV's columns, the catalogue's DGA / CKAN fields, and only
published results in any of them."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from indicators.models import Assignment
from public.opendata import HEADER
from reports.models import Report, Status
from reports.publication import public_reports
from tests.personas import HUAI_KHWANG, SEED_YEAR

pytestmark = pytest.mark.django_db

BOM = "\ufeff"


def body(response: HttpResponseBase) -> bytes:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def get_json(url: str) -> Any:
    response = Client().get(url)
    assert response["Content-Type"].startswith("application/json")
    return json.loads(body(response))


def csv_rows(year: int = SEED_YEAR) -> list[dict[str, str]]:
    response = Client().get(reverse("opendata_csv", args=[year]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response).decode("utf-8")
    assert text.startswith(BOM), "Excel needs the BOM to read Thai"
    reader = csv.DictReader(io.StringIO(text.removeprefix(BOM)))
    rows = list(reader)
    assert tuple(reader.fieldnames or ()) == HEADER
    return rows


def published_count() -> int:
    return public_reports(
        Report.objects.filter(assignment__indicator__fiscal_year__year=SEED_YEAR)
    ).count()


def test_the_csv_opens_with_pythons_csv_module_one_row_per_published_result() -> None:
    rows = csv_rows()
    assert len(rows) == published_count() > 0
    hk = [r for r in rows if r["district_code"] == HUAI_KHWANG]
    assert [r["quarter"] for r in hk] == ["1", "2", "3"]  # the fourth was never published
    first = hk[0]
    assert first["fiscal_year"] == str(SEED_YEAR)
    assert first["district_name_th"] == "ห้วยขวาง" and first["district_name_en"] == "Huai Khwang"
    assert first["published_on"] == "2021-01-29"  # ISO 8601, Common Era: machines read it
    report = Report.objects.get(
        assignment__district__code=HUAI_KHWANG,
        assignment__indicator__code=first["indicator_code"],
        assignment__indicator__fiscal_year__year=SEED_YEAR,
        quarter=1,
    )
    assert Decimal(first["score"]) == report.score
    assert Decimal(first["score_percent"]) == (report.score * 100 / report.full_score).quantize(  # type: ignore[operator]
        Decimal("0.01")
    )


def test_results_json_validates_against_the_published_schema() -> None:
    schema = get_json(reverse("opendata_schema"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = get_json(reverse("opendata_json", args=[SEED_YEAR]))
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["$schema"].endswith(reverse("opendata_schema"))
    assert len(data["results"]) == published_count()
    assert [set(row) for row in data["results"]] == [set(HEADER)] * len(data["results"])
    # The schema refuses what it should: an unknown column, a quarter 5.
    bad = {**data, "results": [{**data["results"][0], "quarter": 5}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)
    extra = {**data, "results": [{**data["results"][0], "evaluator_comment": "x"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(extra, schema, cls=jsonschema.Draft202012Validator)


def test_csv_and_json_hold_the_same_results() -> None:
    rows = csv_rows()
    data = get_json(reverse("opendata_json", args=[SEED_YEAR]))["results"]
    for from_csv, from_json in zip(rows, data, strict=True):
        for name in HEADER:
            value = from_json[name]
            if value is None:
                assert from_csv[name] == ""
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                assert Decimal(from_csv[name]) == Decimal(str(value)), name
            else:
                assert from_csv[name] == value, name


def test_the_data_dictionary_names_exactly_the_csvs_columns() -> None:
    catalog = get_json(reverse("opendata_catalog"))["result"]
    dictionary = catalog["data_dictionary"]
    assert tuple(column["name"] for column in dictionary) == HEADER == tuple(csv_rows()[0])
    for column in dictionary:
        assert column["label_th"] and column["type"] in ("integer", "number", "string", "date")
        assert column["description"]
    page = Client().get(reverse("opendata_index")).content.decode()
    for name in HEADER:
        assert f"<code>{name}</code>" in page


def test_the_catalogue_has_the_dga_ckan_fields() -> None:
    package = get_json(reverse("opendata_catalog"))["result"]
    for field in (
        "title",
        "notes",
        "notes_en",
        "organization",
        "license_id",
        "update_frequency_unit",
        "maintainer",
        "contact",
        "tags",
        "temporal_coverage_start",
        "temporal_coverage_end",
        "resources",
    ):
        assert package[field], field
    assert package["organization"]["title"] == "สำนักยุทธศาสตร์และประเมินผล กรุงเทพมหานคร"
    assert package["license_id"] == "CC-BY-4.0"
    assert package["update_frequency_unit"] == "ไตรมาส"
    assert package["temporal_coverage_start"] == "2020-10-01"
    urls = {(r["format"], r["url"]) for r in package["resources"]}
    assert ("CSV", f"http://testserver/opendata/{SEED_YEAR}/results.csv") in urls
    assert ("JSON", f"http://testserver/opendata/{SEED_YEAR}/results.json") in urls


def test_an_unpublished_score_is_in_no_file(hk_sheet: Assignment) -> None:
    q4 = Report.objects.get(assignment=hk_sheet, quarter=4)
    assert q4.status == Status.EVALUATED  # the seed's Q4: scored, never published
    Report.objects.filter(pk=q4.pk).update(result=Decimal("4242.42"))
    assert not [r for r in csv_rows() if r["quarter"] == "4"]
    data = get_json(reverse("opendata_json", args=[SEED_YEAR]))
    assert "4242.42" not in json.dumps(data)
    assert all(row["quarter"] != 4 for row in data["results"])


def test_files_are_open_to_any_site_and_cacheable() -> None:
    for url in (
        reverse("opendata_csv", args=[SEED_YEAR]),
        reverse("opendata_json", args=[SEED_YEAR]),
        reverse("opendata_catalog"),
        reverse("opendata_schema"),
    ):
        response = Client().get(url)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"].startswith("public, max-age=")
        assert not response.cookies
