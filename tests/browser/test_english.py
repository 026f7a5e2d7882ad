"""The district home and the report page in English, in a real browser, at desktop
width and on a 390 px phone: switched to English once, remembered, readable."""

from __future__ import annotations

import pytest

from districts.models import Membership
from indicators.models import Assignment
from tests.browser.conftest import OpenBrowser
from tests.i18n.language import foreign_outside_data, page_text
from tests.personas import HK_SEED_ASSIGNMENT, HUAI_KHWANG

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_officer_reads_home_and_report_in_english(
    open_browser: OpenBrowser, phone: bool
) -> None:
    officer = open_browser(phone=phone)
    officer.log_in("huaikhwang")
    officer.page.get_by_role("button", name="English").click()
    officer.page.wait_for_load_state("networkidle")
    assert Membership.objects.get(user__username="huaikhwang").language == "en"

    size = "390" if phone else "desktop"
    officer.goto(f"/districts/{HUAI_KHWANG}/")
    assert "Huai Khwang District Office" in officer.text()
    assert foreign_outside_data(page_text(officer.page.content(), "en"), "en") == []
    officer.assert_no_sideways_scroll("district home in English")
    officer.assert_accessible("district home in English")
    officer.screenshot(f"english-district-home-{size}")

    assignment = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    officer.goto(f"/assignments/{assignment.pk}/q2/")
    assert foreign_outside_data(page_text(officer.page.content(), "en"), "en") == []
    officer.assert_no_sideways_scroll("report page in English")
    officer.assert_accessible("report page in English")
    officer.screenshot(f"english-report-{size}")
