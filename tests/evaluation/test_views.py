"""The evaluation office's pages and actions, by persona."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District
from evaluation import services as evaluation_services
from indicators.models import Assignment, DeadlineExtension, FiscalYear, Indicator
from reports import services
from reports.models import Report, Status
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas


@pytest.fixture
def hk_q2(hk_sheet: Assignment) -> Report:
    """Huai Khwang's Q2 report of seed 001, put back to submitted so it can be scored."""
    Report.objects.filter(assignment=hk_sheet, quarter=2).update(
        status=Status.SUBMITTED, score=None, evaluated_at=None, evaluated_by=None
    )
    return Report.objects.get(assignment=hk_sheet, quarter=2)


@pytest.fixture
def pn_q1(pn_budget: Assignment) -> Report:
    return Report.objects.get(assignment=pn_budget, quarter=1)


def office_urls(report: Report) -> dict[str, tuple[str, str, dict[str, str]]]:
    return {
        "home": ("get", reverse("office_home"), {}),
        "queue": ("get", reverse("office_queue"), {}),
        "summary": ("get", reverse("office_summary"), {}),
        "score_page": ("get", reverse("office_score", args=[report.pk]), {}),
        "score": ("post", reverse("office_score", args=[report.pk]), {"score": "95"}),
        "return": ("post", reverse("office_return", args=[report.pk]), {"comment": "แก้"}),
        "reopen": ("post", reverse("office_reopen", args=[report.pk]), {"reason": "เปิด"}),
        "extend": (
            "post",
            reverse("office_extend", args=[report.pk]),
            {"deadline": "01/01/2600", "reason": "ขยาย"},
        ),
    }


@pytest.mark.django_db
class TestOfficeAccess:
    @pytest.mark.parametrize("who", ["officer_hk", "officer_pn", "head_hk"])
    def test_district_staff_cannot_score_return_reopen_or_extend(
        self, personas: Personas, hk_q2: Report, who: str
    ) -> None:
        client = personas.client(getattr(personas, who))
        for name, (method, url, data) in office_urls(hk_q2).items():
            assert getattr(client, method)(url, data).status_code == 403, name
        hk_q2.refresh_from_db()
        assert (hk_q2.status, hk_q2.score) == (Status.SUBMITTED, None)
        assert not DeadlineExtension.objects.exists()

    def test_anonymous_is_sent_to_login(self, personas: Personas, hk_q2: Report) -> None:
        for name, (method, url, data) in office_urls(hk_q2).items():
            response = getattr(personas.client(None), method)(url, data)
            assert response.status_code == 302, name

    def test_evaluator_cannot_edit_district_figures(
        self, personas: Personas, hk_q2: Report
    ) -> None:
        client = personas.client(personas.evaluator)
        url = reverse("report_page", args=[hk_q2.assignment_id, 2])
        assert client.post(url, {"narrative": "แก้โดย สยป.", "version": "1"}).status_code == 403
        hk_q2.refresh_from_db()
        assert hk_q2.narrative.startswith("ในไตรมาสที่ 2")


