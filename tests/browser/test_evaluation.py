"""The evaluation office works through its queue in a real browser (issue: evaluation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from indicators.models import Assignment
from reports.models import Report, Status
from tests.personas import HK_SEED_ASSIGNMENT, PHRA_NAKHON

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_evaluator_scores_returns_and_the_district_sees_it(open_browser: OpenBrowser) -> None:
    hk = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    Report.objects.filter(assignment=hk, quarter=2).update(
        status=Status.SUBMITTED, score=None, evaluated_at=None, evaluated_by=None
    )
    evaluator, officer = open_browser(), open_browser()
    evaluator.log_in("evaluator")
    assert "ภาพรวมทุกเขต" in evaluator.text()
    evaluator.screenshot("office-matrix")

    evaluator.goto("/office/queue/")
    evaluator.screenshot("office-queue")
    evaluator.page.click("tr:has-text('ห้วยขวาง') a")
    evaluator.page.wait_for_load_state("networkidle")
    assert "คะแนนที่ระบบเสนอ: 100 / 100" in evaluator.text()
    evaluator.page.fill("#id_score", "95")
    evaluator.page.click("button:has-text('บันทึกคะแนนและไปรายงานถัดไป')")
    evaluator.page.wait_for_selector("#id_reason[aria-invalid], .field-error")
    assert "กรุณาระบุเหตุผล" in evaluator.text()
    evaluator.page.fill("#id_reason", "ส่งพจนานุกรมข้อมูลไม่ครบตามแบบฟอร์ม")
    evaluator.page.click("button:has-text('บันทึกคะแนนและไปรายงานถัดไป')")
    evaluator.page.wait_for_load_state("networkidle")
    scored = Report.objects.get(assignment=hk, quarter=2)
    assert (scored.status, str(scored.score), str(scored.full_score)) == (
        Status.EVALUATED,
        "95.00",
        "100.00",
    )

    # The flow moved on to the next report in the queue: Phra Nakhon's budget, Q1.
    assert "สำนักงานเขตพระนคร" in evaluator.text()
    evaluator.page.fill("input[name=deadline]", "31/12/2600")
    evaluator.page.fill("input[name=reason]", "ให้แก้ไขตามที่ส่งกลับ")
    evaluator.page.click("button:has-text('ขยายกำหนดส่ง')")
    evaluator.page.wait_for_load_state("networkidle")
    evaluator.page.fill("#id_return_comment", "กรุณาแนบหนังสือยืนยันยอดเบิกจ่ายจากฝ่ายการคลัง")
    evaluator.page.click("button:has-text('ส่งกลับให้สำนักงานเขตแก้ไข')")
    evaluator.page.wait_for_load_state("networkidle")
    evaluator.screenshot("office-after-return")

    officer.log_in("phranakhon")
    officer.goto("/districts/1001/?year=2564")
    officer.page.click("details.chip-returned summary")
    assert "กรุณาแนบหนังสือยืนยันยอดเบิกจ่ายจากฝ่ายการคลัง" in officer.text()
    officer.screenshot("district-home-returned")
    officer.page.click("details.chip-returned a")
    officer.page.wait_for_load_state("networkidle")
    assert "สยป. ส่งกลับให้แก้ไข: กรุณาแนบหนังสือยืนยันยอดเบิกจ่ายจากฝ่ายการคลัง" in officer.text()
    officer.page.fill("#id_narrative", "แนบหนังสือยืนยันยอดแล้ว")
    with officer.page.expect_response(lambda r: r.request.method == "POST") as saved:
        officer.page.click("#main-form button[type=submit]")
    assert saved.value.status == 200
    assert (
        Report.objects.get(
            assignment__district__code=PHRA_NAKHON,
            quarter=1,
            assignment__indicator__code="7.4.1",
            assignment__indicator__fiscal_year__year=2564,
        ).narrative
        == "แนบหนังสือยืนยันยอดแล้ว"
    )

    evaluator.goto(f"/assignments/{hk.pk}/")
    assert "95 / 100" in evaluator.text()
    assert evaluator.console_errors == [] and officer.console_errors == []
