"""The district's self-assessment (คะแนนประเมินตนเอง): typed at submission, prefilled
by the indicator's rule, checked in the form and the service, stored with the hand-in,
adjusted by the head when certifying, and shown wherever the report is read."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from evaluation import services as evaluation_services
from indicators.fiscal import current_fiscal_year, quarter_of
from indicators.models import Assignment, FiscalYear, ScoringRule
from printing import pdf
from reports import services
from reports.models import Report, Status
from reports.scoring import signed_score, suggested_score
from reports.selectors import assignment_sheet
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, Personas
from tests.reports.conftest import fill_budget_q1

pytestmark = pytest.mark.django_db


def ready(open_budget: Assignment, actor: object, narrative: str = "เบิกจ่ายตามแผน") -> Report:
    """Phra Nakhon's Q1 budget report, complete and ready to submit."""
    report = services.report_start(assignment=open_budget, quarter=1, actor=actor)
    return fill_budget_q1(report, actor, narrative)


def row(report: Report) -> tuple[object, ...]:
    report = Report.objects.get(pk=report.pk)
    return (report.status, report.version, report.narrative, report.self_score)


def self_score_input(html: str) -> str:
    """The self-assessment field's tag as the page drew it."""
    found = re.search(r'<input[^>]*id="id_self_score"[^>]*>', html)
    assert found, "no self-assessment field on the page"
    return found.group(0)


def report_events(report: Report) -> list[tuple[str, Decimal | None]]:
    """(status, self_score) of every history row of the report, oldest first."""
    event = apps.get_model("reports", "ReportEvent")
    return list(
        event.objects.filter(pgh_obj_id=report.pk)
        .order_by("pgh_id")
        .values_list("status", "self_score")
    )


