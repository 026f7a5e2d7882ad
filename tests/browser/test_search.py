"""Searching in a real browser: the header's box, typing on the search page (htmx
updates the results and the address), the kind filter and "ดูเพิ่มเติม", on a
desktop and on a phone, with axe-core and no sideways scroll."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import pytest

from indicators.models import Assignment
from reports.models import Report
from search.selectors import PAGE_SIZE
from tests.personas import PHRA_NAKHON, PN_BUDGET_INDICATOR, SEED_YEAR
from tests.search.conftest import PN_SCRIPT, many_narratives

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORD = "แผงลอยท่าช้าง"
MANY = "ตลาดนัดชุมชนริมคลอง"


def _mark_phra_nakhon() -> None:
    report = Report.objects.get(
        assignment=Assignment.objects.get(
            district__code=PHRA_NAKHON,
            indicator__code=PN_BUDGET_INDICATOR,
            indicator__fiscal_year__year=SEED_YEAR,
        ),
        quarter=1,
    )
    report.narrative = f"จัดระเบียบ{WORD}บริเวณท่าเรือ {PN_SCRIPT} " + "ผลการดำเนินงาน " * 40
    report.save(update_fields=["narrative"])


def test_office_searches_from_the_header_and_as_it_types(
    open_browser: OpenBrowser, demo_live: None
) -> None:
    _mark_phra_nakhon()
    many_narratives(PAGE_SIZE + 4, MANY)
    office = open_browser()
    office.log_in("evaluator")
    office.goto("/office/")
    office.page.get_by_role("searchbox", name="คำค้น").first.fill(WORD)
    office.page.get_by_role("searchbox", name="คำค้น").first.press("Enter")
    office.page.wait_for_load_state("networkidle")
    assert urlparse(office.page.url).path == "/search/"
    marked = office.page.locator("#search-results mark")
    assert marked.first.inner_text() == WORD
    # The narrative's markup is text on the page, not an element.
    assert PN_SCRIPT in office.text()
    assert office.page.locator("#search-results script").count() == 0
    office.assert_accessible("search results")
    office.assert_no_sideways_scroll("search results")
    office.screenshot("search-desktop")

    # Typing on the search page updates the results and the address, without a reload.
    box = office.page.locator("#search-q")
    box.fill("")
    box.press_sequentially("ตลาดนัด", delay=30)
    office.page.locator("#search-results mark", has_text="ตลาดนัด").first.wait_for()
    assert parse_qs(urlparse(office.page.url).query)["q"] == ["ตลาดนัด"]
    assert office.page.locator("#narratives-5").count() == 1
    assert office.page.locator("#narratives-6").count() == 0

    # One kind, then more of it.
    office.page.select_option("#search-kind", "narratives")
    office.page.wait_for_url(lambda url: "kind=narratives" in url)
    office.page.locator(f"#narratives-{PAGE_SIZE}").wait_for()
    assert office.page.locator(f"#narratives-{PAGE_SIZE + 1}").count() == 0
    office.page.get_by_role("link", name="ดูเพิ่มเติม", exact=True).click()
    office.page.locator(f"#narratives-{PAGE_SIZE + 4}").wait_for()
    office.page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("page") == ["2"])
    assert office.page.get_by_role("link", name="ดูเพิ่มเติม", exact=True).count() == 0
    office.assert_accessible("search, one kind, second page")
    office.screenshot("search-desktop-more")
    assert office.console_errors == []


def test_officer_searches_on_a_phone(open_browser: OpenBrowser, demo_live: None) -> None:
    _mark_phra_nakhon()
    phone = open_browser(phone=True)
    phone.log_in("huaikhwang")
    phone.assert_no_sideways_scroll("home with the header's search box")
    phone.goto("/search/?q=" + "5009-0963")
    assert phone.page.locator("#search-results mark").count() >= 1
    phone.assert_no_sideways_scroll("search results on a phone")
    phone.assert_accessible("search results on a phone")
    phone.screenshot("search-phone")
    # Another district's narrative is not found.
    phone.goto("/search/?q=" + WORD)
    assert phone.page.locator("#search-nothing").is_visible()
    assert phone.page.locator("#search-results mark").count() == 0
    # Too short a query says so.
    phone.goto("/search/?q=ก")
    assert "คำค้นสั้นเกินไป" in phone.text()
    phone.assert_no_sideways_scroll("too short a query on a phone")
    phone.assert_accessible("too short a query on a phone")
    phone.screenshot("search-phone-short")
    assert phone.console_errors == []
