"""The office matrix's table is kept in the cache under its quarter's version, and
every change it shows replaces it at once: the evaluator reloading on deadline day
sees the new value on the very next request (issue #18, item 3)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import District, ZoneGroup
from evaluation.cache import matrix_version
from indicators.models import Assignment, FiscalYear, Indicator, ReportingPeriod
from reports import services
from reports.models import Explanation, Report, Status
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas

YEAR = 2564
# The query that reads the quarter's 5,000 cells (FilteredRelation's alias).
CELLS_QUERY = "quarter_report"


def page(client: Client, quarter: int, year: int = YEAR) -> str:
    response = client.get(reverse("office_home"), {"year": year, "quarter": quarter})
    assert response.status_code == 200
    return response.content.decode()


def cell(html: str, report: Report) -> str:
    """The visible text of the report's cell."""
    found = re.search(
        rf'<td class="([^"]*)"><a href="/office/reports/{report.pk}/">(.*?)</a></td>', html
    )
    assert found, f"no cell for report {report.pk}"
    return f"[{found[1]}] {visible_text(found[2])}"


def row(html: str, district: District) -> str:
    """The district's row of the matrix, as HTML."""
    start = html.index(f">{district.name_th}</a></th>")
    return html[start : html.index("</tr>", start)]


def table(html: str) -> str:
    start = html.index('<div class="table-wrap matrix-wrap"')
    return html[start : html.index("</table>", start)]


def fiscal_year() -> FiscalYear:
    return FiscalYear.objects.get(year=YEAR)


def version(quarter: int) -> str:
    return matrix_version(fiscal_year().pk, quarter, timezone.localdate())


@pytest.fixture
def office(personas: Personas) -> Client:
    return personas.client(personas.evaluator)


@pytest.fixture
def pn_q1(pn_budget: Assignment) -> Report:
    """Phra Nakhon's Q1 report: handed in, the office's to score or return."""
    Report.objects.filter(assignment=pn_budget, quarter=1).update(
        status=Status.SUBMITTED, score=None, evaluated_at=None, evaluated_by=None
    )
    return Report.objects.get(assignment=pn_budget, quarter=1)


@pytest.mark.django_db
class TestServedFromTheCache:
    def test_the_second_request_does_not_read_the_cells_again(
        self, office: Client, pn_q1: Report
    ) -> None:
        with CaptureQueriesContext(connection) as first:
            cold = page(office, 1)
        with CaptureQueriesContext(connection) as second:
            warm = page(office, 1)
        assert any(CELLS_QUERY in q["sql"] for q in first.captured_queries)
        assert not any(CELLS_QUERY in q["sql"] for q in second.captured_queries)
        assert len(second) < len(first)
        assert table(warm) == table(cold)

    def test_a_narrative_saved_keeps_the_quarters_version(
        self, office: Client, pn_q1: Report
    ) -> None:
        before = version(1)
        Report.objects.filter(pk=pn_q1.pk).update(narrative="แก้คำบรรยายเท่านั้น", version=99)
        assert version(1) == before

    def test_a_change_in_one_quarter_keeps_the_others(self, office: Client, pn_q1: Report) -> None:
        q2 = version(2)
        Report.objects.filter(pk=pn_q1.pk).update(result=Decimal("1.23"))
        assert version(2) == q2
        assert version(1) != q2

    def test_the_table_is_kept_per_language(self, office: Client, pn_q1: Report) -> None:
        assert "ส่งแล้ว" in cell(page(office, 1), pn_q1)
        office.cookies["django_language"] = "en"
        assert "Submitted" in cell(page(office, 1), pn_q1)


