"""The dry run and the apply: counts, problems, the round trip, re-importing."""

from __future__ import annotations

import pytest

from exchange.imports import plan_import
from exchange.services import import_run_apply, import_run_upload
from exchange.workbook import config_workbook
from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, FiscalYear, Indicator, MilestoneStep, QuarterTarget
from tests.exchange.workbooks import INDICATOR, fill, saved, template, values
from tests.personas import Personas

pytestmark = pytest.mark.django_db

HUAI_KHWANG = "1017"


def configuration() -> tuple[int, ...]:
    return (
        Indicator.objects.count(),
        MilestoneStep.objects.count(),
        Assignment.objects.count(),
        QuarterTarget.objects.count(),
    )


@pytest.fixture
def year(demo: None) -> FiscalYear:
    return FiscalYear.objects.create(year=2599)


def test_the_template_has_the_sheets_headers_and_drop_downs() -> None:
    book = template()
    assert book.sheetnames[:5] == ["ตัวชี้วัด", "ขั้นตอน", "การมอบหมาย", "ผู้ใช้", "คำอธิบาย"]
    sheet = book["ตัวชี้วัด"]
    assert sheet.freeze_panes == "A2"
    assert sheet["B1"].value == "รหัสตัวชี้วัด"
    assert sheet.column_dimensions["D"].width == 50
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "F2:F5000" in ranges  # ประเภทตัวชี้วัด
    lists = book["รายการเลือก"]
    assert lists.sheet_state == "hidden"
    assert "ตัวชี้วัดตามภารกิจ" in [c.value for c in lists["A"]]
    assert "พิมพ์ค่า ไม่ใช่สูตร" in " ".join(str(c.value) for c in book["คำอธิบาย"]["A"])


def test_a_new_indicator_is_counted_and_nothing_is_written(year: FiscalYear) -> None:
    before = configuration()
    plan = plan_import(saved(fill(template(), "ตัวชี้วัด", [INDICATOR])))
    assert plan.problems == []
    assert plan.counts_json()[0] == {"sheet": "ตัวชี้วัด", "create": 1, "update": 0, "unchanged": 0}
    assert configuration() == before


def test_the_round_trip_into_an_empty_year_is_identical(personas: Personas) -> None:
    current = FiscalYear.objects.get(year=current_fiscal_year())
    empty = FiscalYear.objects.create(year=2599)
    book = template(current)
    for name in ("ตัวชี้วัด", "ขั้นตอน", "การมอบหมาย"):
        for row in book[name].iter_rows(min_row=2):
            row[0].value = 2599
    run = import_run_upload(actor=personas.admin, name="config.xlsx", data=saved(book))
    assert run.problems == []
    assert run.counts_of("การมอบหมาย")["create"] == 100
    run = import_run_apply(actor=personas.admin, run=run)
    assert run.status == "applied", run.problems
    assert values(template(empty)) == values(book)
    assert Assignment.objects.filter(indicator__fiscal_year=empty).count() == 100


def test_importing_the_same_file_again_changes_nothing(personas: Personas) -> None:
    current = FiscalYear.objects.get(year=current_fiscal_year())
    data = config_workbook(current)
    run = import_run_upload(actor=personas.admin, name="again.xlsx", data=data)
    assert run.problems == []
    assert all(c["create"] == 0 and c["update"] == 0 for c in run.counts), run.counts
    history = Indicator.pgh_event_model.objects.count()  # type: ignore[attr-defined]
    run = import_run_apply(actor=personas.admin, run=run)
    assert run.status == "applied"
    assert Indicator.pgh_event_model.objects.count() == history  # type: ignore[attr-defined]
