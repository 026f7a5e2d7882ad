"""The evaluator extends a deadline and reads what a district corrected, in a real browser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Assignment
from reports import services
from reports.models import Report, Status
from tests.personas import PHRA_NAKHON, PN_BUDGET_INDICATOR, SEED_YEAR

if TYPE_CHECKING:
    from tests.browser.conftest import Browser, OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pn_q1() -> Report:
    """Phra Nakhon's Q1 budget report of seed 000, submitted and waiting for the office."""
    assignment = Assignment.objects.get(
        district__code=PHRA_NAKHON,
        indicator__code=PN_BUDGET_INDICATOR,
        indicator__fiscal_year__year=SEED_YEAR,
    )
    report = Report.objects.get(assignment=assignment, quarter=1)
    assert report.status == Status.SUBMITTED
    return report


def both_sizes(open_browser: OpenBrowser, path: str, name: str) -> list[Browser]:
    """The evaluator's page at desktop and phone width, screenshotted; neither scrolls sideways."""
    browsers = []
    for phone in (False, True):
        evaluator = open_browser(phone=phone)
        evaluator.log_in("evaluator")
        evaluator.goto(path)
        evaluator.assert_no_sideways_scroll(name)
        evaluator.screenshot(f"{name}-{'phone' if phone else 'desktop'}")
        browsers.append(evaluator)
    return browsers


def test_an_extension_confirms_and_enters_the_history(open_browser: OpenBrowser) -> None:
    report = pn_q1()
    evaluator = open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto(f"/office/reports/{report.pk}/")
    evaluator.page.fill("input[name=deadline]", "15/01/2570")
    evaluator.page.fill("input[name=reason]", "ระบบของสำนักงานเขตขัดข้อง")
    evaluator.page.click("button:has-text('ขยายกำหนดส่ง')")
    evaluator.page.wait_for_load_state("networkidle")
    text = evaluator.text()
    assert (
        "ขยายกำหนดส่งรายงานไตรมาสที่ 1 ปีงบประมาณ 2564 ของสำนักงานเขตพระนคร ถึง 15 มกราคม 2570 แล้ว"
    ) in text
    assert "กำหนดส่งไตรมาสที่ 1 ของเขตนี้: 15 มกราคม 2570" in text
    history = evaluator.page.locator(".timeline").inner_text()
    assert "ขยายกำหนดส่งถึง 15 มกราคม 2570" in history
    assert "ระบบของสำนักงานเขตขัดข้อง" in history
    evaluator.assert_accessible("scoring page after an extension")
    evaluator.screenshot("office-extension-granted-desktop")
    both_sizes(open_browser, f"/office/reports/{report.pk}/", "office-extension-shown")
    assert evaluator.console_errors == []


def test_a_returned_report_corrected_shows_what_changed(open_browser: OpenBrowser) -> None:
    report = pn_q1()
    evaluator, officer = open_browser(), open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto(f"/office/reports/{report.pk}/")
    evaluator.page.fill("#id_return_comment", "กรุณาแนบหนังสือยืนยันยอดเบิกจ่ายจากฝ่ายการคลัง")
    evaluator.page.click("button:has-text('ส่งกลับให้สำนักงานเขตแก้ไข')")
    evaluator.page.wait_for_load_state("networkidle")

    # The district's officer adds a later figure and a letter (as services, the way
    # the report page's forms do), then corrects the narrative on the page.
    district = get_user_model().objects.get(username="phranakhon")
    report.refresh_from_db()
    services.ratio_update_add(
        report=report,
        actor=district,
        as_of=dt.date(2020, 12, 31),
        numerator=Decimal("20000000"),
        denominator=Decimal("126392040.00"),
    )
    services.letter_add(
        report=report,
        actor=district,
        number="กท 4810/77",
        dated=dt.date(2021, 1, 5),
        title="ยืนยันยอดเบิกจ่ายไตรมาสที่ 1",
    )
    officer.log_in("phranakhon")
    officer.goto(f"/assignments/{report.assignment_id}/q1/")
    narrative = officer.page.input_value("#id_narrative")
    officer.page.fill("#id_narrative", narrative + " ฝ่ายการคลังยืนยันยอดเบิกจ่ายแล้ว")
    with officer.page.expect_response(lambda r: r.request.method == "POST") as saved:
        officer.page.click("#main-form button[type=submit]")
    assert saved.value.status == 200
    officer.page.once("dialog", lambda dialog: dialog.accept())
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-submitted")

    evaluator.goto(f"/office/reports/{report.pk}/")
    section = evaluator.page.locator("#since-review")
    text = " ".join(section.inner_text().split())
    assert "สิ่งที่เปลี่ยนแปลงตั้งแต่ส่งกลับให้แก้ไข" in text
    assert "กรุณาแนบหนังสือยืนยันยอดเบิกจ่ายจากฝ่ายการคลัง" in text
    assert section.locator("ins").filter(has_text="ฝ่ายการคลังยืนยันยอดเบิกจ่ายแล้ว").count() == 1
    assert "ผลงาน เดิม 10.32 → ใหม่ 15.82" in text, text
    assert "เพิ่ม ข้อมูล ณ วันที่ 31 ธันวาคม 2563" in text
    assert "เพิ่ม หนังสือ กท 4810/77 ลงวันที่ 5 มกราคม 2564" in text
    assert "ไม่มีการเปลี่ยนแปลง" not in text
    evaluator.assert_accessible("scoring page with changes")
    both_sizes(open_browser, f"/office/reports/{report.pk}/", "office-changes")
    assert evaluator.console_errors == [] and officer.console_errors == []
