"""The scoring page of a report handed in again shows what changed since the office
last judged it, above the report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Assignment
from reports import services
from reports.models import LetterReference, RatioUpdate, Report, Status
from tests.helpers import an_hour_passes, visible_text
from tests.personas import Personas

TITLE_RETURNED = "สิ่งที่เปลี่ยนแปลงตั้งแต่ส่งกลับให้แก้ไข"


@pytest.fixture
def pn_q1(pn_budget: Assignment) -> Report:
    return Report.objects.get(assignment=pn_budget, quarter=1)


def returned_by_the_office(personas: Personas, report: Report) -> Report:
    response = personas.client(personas.evaluator).post(
        reverse("office_return", args=[report.pk]), {"comment": "กรุณาแนบหนังสือยืนยันยอด"}
    )
    assert response.status_code == 302
    an_hour_passes(report)
    report.refresh_from_db()
    return report


def handed_in_by_the_district(personas: Personas, report: Report) -> None:
    report.refresh_from_db()
    services.report_transition(report=report, to_status=Status.SUBMITTED, actor=personas.officer_pn)


def scoring_page(personas: Personas, report: Report) -> str:
    response = personas.client(personas.evaluator).get(reverse("office_score", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
class TestChangesOnTheScoringPage:
    def test_a_report_never_sent_back_shows_no_such_section(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        assert TITLE_RETURNED not in scoring_page(personas, pn_q1)

    def test_the_districts_corrections_are_shown_above_the_report(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        report = returned_by_the_office(personas, pn_q1)
        officer = personas.officer_pn
        services.report_update(
            report=report,
            actor=officer,
            expected_version=None,
            narrative=report.narrative + " แนบหนังสือยืนยันยอดแล้ว",
        )
        services.ratio_update_add(
            report=report,
            actor=officer,
            as_of=dt.date(2020, 12, 31),
            numerator=Decimal("20000000"),
            denominator=Decimal("126392040.00"),
        )
        services.letter_add(
            report=report,
            actor=officer,
            number="กท 4810/77",
            dated=dt.date(2021, 1, 5),
            title="ยืนยันยอดเบิกจ่าย",
        )
        handed_in_by_the_district(personas, report)
        html = scoring_page(personas, report)
        text = visible_text(html)
        assert html.index(TITLE_RETURNED) < html.index("สิ่งที่สำนักงานเขตรายงาน")
        assert "ส่งกลับให้แก้ไขเมื่อ" in text and "“กรุณาแนบหนังสือยืนยันยอด”" in text
        assert "ผลงาน" in text.split(TITLE_RETURNED)[1].split("สิ่งที่สำนักงานเขตรายงาน")[0]
        assert "เพิ่ม ข้อมูล ณ วันที่ 31 ธันวาคม 2563" in text
        assert "เพิ่ม หนังสือ กท 4810/77 ลงวันที่ 5 มกราคม 2564 เรื่อง ยืนยันยอดเบิกจ่าย" in text
        assert '<span class="visually-hidden">[เพิ่ม: </span> แนบหนังสือยืนยันยอดแล้ว' in html
        assert "<ins>" in html
        assert "ไม่มีการเปลี่ยนแปลง" not in text

    def test_handed_in_unchanged_says_so(self, personas: Personas, pn_q1: Report) -> None:
        report = returned_by_the_office(personas, pn_q1)
        handed_in_by_the_district(personas, report)
        text = visible_text(scoring_page(personas, report))
        assert TITLE_RETURNED in text
        assert "ไม่มีการเปลี่ยนแปลง" in text

    def test_after_a_reopening_it_counts_from_the_evaluation(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        report = Report.objects.get(assignment=hk_sheet, quarter=2)
        services.report_transition(
            report=report, to_status=Status.REOPENED, actor=personas.evaluator, reason="ทบทวน"
        )
        an_hour_passes(report)
        Report.objects.filter(pk=report.pk).update(narrative="เขียนใหม่ทั้งหมด")
        services.report_transition(report=report, to_status=Status.SUBMITTED, actor=None)
        text = visible_text(scoring_page(personas, report))
        assert "สิ่งที่เปลี่ยนแปลงตั้งแต่การประเมินครั้งล่าสุด" in text
        assert "ประเมินครั้งล่าสุดเมื่อ" in text

    def test_the_page_costs_the_same_however_much_changed(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        report = returned_by_the_office(personas, pn_q1)
        handed_in_by_the_district(personas, report)
        client = personas.client(personas.evaluator)
        url = reverse("office_score", args=[report.pk])

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        before = count()
        for n in range(8):
            RatioUpdate.objects.create(
                report=report, as_of=dt.date(2020, 12, 1 + n), numerator=n, denominator=10
            )
            LetterReference.objects.create(
                report=report, number=f"กท {n}", dated=dt.date(2021, 1, 5), title="ก"
            )
        assert count() == before
