"""ผลการดำเนินงานปีก่อน ๆ: the sheet's earlier years and the district home's brief —
what a reader sees, the office's score only once published, and a fixed number of
queries however many years and assignments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District
from indicators.models import Assignment, Indicator
from tests.helpers import visible_text
from tests.lineage import chain, earlier_assignment, two_earlier_years
from tests.personas import HUAI_KHWANG, SEED_YEAR, Personas

pytestmark = pytest.mark.django_db

HEADING = "ผลการดำเนินงานปีก่อน ๆ"


def sheet_url(assignment: Assignment) -> str:
    return reverse("assignment_sheet", args=[assignment.pk])


def home_url(year: int = SEED_YEAR) -> str:
    return reverse("district_home", args=[HUAI_KHWANG]) + f"?year={year}"


@pytest.fixture
def two_years(hk_sheet: Assignment) -> tuple[Assignment, Assignment]:
    """5.2 of Huai Khwang in 2563 (published, scored 88 in Q4) and 2562 (scored 70
    in Q2, its quarters not yet published)."""
    return two_earlier_years(hk_sheet)


class TestSheet:
    def test_each_earlier_year_is_a_row_with_its_figures(
        self, personas: Personas, hk_sheet: Assignment, two_years: tuple[Assignment, Assignment]
    ) -> None:
        last_year, before = two_years
        text = visible_text(personas.client(personas.officer_hk).get(sheet_url(hk_sheet)))
        section = text[text.index(HEADING) :]
        assert f"2563 {last_year.code} 90.00 20.00 45.00 70.00 91.50 88 / 100 ไตรมาสที่ 4" in section
        # Unpublished: the district reads "รอประกาศผล", never the 70.
        assert f"2562 {before.code} 80.00 15.00 33.00 – – รอประกาศผล" in section
        assert "70 / 100" not in text
        # The latest year first.
        assert section.index("2563") < section.index("2562")

    def test_the_office_reads_the_same_published_scores(
        self, personas: Personas, hk_sheet: Assignment, two_years: tuple[Assignment, Assignment]
    ) -> None:
        text = visible_text(personas.client(personas.evaluator).get(sheet_url(hk_sheet)))
        assert "88 / 100" in text and "70 / 100" not in text

    def test_each_year_links_to_its_own_sheet(
        self, personas: Personas, hk_sheet: Assignment, two_years: tuple[Assignment, Assignment]
    ) -> None:
        client = personas.client(personas.officer_hk)
        page = client.get(sheet_url(hk_sheet)).content.decode()
        for earlier in two_years:
            assert f'href="{sheet_url(earlier)}"' in page
        opened = visible_text(client.get(sheet_url(two_years[0])))
        assert "ปีงบประมาณ 2563" in opened
        # 2563's own sheet has 2562 as its earlier year.
        assert f"2562 {two_years[1].code}" in opened[opened.index(HEADING) :]

    def test_a_changed_code_and_name_are_shown(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        renamed = earlier_assignment(
            hk_sheet,
            SEED_YEAR - 1,
            code="4.9",
            name="ร้อยละของฐานข้อมูลที่ปรับปรุง",
            previous_of=hk_sheet,
            results=(Decimal(50),),
        )
        text = visible_text(personas.client(personas.officer_hk).get(sheet_url(hk_sheet)))
        assert f"2563 {renamed.code} 4.9 ร้อยละของฐานข้อมูลที่ปรับปรุง 100.00 50.00 – – – –" in text

    def test_the_trend_chart_spans_the_years(
        self, personas: Personas, hk_sheet: Assignment, two_years: tuple[Assignment, Assignment]
    ) -> None:
        page = personas.client(personas.officer_hk).get(sheet_url(hk_sheet)).content.decode()
        assert 'role="img"' in page
        assert "ผลงานเทียบกับเป้าหมาย ปีงบประมาณ 2562–2564" in page
        # Every quarter of the three years is a point; the 2562 Q3 gap is no point.
        text = visible_text(page)
        table = text[text.index("ตัวเลขในแผนภูมิ") :]
        assert "1/62 15 20" in table and "3/62 – 20" in table
        assert "4/63 91.5 22.5" in table

    def test_no_section_without_an_earlier_year(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        text = visible_text(personas.client(personas.officer_hk).get(sheet_url(hk_sheet)))
        assert HEADING not in text

    def test_queries_do_not_grow_with_years(self, personas: Personas, hk_sheet: Assignment) -> None:
        client = personas.client(personas.officer_hk)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(sheet_url(hk_sheet))
                assert response.status_code == 200
            return len(queries)

        made = chain(hk_sheet, 2)
        two = count()
        for back in range(3, 11):
            earlier_assignment(hk_sheet, SEED_YEAR - back, results=(Decimal(back),), score=None)
        ten = count()
        assert ten == two
        text = visible_text(client.get(sheet_url(hk_sheet)))
        section = text[text.index(HEADING) : text.index("ตัวเลขในแผนภูมิ")]
        assert [back for back in range(1, 11) if f" {SEED_YEAR - back} " in section] == list(
            range(1, 11)
        )
        assert made[0].code in section


class TestDistrictHome:
    def test_each_row_shows_its_last_years_in_brief(
        self, personas: Personas, hk_sheet: Assignment, two_years: tuple[Assignment, Assignment]
    ) -> None:
        response = personas.client(personas.officer_hk).get(home_url())
        text = visible_text(response)
        assert "ผลงาน / เป้าหมาย ปีก่อน ๆ ปี 2563: 91.50 / 90.00 ปี 2562: 33.00 / 80.00" in text
        assert f'href="{sheet_url(hk_sheet)}#earlier-years"' in response.content.decode()

    def test_only_the_last_three_years(self, personas: Personas, hk_sheet: Assignment) -> None:
        chain(hk_sheet, 5)
        text = visible_text(personas.client(personas.officer_hk).get(home_url()))
        assert "ปี 2561:" in text and "ปี 2560:" not in text

    def test_no_brief_without_an_earlier_year(self, personas: Personas) -> None:
        text = visible_text(personas.client(personas.officer_hk).get(home_url()))
        assert "ปีก่อน ๆ" not in text

    def test_queries_do_not_grow_with_assignments_or_years(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        client = personas.client(personas.officer_hk)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(home_url()).status_code == 200
            return len(queries)

        chain(hk_sheet, 1)
        one = count()
        district = District.objects.get(code=HUAI_KHWANG)
        for n in range(1, 9):
            indicator = Indicator.objects.create(
                fiscal_year=hk_sheet.indicator.fiscal_year,
                code=f"9.{n}",
                name=f"ตัวชี้วัดเพิ่ม {n}",
                unit="ครั้ง",
                indicator_type="mission",
                level="output",
                kind="value",
            )
            added = Assignment.objects.create(
                indicator=indicator, district=district, annual_target=Decimal(4)
            )
            chain(added, 3)
        for back in range(2, 4):
            earlier_assignment(hk_sheet, SEED_YEAR - back, results=(Decimal(1),))
        assert count() == one
        text = visible_text(client.get(home_url()))
        assert text.count("ผลงาน / เป้าหมาย ปีก่อน ๆ") == 9
