"""Every page, for every role, passes axe-core and fits a phone (issue: accessibility).

Each page is checked at desktop width (1280 px) and at a phone's (390 px): axe-core
finds nothing serious or critical, and nothing scrolls sideways. The screenshots
(``a11y-*``) are for a person to look at both widths.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from districts.models import District
from indicators.calendar import district_windows
from indicators.fiscal import current_fiscal_year, quarter_bounds
from indicators.models import Assignment, FiscalYear, Indicator, MeasurementKind, ReportingPeriod
from kpi_portal.thaidate import thai_date
from reports import services
from reports.models import Report, ReportTransition, Status
from tests.browser.conftest import DESKTOP, PHONE
from tests.personas import HK_SEED_ASSIGNMENT, HUAI_KHWANG, PHRA_NAKHON, PN_BUDGET_INDICATOR

if TYPE_CHECKING:
    from tests.browser.conftest import Browser, OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RETURN_REASON = "กรุณาแนบหนังสือยืนยันยอดเบิกจ่ายจากฝ่ายการคลังให้ครบทุกหมวดรายจ่าย"
#: The phone's sticky status bar may cover at most 15 % of its screen.
STATUS_BAR_MAX = PHONE["height"] * 0.15

WIDTHS = [pytest.param(False, id="desktop"), pytest.param(True, id="phone")]


def _current(code: str, district: str = PHRA_NAKHON) -> Assignment:
    return Assignment.objects.get(
        district__code=district,
        indicator__code=code,
        indicator__fiscal_year__year=current_fiscal_year(),
    )


@pytest.fixture
def pages(demo_live: None) -> dict[str, str]:
    """Phra Nakhon's reports of the current year, one of each measurement kind.

    The budget (ratio) has updates with long notes and was returned with a reason,
    so it is still editable: its table shows the edit and delete controls.
    """
    officer = get_user_model().objects.get(username="phranakhon")
    budget = _current(PN_BUDGET_INDICATOR)
    start, _end = quarter_bounds(current_fiscal_year(), 1)
    report = services.report_start(assignment=budget, quarter=1, actor=officer)
    for days, allocated, disbursed in [
        (29, "126392040", "13048289.81"),
        (60, "128365151", "36541036.81"),
    ]:
        services.ratio_update_add(
            report=report,
            actor=officer,
            as_of=start + dt.timedelta(days=days),
            numerator=Decimal(disbursed),
            denominator=Decimal(allocated),
            note="หลังปรับโอนงบประมาณระหว่างหมวดรายจ่าย ณ สิ้นเดือน ตามหนังสือสำนักงบประมาณ",
        )
    Report.objects.filter(pk=report.pk).update(status=Status.RETURNED)
    ReportTransition.objects.create(
        report=report,
        from_status=Status.SUBMITTED,
        to_status=Status.RETURNED,
        actor=get_user_model().objects.get(username="evaluator"),
        at=timezone.now(),
        reason=RETURN_REASON,
    )
    # The demo has no indicator reported as a typed value: one for this test.
    value = Indicator.objects.create(
        fiscal_year=FiscalYear.objects.get(year=current_fiscal_year()),
        code="3.1",
        name="จำนวนครั้งของการจัดกิจกรรมส่งเสริมการมีส่วนร่วมของประชาชนในชุมชน",
        unit="ครั้ง",
        indicator_type="mission",
        level="output",
        kind=MeasurementKind.VALUE,
    )
    value_assignment = Assignment.objects.create(
        indicator=value,
        district=District.objects.get(code=PHRA_NAKHON),
        division=budget.division,
        annual_target=Decimal(12),
    )
    milestones = _current("5.2")
    hk_sheet = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    return {
        "ratio": f"/assignments/{budget.pk}/q1/",
        "milestones": f"/assignments/{milestones.pk}/q1/",
        "value": f"/assignments/{value_assignment.pk}/q1/",
        "sheet": f"/assignments/{hk_sheet.pk}/",
    }


def _check(user: Browser, name: str, path: str, phone: bool) -> list[str]:
    """Open the page, take its screenshot and say what is wrong with it."""
    width = "phone" if phone else "desktop"
    user.goto(path)
    user.screenshot(f"a11y-{width}-{name}")
    failures = []
    for check in (user.assert_accessible, user.assert_no_sideways_scroll):
        try:
            check(f"{name} at {width} width")
        except AssertionError as failure:
            failures.append(str(failure))
    return failures


@pytest.mark.parametrize("phone", WIDTHS)
def test_district_pages_pass_axe_and_fit(
    open_browser: OpenBrowser, pages: dict[str, str], phone: bool
) -> None:
    visitor = open_browser(phone=phone)
    failures = _check(visitor, "login", "/login/", phone)

    officer = open_browser(phone=phone)
    officer.log_in("phranakhon")
    for name, path in [
        ("home-phra-nakhon", f"/districts/{PHRA_NAKHON}/"),
        ("report-ratio", pages["ratio"]),
        ("report-milestones", pages["milestones"]),
        ("report-value", pages["value"]),
        ("prints-officer", "/prints/"),
    ]:
        failures += _check(officer, name, path, phone)

    head = open_browser(phone=phone)
    head.log_in("huaikhwang_head")
    for name, path in [
        ("home-huai-khwang-2564", f"/districts/{HUAI_KHWANG}/?year=2564"),
        ("sheet-huai-khwang", pages["sheet"]),
        ("scorecard-huai-khwang-2564", f"/districts/{HUAI_KHWANG}/scorecard/2564/?quarter=4"),
    ]:
        failures += _check(head, name, path, phone)
    assert not failures, "\n\n".join(failures)
    assert officer.console_errors == [] and head.console_errors == []


@pytest.mark.parametrize("phone", WIDTHS)
def test_office_pages_pass_axe_and_fit(
    open_browser: OpenBrowser, pages: dict[str, str], phone: bool
) -> None:
    evaluator = open_browser(phone=phone)
    evaluator.log_in("evaluator")
    failures = []
    for name, path in [
        ("office-matrix", "/office/"),
        ("office-matrix-2564", "/office/?year=2564&quarter=2"),
        ("office-queue", "/office/queue/"),
        ("office-queue-filtered", "/office/queue/?year=2564&flag=late"),
        ("office-rankings-2564", "/office/rankings/?year=2564&quarter=3"),
        ("office-rankings-zones", "/office/rankings/?year=2564&quarter=3&view=zones"),
        ("office-scorecard", f"/districts/{PHRA_NAKHON}/scorecard/2564/?quarter=3"),
        ("prints-office", "/prints/"),
    ]:
        failures += _check(evaluator, name, path, phone)

    admin = open_browser(phone=phone)
    admin.log_in("admin")
    failures += _check(admin, "office-matrix-admin", "/office/", phone)
    assert not failures, "\n\n".join(failures)
    assert evaluator.console_errors == [] and admin.console_errors == []


@pytest.mark.parametrize("phone", WIDTHS)
def test_ratio_table_with_an_open_edit_fits_the_screen(
    open_browser: OpenBrowser, pages: dict[str, str], phone: bool
) -> None:
    officer = open_browser(phone=phone)
    officer.log_in("phranakhon")
    officer.goto(pages["ratio"])
    officer.page.locator("#ratio .ratio-row details summary").first.click()
    officer.page.wait_for_selector("#ratio .ratio-row details[open] .ratio-fields")
    officer.screenshot(f"a11y-{'phone' if phone else 'desktop'}-report-ratio-editing")
    officer.assert_accessible("the ratio table with a row's edit open")
    # A laptop's and a tablet's widths, between the desktop's and the phone's.
    for width in [] if phone else [1024, 800]:
        officer.page.set_viewport_size({"width": width, "height": 900})
        officer.assert_no_sideways_scroll(f"the ratio table with a row's edit open at {width}px")
    officer.page.set_viewport_size(PHONE if phone else DESKTOP)
    officer.assert_no_sideways_scroll("the ratio table with a row's edit open")
    # Every control of the open row is on the screen, not beyond its right edge.
    screen = (PHONE if phone else DESKTOP)["width"]
    for control in officer.page.locator(
        "#ratio .ratio-row details[open] :is(input:not([type=hidden]), button)"
    ).all():
        box = control.bounding_box()
        assert box is not None and box["x"] + box["width"] <= screen
    if phone:
        # The sticky status bar leaves the phone's screen to the form.
        bar = officer.page.locator("#status-bar").bounding_box()
        assert bar is not None
        assert bar["height"] <= STATUS_BAR_MAX, f"the status bar is {bar['height']}px tall"
    assert officer.console_errors == []


def _open_quarter() -> tuple[int, dt.date]:
    """The quarter Phra Nakhon reports today, worked out from the calendar's data."""
    year = FiscalYear.objects.get(year=current_fiscal_year())
    today = timezone.localdate()
    windows = district_windows(
        year,
        District.objects.get(code=PHRA_NAKHON).pk,
        ReportingPeriod.objects.filter(fiscal_year=year),
    )
    started = [
        (quarter, window.deadline)
        for quarter, window in windows.items()
        if window.deadline is not None
        and quarter_bounds(year.year, quarter)[0] <= today <= window.deadline
    ]
    assert started, "the demo's current year has an open quarter"
    return max(started)


