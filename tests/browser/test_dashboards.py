"""The readers' dashboards in a real browser: both pages on a desktop and a phone,
accessible (axe-core), no sideways scroll, charts that scale and read in Thai."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.dashboards.world import NONG_CHOK, SECRET_RESULT, YEAR, build_world
from tests.personas import HUAI_KHWANG

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = {
    "city": f"/dashboards/?year={YEAR}&quarter=1",
    "district": f"/dashboards/districts/{HUAI_KHWANG}/?year={YEAR}&quarter=1",
}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_reader_opens_both_dashboards(open_browser: OpenBrowser, phone: bool) -> None:
    build_world()
    reader = open_browser(phone=phone)
    reader.log_in("reader")
    assert reader.page.url.endswith("/dashboards/")  # home sends a reader here
    width = "phone" if phone else "desktop"
    for name, path in PAGES.items():
        reader.goto(path)
        reader.assert_no_sideways_scroll(f"{name} dashboard")
        reader.assert_accessible(f"{name} dashboard")
        charts = reader.page.locator("svg.chart-svg")
        assert charts.count() >= 2
        # Every chart fits its frame, and is drawn larger than a thumbnail.
        for index in range(charts.count()):
            box = charts.nth(index).bounding_box()
            assert (
                box is not None
                and box["x"] >= 0
                and box["x"] + box["width"] <= (390 if phone else 1280)
            )
            assert box["width"] >= 300
        assert SECRET_RESULT not in reader.text()
        reader.screenshot(f"dashboard-{name}-{width}")
    assert reader.console_errors == []


def test_the_numbers_open_under_a_chart(open_browser: OpenBrowser) -> None:
    build_world()
    reader = open_browser(phone=True)
    reader.log_in("reader")
    reader.goto(PAGES["city"])
    zones = reader.page.get_by_role("img", name="คะแนนถ่วงน้ำหนักเฉลี่ยตามกลุ่มเขต", exact=False)
    assert zones.count() == 1
    figure = reader.page.locator("figure", has=zones)
    table = figure.get_by_role("table")
    assert not table.is_visible()
    figure.get_by_text("ตัวเลขในแผนภูมิ").click()
    assert table.is_visible()
    assert "กลุ่มเขตกรุงเทพกลาง 4.13" in " ".join(table.inner_text().split())
    reader.assert_no_sideways_scroll("zone table open")
    reader.assert_accessible("zone table open")


def test_district_staff_reach_their_own_dashboard_only(open_browser: OpenBrowser) -> None:
    build_world()
    officer = open_browser()
    officer.log_in("huaikhwang")
    officer.page.get_by_role("link", name="แดชบอร์ด", exact=True).click()
    officer.page.wait_for_load_state("networkidle")
    assert officer.page.url.endswith("/dashboards/")
    response = officer.page.goto(officer.base_url + f"/dashboards/districts/{NONG_CHOK}/")
    assert response is not None and response.status == 404