@pytest.mark.django_db
class TestMatrix:
    def test_all_fifty_districts_in_thai_dictionary_order(self, personas: Personas) -> None:
        year = FiscalYear.objects.exclude(year=2564).get()
        response = personas.client(personas.evaluator).get(
            reverse("office_home"), {"year": year.year, "quarter": 1}
        )
        shown = re.findall(
            r'<th scope="row" class="sticky-col"><a[^>]*>([^<]+)</a>', response.content.decode()
        )
        assert shown == list(District.objects.order_by("name_th").values_list("name_th", flat=True))
        assert len(shown) == 50
        assert "0/2" in visible_text(response)  # nothing submitted yet, two indicators each

    def test_cells_show_status_result_and_score(self, personas: Personas) -> None:
        text = visible_text(
            personas.client(personas.evaluator).get(
                reverse("office_home"), {"year": 2564, "quarter": 2}
            )
        )
        assert "ประเมินแล้ว 100.00 95/100" in text  # Huai Khwang 5.2 Q2
        assert "ส่งแล้ว 28.47" in text  # Phra Nakhon 7.4.1 Q2

    def test_filters_by_zone_and_status(self, personas: Personas) -> None:
        query: dict[str, int | str] = {
            "year": 2564,
            "quarter": 2,
            "zone": "central",
            "status": "evaluated",
        }
        text = visible_text(personas.client(personas.evaluator).get(reverse("office_home"), query))
        assert "ห้วยขวาง" in text
        assert "พระนคร" not in text.replace("สำนักงานเขตพระนคร", "")

    def test_cells_are_late_after_the_deadline_unless_extended(self, personas: Personas) -> None:
        import datetime as dt

        from evaluation.selectors import office_matrix
        from indicators.models import ReportingPeriod

        year = FiscalYear.objects.exclude(year=2564).get()
        period = ReportingPeriod.objects.get(fiscal_year=year, quarter=1)
        day_after = period.deadline + dt.timedelta(days=1)
        DeadlineExtension.objects.create(
            district=District.objects.get(code=HUAI_KHWANG),
            period=period,
            deadline=period.deadline + dt.timedelta(days=7),
            reason="น้ำท่วม",
            granted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            granted_by=personas.evaluator,
        )

        def late_by_district(today: dt.date) -> dict[str, set[bool]]:
            matrix = office_matrix(year, 1, today=today)
            return {
                row.district.code: {cell.late for cell in row.cells if cell is not None}
                for row in matrix.rows
            }

        assert late_by_district(period.deadline)[PHRA_NAKHON] == {False}  # not yet
        after = late_by_district(day_after)
        assert after[PHRA_NAKHON] == {True}  # nothing sent, deadline passed
        assert after[HUAI_KHWANG] == {False}  # its extension runs a week longer

    def test_query_count_does_not_grow_with_indicators(self, personas: Personas) -> None:
        client = personas.client(personas.evaluator)
        year = FiscalYear.objects.exclude(year=2564).get()

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                client.get(reverse("office_home"), {"year": year.year, "quarter": 1})
            return len(queries)

        before = count()
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
            Assignment.objects.bulk_create(
                Assignment(indicator=indicator, district=d, annual_target=1)
                for d in District.objects.all()
            )
        assert count() == before