class TestSubmitService:
    def test_the_self_score_is_stored_in_the_same_change_as_the_hand_in(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        services.report_submit(
            report=report,
            actor=personas.officer_pn,
            expected_version=report.version,
            self_score=Decimal("85.5"),
        )
        report.refresh_from_db()
        assert (report.status, report.self_score) == (Status.SUBMITTED, Decimal("85.5"))
        # One history row carries both: no moment where it is submitted without it.
        assert report_events(report)[-1] == (Status.SUBMITTED, Decimal("85.5"))
        assert (Status.DRAFT, Decimal("85.5")) not in report_events(report)

    @pytest.mark.parametrize("typed", ["-1", "100.01", "150"])
    def test_a_score_outside_zero_to_full_is_refused_and_changes_nothing(
        self, personas: Personas, open_budget: Assignment, typed: str
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        before = row(report)
        with pytest.raises(services.ReportError) as refused:
            services.report_submit(
                report=report,
                actor=personas.officer_pn,
                expected_version=report.version,
                self_score=Decimal(typed),
                narrative="ข้อความใหม่",
            )
        assert refused.value.field == "self_score"
        assert str(refused.value) == "คะแนนประเมินตนเองต้องอยู่ระหว่าง 0 ถึง 100 คะแนน"
        assert row(report) == before

    def test_a_blank_score_is_refused_when_the_rule_gives_one(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        suggested = suggested_score(report)
        assert suggested is not None
        before = row(report)
        with pytest.raises(services.ReportError) as refused:
            services.report_submit(
                report=report, actor=personas.officer_pn, expected_version=report.version
            )
        assert refused.value.field == "self_score"
        assert "กรุณากรอกคะแนนประเมินตนเอง" in str(refused.value)
        assert row(report) == before

    def test_a_blank_score_is_taken_when_the_rule_gives_nothing_to_score(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        # Scored by steps due, but measured as a ratio: the rule has nothing to say.
        open_budget.indicator.scoring_rule = ScoringRule.MILESTONES_DUE
        open_budget.indicator.save(update_fields=["scoring_rule"])
        report = ready(open_budget, personas.officer_pn)
        assert suggested_score(report) is None
        services.report_submit(
            report=report, actor=personas.officer_pn, expected_version=report.version
        )
        report.refresh_from_db()
        assert (report.status, report.self_score) == (Status.SUBMITTED, None)

    def test_the_zero_and_the_full_score_are_both_allowed(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        services.report_submit(
            report=report,
            actor=personas.officer_pn,
            expected_version=report.version,
            self_score=Decimal(0),
        )
        assert Report.objects.get(pk=report.pk).self_score == Decimal(0)


class TestHeadCertification:
    @pytest.fixture
    def handed(self, personas: Personas) -> Report:
        """Huai Khwang's budget report of this quarter, handed to the head with 80."""
        FiscalYear.objects.filter(year=current_fiscal_year()).update(head_certification=True)
        assignment = Assignment.objects.get(
            district__code=HUAI_KHWANG,
            indicator__code="7.4.1",
            indicator__fiscal_year__year=current_fiscal_year(),
        )
        today = timezone.localdate()
        report = services.report_start(
            assignment=assignment, quarter=quarter_of(today), actor=personas.officer_hk
        )
        services.ratio_update_add(
            report=report,
            actor=personas.officer_hk,
            as_of=today,
            numerator=Decimal(10),
            denominator=Decimal(100),
        )
        services.report_update(
            report=report, actor=personas.officer_hk, expected_version=None, narrative="ตามแผน"
        )
        report.refresh_from_db()
        services.report_submit(
            report=report,
            actor=personas.officer_hk,
            expected_version=report.version,
            self_score=Decimal(80),
        )
        report.refresh_from_db()
        assert (report.status, report.self_score) == (Status.AWAITING_CERTIFICATION, 80)
        return report

    def test_the_head_sees_the_officers_score_and_may_adjust_it(
        self, personas: Personas, handed: Report
    ) -> None:
        head = personas.client(personas.head_hk)
        queue = head.get(reverse("certification_queue", args=[HUAI_KHWANG]))
        assert "คะแนนประเมินตนเอง: 80 / 100" in visible_text(queue)
        assert "เจ้าหน้าที่ประเมินไว้ 80" in visible_text(queue)
        args = [handed.assignment_id, handed.quarter]
        certified = head.post(
            reverse("report_certify", args=args),
            {"version": handed.version, "self_score": "๗๐", "next": "queue"},
        )
        assert certified.status_code == 302
        handed.refresh_from_db()
        assert (handed.status, handed.self_score) == (Status.SUBMITTED, Decimal(70))
        # The history keeps the officer's 80 and the head's 70.
        scores = [score for _status, score in report_events(handed)]
        assert Decimal(80) in scores and scores[-1] == Decimal(70)

    def test_certifying_without_touching_it_keeps_the_officers_score(
        self, personas: Personas, handed: Report
    ) -> None:
        services.report_certify(
            report=handed, actor=personas.head_hk, expected_version=handed.version
        )
        handed.refresh_from_db()
        assert (handed.status, handed.self_score) == (Status.SUBMITTED, Decimal(80))

    def test_a_head_typing_a_score_above_full_is_refused_beside_the_field(
        self, personas: Personas, handed: Report
    ) -> None:
        head = personas.client(personas.head_hk)
        args = [handed.assignment_id, handed.quarter]
        refused = head.post(
            reverse("report_certify", args=args),
            {"version": handed.version, "self_score": "120", "next": "page"},
        )
        assert refused.status_code == 422
        html = refused.content.decode()
        assert f'id="self-score-{handed.pk}-error">คะแนนประเมินตนเองต้องอยู่ระหว่าง 0 ถึง 100' in html
        assert 'value="120"' in html  # what the head typed stays in the field
        handed.refresh_from_db()
        assert (handed.status, handed.self_score) == (Status.AWAITING_CERTIFICATION, 80)


class TestReportPage:
    def post_submit(self, personas: Personas, assignment: Assignment, data: dict[str, str]) -> str:
        response = personas.client(personas.officer_pn).post(
            reverse("report_submit", args=[assignment.pk, 1]), data
        )
        assert response.status_code == 422
        return response.content.decode()

    def test_the_field_is_prefilled_with_what_the_rule_gives(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        suggested = suggested_score(report)
        assert suggested is not None
        page = personas.client(personas.officer_pn).get(
            reverse("report_page", args=[open_budget.pk, 1])
        )
        html = page.content.decode()
        field = self_score_input(html)
        shown = f"{suggested:f}".rstrip("0").rstrip(".")
        assert f'value="{shown}"' in field and 'form="main-form"' in field
        assert "data-typed" not in field
        text = visible_text(page)
        assert "คะแนนประเมินตนเอง" in text and "จากคะแนนเต็ม 100" in text
        assert f"ตามเกณฑ์ของตัวชี้วัด ({shown})" in text

    def test_a_score_out_of_range_is_refused_beside_the_field_keeping_what_was_typed(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        before = row(report)
        html = self.post_submit(
            personas,
            open_budget,
            {"narrative": "พิมพ์ใหม่ก่อนส่ง", "version": str(report.version), "self_score": "150"},
        )
        assert (
            '<p class="field-error" id="self-score-error">'
            "คะแนนประเมินตนเองต้องอยู่ระหว่าง 0 ถึง 100 คะแนน</p>" in html
        )
        field = self_score_input(html)
        assert 'value="150"' in field and 'aria-invalid="true"' in field
        assert "data-typed" in field
        assert "พิมพ์ใหม่ก่อนส่ง" in html  # the narrative typed is still on the page
        assert row(report) == before

    def test_a_blank_score_is_refused_with_a_message(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        html = self.post_submit(
            personas,
            open_budget,
            {"narrative": report.narrative, "version": str(report.version), "self_score": " "},
        )
        assert 'id="self-score-error">กรุณากรอกคะแนนประเมินตนเอง' in html
        assert Report.objects.get(pk=report.pk).status == Status.DRAFT

    def test_a_submission_refused_for_other_reasons_keeps_the_typed_score(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
        html = self.post_submit(
            personas,
            open_budget,
            {"narrative": "", "version": str(report.version), "self_score": "77"},
        )
        assert "ยังส่งรายงานไม่ได้" in visible_text(html)
        field = self_score_input(html)
        assert 'value="77"' in field and "data-typed" in field
        assert Report.objects.get(pk=report.pk).self_score is None

    def test_thai_digits_are_taken_and_the_recorded_score_is_shown_once_submitted(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = ready(open_budget, personas.officer_pn)
        client = personas.client(personas.officer_pn)
        submitted = client.post(
            reverse("report_submit", args=[open_budget.pk, 1]),
            {"narrative": report.narrative, "version": str(report.version), "self_score": "๘๕.๕"},
        )
        assert submitted.status_code == 302
        assert Report.objects.get(pk=report.pk).self_score == Decimal("85.5")
        page = client.get(reverse("report_page", args=[open_budget.pk, 1]))
        assert "คะแนนประเมินตนเอง: 85.5 / 100" in visible_text(page)
        assert 'id="id_self_score"' not in page.content.decode()
        history = client.get(reverse("report_history", args=[open_budget.pk, 1]))
        assert "คะแนนประเมินตนเอง" in visible_text(history)


class TestWhereItIsRead:
    @pytest.fixture
    def submitted(self, personas: Personas, open_budget: Assignment) -> Report:
        report = ready(open_budget, personas.officer_pn)
        services.report_submit(
            report=report,
            actor=personas.officer_pn,
            expected_version=report.version,
            self_score=Decimal(90),
        )
        report.refresh_from_db()
        return report

    def test_the_scoring_page_compares_self_suggested_and_given(
        self, personas: Personas, submitted: Report
    ) -> None:
        suggested = suggested_score(submitted)
        assert suggested is not None
        office = personas.client(personas.evaluator)
        url = reverse("office_score", args=[submitted.pk])
        html = office.get(url).content.decode()
        shown = f"{suggested:f}".rstrip("0").rstrip(".")
        assert 'id="compare-self">90<' in html
        assert f'id="compare-suggested">{shown}<' in html
        assert 'id="compare-given">–<' in html
        assert f'id="compare-suggested-diff">{signed_score(suggested - 90)}<' in html
        assert "ยังไม่ให้คะแนน" in visible_text(html)
        evaluation_services.report_score(
            report=submitted, actor=personas.evaluator, score=Decimal(95), reason="ครบถ้วน"
        )
        html = office.get(url).content.decode()
        assert 'id="compare-given">95<' in html
        assert 'id="compare-given-diff">+5<' in html

    def test_the_sheet_and_the_printed_sheet_show_it_beside_the_score(
        self, personas: Personas, submitted: Report
    ) -> None:
        page = personas.client(personas.officer_pn).get(
            reverse("assignment_sheet", args=[submitted.assignment_id])
        )
        assert "ประเมินตนเอง 90" in visible_text(page)
        html = pdf._print_html(
            "print/sheet.html", {"sheet": assignment_sheet(submitted.assignment)}
        )
        assert "ประเมินตนเอง 90" in visible_text(html)


def test_a_difference_is_signed_as_readers_expect() -> None:
    assert [signed_score(d) for d in (Decimal(5), Decimal("-2.50"), Decimal(0), None)] == [
        "+5",
        "\u22122.5",
        "0",
        "–",
    ]
