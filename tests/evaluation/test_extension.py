"""Extending a district's deadline from the scoring page: the office is told it is
done, the page names the deadline now, and the report's history keeps it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators import services as indicator_services
from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
from kpi_portal.thaidate import thai_date
from reports.models import Report
from tests.helpers import visible_text
from tests.personas import Personas

EXTEND = {"deadline": "15/01/2570", "reason": "ระบบของเขตขัดข้อง"}


@pytest.fixture
def pn_q1(pn_budget: Assignment) -> Report:
    return Report.objects.get(assignment=pn_budget, quarter=1)


def evaluator_name(personas: Personas) -> str:
    return personas.evaluator.get_full_name() or personas.evaluator.username


@pytest.mark.django_db
class TestGranting:
    def test_the_office_is_told_whose_deadline_moved_to_when(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        response = personas.client(personas.evaluator).post(
            reverse("office_extend", args=[pn_q1.pk]), EXTEND, follow=True
        )
        text = visible_text(response)
        assert (
            "ขยายกำหนดส่งรายงานไตรมาสที่ 1 ปีงบประมาณ 2564 ของสำนักงานเขตพระนคร ถึง 15 มกราคม 2570 แล้ว"
        ) in text
        assert "กำหนดส่งไตรมาสที่ 1 ของเขตนี้: 15 มกราคม 2570" in text

    def test_a_refused_extension_says_no_success(self, personas: Personas, pn_q1: Report) -> None:
        response = personas.client(personas.evaluator).post(
            reverse("office_extend", args=[pn_q1.pk]),
            {"deadline": "01/01/2564", "reason": "ย้อนหลัง"},
        )
        assert response.status_code == 422
        text = visible_text(response)
        assert "วันที่ขยายต้องอยู่หลังกำหนดส่งเดิม" in text
        assert "ขยายกำหนดส่งรายงานไตรมาสที่" not in text
        assert not DeadlineExtension.objects.exists()


@pytest.mark.django_db
class TestScoringPageDeadline:
    def test_without_an_extension_the_quarters_own_deadline(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1)
        text = visible_text(
            personas.client(personas.evaluator).get(reverse("office_score", args=[pn_q1.pk]))
        )
        assert f"กำหนดส่งไตรมาสที่ 1 ของเขตนี้: {thai_date(period.deadline)}" in text
        assert "ตามกำหนดของไตรมาส ยังไม่ได้ขยาย" in text

    def test_with_one_the_new_deadline_reason_who_and_when(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1)
        client = personas.client(personas.evaluator)
        client.post(reverse("office_extend", args=[pn_q1.pk]), EXTEND)
        text = visible_text(client.get(reverse("office_score", args=[pn_q1.pk])))
        assert f"ขยายจากกำหนดเดิม {thai_date(period.deadline)} เมื่อ" in text
        assert f"โดย {evaluator_name(personas)}" in text
        assert "เหตุผล: ระบบของเขตขัดข้อง" in text


@pytest.mark.django_db
class TestHistory:
    def test_an_extension_enters_the_report_history_on_both_pages(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        office = personas.client(personas.evaluator)
        office.post(reverse("office_extend", args=[pn_q1.pk]), EXTEND)
        scoring = visible_text(office.get(reverse("office_score", args=[pn_q1.pk])))
        history = scoring.split("ประวัติ ดูทั้งหมด")[1]
        assert f"{evaluator_name(personas)} · ขยายกำหนดส่งถึง 15 มกราคม 2570" in history
        assert "เหตุผล : ระบบของเขตขัดข้อง" in history
        assert "กำหนดส่ง : 15 มกราคม 2564 → 15 มกราคม 2570" in history
        assert "อัตโนมัติ" not in history
        district = visible_text(
            personas.client(personas.officer_pn).get(
                reverse("report_history", args=[pn_q1.assignment_id, 1])
            )
        )
        assert "ขยายกำหนดส่งถึง 15 มกราคม 2570" in district

    def test_a_second_extension_shows_the_deadline_it_replaced(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        office = personas.client(personas.evaluator)
        office.post(reverse("office_extend", args=[pn_q1.pk]), EXTEND)
        office.post(
            reverse("office_extend", args=[pn_q1.pk]),
            {"deadline": "31/01/2570", "reason": "ขอเพิ่มอีก"},
        )
        text = visible_text(office.get(reverse("office_score", args=[pn_q1.pk])))
        assert "กำหนดส่ง : 15 มกราคม 2570 → 31 มกราคม 2570" in text

    def test_the_grace_of_a_late_return_is_marked_automatic(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        office = personas.client(personas.evaluator)
        office.post(reverse("office_return", args=[pn_q1.pk]), {"comment": "แนบหนังสือ"})
        until = timezone.localdate() + dt.timedelta(days=7)
        text = visible_text(office.get(reverse("office_score", args=[pn_q1.pk])))
        assert f"ขยายกำหนดส่งอัตโนมัติถึง {thai_date(until)}" in text
        assert "ขยายอัตโนมัติ 7 วัน เพราะ สยป. ส่งรายงานกลับให้แก้ไข" in text

    def test_another_districts_extension_is_not_in_this_history(
        self, personas: Personas, pn_q1: Report, hk_sheet: Assignment
    ) -> None:
        indicator_services.deadline_extend(
            district=hk_sheet.district,
            period=ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1),
            deadline=dt.date(2027, 1, 15),
            reason="เฉพาะห้วยขวาง",
            actor=personas.evaluator,
        )
        text = visible_text(
            personas.client(personas.evaluator).get(reverse("office_score", args=[pn_q1.pk]))
        )
        assert "เฉพาะห้วยขวาง" not in text
