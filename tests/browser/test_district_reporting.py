"""District officers report quarters in a real browser (issue: district reporting).

Phra Nakhon's FY2564 reports are cleared and the evaluation office has
extended every FY2564 deadline for Phra Nakhon, so the officer can re-enter
seed 000 by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from districts.models import District
from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
from reports.models import Report, Status
from tests.personas import PHRA_NAKHON

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEED_000 = [
    ("30/12/2563", "126,392,040", "13,048,289.81", "หลังปรับโอน ณ วันที่ 30 ธันวาคม 2563", "10.32"),
    ("31/03/2564", "128,365,151.00", "36,541,036.81", "หลังปรับโอน ณ วันที่ 31 มีนาคม 2564", "28.47"),
    ("30/06/2564", "125,845,960.00", "58,914,450.19", "หลังปรับโอน จำนวน 5 หมวด", "46.81"),
    ("10/09/2564", "124,903,691", "95,136,211.13", "งบประมาณรายจ่าย 5 หมวด", "76.17"),
]


@pytest.fixture
def phra_nakhon_2564(demo_live: None) -> dict[str, Assignment]:
    district = District.objects.get(code=PHRA_NAKHON)
    assignments = Assignment.objects.filter(district=district, indicator__fiscal_year__year=2564)
    Report.objects.filter(assignment__in=assignments).delete()
    evaluator = get_user_model().objects.get(username="evaluator")
    for period in ReportingPeriod.objects.filter(fiscal_year__year=2564):
        DeadlineExtension.objects.create(
            district=district,
            period=period,
            deadline=timezone.localdate() + dt.timedelta(days=30),
            reason="ทดสอบ",
            granted_at=timezone.now(),
            granted_by=evaluator,
        )
    return {a.indicator.code: a for a in assignments.select_related("indicator")}


def test_officer_enters_seed_000_budget_updates(
    open_browser: OpenBrowser, phra_nakhon_2564: dict
) -> None:
    officer = open_browser()
    officer.log_in("phranakhon")
    budget = phra_nakhon_2564["7.4.1"]
    for quarter, (as_of, allocated, disbursed, note, percent) in enumerate(SEED_000, start=1):
        officer.goto(f"/assignments/{budget.pk}/q{quarter}/")
        form = officer.page.locator("#ratio-add")
        form.locator("input[name=as_of]").fill(as_of)
        form.locator("input[name=denominator]").fill(allocated)
        form.locator("input[name=numerator]").fill(disbursed)
        # The percentage appears as the officer types, computed by the server.
        officer.page.wait_for_selector(f"#ratio-add output:text-is('{percent}')")
        form.locator("input[name=note]").fill(note)
        form.locator("button[type=submit]").click()
        officer.page.wait_for_selector(f"#ratio tbody td:has-text('{percent}')")
        assert officer.page.inner_text("#quarter-result").strip() == percent
    officer.screenshot("report-ratio-q4-phra-nakhon")
    results = dict(Report.objects.filter(assignment=budget).values_list("quarter", "result"))
    assert {q: str(r) for q, r in results.items()} == {
        1: "10.32",
        2: "28.47",
        3: "46.81",
        4: "76.17",
    }
    assert officer.console_errors == []


def test_bad_ratio_input_is_explained_in_thai_and_kept(
    open_browser: OpenBrowser, phra_nakhon_2564: dict
) -> None:
    officer = open_browser()
    officer.log_in("phranakhon")
    budget = phra_nakhon_2564["7.4.1"]
    officer.goto(f"/assignments/{budget.pk}/q1/")
    form = officer.page.locator("#ratio-add")
    form.locator("input[name=as_of]").fill("31/02/2564")
    form.locator("input[name=denominator]").fill("0")
    form.locator("input[name=numerator]").fill("๑๓,๐๔๘,๒๘๙.๘๑")
    form.locator("input[name=note]").fill("ข้อความที่พิมพ์ไว้")
    form.locator("button[type=submit]").click()
    officer.page.wait_for_selector("#ratio-add .field-error")
    text = officer.page.inner_text("#ratio-add")
    assert "ตัวหารต้องมากกว่าศูนย์" in text
    assert "กุมภาพันธ์" in text  # says which month is too short
    assert form.locator("input[name=numerator]").input_value() == "๑๓,๐๔๘,๒๘๙.๘๑"
    assert form.locator("input[name=note]").input_value() == "ข้อความที่พิมพ์ไว้"
    assert not Report.objects.filter(assignment=budget, ratio_updates__isnull=False).exists()
    officer.screenshot("report-ratio-errors")


def test_officer_ticks_five_steps_uploads_evidence_and_submits(
    open_browser: OpenBrowser, phra_nakhon_2564: dict, tmp_path: Path
) -> None:
    officer = open_browser()
    officer.log_in("phranakhon")
    governance = phra_nakhon_2564["5.2"]
    officer.goto(f"/assignments/{governance.pk}/q4/")
    dates = ["30/12/2563", "31/03/2564", "30/09/2564", "30/06/2564", "30/09/2564"]
    for number, day in enumerate(dates, start=1):
        step = officer.page.locator(f"#step-{number}")
        step.locator("input[type=checkbox]").check()
        step.locator("input.date").fill(day)
        step.locator("textarea").fill(f"ดำเนินการขั้นตอนที่ {number} แล้ว")
        step.locator("button[type=submit]").click()
        officer.page.wait_for_selector(f"#step-{number}.done")
    assert officer.page.inner_text("#quarter-result").strip() == "100.00"

    pdf = tmp_path / "หนังสือส่งหลักฐาน.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    officer.page.set_input_files("#id_file", str(pdf))
    officer.page.fill("#id_description", "หลักฐานขั้นตอนที่ 4")
    officer.page.click("#evidence form[enctype] button[type=submit]")
    officer.page.wait_for_selector("#evidence a:has-text('หนังสือส่งหลักฐาน.pdf')")
    with officer.page.expect_download() as download:
        officer.page.click("#evidence a:has-text('หนังสือส่งหลักฐาน.pdf')")
    assert download.value.suggested_filename == "หนังสือส่งหลักฐาน.pdf"

    officer.page.fill("#id_narrative", "ไตรมาสที่ 4 ดำเนินการครบทั้ง 5 ขั้นตอน")
    officer.page.click("#main-form button[type=submit]")
    officer.page.wait_for_selector("#status-bar .chip-draft")
    officer.screenshot("report-milestones-before-submit")

    officer.page.once("dialog", lambda dialog: dialog.accept())
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-submitted")
    assert "ส่งรายงานแล้วเมื่อ" in officer.text()
    report = Report.objects.get(assignment=governance, quarter=4)
    assert report.status == Status.SUBMITTED
    assert (
        # A signed-in officer submitted it, so the transition has an actor.
        cast(User, report.transitions.filter(to_status=Status.SUBMITTED).get().actor).username
        == "phranakhon"
    )

    officer.goto("/districts/1001/?year=2564")
    row = officer.page.locator("tr", has_text="5.2 ร้อยละความสำเร็จ")
    assert "ส่งแล้ว" in row.inner_text()
    officer.screenshot("district-home-after-submit")


def test_second_browser_sees_what_the_first_changed(
    open_browser: OpenBrowser, phra_nakhon_2564: dict
) -> None:
    budget = phra_nakhon_2564["7.4.1"]
    first, second = open_browser(), open_browser()
    for officer in (first, second):
        officer.log_in("phranakhon")
        officer.goto(f"/assignments/{budget.pk}/q1/")

    first.page.fill("#id_narrative", "ข้อความของคนแรก")
    first.page.click("#main-form button[type=submit]")
    first.page.wait_for_selector("#status-bar .chip-draft")

    second.page.fill("#id_narrative", "ข้อความของคนที่สอง")
    second.page.click("#main-form button[type=submit]")
    second.page.wait_for_selector(".conflict")
    conflict = second.page.inner_text(".conflict")
    assert "มีผู้อื่นบันทึกรายงานนี้ระหว่างที่คุณแก้ไข" in conflict
    assert "ข้อความของคนแรก" in conflict
    assert second.page.input_value("#id_narrative") == "ข้อความของคนที่สอง"
    assert Report.objects.get(assignment=budget, quarter=1).narrative == "ข้อความของคนแรก"
    second.screenshot("report-conflict")

    # Having seen the other text, the second officer may save deliberately.
    second.page.click("#main-form button[type=submit]")
    second.page.wait_for_selector(".conflict", state="detached")
    assert Report.objects.get(assignment=budget, quarter=1).narrative == "ข้อความของคนที่สอง"


def test_session_expiring_mid_edit_keeps_the_text(
    open_browser: OpenBrowser, phra_nakhon_2564: dict
) -> None:
    budget = phra_nakhon_2564["7.4.1"]
    officer = open_browser()
    officer.log_in("phranakhon")
    officer.goto(f"/assignments/{budget.pk}/q1/")
    long_text = "รายงานยาวที่พิมพ์มาครึ่งชั่วโมง " * 50
    officer.page.fill("#id_narrative", long_text)

    officer.context.clear_cookies(name="sessionid")  # the session expires while typing
    officer.page.click("#main-form button[type=submit]")
    officer.page.wait_for_selector("#session-expired", state="visible")
    assert officer.page.input_value("#id_narrative") == long_text
    officer.screenshot("report-session-expired")

    # Sign in again in another tab, come back, save: nothing was lost.
    other_tab = officer.context.new_page()
    other_tab.goto(officer.base_url + "/login/")
    other_tab.fill("#id_username", "phranakhon")
    other_tab.fill("#id_password", "kpi-demo-2564")
    other_tab.click("button.primary")
    other_tab.wait_for_load_state("networkidle")
    officer.page.click("#main-form button[type=submit]")
    officer.page.wait_for_selector("#status-bar .chip-draft")
    assert Report.objects.get(assignment=budget, quarter=1).narrative == long_text.strip()

    # A tab closed before saving: the text comes back from this browser's copy.
    officer.page.fill("#id_narrative", long_text + " เพิ่มเติม")
    officer.page.reload()
    officer.page.wait_for_selector(".autosave-restore:not([hidden])")
    officer.page.click("[data-restore]")
    assert officer.page.input_value("#id_narrative").endswith(" เพิ่มเติม")
