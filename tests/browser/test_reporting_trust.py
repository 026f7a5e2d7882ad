"""Reporting you can trust, in a real browser at desktop and phone width.

Submitting with unsaved changes, a warning explained before submission, the
head's certification, and pages locked by the calendar, each checked with
axe-core and for sideways scrolling. The current fiscal year of the demo is
used, with dates relative to today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.fiscal import current_fiscal_year, quarter_of
from indicators.models import (
    Assignment,
    CheckKind,
    FiscalYear,
    QuarterTarget,
    Severity,
    ValidationRule,
)
from kpi_portal.thaidate import thai_date, thai_date_numeric
from reports import services
from reports.models import Report, Status
from tests.browser.conftest import SCREENSHOTS
from tests.personas import HUAI_KHWANG, PHRA_NAKHON
from tests.reports.conftest import next_quarter

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

    from tests.browser.conftest import Browser, OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _budget(district: str) -> Assignment:
    return Assignment.objects.get(
        district__code=district,
        indicator__code="7.4.1",
        indicator__fiscal_year__year=current_fiscal_year(),
    )


def _started(assignment: Assignment, username: str, *, narrative: str = "") -> Report:
    """This quarter's report with one ratio update (10 %) and, if given, a narrative."""
    officer = get_user_model().objects.get(username=username)
    report = services.report_start(
        assignment=assignment, quarter=quarter_of(timezone.localdate()), actor=officer
    )
    services.ratio_update_add(
        report=report,
        actor=officer,
        as_of=timezone.localdate(),
        numerator=Decimal(10),
        denominator=Decimal(100),
    )
    if narrative:
        services.report_update(
            report=report, actor=officer, expected_version=None, narrative=narrative
        )
    report.refresh_from_db()
    return report


def _page(report: Report) -> str:
    return f"/assignments/{report.assignment_id}/q{report.quarter}/"


def _checked(browser: Browser, name: str) -> None:
    duplicates = browser.page.evaluate(
        """() => { const seen = {}; document.querySelectorAll('[id]').forEach(
            e => { seen[e.id] = (seen[e.id] || 0) + 1; });
            return Object.keys(seen).filter(id => seen[id] > 1); }"""
    )
    assert duplicates == [], f"{name}: duplicate ids {duplicates}"
    browser.assert_accessible(name)
    browser.assert_no_sideways_scroll(name)
    browser.screenshot(name)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_submit_names_what_is_not_saved_and_takes_the_narrative_with_it(
    open_browser: OpenBrowser, demo_live: None, phone: bool, tmp_path: Path
) -> None:
    report = _started(_budget(PHRA_NAKHON), "phranakhon")
    officer = open_browser(phone=phone)
    officer.log_in("phranakhon")
    officer.goto(_page(report))
    size = "phone" if phone else "desktop"

    # The narrative typed but not saved, a new row half typed, a file chosen.
    officer.page.fill("#id_narrative", "เบิกจ่ายได้ร้อยละ 10 ตามแผนไตรมาสแรก")
    officer.page.fill("#ratio-add input[name=numerator]", "15")
    evidence = tmp_path / "ใบเสร็จ.pdf"
    evidence.write_bytes(PDF)
    officer.page.set_input_files("#id_file", str(evidence))
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    officer.page.on("dialog", accept)
    officer.page.click("#submit button.submit")
    guard = officer.page.locator("#unsaved-guard")
    guard.wait_for(state="visible")
    said = guard.inner_text()
    assert "ข้อมูลความก้าวหน้าที่กรอกไว้แต่ยังไม่ได้กดเพิ่ม" in said
    assert "ไฟล์ที่เลือกไว้แต่ยังไม่ได้กดอัปโหลด (ใบเสร็จ.pdf)" in said
    assert dialogs == []  # refused before asking to confirm
    assert Report.objects.get(pk=report.pk).status == Status.DRAFT
    _checked(officer, f"submit-unsaved-named-{size}")
    # The chosen file's Thai name, drawn by the browser's own widget, in Sarabun.
    officer.page.locator("#id_file").screenshot(path=SCREENSHOTS / f"file-chosen-{size}.png")
    assert officer.page.evaluate(
        "getComputedStyle(document.getElementById('id_file')).fontFamily"
    ).startswith("Sarabun")

    # Cleared, the submission asks to confirm and takes the typed narrative along.
    officer.page.fill("#ratio-add input[name=numerator]", "")
    officer.page.set_input_files("#id_file", [])
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-submitted")
    assert dialogs and "ส่งรายงานไตรมาสนี้ให้ สยป." in dialogs[0]
    report.refresh_from_db()
    assert (report.status, report.narrative) == (
        Status.SUBMITTED,
        "เบิกจ่ายได้ร้อยละ 10 ตามแผนไตรมาสแรก",
    )
    assert "ส่งรายงานให้ สยป. แล้ว" in officer.text()
    _checked(officer, f"submit-done-{size}")
    assert officer.console_errors == []