@pytest.mark.django_db
class TestScoring:
    def test_suggested_score_and_reason_for_a_different_score(
        self, personas: Personas, hk_q2: Report
    ) -> None:
        client = personas.client(personas.evaluator)
        url = reverse("office_score", args=[hk_q2.pk])
        page = visible_text(client.get(url))
        assert "คะแนนที่ระบบเสนอ: 100 / 100" in page
        refused = client.post(url, {"score": "95"})
        assert refused.status_code == 422
        assert "กรุณาระบุเหตุผล" in visible_text(refused)
        hk_q2.refresh_from_db()
        assert hk_q2.status == Status.SUBMITTED

        client.post(url, {"score": "95", "reason": "ส่งพจนานุกรมข้อมูลไม่ครบ"})
        hk_q2.refresh_from_db()
        assert (hk_q2.status, hk_q2.score, hk_q2.full_score) == (
            Status.EVALUATED,
            Decimal(95),
            Decimal(100),
        )
        assert hk_q2.evaluated_by == personas.evaluator
        assert hk_q2.score_reason == "ส่งพจนานุกรมข้อมูลไม่ครบ"
        sheet = visible_text(client.get(reverse("assignment_sheet", args=[hk_q2.assignment_id])))
        assert "95 / 100" in sheet

    @pytest.mark.parametrize("score", ["101", "-1", "abc"])
    def test_out_of_range_scores_are_refused(
        self, personas: Personas, hk_q2: Report, score: str
    ) -> None:
        response = personas.client(personas.evaluator).post(
            reverse("office_score", args=[hk_q2.pk]), {"score": score, "reason": "x"}
        )
        assert response.status_code == 422
        hk_q2.refresh_from_db()
        assert hk_q2.score is None

    def test_return_needs_a_comment_and_records_the_transition(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        client = personas.client(personas.evaluator)
        url = reverse("office_return", args=[pn_q1.pk])
        assert client.post(url, {"comment": ""}).status_code == 422
        client.post(url, {"comment": "กรุณาแนบหนังสือยืนยันยอด"})
        pn_q1.refresh_from_db()
        assert pn_q1.status == Status.RETURNED
        last = pn_q1.transitions.order_by("-at", "-id").first()
        assert last is not None
        assert (last.from_status, last.to_status, last.actor, last.reason) == (
            Status.SUBMITTED,
            Status.RETURNED,
            personas.evaluator,
            "กรุณาแนบหนังสือยืนยันยอด",
        )

    def test_reopen_an_evaluated_report(self, personas: Personas, hk_sheet: Assignment) -> None:
        report = Report.objects.get(assignment=hk_sheet, quarter=1)
        personas.client(personas.evaluator).post(
            reverse("office_reopen", args=[report.pk]), {"reason": "ตรวจพบข้อมูลไม่ตรง"}
        )
        report.refresh_from_db()
        assert report.status == Status.REOPENED

    def test_cannot_score_a_draft(self, personas: Personas, pn_q1: Report) -> None:
        Report.objects.filter(pk=pn_q1.pk).update(status=Status.DRAFT)
        with pytest.raises(services.ReportError):
            evaluation_services.report_score(
                report=pn_q1, actor=personas.evaluator, score=Decimal(50)
            )

    def test_extension_by_form(self, personas: Personas, pn_q1: Report) -> None:
        response = personas.client(personas.evaluator).post(
            reverse("office_extend", args=[pn_q1.pk]),
            {"deadline": "15/01/2570", "reason": "ระบบของเขตขัดข้อง"},
        )
        assert response.status_code == 302
        extension = DeadlineExtension.objects.get()
        assert (extension.district.code, extension.period.quarter) == (PHRA_NAKHON, 1)
        assert extension.granted_by == personas.evaluator


@pytest.mark.django_db
class TestHistoryAndSummary:
    def test_history_shows_old_and_new_values_with_who(
        self, personas: Personas, hk_q2: Report
    ) -> None:
        client = personas.client(personas.evaluator)
        client.post(reverse("office_score", args=[hk_q2.pk]), {"score": "95", "reason": "ส่งไม่ครบ"})
        text = visible_text(client.get(reverse("report_history", args=[hk_q2.assignment_id, 2])))
        assert "วิภา ประเมินดี" in text
        assert "คะแนน : – → 95.00" in text
        assert "สถานะ : ส่งแล้ว → ประเมินแล้ว" in text
        officer = visible_text(
            personas.client(personas.officer_hk).get(
                reverse("report_history", args=[hk_q2.assignment_id, 2])
            )
        )
        assert "ประวัติรายงาน" in officer
        assert (
            personas.client(personas.officer_pn)
            .get(reverse("report_history", args=[hk_q2.assignment_id, 2]))
            .status_code
            == 404
        )

    def test_summary_ranks_and_averages(self, personas: Personas, hk_sheet: Assignment) -> None:
        text = visible_text(
            personas.client(personas.evaluator).get(
                reverse("office_summary"),
                {"year": 2564, "quarter": 2, "indicator": hk_sheet.indicator_id},
            )
        )
        assert "1 ห้วยขวาง 100.00 95/100 ประเมินแล้ว" in text  # the status in Thai
        assert "evaluated" not in text
        assert "กลุ่มเขตกรุงเทพกลาง 95.00 1" in text


@pytest.mark.django_db
def test_queue_pages_by_a_hundred_oldest_first(personas: Personas) -> None:
    from tests.kpi_portal.test_query_counts import grow

    grow(FiscalYear.objects.get(year=2564))  # 2,000 more submitted reports
    client = personas.client(personas.evaluator)
    first = client.get(reverse("office_queue")).content.decode()
    assert first.count('<a href="/office/reports/') == 100
    assert "หน้า 1 จาก" in visible_text(first)
    waiting = Report.objects.filter(status=Status.SUBMITTED).count()
    assert f"{waiting} รายงาน" in visible_text(first)
    last_page = (waiting + 99) // 100
    last = client.get(reverse("office_queue"), {"page": last_page}).content.decode()
    assert last.count('<a href="/office/reports/') == waiting - 100 * (last_page - 1)