@pytest.mark.parametrize("phone", WIDTHS)
def test_home_names_the_open_quarter_and_shows_why_a_report_came_back(
    open_browser: OpenBrowser, pages: dict[str, str], phone: bool
) -> None:
    officer = open_browser(phone=phone)
    officer.log_in("phranakhon")
    officer.goto(f"/districts/{PHRA_NAKHON}/")
    quarter, deadline = _open_quarter()
    open_quarter = officer.page.locator(".open-quarter")
    assert f"ไตรมาสที่ {quarter} · ส่งภายใน {thai_date(deadline)}" in open_quarter.inner_text()
    # Near the top: on the first screen, before the table.
    box = open_quarter.bounding_box()
    assert box is not None and box["y"] + box["height"] <= (844 if phone else 900)
    # The reason is on the page as it loads, without opening anything.
    reason = officer.page.locator(".returned-reason", has_text=RETURN_REASON)
    assert reason.is_visible()
    assert "ไตรมาสที่ 1 ส่งกลับให้แก้ไข" in reason.inner_text()
    officer.screenshot(f"a11y-{'phone' if phone else 'desktop'}-home-returned")
    reason.get_by_role("link").click()
    officer.page.wait_for_load_state("networkidle")
    assert officer.page.url.endswith(pages["ratio"])

    # A year whose deadlines have all passed has no open quarter, and says so.
    officer.goto(f"/districts/{PHRA_NAKHON}/?year=2564")
    assert "ขณะนี้ไม่มีไตรมาสที่เปิดรับรายงานในปีงบประมาณนี้" in officer.text()
    # A year that has ended says it is closed; no quarter is named.
    FiscalYear.objects.filter(year=2564).update(is_open=False)
    officer.goto(f"/districts/{PHRA_NAKHON}/?year=2564")
    assert officer.page.locator(".open-quarter").count() == 0
    assert "ปีงบประมาณนี้ปิดแล้ว" in officer.text()
    assert officer.console_errors == []
