"""The printed sheet's earlier years (ผลการดำเนินงานปีก่อน ๆ), and its cached copy
printed anew when anything of an earlier year changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import Assignment, QuarterTarget, ReportingPeriod
from reports.models import Report
from reports.selectors import sheet_fingerprint
from tests.lineage import earlier_assignment, two_earlier_years
from tests.personas import SEED_YEAR, Personas
from tests.printing.test_sheet_pdf import fetch, flat, pdf_cache

__all__ = ["pdf_cache"]  # the autouse fixture: a PDF cache of this test's own

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(hk_sheet: Assignment) -> tuple[Assignment, Assignment]:
    return two_earlier_years(hk_sheet)


def test_the_pdf_prints_the_earlier_years(
    personas: Personas, hk_sheet: Assignment, two_years: tuple[Assignment, Assignment]
) -> None:
    last_year, before = two_years
    _content, text = fetch(personas, hk_sheet)
    page = flat(text)
    section = page[page.index("ผลการดำเนินงานปีก่อน ๆ") :]
    assert f"2563 {last_year.code} 90.00 20.00 45.00 70.00 91.50 88 / 100 (ไตรมาสที่ 4)" in section
    assert f"2562 {before.code} 80.00 15.00 33.00 – – รอประกาศผล" in section
    assert "70 / 100" not in page
    # The trend chart, under its title.
    assert "ผลงานเทียบกับเป้าหมาย ปีงบประมาณ 2562–2564" in section


def test_a_change_to_an_earlier_years_report_prints_the_sheet_anew(
    personas: Personas, hk_sheet: Assignment, two_years: tuple[Assignment, Assignment]
) -> None:
    first, _text = fetch(personas, hk_sheet)
    again, _text = fetch(personas, hk_sheet)
    assert again == first  # from the cache
    Report.objects.filter(assignment=two_years[0], quarter=4).update(result=Decimal("93.25"))
    changed, text = fetch(personas, hk_sheet)
    assert changed != first
    assert "93.25" in flat(text) and "91.50" not in flat(text)


@pytest.mark.parametrize(
    "edit", ["report", "quarter target", "publication", "code", "new year by code", "link"]
)
def test_the_fingerprint_follows_the_earlier_years(
    hk_sheet: Assignment, two_years: tuple[Assignment, Assignment], edit: str
) -> None:
    last_year, before = two_years
    fingerprint = sheet_fingerprint(hk_sheet.pk)
    if edit == "report":
        Report.objects.filter(assignment=before, quarter=1).update(result=Decimal(16))
    elif edit == "quarter target":
        QuarterTarget.objects.filter(assignment=before, quarter=3).update(target=Decimal(21))
    elif edit == "publication":
        ReportingPeriod.objects.filter(fiscal_year=before.indicator.fiscal_year, quarter=2).update(
            assessment_published_on=dt.date(2019, 3, 1)
        )
    elif edit == "code":
        Assignment.objects.filter(pk=last_year.pk).update(code="6309-9999")
    elif edit == "new year by code":
        earlier_assignment(hk_sheet, SEED_YEAR - 3)
    else:
        older = earlier_assignment(hk_sheet, SEED_YEAR - 5, code="1.1")
        Assignment.objects.filter(pk=before.pk).update(previous=older)
    assert sheet_fingerprint(hk_sheet.pk) != fingerprint


def test_another_assignments_earlier_years_leave_it_alone(
    hk_sheet: Assignment, pn_budget: Assignment, two_years: tuple[Assignment, Assignment]
) -> None:
    fingerprint = sheet_fingerprint(hk_sheet.pk)
    theirs = earlier_assignment(pn_budget, SEED_YEAR - 1, results=(Decimal(1),))
    Report.objects.filter(assignment=theirs).update(result=Decimal(2))
    assert sheet_fingerprint(hk_sheet.pk) == fingerprint
