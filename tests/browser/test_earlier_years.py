"""The sheet's earlier years (ผลการดำเนินงานปีก่อน ๆ) in a real browser: the table,
the chart and its numbers, the links between the years, on a desktop and on a
390 px phone, with axe-core."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from indicators.models import Assignment
from tests.browser.conftest import SCREENSHOTS
from tests.lineage import earlier_assignment
from tests.personas import HK_SEED_ASSIGNMENT, HUAI_KHWANG, SEED_YEAR

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADING = "ผลการดำเนินงานปีก่อน ๆ"


def _earlier_years() -> tuple[Assignment, list[Assignment]]:
    seed = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    made = [
        earlier_assignment(
            seed,
            SEED_YEAR - back,
            target=Decimal(100),
            results=(Decimal(25), Decimal(50), Decimal(75), Decimal(100 - 3 * back)),
            score=Decimal(100 - 5 * back),
            published=back != 3,
        )
        for back in (1, 2, 3)
    ]
    return seed, made


def test_officer_reads_the_earlier_years_and_their_chart(open_browser: OpenBrowser) -> None:
    seed, made = _earlier_years()
    desk = open_browser()
    desk.log_in("huaikhwang")
    desk.goto(f"/assignments/{seed.pk}/")
    section = desk.page.get_by_role("region", name=HEADING).first
    section.scroll_into_view_if_needed()
    rows = desk.page.locator("table.earlier tbody tr")
    assert rows.count() == 3
    first = " ".join(rows.nth(0).inner_text().split())
    assert first.startswith(f"2563 {made[0].code} 100.00 25.00 50.00 75.00 97.00 95 / 100")
    assert "รอประกาศผล" in rows.nth(2).inner_text()  # 2561: not yet published
    chart = desk.page.get_by_role("img", name="ผลงานเทียบกับเป้าหมาย ปีงบประมาณ 2561–2564")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300
    desk.page.get_by_text("ตัวเลขในแผนภูมิ").click()
    assert desk.page.get_by_role("rowheader", name="1/61").is_visible()
    desk.assert_accessible("sheet with its earlier years")
    desk.screenshot("earlier-years-desktop")
    section.screenshot(path=str(SCREENSHOTS / "earlier-years-desktop-section.png"))
    desk.page.get_by_role("link", name="2563", exact=True).click()
    desk.page.wait_for_load_state("networkidle")
    assert f"ปีงบประมาณ {SEED_YEAR - 1}" in desk.text()
    assert desk.page.url.endswith(f"/assignments/{made[0].pk}/")
    assert desk.console_errors == []


def test_the_section_and_the_home_brief_fit_a_phone(open_browser: OpenBrowser) -> None:
    seed, _made = _earlier_years()
    phone = open_browser(phone=True)
    phone.log_in("huaikhwang")
    phone.goto(f"/districts/{HUAI_KHWANG}/?year={SEED_YEAR}")
    brief = phone.page.locator(".earlier-brief").first
    assert "ปี 2563: 97.00 / 100.00" in " ".join(brief.inner_text().split())
    phone.assert_no_sideways_scroll("district home with the earlier years in brief")
    phone.assert_accessible("district home with the earlier years in brief")
    phone.screenshot("earlier-years-home-phone")
    brief.get_by_role("link", name="ผลงาน / เป้าหมาย ปีก่อน ๆ").click()
    phone.page.wait_for_load_state("networkidle")
    assert phone.page.url.endswith(f"/assignments/{seed.pk}/#earlier-years")
    section = phone.page.locator("#earlier-years")
    assert section.is_visible()
    phone.assert_no_sideways_scroll("sheet with its earlier years")
    chart = phone.page.get_by_role("img", name="ผลงานเทียบกับเป้าหมาย ปีงบประมาณ 2561–2564")
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.assert_accessible("sheet with its earlier years")
    phone.screenshot("earlier-years-phone")
    section.screenshot(path=str(SCREENSHOTS / "earlier-years-phone-section.png"))
    assert phone.console_errors == []