@pytest.mark.django_db
class TestEveryChangeShowsAtOnce:
    """Each test fills the cache, changes one thing the table shows, and reads it again."""

    def test_a_report_saved_by_the_district(
        self, personas: Personas, office: Client, pn_q1: Report
    ) -> None:
        response = office.post(reverse("office_return", args=[pn_q1.pk]), {"comment": "แก้ยอด"})
        assert response.status_code == 302
        assert "ส่งกลับให้แก้ไข" in cell(page(office, 1), pn_q1)
        pn_q1.refresh_from_db()
        services.ratio_update_add(
            report=pn_q1,
            actor=personas.officer_pn,
            as_of=dt.date(2020, 12, 31),
            numerator=Decimal("1"),
            denominator=Decimal("8"),
        )
        assert "12.50" in cell(page(office, 1), pn_q1)

    def test_a_report_handed_in(self, personas: Personas, office: Client, pn_q1: Report) -> None:
        office.post(reverse("office_return", args=[pn_q1.pk]), {"comment": "แก้ยอด"})
        assert "ส่งกลับให้แก้ไข" in cell(page(office, 1), pn_q1)
        pn_q1.refresh_from_db()
        services.report_transition(
            report=pn_q1, to_status=Status.SUBMITTED, actor=personas.officer_pn
        )
        assert "ส่งแล้ว" in cell(page(office, 1), pn_q1)

    def test_a_report_scored(self, office: Client, pn_q1: Report) -> None:
        assert "ส่งแล้ว" in cell(page(office, 1), pn_q1)
        response = office.post(
            reverse("office_score", args=[pn_q1.pk]),
            {"score": "3", "reason": "ยอดเบิกจ่ายต่ำกว่าแผน"},
        )
        assert response.status_code == 302, response.content.decode()
        shown = cell(page(office, 1), pn_q1)
        assert "ประเมินแล้ว" in shown and "3/100" in shown

    def test_a_report_returned(self, office: Client, pn_q1: Report) -> None:
        assert "ส่งแล้ว" in cell(page(office, 1), pn_q1)
        office.post(reverse("office_return", args=[pn_q1.pk]), {"comment": "แก้ยอด"})
        assert "ส่งกลับให้แก้ไข" in cell(page(office, 1), pn_q1)

    def test_an_explanation_handed_in(self, office: Client, pn_q1: Report) -> None:
        assert "มีคำชี้แจง" not in cell(page(office, 1), pn_q1)
        Explanation.objects.create(report=pn_q1, rule="jump", text="งบกลางปีเข้ามาในไตรมาสนี้")
        assert "มีคำชี้แจง" in cell(page(office, 1), pn_q1)

    def test_an_extension(self, office: Client, pn_q1: Report) -> None:
        Report.objects.filter(pk=pn_q1.pk).update(status=Status.DRAFT, submitted_at=None)
        # Not handed in and its deadline long past: late.
        assert "ล่าช้า" in cell(page(office, 1), pn_q1)
        response = office.post(
            reverse("office_extend", args=[pn_q1.pk]),
            {"deadline": "01/01/2600", "reason": "ระบบของเขตขัดข้อง"},
        )
        assert response.status_code == 302, response.content.decode()
        assert "ล่าช้า" not in cell(page(office, 1), pn_q1)

    def test_the_quarters_deadline_moved(self, office: Client, pn_q1: Report) -> None:
        pn_budget = pn_q1.assignment
        Report.objects.filter(pk=pn_q1.pk).update(status=Status.DRAFT, submitted_at=None)
        assert "ล่าช้า" in cell(page(office, 1), pn_q1)
        period = ReportingPeriod.objects.get(fiscal_year=pn_budget.indicator.fiscal_year, quarter=1)
        period.deadline = dt.date(2100, 1, 1)
        period.save()
        assert "ล่าช้า" not in cell(page(office, 1), pn_q1)

    def test_the_next_day(
        self, office: Client, pn_q1: Report, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Lateness turns on at midnight, with no write at all."""
        pn_budget = pn_q1.assignment
        Report.objects.filter(pk=pn_q1.pk).update(status=Status.DRAFT, submitted_at=None)
        period = ReportingPeriod.objects.get(fiscal_year=pn_budget.indicator.fiscal_year, quarter=1)
        period.deadline = timezone.localdate()
        period.save()
        assert "ล่าช้า" not in cell(page(office, 1), pn_q1)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
        assert "ล่าช้า" in cell(page(office, 1), pn_q1)

    def test_an_assignment_withdrawn(self, office: Client, pn_q1: Report) -> None:
        # The demo's other year: two indicators assigned to every district, no report.
        other_year = FiscalYear.objects.exclude(year=YEAR).get()
        withdrawn = Assignment.objects.filter(indicator__fiscal_year=other_year).first()
        assert withdrawn is not None
        before = page(office, 1, other_year.year)
        assert 'class="cell cell-none"' not in row(before, withdrawn.district)
        withdrawn.delete()
        after = page(office, 1, other_year.year)
        assert 'class="cell cell-none"' in row(after, withdrawn.district)

    def test_an_indicator_renamed(self, office: Client, hk_sheet: Assignment) -> None:
        page(office, 1)
        Indicator.objects.filter(pk=hk_sheet.indicator_id).update(name="ชื่อใหม่ของตัวชี้วัด")
        assert 'title="ชื่อใหม่ของตัวชี้วัด"' in page(office, 1)

    def test_a_district_renamed(self, office: Client, pn_q1: Report) -> None:
        district = District.objects.get(code=PHRA_NAKHON)
        page(office, 1)
        district.name_th = "เขตพระนครใหม่"
        district.save()
        assert ">เขตพระนครใหม่</a></th>" in page(office, 1)

    def test_a_zone_group_renamed(self, office: Client, pn_q1: Report) -> None:
        group = District.objects.get(code=HUAI_KHWANG).zone_group
        page(office, 1)
        ZoneGroup.objects.filter(pk=group.pk).update(name_th="กลุ่มใหม่")
        assert "รวมกลุ่มใหม่" in visible_text(page(office, 1))


@pytest.mark.django_db
def test_the_indicator_filter_keeps_its_choice_from_the_cache(
    office: Client, hk_sheet: Assignment
) -> None:
    """The filter's choices are kept beside the table: the chosen one stays chosen."""
    indicator = hk_sheet.indicator
    for _ in range(2):  # built, then from the cache
        response = office.get(
            reverse("office_home"), {"year": YEAR, "quarter": 1, "indicator": indicator.pk}
        )
        html = response.content.decode()
        menu = html[html.index('<select name="indicator">') :]
        menu = menu[: menu.index("</select>")]
        assert re.findall(r'<option value="(\d+)" selected>', menu) == [str(indicator.pk)]
        assert f"{indicator.code} {indicator.name[:39]}" in html
