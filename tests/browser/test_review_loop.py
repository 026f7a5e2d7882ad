"""The evaluator's review loop in a real browser: filter the queue, score, see the
confirmation and the next report of the same filter, return one, read what the
district changed when it comes back, and extend its deadline into the history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment
from reports import services
from reports.models import Report, Status
from tests.personas import (
    HK_SEED_ASSIGNMENT,
    HUAI_KHWANG,
    PHRA_NAKHON,
    PN_BUDGET_INDICATOR,
    SEED_YEAR,
)

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _waiting() -> tuple[Report, Report, Report]:
    """Two reports of the seed year waiting (Huai Khwang's Q2 handed in first, then
    Phra Nakhon's Q1), and one of the current year, which the whole queue puts first."""
    now = timezone.now()
    hk = Report.objects.get(assignment__code=HK_SEED_ASSIGNMENT, quarter=2)
    Report.objects.filter(pk=hk.pk).update(
        status=Status.SUBMITTED, score=None, evaluated_at=None, submitted_at=now - dt.timedelta(2)
    )
    pn = Report.objects.get(
        assignment__district__code=PHRA_NAKHON,
        assignment__indicator__code=PN_BUDGET_INDICATOR,
        assignment__indicator__fiscal_year__year=SEED_YEAR,
        quarter=1,
    )
    Report.objects.filter(pk=pn.pk).update(submitted_at=now - dt.timedelta(1))
    # Every other report of the seed year has been dealt with.
    Report.objects.filter(status=Status.SUBMITTED).exclude(pk__in=[hk.pk, pn.pk]).update(
        status=Status.EVALUATED, score=F("full_score"), evaluated_at=now
    )
    current = Assignment.objects.get(
        district__code=HUAI_KHWANG,
        indicator__code=PN_BUDGET_INDICATOR,
        indicator__fiscal_year__year=current_fiscal_year(),
    )
    fresh, _created = Report.objects.update_or_create(
        assignment=current,
        quarter=1,
        defaults={"status": Status.SUBMITTED, "submitted_at": now, "narrative": "ทดสอบ"},
    )
    return hk, pn, fresh


def test_filter_score_confirm_next_return_changes_and_extension(
    open_browser: OpenBrowser,
) -> None:
    hk, pn, current = _waiting()
    evaluator = open_browser()
    evaluator.log_in("evaluator")
    page = evaluator.page

    # Filter: the seed year only; the current year's report, first in the whole
    # queue, is not in it.
    evaluator.goto("/office/queue/")
    assert page.locator(f'table.queue a[href^="/office/reports/{current.pk}/"]').count() == 1
    page.select_option("#queue-filter select[name=year]", str(SEED_YEAR))
    page.click("#queue-filter button[type=submit]")
    page.wait_for_url(f"**/office/queue/?year={SEED_YEAR}**")
    assert page.locator(f'table.queue a[href^="/office/reports/{current.pk}/"]').count() == 0
    evaluator.assert_accessible("the filtered queue")

    # Score the first: a confirmation, and the next report of the same filter.
    page.click("text=เริ่มประเมินรายงานแรก")
    page.wait_for_url(f"**/office/reports/{hk.pk}/?year={SEED_YEAR}")
    suggested = page.input_value("#id_score")
    assert suggested, "the score field is prefilled with the suggestion"
    page.click("button:has-text('บันทึกคะแนนและไปรายงานถัดไป')")
    page.wait_for_url(f"**/office/reports/{pn.pk}/?year={SEED_YEAR}")
    assert "บันทึกคะแนนของสำนักงานเขตห้วยขวาง ตัวชี้วัด 5.2 ไตรมาสที่ 2 แล้ว" in evaluator.text()
    hk.refresh_from_db()
    assert hk.status == Status.EVALUATED and hk.evaluated_by is not None

    # Return the last one of the filter: back to the filtered queue, which says so.
    page.fill("#id_return_comment", "กรุณาแนบหนังสือยืนยันยอดเบิกจ่ายจากฝ่ายการคลัง")
    page.click("button:has-text('ส่งกลับให้สำนักงานเขตแก้ไข')")
    page.wait_for_url(f"**/office/queue/?year={SEED_YEAR}")
    text = evaluator.text()
    assert "กลับให้แก้ไขแล้ว" in text and "ไม่มีรายงานรอประเมินในตัวกรองนี้แล้ว" in text

    # The district corrects the figures and hands it in again from its page.
    officer_user = get_user_model().objects.get(username="phranakhon")
    pn.refresh_from_db()
    services.ratio_update_add(
        report=pn,
        actor=officer_user,
        as_of=dt.date(2020, 12, 31),
        numerator=Decimal("20000000"),
        denominator=Decimal("126392040.00"),
    )
    officer = open_browser()
    officer.log_in("phranakhon")
    officer.goto(f"/assignments/{pn.assignment_id}/q1/")
    officer.page.once("dialog", lambda dialog: dialog.accept())
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-submitted")

    # It comes back flagged as resubmitted, with what changed since the return.
    evaluator.goto(f"/office/queue/?year={SEED_YEAR}&flag=resubmitted")
    row = page.locator("table.queue tbody tr")
    assert row.count() == 1 and "ส่งใหม่" in row.inner_text()
    row.locator("a").click()
    page.wait_for_url(f"**/office/reports/{pn.pk}/?year={SEED_YEAR}&flag=resubmitted")
    changes = " ".join(page.locator("#since-review").inner_text().split())
    assert "สิ่งที่เปลี่ยนแปลงตั้งแต่ส่งกลับให้แก้ไข" in changes
    assert "ผลงาน เดิม 10.32 → ใหม่ 15.82" in changes, changes

    # An extension confirms and enters the report's history.
    page.fill("input[name=deadline]", "15/01/2570")
    page.fill("input[name=reason]", "ระบบของสำนักงานเขตขัดข้อง")
    page.click("button:has-text('ขยายกำหนดส่ง')")
    page.wait_for_url(f"**/office/reports/{pn.pk}/?year={SEED_YEAR}&flag=resubmitted")
    assert "ถึง 15 มกราคม 2570 แล้ว" in evaluator.text()
    history = page.locator(".timeline").inner_text()
    assert "ขยายกำหนดส่งถึง 15 มกราคม 2570" in history
    evaluator.screenshot("review-loop-extension")
    assert evaluator.console_errors == [] and officer.console_errors == []