def test_a_warning_is_explained_then_the_report_goes(
    open_browser: OpenBrowser, demo_live: None
) -> None:
    assignment = _budget(PHRA_NAKHON)
    quarter = quarter_of(timezone.localdate())
    QuarterTarget.objects.create(assignment=assignment, quarter=quarter, target=Decimal(25))
    ValidationRule.objects.create(
        indicator=assignment.indicator, kind=CheckKind.BELOW_TARGET, severity=Severity.WARNING
    )
    report = _started(assignment, "phranakhon", narrative="เบิกจ่ายตามแผน")
    officer = open_browser()
    officer.log_in("phranakhon")
    officer.goto(_page(report))
    panel = officer.page.locator("#submit")
    assert "ผลงาน (10.00) ต่ำกว่าเป้าหมายของไตรมาส (25.00)" in panel.inner_text()
    officer.page.on("dialog", lambda dialog: dialog.accept())

    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#submit-error")
    assert "ยังส่งรายงานไม่ได้ มี 1 เรื่องที่ต้องแก้ไขหรือชี้แจงก่อน" in officer.text()
    # The page opens on what went wrong, and the field says what it needs.
    assert officer.page.evaluate("document.activeElement.id") == "submit-error"
    box = officer.page.locator("#explain-below_target")
    assert box.get_attribute("aria-describedby") == "explain-below_target-error"
    _checked(officer, "warning-needs-explanation")

    box.fill("งบลงทุนเบิกได้หลังลงนามสัญญาในเดือนมกราคม")
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-submitted")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.explanations.get().text == "งบลงทุนเบิกได้หลังลงนามสัญญาในเดือนมกราคม"
    # The explanation stays on the report, for the district and the evaluator.
    assert "งบลงทุนเบิกได้หลังลงนามสัญญาในเดือนมกราคม" in officer.text()

    evaluator = open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto("/office/queue/")
    assert "คำชี้แจง 1 เรื่อง" in evaluator.text()
    evaluator.goto(f"/office/reports/{report.pk}/")
    assert "งบลงทุนเบิกได้หลังลงนามสัญญาในเดือนมกราคม" in evaluator.text()
    _checked(evaluator, "score-page-with-explanation")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_head_certifies_what_the_officer_hands_in(
    open_browser: OpenBrowser, demo_live: None, phone: bool
) -> None:
    FiscalYear.objects.filter(year=current_fiscal_year()).update(head_certification=True)
    report = _started(_budget(HUAI_KHWANG), "huaikhwang", narrative="เบิกจ่ายตามแผนของเขต")
    size = "phone" if phone else "desktop"
    officer = open_browser(phone=phone)
    officer.log_in("huaikhwang")
    officer.goto(_page(report))
    officer.page.on("dialog", lambda dialog: dialog.accept())
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-awaiting_certification")
    assert "ส่งรายงานให้ผู้อำนวยการเขตรับรองแล้ว" in officer.text()
    assert officer.page.locator("#main-form").count() == 0  # read-only while it waits

    head = open_browser(phone=phone)
    head.log_in("huaikhwang_head")
    head.goto(f"/districts/{HUAI_KHWANG}/certification/")
    assert "เบิกจ่ายตามแผนของเขต" in head.text()
    _checked(head, f"certification-queue-{size}")
    head.page.fill(f"#reason-{report.pk}", "แนบใบเสร็จด้วย")
    head.page.click(f"#reason-{report.pk} ~ button")
    head.page.wait_for_url(lambda url: url.endswith("/certification/"))
    assert "ส่งกลับให้เจ้าหน้าที่แก้ไขแล้ว" in head.text()

    officer.goto(_page(report))
    assert "ผู้อำนวยการเขตส่งกลับให้แก้ไข: แนบใบเสร็จด้วย" in officer.text()
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-awaiting_certification")

    head.goto(_page(report))
    assert "รับรองรายงาน" in head.text()
    _checked(head, f"certify-on-report-page-{size}")
    head.page.click(".certify button.primary")
    head.page.wait_for_selector("#status-bar .chip-submitted")
    report.refresh_from_db()
    assert (report.status, report.submitted_by.username) == (  # type: ignore[union-attr]
        Status.SUBMITTED,
        "huaikhwang_head",
    )


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_locked_pages_say_why_and_until_when(
    open_browser: OpenBrowser, demo_live: None, phone: bool
) -> None:
    assignment = _budget(PHRA_NAKHON)
    quarter = quarter_of(timezone.localdate())
    size = "phone" if phone else "desktop"
    officer = open_browser(phone=phone)
    officer.log_in("phranakhon")

    ahead, future, opens = next_quarter(PHRA_NAKHON)
    officer.goto(f"/assignments/{ahead.pk}/q{future}/")
    assert f"ยังไม่เปิดรับรายงานไตรมาสนี้ — เปิด {thai_date(opens)}" in officer.text()
    assert officer.page.locator("#main-form").count() == 0
    _checked(officer, f"quarter-not-open-{size}")

    # A submitted report of a past year: its status, then its deadline, lock it.
    past = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
    )
    officer.goto(f"/assignments/{past.pk}/q2/")
    assert "รายงานอยู่ในสถานะ “ส่งแล้ว” สำนักงานเขตจึงแก้ไขไม่ได้" in officer.text()
    _checked(officer, f"locked-submitted-{size}")

    FiscalYear.objects.filter(year=current_fiscal_year()).update(is_open=False)
    officer.goto(f"/assignments/{assignment.pk}/q{quarter}/")
    assert "ปีงบประมาณนี้ปิดแล้ว" in officer.text()
    _checked(officer, f"locked-closed-year-{size}")


