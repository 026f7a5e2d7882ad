"""Open data: each fiscal year's published results as CSV and JSON, described for
data.go.th (a CKAN catalogue with the DGA's metadata fields).

``COLUMNS`` is the one data dictionary: the CSV's header, the JSON's keys, the JSON
Schema and the catalogue's dictionary are all made from it, so they cannot
disagree. Column names are English and stable (a harvester keys on them); their
Thai labels are in the dictionary. Rows come only from ``public_reports``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from indicators.fiscal import fiscal_year_bounds
from indicators.models import FiscalYear, QuarterTarget, ReportingPeriod
from reports.models import Report
from reports.publication import public_reports

PUBLISHER = _("สำนักยุทธศาสตร์และประเมินผล กรุงเทพมหานคร")
PUBLISHER_EN = "Strategy and Evaluation Department, Bangkok Metropolitan Administration"
DATASET_NAME = "bma-district-kpi-results"
#: Creative Commons Attribution 4.0: data.go.th offers it among its licences, and
#: unlike the Thai "Open Data Common" it has an SPDX identifier that harvesters
#: and reusers abroad recognise without reading a licence text.
LICENCE_ID = "CC-BY-4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
_TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Field:
    name: str  # stable, English, snake_case: the CSV header and the JSON key
    label: Any  # Thai (lazy), for the dictionary
    type: str  # integer, number, string, date (ISO 8601, Common Era)
    unit: Any
    description: Any
    nullable: bool = False


COLUMNS: tuple[Field, ...] = (
    Field(
        "fiscal_year",
        _("ปีงบประมาณ"),
        "integer",
        _("พ.ศ."),
        _("ปีงบประมาณ (พุทธศักราช) เริ่ม 1 ตุลาคมของปีก่อนหน้า"),
    ),
    Field("quarter", _("ไตรมาส"), "integer", "", _("ไตรมาสของปีงบประมาณ 1 ถึง 4")),
    Field("district_code", _("รหัสเขต"), "string", "", _("รหัสสำนักงานเขตของกรุงเทพมหานคร 4 หลัก")),
    Field("district_name_th", _("ชื่อเขต"), "string", "", _("ชื่อเขตภาษาไทย")),
    Field("district_name_en", _("ชื่อเขตภาษาอังกฤษ"), "string", "", _("ชื่อเขตภาษาอังกฤษ")),
    Field("zone_group_code", _("รหัสกลุ่มเขต"), "string", "", _("รหัสกลุ่มเขตที่เขตสังกัด")),
    Field("zone_group_name", _("กลุ่มเขต"), "string", "", _("ชื่อกลุ่มเขตภาษาไทย")),
    Field("indicator_code", _("รหัสตัวชี้วัด"), "string", "", _("รหัสตัวชี้วัดของปีงบประมาณ เช่น 5.2")),
    Field("indicator_name", _("ชื่อตัวชี้วัด"), "string", "", _("ชื่อตัวชี้วัดภาษาไทย")),
    Field("unit", _("หน่วยนับ"), "string", "", _("หน่วยนับของค่าเป้าหมายและผลงาน")),
    Field("direction", _("ทิศทาง"), "string", "", _("higher: ยิ่งมากยิ่งดี, lower: ยิ่งน้อยยิ่งดี")),
    Field(
        "assignment_code",
        _("รหัสตัวชี้วัดของเขต"),
        "string",
        "",
        _("รหัสที่เขตใช้กับตัวชี้วัดนี้ (อาจว่าง)"),
        nullable=True,
    ),
    Field(
        "target",
        _("ค่าเป้าหมาย"),
        "number",
        _("ตามหน่วยนับ"),
        _("ค่าเป้าหมายของไตรมาส หรือค่าเป้าหมายทั้งปีเมื่อไตรมาสไม่มีค่าเป้าหมายของตนเอง"),
    ),
    Field(
        "result",
        _("ผลงาน"),
        "number",
        _("ตามหน่วยนับ"),
        _("ผลงานสะสมถึงสิ้นไตรมาสที่เขตรายงาน"),
        nullable=True,
    ),
    Field("score", _("คะแนน"), "number", _("คะแนน"), _("คะแนนที่ สยป. ประเมินและประกาศผลแล้ว")),
    Field("full_score", _("คะแนนเต็ม"), "number", _("คะแนน"), _("คะแนนเต็มของตัวชี้วัด")),
    Field(
        "score_percent",
        _("ร้อยละของคะแนนเต็ม"),
        "number",
        _("ร้อยละ"),
        _("คะแนน ÷ คะแนนเต็ม × 100 ทศนิยม 2 ตำแหน่ง"),
    ),
    Field(
        "weight",
        _("น้ำหนัก"),
        "number",
        _("ร้อยละ"),
        _("น้ำหนักของตัวชี้วัดในคะแนนรวมของเขต (อาจว่าง)"),
        nullable=True,
    ),
    Field(
        "published_on",
        _("วันที่ประกาศผล"),
        "date",
        "",
        _("วันที่ สยป. ประกาศผลการประเมินของไตรมาส (ค.ศ. ปปปป-ดด-วว)"),
    ),
)
HEADER = tuple(column.name for column in COLUMNS)


def _percent(score: Decimal | None, full: Decimal) -> Decimal | None:
    if score is None or not full:
        return None
    return (score * 100 / full).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)


def result_rows(fiscal_year: FiscalYear) -> Iterator[dict[str, Any]]:
    """One row per assignment and published quarter, in one query, streamed."""
    quarter_target = QuarterTarget.objects.filter(
        assignment_id=OuterRef("assignment_id"), quarter=OuterRef("quarter")
    ).values("target")[:1]
    published_on = ReportingPeriod.objects.filter(
        fiscal_year_id=fiscal_year.pk, quarter=OuterRef("quarter")
    ).values("assessment_published_on")[:1]
    reports = (
        public_reports(Report.objects.filter(assignment__indicator__fiscal_year=fiscal_year))
        .annotate(
            the_target=Coalesce(
                Subquery(quarter_target),
                F("assignment__annual_target"),
                output_field=DecimalField(),
            ),
            the_weight=Coalesce(F("assignment__weight"), F("assignment__indicator__weight")),
            published_on=Subquery(published_on),
        )
        .order_by("quarter", "assignment__district__code", "assignment__indicator__code", "pk")
        .values_list(
            "quarter",
            "assignment__district__code",
            "assignment__district__name_th",
            "assignment__district__name_en",
            "assignment__district__zone_group__code",
            "assignment__district__zone_group__name_th",
            "assignment__indicator__code",
            "assignment__indicator__name",
            "assignment__indicator__unit",
            "assignment__indicator__direction",
            "assignment__code",
            "the_target",
            "result",
            "score",
            "full_score",
            "the_weight",
            "published_on",
        )
    )
    for row in reports.iterator(chunk_size=2000):
        (quarter, code, name_th, name_en, zone, zone_name, ind_code, ind_name, unit) = row[:9]
        (direction, a_code, target, result, score, full, weight, published) = row[9:]
        yield {
            "fiscal_year": fiscal_year.year,
            "quarter": quarter,
            "district_code": code,
            "district_name_th": name_th,
            "district_name_en": name_en,
            "zone_group_code": zone,
            "zone_group_name": zone_name,
            "indicator_code": ind_code,
            "indicator_name": ind_name,
            "unit": unit,
            "direction": direction,
            "assignment_code": a_code or None,
            "target": target,
            "result": result,
            "score": score,
            "full_score": full,
            "score_percent": _percent(score, full),
            "weight": weight,
            "published_on": published,
        }


def csv_row(row: dict[str, Any]) -> list[Any]:
    """A row for ``exchange.exports.writers`` (text cells: ISO dates, plain numbers)."""
    return ["" if row[name] is None else _text(row[name]) for name in HEADER]


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _json_value(value: Any) -> str:
    # Decimals are written as JSON numbers with their exact digits (no float).
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return _text(value)
    if hasattr(value, "isoformat"):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def json_chunks(fiscal_year: FiscalYear, *, schema_url: str, csv_url: str) -> Iterator[str]:
    """results.json, streamed: a header object, then the rows one by one."""
    start, end = fiscal_year_bounds(fiscal_year.year)
    head = {
        "$schema": schema_url,
        "dataset": DATASET_NAME,
        "fiscal_year": fiscal_year.year,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "publisher": str(PUBLISHER),
        "license": LICENCE_ID,
        "csv": csv_url,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
    first = True
    for row in result_rows(fiscal_year):
        body = ", ".join(f"{json.dumps(name)}: {_json_value(row[name])}" for name in HEADER)
        yield ("\n" if first else ",\n") + "{" + body + "}"
        first = False
    yield "\n]}\n"


_JSON_TYPES = {"integer": "integer", "number": "number", "string": "string", "date": "string"}


def results_schema(schema_url: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of results.json, from ``COLUMNS``."""
    properties: dict[str, Any] = {}
    for column in COLUMNS:
        spec: dict[str, Any] = {
            "type": [_JSON_TYPES[column.type], "null"]
            if column.nullable
            else _JSON_TYPES[column.type],
            "title": str(column.label),
            "description": str(column.description),
        }
        if column.type == "date":
            spec["format"] = "date"
            spec["pattern"] = r"^\d{4}-\d{2}-\d{2}$"
        if column.name == "quarter":
            spec.update(minimum=1, maximum=4)
        if column.name == "direction":
            spec["enum"] = ["higher", "lower"]
        properties[column.name] = spec
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": "BMA district KPI results (published)",
        "type": "object",
        "required": ["dataset", "fiscal_year", "license", "results"],
        "properties": {
            "$schema": {"type": "string"},
            "dataset": {"const": DATASET_NAME},
            "fiscal_year": {"type": "integer"},
            "period_start": {"type": "string", "format": "date"},
            "period_end": {"type": "string", "format": "date"},
            "publisher": {"type": "string"},
            "license": {"type": "string"},
            "csv": {"type": "string"},
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": properties,
                    "required": list(HEADER),
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
    }


