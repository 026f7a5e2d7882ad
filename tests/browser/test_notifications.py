"""Deadline day in a real browser: the office returns a report and the officer's
bell counts it without a reload; the notification opens the report with the
reason; the office reminds a late district from the completeness board."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from django.utils import timezone

from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, ReportingPeriod
from notifications.models import ManualReminder
from reports.models import Report, Status
from tests.personas import HUAI_KHWANG, PHRA_NAKHON

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _handed_in() -> Report:
    assignment = Assignment.objects.filter(
        district__code=HUAI_KHWANG, indicator__fiscal_year__year=current_fiscal_year()
    ).order_by("indicator__code")[0]
    report, _created = Report.objects.update_or_create(
        assignment=assignment,
        quarter=1,
        defaults={
            "status": Status.SUBMITTED,
            "submitted_at": timezone.now(),
            "narrative": "ดำเนินการตามแผน",
        },
    )
    return report


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_return_rings_the_officers_bell_and_opens_the_report(
    open_browser: OpenBrowser, settings: Any, phone: bool
) -> None:
    settings.NOTIFY_POLL_SECONDS = 1
    report = _handed_in()
    officer = open_browser(phone=phone)
    officer.log_in("huaikhwang")
    bell = officer.page.locator("#bell")
    bell.wait_for()
    assert officer.page.locator("#bell .badge-unread").count() == 0

    evaluator = open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto(f"/office/reports/{report.pk}/")
    evaluator.page.fill("#id_return_comment", "กรุณาแนบหนังสือยืนยันยอดเบิกจ่าย")
    evaluator.page.click("button:has-text('ส่งกลับให้สำนักงานเขตแก้ไข')")
    evaluator.page.wait_for_load_state("networkidle")

    # The officer did nothing: the bell asks again by itself and counts one.
    badge = officer.page.locator("#bell .badge-unread")
    badge.wait_for(timeout=10_000)
    assert badge.inner_text().split()[-1] == "1"
    width = "phone" if phone else "desktop"
    officer.screenshot(f"notifications-bell-{width}")
    officer.assert_no_sideways_scroll("the home page with the bell")

    officer.page.click("#bell")
    officer.page.wait_for_url("**/notifications/")
    text = officer.text()
    assert "สยป. ส่งรายงานตัวชี้วัด" in text and "กรุณาแนบหนังสือยืนยันยอดเบิกจ่าย" in text
    officer.screenshot(f"notifications-list-{width}")
    officer.assert_accessible("the notification list")
    officer.assert_no_sideways_scroll("the notification list")

    officer.page.click(".notification-link")
    officer.page.wait_for_url(f"**/assignments/{report.assignment_id}/q1/")
    assert "กรุณาแนบหนังสือยืนยันยอดเบิกจ่าย" in officer.text()
    officer.page.locator("#bell").wait_for()
    officer.page.wait_for_load_state("networkidle")
    assert officer.page.locator("#bell .badge-unread").count() == 0  # read by opening it
    assert officer.console_errors == []
    assert evaluator.console_errors == []


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_office_reminds_a_late_district_from_the_board(
    open_browser: OpenBrowser, phone: bool
) -> None:
    period = ReportingPeriod.objects.get(fiscal_year__year=current_fiscal_year(), quarter=1)
    ReportingPeriod.objects.filter(pk=period.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=2)
    )
    evaluator = open_browser(phone=phone)
    evaluator.log_in("evaluator")
    evaluator.goto("/office/completeness/")
    cell = evaluator.page.locator(f"#cell-{PHRA_NAKHON}-1")
    assert "เลยกำหนด ยังส่งไม่ครบ" in cell.inner_text()
    width = "phone" if phone else "desktop"
    evaluator.screenshot(f"completeness-board-{width}")
    evaluator.assert_accessible("the completeness board")
    evaluator.assert_no_sideways_scroll("the completeness board")

    cell.locator("button:has-text('เตือนตอนนี้')").click()
    evaluator.page.locator(f"#cell-{PHRA_NAKHON}-1 .reminded").wait_for()
    assert ManualReminder.objects.filter(district__code=PHRA_NAKHON, period=period).count() == 1
    # The button is gone for the cool-down; the page kept its place.
    assert evaluator.page.locator(f"#cell-{PHRA_NAKHON}-1 button").count() == 0
    assert "/office/completeness/" in evaluator.page.url
    assert evaluator.console_errors == []

    officer = open_browser(phone=phone)
    officer.log_in("phranakhon")
    officer.page.locator("#bell .badge-unread").wait_for()
    officer.goto("/notifications/")
    assert "สยป. เตือน: เลยกำหนดส่งมาแล้ว 2 วัน" in officer.text()
