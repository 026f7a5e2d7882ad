"""The administrator returns a report from the Django admin, in Thai, in a real browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pytest_django.live_server_helper import LiveServer

from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, Indicator
from reports.models import Report, ReportTransition, Status
from tests.personas import HK_SEED_ASSIGNMENT, PN_BUDGET_INDICATOR

if TYPE_CHECKING:
    from playwright.sync_api import Browser as Chromium

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


def test_rule_preview_follows_the_thresholds_as_typed(
    browser: Chromium, live_server: LiveServer, demo_live: None
) -> None:
    """The office types a threshold and sees the sample scores change before saving,
    with the portal's CSP enforced (the shared browser bypasses it for axe)."""
    from playwright.sync_api import expect

    from tests.browser.conftest import DESKTOP, Browser

    admin = Browser(browser, live_server.url)
    admin.context.close()
    admin.context = browser.new_context(viewport=DESKTOP, locale="th-TH")
    admin.page = admin.context.new_page()
    admin.page.on("console", admin._record_console_error)
    try:
        admin.log_in("admin")
        budget = Indicator.objects.get(
            code=PN_BUDGET_INDICATOR, fiscal_year__year=current_fiscal_year()
        )
        saved = budget.level_thresholds
        admin.goto(f"/admin/indicators/indicator/{budget.pk}/change/")
        preview = admin.page.locator("#rule-preview")
        assert "80 (เกณฑ์ระดับ 1)" in preview.inner_text()  # the demo's five levels

        admin.page.fill("#id_level_1", "70")
        expect(preview).to_contain_text("70 (เกณฑ์ระดับ 1)")
        expect(preview).to_contain_text("77.5 (กึ่งกลางระดับ 1 และ 2)")
        admin.screenshot("admin-rule-preview")

        admin.page.fill("#id_level_3", "80")  # now below level 2's 85
        expect(preview).to_contain_text("เกณฑ์ระดับ 3 ต้องมากกว่าเกณฑ์ระดับ 2 (85)")
        assert preview.locator("table").count() == 0

        admin.page.select_option("#id_scoring_rule", "proportional")
        expect(preview).to_contain_text("ตัวอย่างเมื่อค่าเป้าหมายเท่ากับ 100 ร้อยละ")
        expect(preview).to_contain_text("ไม่ใช้กับวิธีคิดคะแนนนี้")
        budget.refresh_from_db()
        assert budget.level_thresholds == saved  # a preview, nothing saved
        assert admin.console_errors == []  # nothing refused by the CSP
    finally:
        admin.context.close()