def data_dictionary() -> list[dict[str, Any]]:
    return [
        {
            "name": column.name,
            "label_th": str(column.label),
            "type": column.type,
            "unit": str(column.unit),
            "description": str(column.description),
            "nullable": column.nullable,
        }
        for column in COLUMNS
    ]


DESCRIPTION = _(
    "ผลการประเมินตัวชี้วัดตามคำรับรองการปฏิบัติราชการของสำนักงานเขต 50 เขตของกรุงเทพมหานคร"
    " รายไตรมาส เฉพาะผลที่สำนักยุทธศาสตร์และประเมินผลประกาศแล้ว: ค่าเป้าหมาย ผลงาน คะแนน"
    " และน้ำหนักของแต่ละตัวชี้วัดของแต่ละเขต"
)
DESCRIPTION_EN = (
    "Quarterly evaluation results of the performance-agreement indicators of Bangkok's 50"
    " district offices, as published by the BMA Strategy and Evaluation Department: each"
    " district's target, result, score and weight for every indicator. Only published"
    " evaluations are included."
)
TAGS = ("ตัวชี้วัด", "สำนักงานเขต", "ผลการประเมิน", "กรุงเทพมหานคร", "KPI", "district")


def catalog(years: list[FiscalYear], absolute: Any) -> dict[str, Any]:
    """A CKAN ``package_show`` answer for the dataset, with the DGA's metadata fields
    (data.go.th): title, description, organisation, licence, update frequency,
    contact, tags, temporal coverage, resources and the data dictionary.

    ``absolute`` turns a path into a full URL (``request.build_absolute_uri``)."""
    from django.urls import reverse

    resources: list[dict[str, Any]] = []
    for fiscal_year in years:
        for fmt, name in (("CSV", "opendata_csv"), ("JSON", "opendata_json")):
            resources.append(
                {
                    "name": f"ผลการประเมินตัวชี้วัด ปีงบประมาณ {fiscal_year.year} ({fmt})",
                    "format": fmt,
                    "mimetype": "text/csv" if fmt == "CSV" else "application/json",
                    "url": absolute(reverse(name, args=[fiscal_year.year])),
                    "fiscal_year": fiscal_year.year,
                    "description": str(DESCRIPTION),
                }
            )
    schema_url = absolute(reverse("opendata_schema"))
    resources.append(
        {
            "name": "JSON Schema of results.json",
            "format": "JSON",
            "url": schema_url,
            "mimetype": "application/schema+json",
            "description": "JSON Schema (draft 2020-12)",
        }
    )
    bounds = [fiscal_year_bounds(y.year) for y in years]
    contact = absolute(reverse("opendata_index"))
    package = {
        "name": DATASET_NAME,
        "title": "ผลการประเมินตัวชี้วัดของสำนักงานเขต กรุงเทพมหานคร",
        "title_en": "Bangkok district offices' KPI evaluation results",
        "notes": str(DESCRIPTION),
        "notes_en": DESCRIPTION_EN,
        "organization": {
            "name": "bma-strategy-evaluation",
            "title": str(PUBLISHER),
            "title_en": PUBLISHER_EN,
        },
        "owner_org": "bma-strategy-evaluation",
        "maintainer": str(PUBLISHER),
        "maintainer_url": contact,
        "contact": {"name": str(PUBLISHER), "url": contact},
        "license_id": LICENCE_ID,
        "license_title": LICENCE_TITLE,
        "license_url": LICENCE_URL,
        "update_frequency_unit": "ไตรมาส",
        "update_frequency_interval": 1,
        "accrual_periodicity": "R/P3M",
        "tags": [{"name": tag} for tag in TAGS],
        "language": ["th", "en"],
        "data_format": ["CSV", "JSON"],
        "temporal_coverage_start": min(b[0] for b in bounds).isoformat() if bounds else None,
        "temporal_coverage_end": max(b[1] for b in bounds).isoformat() if bounds else None,
        "geo_coverage": "กรุงเทพมหานคร",
        "url": contact,
        "resources": resources,
        "data_dictionary": data_dictionary(),
        "schema": schema_url,
    }
    return {"success": True, "result": package}
