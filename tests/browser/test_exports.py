"""Downloading the pages' exports in a real browser: the officer's year on a phone,
and the office's big Excel export written in the background, its page following
the progress (htmx) until the download is there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from exchange import services
from exchange.models import ExportJob
from tests.personas import HUAI_KHWANG, SEED_YEAR

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_downloads_the_years_excel_on_a_phone(
    open_browser: OpenBrowser, tmp_path: Path
) -> None:
    phone = open_browser(phone=True)
    phone.log_in("huaikhwang")
    phone.goto(f"/districts/{HUAI_KHWANG}/?year={SEED_YEAR}")
    links = phone.page.get_by_role("group", name="ตัวชี้วัดทั้งปีของเขต: ดาวน์โหลด Excel / CSV")
    excel = links.get_by_role("link", name="ดาวน์โหลด Excel")
    box = excel.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390
    phone.assert_no_sideways_scroll("district home with its downloads")
    phone.assert_accessible("district home with its downloads")
    with phone.page.expect_download() as download:
        excel.click()
    saved = tmp_path / "year.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    assert book.sheetnames == [f"ปีงบประมาณ {SEED_YEAR}"]
    assert book.active is not None and book.active["B1"].value == "รหัสตัวชี้วัด"


def test_evaluator_waits_for_a_big_excel_export(
    open_browser: OpenBrowser, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(services, "XLSX_INLINE_MAX_ROWS", 2)
    office = open_browser()
    office.log_in("evaluator")
    office.goto("/office/")
    office.page.get_by_text("ดาวน์โหลด Excel / CSV", exact=True).click()  # the folded downloads
    office.page.get_by_role("group", name="รายงานทุกรายการทุกปี: ดาวน์โหลด Excel / CSV").get_by_role(
        "link", name="ดาวน์โหลด Excel"
    ).click()
    office.page.wait_for_load_state("networkidle")
    assert "ใหญ่เกินกว่าจะสร้างระหว่างรอได้" in office.text()
    office.page.click("text=สร้างไฟล์ Excel ในเบื้องหลัง")
    office.page.wait_for_load_state("networkidle")
    assert "รอคิว" in office.text()
    office.assert_accessible("export job waiting")

    services.export_job_write(ExportJob.objects.get())  # what the worker does
    download_link = office.page.get_by_role("link", name="ดาวน์โหลด Excel")
    download_link.wait_for(timeout=10_000)  # the page polls every 2 s
    assert "เสร็จแล้ว" in office.text()
    office.assert_accessible("export job done")
    with office.page.expect_download() as download:
        download_link.click()
    saved = tmp_path / "all.xlsx"
    download.value.save_as(saved)
    assert f"ปีงบประมาณ {SEED_YEAR}" in load_workbook(saved).sheetnames
    assert office.console_errors == []
