"""The public pages in a real browser, signed out, on a desktop and on a 390 px phone:
the city overview, a district and an indicator sheet, each accessible (axe-core: no
serious or critical finding), none wider than the screen, and the way between them
by the links a visitor follows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.cache import caches

from tests.personas import SEED_YEAR

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_visitor_goes_from_the_city_to_a_district_to_a_sheet(
    open_browser: OpenBrowser, phone: bool
) -> None:
    caches["public"].clear()
    visitor = open_browser(phone=phone)
    size = "phone" if phone else "desktop"

    visitor.goto("/public/")
    assert f"อันดับสำนักงานเขต ปีงบประมาณ {SEED_YEAR} ไตรมาสที่ 3" in visitor.text()
    assert visitor.page.get_by_role("link", name="เข้าสู่ระบบสำหรับเจ้าหน้าที่").count() == 1
    visitor.assert_no_sideways_scroll(f"city overview ({size})")
    visitor.assert_accessible(f"city overview ({size})")
    visitor.screenshot(f"public-home-{size}")

    visitor.page.get_by_role("table").get_by_role("link", name="ห้วยขวาง").click()
    visitor.page.wait_for_load_state("networkidle")
    assert "สำนักงานเขตห้วยขวาง" in visitor.text()
    assert "คะแนนรวมถ่วงน้ำหนัก" in visitor.text()
    visitor.assert_no_sideways_scroll(f"district ({size})")
    visitor.assert_accessible(f"district ({size})")
    visitor.screenshot(f"public-district-{size}")

    visitor.page.get_by_role("link", name="5.2", exact=False).first.click()
    visitor.page.wait_for_load_state("networkidle")
    text = visitor.text()
    assert "ผลงานเทียบกับเป้าหมายรายไตรมาส" in text
    assert "ยังไม่ประกาศผล" in text  # the fourth quarter was never published
    assert "ประเมินตนเอง" not in text and "ประเมินโดย" not in text
    visitor.assert_no_sideways_scroll(f"sheet ({size})")
    visitor.assert_accessible(f"sheet ({size})")
    visitor.screenshot(f"public-sheet-{size}")

    visitor.page.get_by_role("link", name="English").click()
    visitor.page.wait_for_load_state("networkidle")
    assert visitor.page.locator("html").get_attribute("lang") == "en"
    assert "lang=en" in visitor.page.url
    visitor.assert_accessible(f"sheet in English ({size})")
    assert visitor.page.context.cookies() == []  # nothing was set: no session, no CSRF
    assert visitor.console_errors == []
