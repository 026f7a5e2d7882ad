"""A district officer signs in and reads the seed-001 sheet in a real browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_signs_in_and_reads_the_huai_khwang_sheet(open_browser: OpenBrowser) -> None:
    officer = open_browser()
    officer.log_in("huaikhwang")
    assert "สำนักงานเขตห้วยขวาง" in officer.text()

    officer.page.select_option("select[name=year]", "2564")
    officer.page.wait_for_selector("text=5009-0963")
    assert "year=2564" in officer.page.url  # htmx pushed the filter into the address bar
    officer.screenshot("district-home-huai-khwang-2564")

    officer.page.click("text=ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูลหรือการให้บริการ")
    officer.page.wait_for_load_state("networkidle")
    text = officer.text()
    assert "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 3: 100" in text
    assert "95 / 100" in text
    assert "กท 4810/3336 ลงวันที่ 25 มิถุนายน 2564" in text
    assert ":๗.๕.๑.๓ โครงสร้างพื้นฐานด้านเทคโนโลยีสารสนเทศและการสื่อสารมีประสิทธิภาพ" in text
    # The Thai font really loaded (no fallback boxes): the page uses Sarabun.
    assert officer.page.evaluate("document.fonts.check('16px Sarabun', 'ห้วยขวาง')")
    officer.screenshot("sheet-huai-khwang-5.2")
    assert officer.console_errors == [], officer.console_errors


def test_officer_of_phra_nakhon_cannot_open_huai_khwang(open_browser: OpenBrowser) -> None:
    officer = open_browser()
    officer.log_in("phranakhon")
    officer.goto("/districts/1017/")
    assert "ไม่พบหน้าที่ต้องการ" in officer.text()
