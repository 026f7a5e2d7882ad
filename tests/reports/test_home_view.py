from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import District
from indicators.fiscal import current_fiscal_year, quarter_of
from indicators.models import Assignment, FiscalYear, Indicator, ReportingPeriod
from indicators.services import deadline_extend
from kpi_portal.thaidate import thai_date
from reports.models import Report, ReportTransition, Status
from reports.selectors import district_home
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas


def home_url(code: str, **params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("district_home", args=[code]) + (f"?{query}" if query else "")


@pytest.mark.django_db
class TestHomeRouting:
    def test_anonymous_visitor_is_sent_to_login(self, personas: Personas) -> None:
        response = personas.client(None).get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_officer_lands_on_own_district(self, personas: Personas) -> None:
        response = personas.client(personas.officer_hk).get(reverse("home"))
        assert response["Location"] == home_url(HUAI_KHWANG)

    def test_evaluator_lands_on_the_office_matrix(self, personas: Personas) -> None:
        response = personas.client(personas.evaluator).get(reverse("home"))
        assert response["Location"] == reverse("office_home")

    def test_login_with_wrong_password_says_so_in_thai(self, personas: Personas) -> None:
        response = personas.client(None).post(
            reverse("login"), {"username": "huaikhwang", "password": "wrong"}
        )
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in visible_text(response)
        assert 'value="huaikhwang"' in response.content.decode()

    def test_login_with_demo_password_reaches_district_home(self, personas: Personas) -> None:
        personas.officer_hk.set_password("kpi-demo-2564")
        personas.officer_hk.save()
        client = personas.client(None)
        response = client.post(
            reverse("login"),
            {"username": "huaikhwang", "password": "kpi-demo-2564"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == home_url(HUAI_KHWANG)
        assert "สำนักงานเขตห้วยขวาง" in visible_text(response)


@pytest.mark.django_db
class TestDistrictHome:
    def test_officer_of_another_district_gets_404(self, personas: Personas) -> None:
        assert personas.client(personas.officer_pn).get(home_url(HUAI_KHWANG)).status_code == 404

    def test_lists_fy2564_with_results_and_scores(self, personas: Personas) -> None:
        response = personas.client(personas.officer_hk).get(home_url(HUAI_KHWANG, year=2564))
        text = visible_text(response)
        assert "5.2 ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูลหรือการให้บริการ" in text
        assert "ฝ่ายปกครอง · 5009-0963" in text
        # Seed 001 shows Q4's 100 / 100 too, but its quarter was never published (its
        # sheet names Q3 as the latest assessment): the replaced system leaked it.
        assert "100 / 100 95 / 100 100 / 100 รอประกาศผล" in text

    def test_phra_nakhon_budget_shows_latest_result(self, personas: Personas) -> None:
        text = visible_text(
            personas.client(personas.officer_pn).get(home_url(PHRA_NAKHON, year=2564))
        )
        assert "7.4.1" in text and "76.17" in text
        assert "ส่งแล้ว" in text

    def test_returned_report_shows_reason(self, personas: Personas) -> None:
        assignment = Assignment.objects.get(
            district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
        )
        report = Report.objects.get(assignment=assignment, quarter=2)
        Report.objects.filter(pk=report.pk).update(status=Status.RETURNED)
        ReportTransition.objects.create(
            report=report,
            from_status=Status.SUBMITTED,
            to_status=Status.RETURNED,
            actor=personas.evaluator,
            at=dt.datetime(2021, 4, 20, tzinfo=dt.UTC),
            reason="กรุณาแนบหนังสือยืนยันยอดเบิกจ่าย",
        )
        text = visible_text(
            personas.client(personas.officer_pn).get(home_url(PHRA_NAKHON, year=2564))
        )
        assert "ส่งกลับให้แก้ไข กรุณาแนบหนังสือยืนยันยอดเบิกจ่าย" in text

    def test_filter_by_division(self, personas: Personas) -> None:
        client = personas.client(personas.officer_pn)
        division = District.objects.get(code=PHRA_NAKHON).divisions.get(name="ฝ่ายการคลัง")
        text = visible_text(client.get(home_url(PHRA_NAKHON, year=2564, division=division.pk)))
        assert "7.4.1" in text
        assert "5.2 ร้อยละความสำเร็จ" not in text

    def test_htmx_request_gets_only_the_table(self, personas: Personas) -> None:
        response = personas.client(personas.officer_hk).get(
            home_url(HUAI_KHWANG, year=2564), headers={"HX-Request": "true"}
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="assignments"')
        assert "<html" not in html

    def test_overdue_assignment_comes_first(self, personas: Personas) -> None:
        year = FiscalYear.objects.get(year=2564)
        ReportingPeriod.objects.filter(fiscal_year=year, quarter=4).update(
            deadline=dt.date(2099, 1, 1)
        )
        # Withdraw Phra Nakhon's Q1 budget report: its deadline (15 Jan 2564) is long past.
        Report.objects.filter(
            assignment__district__code=PHRA_NAKHON,
            assignment__indicator__code="7.4.1",
            assignment__indicator__fiscal_year=year,
            quarter=1,
        ).update(status=Status.DRAFT)
        text = visible_text(
            personas.client(personas.officer_pn).get(home_url(PHRA_NAKHON, year=2564))
        )
        assert text.index("7.4.1") < text.index("5.2 ร้อยละ")
        assert "เลยกำหนด" in text

    def test_query_count_does_not_grow_with_assignments(self, personas: Personas) -> None:
        client = personas.client(personas.officer_hk)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(home_url(HUAI_KHWANG, year=2564)).status_code == 200
            return len(queries)

        before = count()
        year = FiscalYear.objects.get(year=2564)
        district = District.objects.get(code=HUAI_KHWANG)
        for n in range(1, 11):
            indicator = Indicator.objects.create(
                fiscal_year=year,
                code=f"9.{n}",
                name=f"ตัวชี้วัดเพิ่ม {n}",
                unit="ครั้ง",
                indicator_type="mission",
                level="output",
                kind="value",
            )
            assignment = Assignment.objects.create(
                indicator=indicator, district=district, annual_target=Decimal(4)
            )
            Report.objects.create(assignment=assignment, quarter=1, result=Decimal(1))
        assert count() == before


@pytest.mark.django_db
class TestOpenQuarter:
    """The home names the quarters open for reporting and their deadlines."""

    @staticmethod
    def home(today: dt.date) -> list[tuple[int, dt.date, bool]]:
        page = district_home(
            District.objects.get(code=PHRA_NAKHON),
            FiscalYear.objects.get(year=2564),
            today=today,
        )
        return [(q.quarter, q.deadline, q.extended) for q in page.open_quarters]

    def test_in_the_middle_of_a_quarter_it_names_that_quarter(self, demo: None) -> None:
        assert self.home(dt.date(2021, 5, 1)) == [(3, dt.date(2021, 7, 15), False)]

    def test_early_in_a_quarter_the_one_due_first_comes_first(self, demo: None) -> None:
        # 10 January: quarter 1 is due on the 15th, quarter 2 has just opened.
        assert [q for q, _d, _e in self.home(dt.date(2021, 1, 10))] == [1, 2]

    def test_an_extension_moves_the_deadline_shown(self, personas: Personas) -> None:
        deadline_extend(
            district=District.objects.get(code=PHRA_NAKHON),
            period=ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=3),
            deadline=dt.date(2021, 7, 31),
            reason="น้ำท่วม",
            actor=personas.evaluator,
        )
        assert self.home(dt.date(2021, 7, 20)) == [
            (3, dt.date(2021, 7, 31), True),  # past its own deadline, open by the extension
            (4, dt.date(2021, 10, 15), False),
        ]

    def test_a_closed_year_has_no_open_quarter(self, demo: None) -> None:
        FiscalYear.objects.filter(year=2564).update(is_open=False)
        assert self.home(dt.date(2021, 5, 1)) == []

    def test_the_page_names_the_quarter_and_the_deadline(self, personas: Personas) -> None:
        today = timezone.localdate()
        text = visible_text(personas.client(personas.officer_pn).get(home_url(PHRA_NAKHON)))
        quarter = quarter_of(today)
        deadline = ReportingPeriod.objects.get(
            fiscal_year__year=current_fiscal_year(), quarter=quarter
        ).deadline
        assert f"ไตรมาสที่ {quarter} · ส่งภายใน {thai_date(deadline)}" in text
        past = visible_text(
            personas.client(personas.officer_pn).get(home_url(PHRA_NAKHON, year=2564))
        )
        assert "ขณะนี้ไม่มีไตรมาสที่เปิดรับรายงานในปีงบประมาณนี้" in past
