"""An administrator imports a year's assignments from Excel in a real browser:
template → filled in → dry run with an error → fixed → dry run → apply."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from indicators.models import Assignment, FiscalYear
from tests.exchange.workbooks import INDICATOR
from tests.personas import HUAI_KHWANG

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_administrator_imports_assignments_from_the_template(
    open_browser: OpenBrowser, tmp_path: Path
) -> None:
    FiscalYear.objects.create(year=2599)
    admin = open_browser()
    admin.log_in("admin")
    admin.goto("/office/")
    admin.page.click("nav.office-nav >> text=นำเข้าข้อมูล")
    admin.page.wait_for_load_state("networkidle")
    assert "นำเข้าข้อมูลจาก Excel" in admin.text()

    with admin.page.expect_download() as download:
        admin.page.click("#template-link")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    book = load_workbook(template)
    book["ตัวชี้วัด"].append(INDICATOR)
    # A district code that does not exist: the dry run must say so.
    book["การมอบหมาย"].append([2599, "9999", "1.1", "", "", 80, 20, 40, 60, 80, 100])
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    admin.page.set_input_files("#import-file", str(filled))
    admin.page.click("#import-check")
    admin.page.wait_for_load_state("networkidle")
    assert "ไม่พบเขตรหัส 9999" in admin.text()
    assert admin.page.locator("#import-apply").count() == 0
    admin.screenshot("import-preview-error")

    book["การมอบหมาย"]["B2"] = HUAI_KHWANG
    book.save(filled)
    admin.page.click("text=← กลับไปหน้านำเข้าข้อมูล")
    admin.page.set_input_files("#import-file", str(filled))
    admin.page.click("#import-check")
    admin.page.wait_for_load_state("networkidle")
    assert "ไม่พบปัญหา" in admin.text()
    assert not Assignment.objects.filter(indicator__fiscal_year__year=2599).exists()
    admin.assert_accessible("import preview")

    admin.page.click("#import-apply")
    admin.page.wait_for_load_state("networkidle")
    assert "บันทึกข้อมูลแล้วเมื่อ" in admin.text()
    admin.screenshot("import-applied")

    # The assignment is there, in the Django admin as anywhere else.
    admin.goto("/admin/indicators/assignment/?q=1.1")
    assert "ห้วยขวาง" in admin.text()
    assert Assignment.objects.get(indicator__fiscal_year__year=2599).district.code == HUAI_KHWANG