def test_a_date_outside_the_quarter_is_explained_beside_the_field(
    open_browser: OpenBrowser, demo_live: None
) -> None:
    report = _started(_budget(PHRA_NAKHON), "phranakhon")
    officer = open_browser(phone=True)
    officer.log_in("phranakhon")
    officer.goto(_page(report))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = officer.page.locator("#ratio-add")
    form.locator("input[name=as_of]").fill(thai_date_numeric(tomorrow))
    form.locator("input[name=denominator]").fill("100")
    form.locator("input[name=numerator]").fill("20")
    form.locator("button[type=submit]").click()
    officer.page.wait_for_selector("#ratio-add .field-error")
    error = officer.page.locator("#ratio-add .field-error").inner_text()
    assert "วันที่ของข้อมูลต้องอยู่ในไตรมาสที่" in error
    assert thai_date(timezone.localdate()) in error
    # Focus moved to the field in error, which points at its message.
    focused = officer.page.evaluate(
        "[document.activeElement.name, document.activeElement.getAttribute('aria-describedby')]"
    )
    assert focused[0] == "as_of" and focused[1]
    assert officer.page.locator(f"#{focused[1]}").inner_text() == error
    # What was typed is still there.
    assert form.locator("input[name=numerator]").input_value() == "20"
    _checked(officer, "ratio-date-refused-phone")
    assert Report.objects.get(pk=report.pk).ratio_updates.count() == 1

    # Corrected, the row is added and the page says so beside the button and aloud.
    form.locator("input[name=as_of]").fill(thai_date_numeric(timezone.localdate()))
    form.locator("button[type=submit]").click()
    officer.page.wait_for_selector("#ratio-add .saved")
    assert officer.page.locator("#ratio-add .saved").inner_text() == "✓ เพิ่มข้อมูลแล้ว"
    officer.page.wait_for_function(
        "document.getElementById('live').textContent.includes('เพิ่มข้อมูลแล้ว')"
    )
    assert Report.objects.get(pk=report.pk).ratio_updates.count() == 2
    # The narrative's save says it too.
    officer.page.fill("#id_narrative", "เบิกจ่ายตามแผน")
    officer.page.click("#main-form button[type=submit]")
    officer.page.wait_for_selector("#main .saved")
    assert "บันทึกร่างแล้ว" in officer.page.locator("#main .saved").inner_text()
    _checked(officer, "ratio-added-saved-phone")


def test_a_refused_write_does_not_let_the_next_one_overwrite_silently(
    open_browser: OpenBrowser, demo_live: None
) -> None:
    report = _started(_budget(PHRA_NAKHON), "phranakhon", narrative="ฉบับเดิม")
    first = open_browser()
    first.log_in("phranakhon")
    first.goto(_page(report))
    # Meanwhile someone else writes a new narrative.
    officer = get_user_model().objects.get(username="phranakhon")
    services.report_update(
        report=Report.objects.get(pk=report.pk),
        actor=officer,
        expected_version=report.version,
        narrative="ฉบับของอีกคน",
    )
    form = first.page.locator("#ratio-add")
    form.locator("input[name=as_of]").fill(thai_date_numeric(timezone.localdate()))
    form.locator("input[name=denominator]").fill("100")
    form.locator("input[name=numerator]").fill("20")
    form.locator("button[type=submit]").click()
    first.page.wait_for_selector("#ratio .conflict")
    # The first person's narrative save must be refused too, not written over the other's.
    first.page.fill("#id_narrative", "ฉบับของคนแรก")
    first.page.click("#main-form button[type=submit]")
    first.page.wait_for_selector("#main .conflict")
    assert "ฉบับของอีกคน" in first.page.locator("#main .conflict").inner_text()
    assert Report.objects.get(pk=report.pk).narrative == "ฉบับของอีกคน"
    assert first.page.locator("#id_narrative").input_value() == "ฉบับของคนแรก"
