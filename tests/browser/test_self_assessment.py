"""The district's self-assessment in a real browser, at desktop and phone width: typed
at submission (kept while other sections are saved), then read by the office beside
the rule's suggestion."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from indicators.fiscal import current_fiscal_year, quarter_of
from indicators.models import Assignment
from kpi_portal.thaidate import thai_date_numeric
from kpi_portal.thaidigits import format_score
from reports import services
from reports.models import Report, Status
from reports.scoring import suggested_score
from tests.browser.conftest import SCREENSHOTS
from tests.personas import PHRA_NAKHON

if TYPE_CHECKING:
    from tests.browser.conftest import Browser, OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _started() -> Report:
    """Phra Nakhon's budget report of this quarter: 10 % disbursed, a narrative."""
    officer = get_user_model().objects.get(username="phranakhon")
    assignment = Assignment.objects.get(
        district__code=PHRA_NAKHON,
        indicator__code="7.4.1",
        indicator__fiscal_year__year=current_fiscal_year(),
    )
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
    services.report_update(
        report=report, actor=officer, expected_version=None, narrative="เบิกจ่ายตามแผน"
    )
    report.refresh_from_db()
    return report


def _section_shot(browser: Browser, selector: str, name: str) -> None:
    browser.assert_accessible(name)
    browser.assert_no_sideways_scroll(name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.page.locator(selector).screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_changed_self_score_reaches_the_office_beside_the_suggestion(
    open_browser: OpenBrowser, demo_live: None, phone: bool
) -> None:
    report = _started()
    size = "phone" if phone else "desktop"
    page_url = f"/assignments/{report.assignment_id}/q{report.quarter}/"
    officer = open_browser(phone=phone)
    officer.log_in("phranakhon")
    officer.goto(page_url)

    field = officer.page.locator("#id_self_score")
    suggested = suggested_score(report)
    assert suggested is not None
    assert field.input_value() == format_score(suggested)  # prefilled by the rule
    assert "จากคะแนนเต็ม 100" in officer.page.locator("#submit").inner_text()
    _section_shot(officer, "#submit", f"self-score-submit-{size}")

    # Typed, then another section saved: the redrawn panel keeps what was typed.
    field.fill("๓๕")
    officer.page.fill("#ratio-add input[name=as_of]", thai_date_numeric(timezone.localdate()))
    officer.page.fill("#ratio-add input[name=denominator]", "100")
    officer.page.fill("#ratio-add input[name=numerator]", "20")
    officer.page.click("#ratio-add button[type=submit]")
    officer.page.wait_for_selector("#ratio-add [data-saved]")
    assert officer.page.locator("#id_self_score").input_value() == "๓๕"

    officer.page.on("dialog", lambda dialog: dialog.accept())
    officer.page.click("#submit button.submit")
    officer.page.wait_for_selector("#status-bar .chip-submitted")
    assert "คะแนนประเมินตนเอง: 35 / 100" in officer.text()
    report.refresh_from_db()
    assert (report.status, report.self_score) == (Status.SUBMITTED, Decimal(35))
    suggested = suggested_score(report)  # 20 % now
    assert suggested is not None and suggested != Decimal(35)

    evaluator = open_browser(phone=phone)
    evaluator.log_in("evaluator")
    evaluator.goto(reverse("office_score", args=[report.pk]))
    compare = evaluator.page.locator("#self-assessment")
    assert evaluator.page.locator("#compare-self").inner_text() == "35"
    assert evaluator.page.locator("#compare-suggested").inner_text() == format_score(suggested)
    assert evaluator.page.locator("#compare-given").inner_text() == "–"
    assert "ยังไม่ให้คะแนน" in compare.inner_text()
    _section_shot(evaluator, "#self-assessment", f"self-score-office-compare-{size}")
    evaluator.screenshot(f"self-score-office-page-{size}")
    assert officer.console_errors == [] and evaluator.console_errors == []
