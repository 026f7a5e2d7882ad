"""The office matrix as a heat map: cells in colour and words, indicator names in the
header, rows sorted, zone-group subtotals and the total (issue: heat map)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District, ZoneGroup
from evaluation.selectors import SORTS, office_matrix
from evaluation.templatetags.matrix import matrix_cells
from indicators.models import Assignment, FiscalYear, Indicator, ReportingPeriod
from reports.models import Report, Status
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas

ROW = re.compile(r'<th scope="row" class="sticky-col"><a[^>]*>([^<]+)</a>')
SUBTOTAL = re.compile(r'<tr class="subtotal">\s*<th scope="row" class="sticky-col">([^<]+?)\s*<')


def _year() -> FiscalYear:
    """The demo's other fiscal year: two indicators assigned to all 50 districts, no report."""
    return FiscalYear.objects.exclude(year=2564).get()


def _report(district: str, code: str, status: str, **fields: object) -> Report:
    assignment = Assignment.objects.get(
        district__code=district, indicator__code=code, indicator__fiscal_year=_year()
    )
    handed_in = status in (Status.SUBMITTED, Status.EVALUATED)
    return Report.objects.create(
        assignment=assignment,
        quarter=1,
        status=status,
        result=Decimal(50),
        submitted_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC) if handed_in else None,
        **fields,
    )


@pytest.fixture
def scored(demo: None) -> dict[str, str]:
    """Three districts with reports in Q1: Huai Khwang scored high on both indicators,
    Phra Nakhon low on one (out of 5 points: shares, not points, are compared) and
    one more district with a submission but no score."""
    codes = list(
        Indicator.objects.filter(fiscal_year=_year())
        .order_by("code")
        .values_list("code", flat=True)
    )
    first, second = codes
    _report(HUAI_KHWANG, first, Status.EVALUATED, score=Decimal(90), full_score=Decimal(100))
    _report(HUAI_KHWANG, second, Status.EVALUATED, score=Decimal(4), full_score=Decimal(5))
    _report(PHRA_NAKHON, first, Status.EVALUATED, score=Decimal(2), full_score=Decimal(5))
    _report(PHRA_NAKHON, second, Status.DRAFT)
    other = District.objects.exclude(code__in=[HUAI_KHWANG, PHRA_NAKHON]).order_by("code")[0]
    _report(other.code, first, Status.SUBMITTED)
    return {"first": first, "second": second, "other": other.name_th}


def _page(personas: Personas, **query: str) -> str:
    params: dict[str, str | int] = {"year": _year().year, "quarter": 1, **query}
    response = personas.client(personas.evaluator).get(reverse("office_home"), params)
    assert response.status_code == 200
    return response.content.decode()


def _rows(html: str) -> list[str]:
    return ROW.findall(html)


