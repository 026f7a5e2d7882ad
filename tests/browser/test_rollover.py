"""An administrator rolls the current fiscal year over in a real browser, at desktop
width and on a 390 px phone: choose → preview with counts → confirm → result →
the new year in the office's year switch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, FiscalYear

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_administrator_rolls_the_year_over(open_browser: OpenBrowser, phone: bool) -> None:
    year = current_fiscal_year()
    admin = open_browser(phone=phone)
    admin.log_in("admin")
    admin.goto("/exchange/import/")
    admin.page.click("#rollover-link")
    admin.page.wait_for_load_state("networkidle")
    assert "สร้างปีงบประมาณใหม่จากปีเดิม" in admin.text()
    admin.assert_accessible("rollover page")

    admin.page.select_option("#rollover-year", str(year))
    admin.page.click("#rollover-preview")
    admin.page.wait_for_load_state("networkidle")
    assert f"จะสร้างปีงบประมาณ {year + 1}: ตัวชี้วัด 2 ตัว การมอบหมาย 100 รายการ" in admin.text()
    assert not FiscalYear.objects.filter(year=year + 1).exists()
    admin.assert_accessible("rollover preview")
    admin.assert_no_sideways_scroll("rollover preview")
    admin.screenshot("rollover-preview-phone" if phone else "rollover-preview")

    admin.page.click("#rollover-apply")
    admin.page.wait_for_load_state("networkidle")
    assert f"ปีงบประมาณ {year + 1} มีตัวชี้วัด 2 ตัว และการมอบหมาย 100 รายการ" in admin.text()
    assert Assignment.objects.filter(indicator__fiscal_year__year=year + 1).count() == 100
    assert admin.page.locator("#rollover-export").get_attribute("href") == (
        f"/exchange/config/{year + 1}.xlsx"
    )
    admin.assert_accessible("rollover result")
    admin.assert_no_sideways_scroll("rollover result")

    admin.goto("/office/summary/")
    options = admin.page.locator("select[name=year] option").all_inner_texts()
    assert str(year + 1) in options
