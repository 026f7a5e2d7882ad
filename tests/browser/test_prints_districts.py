"""The prints page names each job's districts, at a desktop's and a phone's width."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model

from districts.models import District
from indicators.models import FiscalYear
from printing.models import PrintJob

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SEVERAL = ["คลองเตย", "ป้อมปราบศัตรูพ่าย", "สัมพันธวงศ์", "ห้วยขวาง"]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_each_job_names_its_districts(open_browser: OpenBrowser, phone: bool) -> None:
    evaluator_user = get_user_model().objects.get(username="evaluator")
    year = FiscalYear.objects.get(year=2564)
    covering = {
        "several": District.objects.filter(name_th__in=SEVERAL),
        "one": District.objects.filter(name_th="พระนคร"),
        "all": District.objects.all(),
    }
    for districts in covering.values():
        job = PrintJob.objects.create(
            kind=PrintJob.Kind.BOOKLET,
            fiscal_year=year,
            requested_by=evaluator_user,
            status=PrintJob.JobStatus.FAILED,  # finished: the page does not poll it
            error="ทดสอบ",
        )
        job.districts.set(districts)
    evaluator = open_browser(phone=phone)
    evaluator.log_in("evaluator")
    evaluator.goto("/prints/")
    evaluator.screenshot(f"prints-districts-{'phone' if phone else 'desktop'}")
    listed = evaluator.page.locator(".job-districts").all_inner_texts()
    assert listed == [
        "สำนักงานเขต: ทุกเขต (50 เขต)",
        "สำนักงานเขต: พระนคร",
        "สำนักงานเขต: " + ", ".join(SEVERAL),
    ]
    evaluator.assert_accessible("the prints page with jobs")
    evaluator.assert_no_sideways_scroll("the prints page with jobs")
    assert evaluator.console_errors == []
