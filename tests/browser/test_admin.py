"""The administrator returns a report from the Django admin, in Thai, in a real browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from indicators.models import Assignment
from reports.models import Report, ReportTransition, Status
from tests.personas import HK_SEED_ASSIGNMENT

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_admin_returns_a_report_through_the_lifecycle(open_browser: OpenBrowser) -> None:
    report = Report.objects.get(
        assignment=Assignment.objects.get(code=HK_SEED_ASSIGNMENT), quarter=2
    )
    Report.objects.filter(pk=report.pk).update(
        status=Status.SUBMITTED, score=None, evaluated_at=None, evaluated_by=None
    )
    admin = open_browser()
    admin.log_in("admin")
    admin.goto(f"/admin/reports/report/?status__exact=submitted&q={HK_SEED_ASSIGNMENT}")
    # Thai in the admin is drawn with the portal's Sarabun, not boxes of a missing font.
    assert admin.page.evaluate("document.fonts.check('16px Sarabun', 'รายงาน')")
    assert "Sarabun" in admin.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "รายงานรายไตรมาส" in admin.text()
    admin.screenshot("admin-reports")

    admin.page.check(f"input[name=_selected_action][value='{report.pk}']")
    admin.page.select_option("select[name=action]", "return_reports")
    admin.page.click("button[name=index], input[name=index], button:has-text('Run')")
    admin.page.wait_for_load_state("networkidle")
    assert "ส่งกลับให้สำนักงานเขตแก้ไข" in admin.text()
    admin.page.click("input[type=submit].default")  # no reason yet: the browser stops it
    assert admin.page.eval_on_selector("textarea[name=reason]", "e => e.validity.valueMissing")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED

    admin.page.fill("textarea[name=reason]", "แนบหลักฐานการเบิกจ่ายไม่ครบ")
    admin.screenshot("admin-return-reason")
    admin.page.click("input[type=submit].default")
    admin.page.wait_for_load_state("networkidle")
    assert "ดำเนินการแล้ว 1 รายงาน" in admin.text()
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    row = ReportTransition.objects.filter(report=report).latest("id")
    assert (row.to_status, row.reason, row.actor and row.actor.username) == (
        Status.RETURNED,
        "แนบหลักฐานการเบิกจ่ายไม่ครบ",
        "admin",
    )
    assert admin.console_errors == []
