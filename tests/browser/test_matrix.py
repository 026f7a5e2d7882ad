"""The office matrix as a heat map in a real browser: sorted and filtered through htmx,
sticky header and district column, a phone's width (issue: heat map)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from pytest_django import Settings

from districts.models import District, ZoneGroup
from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, FiscalYear, Indicator, ReportingPeriod
from reports.models import Report, Status

if TYPE_CHECKING:
    from tests.browser.conftest import Browser, OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Long names as the office writes them, to see how the header wraps them.
NAMES = [
    "ร้อยละของผู้รับบริการที่มีความพึงพอใจต่อการให้บริการของสำนักงานเขต",
    "ร้อยละความสำเร็จของการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง",
    "จำนวนครั้งของการจัดกิจกรรมส่งเสริมการมีส่วนร่วมของประชาชนในชุมชน",
    "ร้อยละของคลองและคูน้ำที่ได้รับการขุดลอกและเปิดทางน้ำไหล",
    "ระดับความสำเร็จในการจัดการขยะมูลฝอยแบบคัดแยกที่ต้นทาง",
    "ร้อยละของทางเท้าที่ได้รับการปรับปรุงให้ปลอดภัยสำหรับคนพิการและผู้สูงอายุ",
]
STATUSES = [
    Status.EVALUATED,
    Status.SUBMITTED,
    Status.EVALUATED,
    Status.DRAFT,
    Status.RETURNED,
    Status.EVALUATED,
    None,
    Status.AWAITING_CERTIFICATION,
    Status.EVALUATED,
    Status.REOPENED,
]


@pytest.fixture
def quarter(demo_live: None) -> FiscalYear:
    """The current year's first quarter, filled: six more indicators for every district
    and a report on most of them, of every status, scores out of 100 and out of 5."""
    year = FiscalYear.objects.get(year=current_fiscal_year())
    districts = list(District.objects.order_by("code"))
    for n, name in enumerate(NAMES):
        indicator = Indicator.objects.create(
            fiscal_year=year,
            code=f"6.{n + 1}",
            name=name,
            unit="ร้อยละ",
            indicator_type="mission",
            level="output",
            kind="ratio",
            full_score=Decimal(5) if n % 3 == 2 else Decimal(100),
        )
        Assignment.objects.bulk_create(
            Assignment(indicator=indicator, district=d, annual_target=Decimal(80))
            for d in districts
            if (d.pk + n) % 11  # a few districts are not assigned this one
        )
    reports = []
    for i, assignment in enumerate(
        Assignment.objects.filter(indicator__fiscal_year=year).select_related("indicator")
    ):
        status = STATUSES[(i * 7 + assignment.district_id) % len(STATUSES)]
        if status is None:
            continue
        full = assignment.indicator.full_score
        share = Decimal((assignment.district_id * 37 + i * 13) % 101) / 100
        handed_in = status in (Status.SUBMITTED, Status.EVALUATED)
        reports.append(
            Report(
                assignment=assignment,
                quarter=1,
                status=status,
                result=Decimal(share * 100).quantize(Decimal("0.01")),
                full_score=full,
                score=(full * share).quantize(Decimal("0.01"))
                if status == Status.EVALUATED
                else None,
                submitted_at=dt.datetime.now(tz=dt.UTC) if handed_in else None,
            )
        )
    Report.objects.bulk_create(reports)
    # The deadline passed yesterday: what is not handed in is late, and what was
    # handed in today came late.
    ReportingPeriod.objects.filter(fiscal_year=year, quarter=1).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    return year


def _rows(user: Browser) -> list[str]:
    return user.page.locator("#matrix tbody tr:not(.subtotal) th[scope=row] a").all_inner_texts()


def _swap(user: Browser, select: str, value: str) -> None:
    """Choose ``value`` and wait for htmx to swap the matrix and push the address."""
    with user.page.expect_response(lambda r: "/office/" in r.url and r.request.method == "GET"):
        user.page.select_option(select, value)
    user.page.wait_for_url(f"**{select.split('=')[1].rstrip(']')}={value}*")
    user.page.wait_for_load_state("networkidle")


def test_sorting_and_filtering_through_htmx_keep_each_other(
    open_browser: OpenBrowser, quarter: FiscalYear
) -> None:
    evaluator = open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto(f"/office/?year={quarter.year}&quarter=1")
    by_name = _rows(evaluator)
    assert len(by_name) == 50
    assert evaluator.page.get_attribute("thead th.sticky-col", "aria-sort") == "ascending"
    evaluator.screenshot("matrix-desktop")

    _swap(evaluator, "select[name=sort]", "-score")
    assert "sort=-score" in evaluator.page.url
    by_score = _rows(evaluator)
    assert sorted(by_score) == sorted(by_name) and by_score != by_name
    means = [
        float(text.rstrip("%"))
        for text in evaluator.page.locator(
            "#matrix tbody tr:not(.subtotal) td.sum:nth-of-type(2)"
        ).all_inner_texts()
        if text.endswith("%")
    ]
    assert means == sorted(means, reverse=True) and len(means) > 40
    header = evaluator.page.locator("thead th.sum[aria-sort]")
    assert header.get_attribute("aria-sort") == "descending"
    assert "คะแนนเฉลี่ย" in header.inner_text()

    _swap(evaluator, "select[name=zone]", "central")
    assert "sort=-score" in evaluator.page.url and "zone=central" in evaluator.page.url
    assert evaluator.page.input_value("select[name=sort]") == "-score"
    central = set(
        District.objects.filter(zone_group__code="central").values_list("name_th", flat=True)
    )
    in_zone = _rows(evaluator)
    assert set(in_zone) == central
    assert in_zone == [r for r in by_score if r in central]
    assert evaluator.page.locator("#matrix tr.subtotal").count() == 1

    _swap(evaluator, "select[name=sort]", "zone")
    assert evaluator.page.locator("#matrix tbody.zone").count() == 1
    assert "zone=central" in evaluator.page.url and "sort=zone" in evaluator.page.url
    # Reloading the pushed address shows the same page without htmx.
    evaluator.goto(evaluator.page.url.removeprefix(evaluator.base_url))
    assert _rows(evaluator) == sorted(in_zone, key=by_name.index)
    assert evaluator.console_errors == []


def test_header_and_district_column_stay_in_view(
    open_browser: OpenBrowser, quarter: FiscalYear
) -> None:
    evaluator = open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto(f"/office/?year={quarter.year}&quarter=1&sort=zone")
    evaluator.screenshot("matrix-desktop-by-zone")
    page = evaluator.page
    wrap = page.locator(".matrix-wrap")
    wrap.evaluate("w => w.scrollTo(400, 600)")
    page.wait_for_timeout(100)
    box = wrap.bounding_box()
    assert box is not None
    head = page.locator("thead th.ind").first.bounding_box()
    corner = page.locator("thead th.sticky-col").bounding_box()
    first_row = page.locator("tbody th.sticky-col").nth(20).bounding_box()
    assert head and corner and first_row
    assert abs(head["y"] - box["y"]) <= 2  # the header row stays at the top
    assert abs(corner["x"] - box["x"]) <= 2 and abs(first_row["x"] - box["x"]) <= 2
    evaluator.screenshot("matrix-desktop-scrolled")
    # Each indicator's code and name are shown, wrapped between words only.
    names = page.locator("thead .ind-name")
    assert names.count() == len(NAMES) + 2
    style = names.first.evaluate(
        "n => [getComputedStyle(n).wordBreak, getComputedStyle(n).overflowWrap]"
    )
    assert style == ["normal", "normal"]
    assert NAMES[0] in page.locator("thead").inner_text()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_matrix_passes_axe_and_scrolls_only_inside_its_frame(
    open_browser: OpenBrowser, quarter: FiscalYear, phone: bool
) -> None:
    evaluator = open_browser(phone=phone)
    evaluator.log_in("evaluator")
    for sort in ("name", "zone"):
        evaluator.goto(f"/office/?year={quarter.year}&quarter=1&sort={sort}")
        evaluator.screenshot(f"matrix-{'phone' if phone else 'desktop'}-{sort}-axe")
        evaluator.assert_accessible(f"the matrix sorted by {sort}")
        evaluator.assert_no_sideways_scroll(f"the matrix sorted by {sort}")
    wrap = evaluator.page.locator(".matrix-wrap")
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")  # it scrolls in its frame
    assert evaluator.console_errors == []


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_too_many_agencies_open_the_matrix_and_rankings_on_one_zone(
    open_browser: OpenBrowser, quarter: FiscalYear, phone: bool, settings: Settings
) -> None:
    """As at national scale (demo/national.py), with the limit lowered below Bangkok's
    50: one zone group at a time, saying why, and no "every zone" choice."""
    settings.MATRIX_MAX_ROWS = 10
    evaluator = open_browser(phone=phone)
    evaluator.log_in("evaluator")
    first = ZoneGroup.objects.order_by("position").first()
    assert first is not None
    in_zone = set(District.objects.filter(zone_group=first).values_list("name_th", flat=True))
    for url, what in (
        (f"/office/?year={quarter.year}&quarter=1", "the matrix of one zone"),
        (f"/office/rankings/?year={quarter.year}&quarter=1", "the rankings of one zone"),
    ):
        evaluator.goto(url)
        page = evaluator.page
        zone = page.locator("select[name=zone]")
        assert zone.input_value() == first.code
        assert "ทุกกลุ่มเขต" not in zone.inner_text()
        shown = {
            name.strip() for name in page.locator("tbody a[href^='/districts/']").all_inner_texts()
        }
        assert shown and shown <= in_zone, what
        evaluator.screenshot(f"{what.replace(' ', '-')}-{'phone' if phone else 'desktop'}")
        evaluator.assert_accessible(what)
        evaluator.assert_no_sideways_scroll(what)
    evaluator.goto(f"/office/?year={quarter.year}&quarter=1")
    assert "หน่วยงานมีมากเกินกว่าจะแสดงในตารางเดียว" in evaluator.page.inner_text("#matrix")
    assert evaluator.console_errors == []