@pytest.mark.django_db
class TestHeatMapCells:
    def test_evaluated_cells_are_coloured_by_share_and_say_their_score(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        html = _page(personas)
        # 90/100 and 4/5 are high (80 % or more), 2/5 is low (under 50 %).
        assert len(re.findall(r'class="cell cell-evaluated band-high[^"]*"', html)) == 2
        assert len(re.findall(r'class="cell cell-evaluated band-low[^"]*"', html)) == 1
        text = visible_text(html)
        assert "ประเมินแล้ว 50.00 90/100" in text
        assert "ประเมินแล้ว 50.00 2/5" in text

    def test_late_cells_say_so_in_words(self, personas: Personas, scored: dict[str, str]) -> None:
        # The day after the Q1 deadline, unreported cells are late.
        year = _year()
        deadline = ReportingPeriod.objects.get(fiscal_year=year, quarter=1).deadline
        matrix = office_matrix(year, 1, today=deadline + dt.timedelta(days=1))
        late = [c for row in matrix.rows for c in row.cells if c is not None and c.late]
        assert late
        html = matrix_cells(late[:1])
        assert 'class="cell-late-mark">ล่าช้า</span>' in html and "cell-late" in html

    def test_the_legend_names_every_colour(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        html = _page(personas)
        legend = html[html.index('class="matrix-legend"') : html.index('class="table-wrap')]
        for name in (
            "cell-not_started",
            "cell-draft",
            "cell-submitted",
            "cell-returned",
            "band-high",
            "band-mid",
            "band-low",
            "cell-late",
            "cell-none",
        ):
            assert name in legend, name
        assert "ประเมินแล้ว คะแนนต่ำกว่าร้อยละ 50" in visible_text(legend)

    def test_header_shows_each_indicators_code_and_name(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        html = _page(personas)
        head = visible_text(html[html.index("<thead>") : html.index("</thead>")])
        for indicator in Indicator.objects.filter(fiscal_year=_year()):
            assert f"{indicator.code} {indicator.name}" in head


@pytest.mark.django_db
class TestSorting:
    def test_default_is_thai_order_with_aria_sort_on_the_district_column(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        html = _page(personas)
        thai = list(District.objects.order_by("name_th").values_list("name_th", flat=True))
        assert _rows(html) == thai
        assert re.search(r'<th scope="col" class="sticky-col" aria-sort="ascending">', html)
        assert _rows(_page(personas, sort="nonsense")) == thai  # unknown: the default

    def test_by_score_highest_first_unscored_last_in_thai_order(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        html = _page(personas, sort="-score")
        rows = _rows(html)
        # Huai Khwang: (90 % + 80 %) / 2 = 85 %; Phra Nakhon 40 %.
        assert rows[:2] == ["ห้วยขวาง", "พระนคร"]
        assert rows[2:] == [r for r in _rows(_page(personas)) if r not in rows[:2]]
        assert 'aria-sort="descending">คะแนนเฉลี่ย' in html
        assert _rows(_page(personas, sort="score"))[:2] == ["พระนคร", "ห้วยขวาง"]
        assert "85.0%" in visible_text(html) and "40.0%" in visible_text(html)

    def test_by_completeness(self, personas: Personas, scored: dict[str, str]) -> None:
        most = _rows(_page(personas, sort="-completeness"))
        # Huai Khwang handed in 2 of 2; Phra Nakhon and the other district 1 of 2.
        assert most[0] == "ห้วยขวาง"
        assert set(most[1:3]) == {"พระนคร", scored["other"]}
        least = _rows(_page(personas, sort="completeness"))
        assert least[-1] == "ห้วยขวาง"
        assert set(least[-3:-1]) == {"พระนคร", scored["other"]}
        assert 'aria-sort="ascending">ส่งแล้ว/มอบหมาย' in _page(personas, sort="completeness")

    def test_the_sort_is_kept_by_the_filter_form(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        html = _page(personas, sort="-score", zone="central")
        assert '<option value="-score" selected>' in html
        assert set(_rows(html)) <= set(
            District.objects.filter(zone_group__code="central").values_list("name_th", flat=True)
        )
        assert _rows(html)[0] == "ห้วยขวาง"


@pytest.mark.django_db
class TestSubtotals:
    def test_a_subtotal_per_zone_group_and_the_total(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        matrix = office_matrix(_year(), 1)
        assert [z.group for z in matrix.zones] == list(ZoneGroup.objects.order_by("position"))
        assert sum(z.districts for z in matrix.zones) == 50
        assert (matrix.total.assigned, matrix.total.submitted, matrix.total.scored) == (100, 4, 3)
        # (90 % + 80 % + 40 %) / 3, every evaluated cell weighing the same.
        assert matrix.total.mean_text == "70.0%"
        hk_zone = next(
            z for z in matrix.zones if z.group.districts.filter(code=HUAI_KHWANG).exists()
        )
        assert hk_zone.completeness.scored == 2 + (
            hk_zone.group.districts.filter(code=PHRA_NAKHON).exists()
        )
        html = _page(personas)
        assert SUBTOTAL.findall(html) == [f"รวม{z.group.name_th}" for z in matrix.zones]
        total = html[html.index('<tr class="total">') :]
        assert "รวมทุกเขต" in total and "4/100" in visible_text(total)

    def test_sorted_by_zone_each_group_follows_its_subtotal(
        self, personas: Personas, scored: dict[str, str]
    ) -> None:
        html = _page(personas, sort="zone")
        names = {
            d.name_th: d.zone_group.name_th for d in District.objects.select_related("zone_group")
        }
        groups = html.split('<tbody class="zone">')[1:]
        assert len(groups) == ZoneGroup.objects.count()
        seen = []
        for group in groups:
            (heading,) = SUBTOTAL.findall(group)
            rows = _rows(group)
            assert rows and {names[r] for r in rows} == {heading.removeprefix("รวม")}
            assert rows == sorted(
                rows,
                key=list(
                    District.objects.order_by("name_th").values_list("name_th", flat=True)
                ).index,
            )
            seen += rows
        assert len(seen) == 50


@pytest.mark.django_db
@pytest.mark.parametrize("sort", SORTS)
def test_query_count_does_not_grow_with_districts_or_indicators(
    personas: Personas, sort: str
) -> None:
    """Every order, grouping and subtotal is worked out from the same few queries."""
    client = personas.client(personas.evaluator)
    year = _year()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            params: dict[str, str | int] = {"year": year.year, "quarter": 1, "sort": sort}
            response = client.get(reverse("office_home"), params)
        assert response.status_code == 200
        return len(queries)

    # Two districts' worth of assignments, then sixty with five more indicators, scored.
    Assignment.objects.filter(indicator__fiscal_year=year).exclude(
        district__code__in=[HUAI_KHWANG, PHRA_NAKHON]
    ).delete()
    small = count()
    # Ten more district offices (in a zone group of their own) make more rows.
    extra_zone = ZoneGroup.objects.create(code="test", name_th="กลุ่มเขตทดสอบ", name_en="Test")
    District.objects.bulk_create(
        District(code=f"99{n:02}", name_th=f"ทดสอบ{n}", name_en=f"Test {n}", zone_group=extra_zone)
        for n in range(10)
    )
    for n in range(5):
        indicator = Indicator.objects.create(
            fiscal_year=year,
            code=f"8.{n}",
            name=f"ตัวชี้วัดเพิ่ม {n}",
            unit="ครั้ง",
            indicator_type="mission",
            level="output",
            kind="value",
        )
        assignments = Assignment.objects.bulk_create(
            Assignment(indicator=indicator, district=d, annual_target=1)
            for d in District.objects.all()
        )
        Report.objects.bulk_create(
            Report(
                assignment=a,
                quarter=1,
                status=Status.EVALUATED,
                score=Decimal(3),
                full_score=Decimal(5),
            )
            for a in assignments
        )
    assert count() == small
