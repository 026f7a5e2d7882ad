"""District reporting you can trust: each finding of the issue, as a user meets it.

The current fiscal year of the demo (nothing reported yet) is used where the
calendar matters, with dates relative to today, so the tests hold on any day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import Settings

from indicators.admin import MilestoneStepFormSet
from indicators.fiscal import current_fiscal_year, quarter_bounds, quarter_of
from indicators.models import (
    Assignment,
    CheckKind,
    DeadlineExtension,
    FiscalYear,
    Indicator,
    MilestoneStep,
    QuarterTarget,
    ReportingPeriod,
    Severity,
    ValidationRule,
)
from kpi_portal.thaidate import thai_date
from reports import services
from reports.models import Explanation, RatioUpdate, Report, ReportTransition, Status
from reports.validation import report_problems
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas
from tests.reports.conftest import fill_budget_q1, next_quarter

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today() -> dt.date:
    return timezone.localdate()


def this_quarter() -> int:
    return quarter_of(today())


@pytest.fixture
def budget_now(demo: None) -> Assignment:
    """Phra Nakhon's budget indicator in the current fiscal year: nothing reported."""
    return Assignment.objects.get(
        district__code=PHRA_NAKHON,
        indicator__code="7.4.1",
        indicator__fiscal_year__year=current_fiscal_year(),
    )


def add_update(report: Report, actor: object, numerator: str = "10", denominator: str = "100"):
    return services.ratio_update_add(
        report=report,
        actor=actor,
        as_of=today(),
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
    )


def write(report: Report, actor: object, narrative: str = "เบิกจ่ายตามแผน") -> Report:
    services.report_update(report=report, actor=actor, expected_version=None, narrative=narrative)
    report.refresh_from_db()
    return report


# --- the calendar ------------------------------------------------------------------------


@pytest.mark.django_db
class TestQuartersOpenOnTheirFirstDay:
    def test_a_future_quarter_is_read_only_and_says_when_it_opens(
        self, personas: Personas, demo: None
    ) -> None:
        assignment, future, opens = next_quarter(PHRA_NAKHON)
        client = personas.client(personas.officer_pn)
        page = client.get(reverse("report_page", args=[assignment.pk, future]))
        assert f"ยังไม่เปิดรับรายงานไตรมาสนี้ — เปิด {thai_date(opens)}" in visible_text(page)
        assert 'id="main-form"' not in page.content.decode()
        refused = client.post(
            reverse("report_submit", args=[assignment.pk, future]),
            {"narrative": "ส่งล่วงหน้า", "version": "1"},
        )
        assert refused.status_code == 422
        assert "ยังไม่เปิดรับรายงาน" in visible_text(refused)
        assert not Report.objects.filter(assignment=assignment, quarter=future).exists()
        with pytest.raises(services.ReportError, match="ยังไม่เปิดรับรายงาน"):
            services.report_start(assignment=assignment, quarter=future, actor=personas.officer_pn)

    def test_the_office_may_open_quarters_ahead(self, personas: Personas, demo: None) -> None:
        assignment, future, _opens = next_quarter(PHRA_NAKHON)
        FiscalYear.objects.filter(pk=assignment.indicator.fiscal_year_id).update(
            quarters_open_ahead=1
        )
        page = personas.client(personas.officer_pn).get(
            reverse("report_page", args=[assignment.pk, future])
        )
        assert 'id="main-form"' in page.content.decode()

    def test_the_system_is_not_held_to_the_calendar(self, budget_now: Assignment) -> None:
        # Imports and the demo load history and plans; the lifecycle still applies.
        report = services.report_start(assignment=budget_now, quarter=4, actor=None)
        assert report.status == Status.DRAFT


@pytest.mark.django_db
class TestDates:
    """A ratio update inside its quarter and not after today; steps in the year; letters
    from the previous year's start to today."""

    @pytest.mark.parametrize("offset", [1, 30])
    def test_no_ratio_update_from_the_future(
        self, personas: Personas, budget_now: Assignment, offset: int
    ) -> None:
        report = services.report_start(
            assignment=budget_now, quarter=this_quarter(), actor=personas.officer_pn
        )
        with pytest.raises(services.ReportError, match="ไม่เกินวันนี้") as refused:
            services.ratio_update_add(
                report=report,
                actor=personas.officer_pn,
                as_of=today() + dt.timedelta(days=offset),
                numerator=Decimal(1),
                denominator=Decimal(2),
            )
        assert refused.value.field == "as_of"
        assert thai_date(today()) in str(refused.value)  # the allowed range, said in full
        assert not report.ratio_updates.exists()

    def test_a_later_quarters_update_cannot_set_this_quarters_result(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        # Seed 000: Q1 is 27.65 % on 30 ธ.ค. 2563; a 15 มี.ค. 2564 row (Q2) made it 50.00.
        report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
        services.ratio_update_add(
            report=report,
            actor=personas.officer_pn,
            as_of=dt.date(2020, 12, 30),
            numerator=Decimal("2765"),
            denominator=Decimal("10000"),
        )
        with pytest.raises(services.ReportError, match="ไตรมาสที่ 1"):
            services.ratio_update_add(
                report=report,
                actor=personas.officer_pn,
                as_of=dt.date(2021, 3, 15),
                numerator=Decimal(1),
                denominator=Decimal(2),
            )
        report.refresh_from_db()
        assert report.result == Decimal("27.65")

    def test_a_step_is_not_done_in_the_future(self, personas: Personas, demo: None) -> None:
        assignment = Assignment.objects.get(
            district__code=PHRA_NAKHON,
            indicator__code="5.2",
            indicator__fiscal_year__year=current_fiscal_year(),
        )
        report = services.report_start(
            assignment=assignment, quarter=this_quarter(), actor=personas.officer_pn
        )
        step = assignment.indicator.steps.first()
        assert step is not None
        with pytest.raises(services.ReportError, match="ไม่เกินวันนี้") as refused:
            services.step_mark_done(
                report=report,
                actor=personas.officer_pn,
                step=step,
                done_on=today() + dt.timedelta(days=1),
            )
        assert refused.value.field == "done_on"

    @pytest.mark.parametrize(
        "dated",
        [dt.date(2019, 9, 30), "tomorrow"],
        ids=["before the previous fiscal year", "tomorrow"],
    )
    def test_a_letter_dated_outside_its_window_is_refused(
        self, personas: Personas, open_budget: Assignment, dated: dt.date | str
    ) -> None:
        day = today() + dt.timedelta(days=1) if dated == "tomorrow" else dated
        assert isinstance(day, dt.date)
        report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
        response = personas.client(personas.officer_pn).post(
            reverse("letter_add", args=[open_budget.pk, 1]),
            {
                "number": "กท 4810/3336",
                "dated": f"{day.day:02d}/{day.month:02d}/{day.year + 543}",
                "title": "ยืนยันยอด",
                "version": str(report.version),
            },
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        text = visible_text(response)
        assert "วันที่ของหนังสือต้องอยู่ตั้งแต่ต้นปีงบประมาณ 2563 ถึงวันนี้" in text
        # Beside the field it is about, which points at it.
        assert 'aria-describedby="id_dated_error"' in response.content.decode()
        assert not report.letters.exists()

    @pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999", "1/1/2400"])
    def test_years_at_the_ends_are_field_errors_never_500(
        self, personas: Personas, open_budget: Assignment, typed: str
    ) -> None:
        response = personas.client(personas.officer_pn).post(
            reverse("letter_add", args=[open_budget.pk, 1]),
            {"number": "กท 1/1", "dated": typed, "title": "เรื่อง", "version": "1"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        assert "วันที่" in visible_text(response)

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(offset=st.integers(min_value=-200, max_value=200))
    def test_any_date_around_the_quarter_is_kept_exactly_when_allowed(
        self, personas: Personas, budget_now: Assignment, offset: int
    ) -> None:
        quarter = this_quarter()
        start, end = quarter_bounds(current_fiscal_year(), quarter)
        day = start + dt.timedelta(days=offset)
        report = services.report_start(
            assignment=budget_now, quarter=quarter, actor=personas.officer_pn
        )
        before = report.ratio_updates.count()
        allowed = start <= day <= min(end, today())
        try:
            services.ratio_update_add(
                report=Report.objects.get(pk=report.pk),
                actor=personas.officer_pn,
                as_of=day,
                numerator=Decimal(1),
                denominator=Decimal(4),
            )
        except services.ReportError as refused:
            assert not allowed, day
            assert refused.field == "as_of"
            assert "ระหว่าง" in str(refused)
            assert report.ratio_updates.count() == before
        else:
            assert allowed, day
            assert report.ratio_updates.filter(as_of=day).exists()


@pytest.mark.django_db
class TestGracePeriod:
    def test_a_late_return_gives_seven_days_with_the_reason(
        self, personas: Personas, pn_budget: Assignment
    ) -> None:
        # FY2564's deadlines passed years ago: returning Q2 used to leave it locked.
        report = Report.objects.get(assignment=pn_budget, quarter=2)
        assert report.status == Status.SUBMITTED
        services.report_transition(
            report=report,
            to_status=Status.RETURNED,
            actor=personas.evaluator,
            reason="กรุณาแนบหนังสือยืนยันยอด",
        )
        extension = DeadlineExtension.objects.get(
            district=pn_budget.district, period__fiscal_year__year=2564, period__quarter=2
        )
        assert extension.deadline == today() + dt.timedelta(days=7)
        assert extension.granted_by == personas.evaluator
        page = personas.client(personas.officer_pn).get(
            reverse("report_page", args=[pn_budget.pk, 2])
        )
        text = visible_text(page)
        assert 'id="main-form"' in page.content.decode()
        assert "สยป. ส่งกลับให้แก้ไข: กรุณาแนบหนังสือยืนยันยอด" in text
        assert "ขยายอัตโนมัติ 7 วัน เพราะ สยป. ส่งรายงานกลับให้แก้ไข" in text
        assert thai_date(extension.deadline) in text

    def test_the_grace_is_configurable_and_reopening_shows_its_reason(
        self, personas: Personas, hk_sheet: Assignment, settings: Settings
    ) -> None:
        settings.REPORT_GRACE_DAYS = 3
        report = Report.objects.get(assignment=hk_sheet, quarter=1)
        assert report.status == Status.EVALUATED
        services.report_transition(
            report=report,
            to_status=Status.REOPENED,
            actor=personas.evaluator,
            reason="แก้วันที่ของขั้นตอนที่ 1",
        )
        extension = DeadlineExtension.objects.get(district=hk_sheet.district, period__quarter=1)
        assert extension.deadline == today() + dt.timedelta(days=3)
        text = visible_text(
            personas.client(personas.officer_hk).get(reverse("report_page", args=[hk_sheet.pk, 1]))
        )
        assert "สยป. เปิดให้แก้ไขอีกครั้ง: แก้วันที่ของขั้นตอนที่ 1" in text


# --- validation rules --------------------------------------------------------------------


@pytest.mark.django_db
class TestValidationRules:
    def test_a_warning_needs_an_explanation_which_reaches_the_evaluator(
        self, personas: Personas, budget_now: Assignment
    ) -> None:
        quarter = this_quarter()
        QuarterTarget.objects.create(assignment=budget_now, quarter=quarter, target=Decimal(25))
        ValidationRule.objects.create(
            indicator=budget_now.indicator, kind=CheckKind.BELOW_TARGET, severity=Severity.WARNING
        )
        report = services.report_start(
            assignment=budget_now, quarter=quarter, actor=personas.officer_pn
        )
        add_update(report, personas.officer_pn)  # 10 %: below the target of 25
        report = write(report, personas.officer_pn)
        client = personas.client(personas.officer_pn)
        url = reverse("report_submit", args=[budget_now.pk, quarter])

        refused = client.post(
            url, {"narrative": report.narrative, "version": report.version, "self_score": "40"}
        )
        assert refused.status_code == 422
        text = visible_text(refused)
        assert "ผลงาน (10.00) ต่ำกว่าเป้าหมายของไตรมาส (25.00)" in text
        assert "กรุณาเขียนคำชี้แจงเรื่องนี้" in text
        assert Report.objects.get(pk=report.pk).status == Status.DRAFT

        done = client.post(
            url,
            {
                "narrative": report.narrative,
                "version": report.version,
                "self_score": "40",
                "explain-below_target": "งบลงทุนเบิกได้หลังลงนามสัญญาในเดือนมกราคม",
            },
        )
        assert done.status_code == 302
        report.refresh_from_db()
        assert report.status == Status.SUBMITTED
        assert report.explanations.get().text == "งบลงทุนเบิกได้หลังลงนามสัญญาในเดือนมกราคม"

        office = personas.client(personas.evaluator)
        score_page = visible_text(office.get(reverse("office_score", args=[report.pk])))
        assert "ต่ำกว่าเป้าหมายของไตรมาส" in score_page
        assert "งบลงทุนเบิกได้หลังลงนามสัญญาในเดือนมกราคม" in score_page
        assert "คำชี้แจง 1 เรื่อง" in visible_text(office.get(reverse("office_queue")))
        matrix = office.get(
            reverse("office_home"), {"year": current_fiscal_year(), "quarter": quarter}
        )
        assert "มีคำชี้แจง" in visible_text(matrix)

    def test_an_error_blocks_even_with_an_explanation(
        self, personas: Personas, budget_now: Assignment
    ) -> None:
        # The demo turns this rule on, as an error.
        assert ValidationRule.objects.filter(
            indicator=budget_now.indicator, kind=CheckKind.WITHIN_100, severity=Severity.ERROR
        ).exists()
        report = services.report_start(
            assignment=budget_now, quarter=this_quarter(), actor=personas.officer_pn
        )
        add_update(report, personas.officer_pn, numerator="150", denominator="100")
        report = write(report, personas.officer_pn)
        with pytest.raises(services.SubmissionRefused) as refused:
            services.report_submit(
                report=report,
                actor=personas.officer_pn,
                expected_version=report.version,
                self_score=Decimal(100),
                explanations={"within_100": "ตัวเลขถูกแล้ว"},
            )
        (problem,) = refused.value.problems
        assert "ตัวตั้ง (150.00) มากกว่าตัวหาร (100.00)" in problem.message
        assert Report.objects.get(pk=report.pk).status == Status.DRAFT

    def test_cumulative_amounts_never_fall_and_jumps_are_flagged(
        self, personas: Personas, pn_budget: Assignment
    ) -> None:
        indicator = pn_budget.indicator
        ValidationRule.objects.create(indicator=indicator, kind=CheckKind.CUMULATIVE)
        ValidationRule.objects.create(indicator=indicator, kind=CheckKind.JUMP, threshold=10)
        q4 = Report.objects.get(assignment=pn_budget, quarter=4)
        RatioUpdate.objects.filter(report=q4).update(numerator=Decimal("1000"))
        services.report_recompute(report=q4)
        problems = {p.code: p for p in report_problems(Report.objects.get(pk=q4.pk))}
        assert "ยอดสะสมลดลงจาก 58,914,450.19" in problems["cumulative"].message
        assert "ต่างกัน 46.81 เกินกว่าที่กำหนด (10.00)" in problems["jump"].message
        assert all(not p.is_error for p in problems.values())

    def test_every_problem_is_listed_at_once_beside_its_section(
        self, personas: Personas, budget_now: Assignment
    ) -> None:
        client = personas.client(personas.officer_pn)
        quarter = this_quarter()
        response = client.post(
            reverse("report_submit", args=[budget_now.pk, quarter]),
            {"narrative": "", "version": "1"},
        )
        html = response.content.decode()
        assert response.status_code == 422
        assert 'id="problem-missing_entry"' in html  # in the ratio section
        assert 'id="problem-missing_narrative"' in html  # above the narrative
        assert visible_text(response).count("ต้องแก้ไข") >= 4  # beside + in the summary


@pytest.mark.django_db
class TestMilestoneWeights:
    def test_steps_weighing_130_are_refused_in_the_admin(self, personas: Personas) -> None:
        indicator = Indicator.objects.get(code="5.2", fiscal_year__year=current_fiscal_year())
        steps = list(indicator.steps.all())
        data = {
            "steps-TOTAL_FORMS": str(len(steps)),
            "steps-INITIAL_FORMS": str(len(steps)),
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
        }
        for i, step in enumerate(steps):
            data.update(
                {
                    f"steps-{i}-id": str(step.pk),
                    f"steps-{i}-indicator": str(indicator.pk),
                    f"steps-{i}-number": str(step.number),
                    f"steps-{i}-title": step.title,
                    f"steps-{i}-weight": "30" if i < 3 else "20",
                }
            )
        request = RequestFactory().get("/")
        request.user = personas.admin
        inline = site._registry[Indicator].get_inline_instances(request, indicator)[0]
        formset_class = inline.get_formset(request, indicator)
        assert issubclass(formset_class, MilestoneStepFormSet)
        formset = formset_class(data, instance=indicator, prefix="steps")
        assert not formset.is_valid()
        assert "น้ำหนักของขั้นตอนรวมกันได้ 130.00 ต้องรวมกันได้ 100 พอดี" in str(formset.non_form_errors())

    def test_a_report_on_steps_not_weighing_100_cannot_be_submitted(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        MilestoneStep.objects.filter(indicator=hk_sheet.indicator, number=1).update(
            weight=Decimal(50)
        )
        report = Report.objects.get(assignment=hk_sheet, quarter=3)
        problems = [p.message for p in report_problems(report)]
        assert any("น้ำหนักของขั้นตอนรวมกันได้ 130.00" in m for m in problems), problems


# --- conflicts on every part -------------------------------------------------------------


@pytest.mark.django_db
class TestConflictsOnEveryPart:
    @pytest.fixture
    def two_officers(self, personas: Personas, budget_now: Assignment) -> tuple[Report, int]:
        """The report as both officers' pages show it: the version they both started from."""
        report = services.report_start(
            assignment=budget_now, quarter=this_quarter(), actor=personas.officer_pn
        )
        return report, report.version

    def _second_person_adds_a_row(self, personas: Personas, report: Report) -> None:
        add_update(Report.objects.get(pk=report.pk), personas.officer_pn, numerator="20")

    @pytest.mark.parametrize("action", ["ratio_add", "letter_add", "evidence_upload"])
    def test_a_stale_add_is_refused_and_keeps_what_was_typed(
        self,
        personas: Personas,
        budget_now: Assignment,
        two_officers: tuple[Report, int],
        action: str,
        settings: Settings,
        tmp_path: Path,
    ) -> None:
        settings.MEDIA_ROOT = tmp_path
        report, seen = two_officers
        self._second_person_adds_a_row(personas, report)
        data: dict[str, object] = {"version": str(seen)}
        typed_by_action: dict[str, dict[str, object]] = {
            "ratio_add": {"as_of": thai_numeric(today()), "denominator": "400", "numerator": "7"},
            "letter_add": {
                "number": "กท 9/99",
                "dated": thai_numeric(today()),
                "title": "เรื่องที่พิมพ์ไว้",
            },
            "evidence_upload": {"file": SimpleUploadedFile("ก.pdf", PDF), "description": "ใบเสร็จ"},
        }
        typed = typed_by_action[action]
        data.update(typed)
        response = personas.client(personas.officer_pn).post(
            reverse(action, args=[budget_now.pk, report.quarter]),
            data,
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        text = visible_text(response)
        assert "ยังไม่ได้บันทึก: มีผู้อื่นแก้ไขรายงานนี้ระหว่างที่คุณแก้ไข" in text
        report.refresh_from_db()
        assert report.ratio_updates.count() == 1  # only the other person's row
        assert not report.letters.exists() and not report.evidence_files.exists()
        if action != "evidence_upload":  # a browser never sends a file back
            assert str(next(v for k, v in typed.items() if k != "as_of")) in (
                response.content.decode()
            )

    @pytest.mark.parametrize("action", ["ratio_edit", "ratio_delete"])
    def test_a_stale_edit_or_delete_is_refused(
        self,
        personas: Personas,
        budget_now: Assignment,
        two_officers: tuple[Report, int],
        action: str,
    ) -> None:
        report, _seen = two_officers
        first = add_update(report, personas.officer_pn)
        seen = Report.objects.get(pk=report.pk).version
        self._second_person_adds_a_row(personas, report)
        data = {
            "version": str(seen),
            f"u{first.pk}-as_of": thai_numeric(today()),
            f"u{first.pk}-denominator": "100",
            f"u{first.pk}-numerator": "99",
        }
        response = personas.client(personas.officer_pn).post(
            reverse(action, args=[budget_now.pk, report.quarter, first.pk]),
            data,
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        assert "มีผู้อื่นแก้ไขรายงานนี้" in visible_text(response)
        first.refresh_from_db()
        assert first.numerator == Decimal(10)

    def test_the_conflict_is_the_same_error_outside_a_request(
        self, personas: Personas, two_officers: tuple[Report, int]
    ) -> None:
        report, seen = two_officers
        self._second_person_adds_a_row(personas, report)
        with pytest.raises(services.VersionConflict) as conflict:
            services.ratio_update_add(
                report=Report.objects.get(pk=report.pk),
                actor=personas.officer_pn,
                as_of=today(),
                numerator=Decimal(1),
                denominator=Decimal(2),
                expected_version=seen,
            )
        assert isinstance(conflict.value, services.ReportError)
        assert conflict.value.expected_version == seen
        assert conflict.value.report.version == seen + 1
        assert "มีผู้อื่นบันทึกรายงานนี้" in str(conflict.value)


def thai_numeric(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


# --- head certification ------------------------------------------------------------------


@pytest.mark.django_db
class TestHeadCertification:
    @pytest.fixture
    def ready(self, personas: Personas, demo: None) -> Report:
        """Huai Khwang's budget report of this quarter, complete, in a year with certification."""
        FiscalYear.objects.filter(year=current_fiscal_year()).update(head_certification=True)
        assignment = Assignment.objects.get(
            district__code=HUAI_KHWANG,
            indicator__code="7.4.1",
            indicator__fiscal_year__year=current_fiscal_year(),
        )
        report = services.report_start(
            assignment=assignment, quarter=this_quarter(), actor=personas.officer_hk
        )
        add_update(report, personas.officer_hk)
        return write(report, personas.officer_hk)

    def test_the_officer_hands_in_the_head_certifies(
        self, personas: Personas, ready: Report
    ) -> None:
        officer = personas.client(personas.officer_hk)
        args = [ready.assignment_id, ready.quarter]
        page = visible_text(officer.get(reverse("report_page", args=args)))
        assert "ส่งให้ผู้อำนวยการเขตรับรอง" in page
        handed = officer.post(
            reverse("report_submit", args=args),
            {"narrative": ready.narrative, "version": ready.version, "self_score": "80"},
        )
        assert handed.status_code == 302
        ready.refresh_from_db()
        assert ready.status == Status.AWAITING_CERTIFICATION
        assert ready.submitted_at is None  # not at the office yet
        again = officer.post(
            reverse("report_page", args=args), {"narrative": "แก้", "version": ready.version}
        )
        assert again.status_code == 422  # the officer waits for the head
        refused = officer.post(reverse("report_certify", args=args))
        assert refused.status_code == 422
        assert "เฉพาะผู้อำนวยการเขต" in visible_text(refused)

        head = personas.client(personas.head_hk)
        queue = visible_text(head.get(reverse("certification_queue", args=[HUAI_KHWANG])))
        assert "รายงานที่รอผู้อำนวยการเขตรับรอง" in queue
        assert "เบิกจ่ายตามแผน" in queue  # the content, to read before certifying
        certified = head.post(reverse("report_certify", args=args), {"next": "queue"})
        assert certified.status_code == 302
        ready.refresh_from_db()
        assert (ready.status, ready.submitted_by) == (Status.SUBMITTED, personas.head_hk)
        moves = list(
            ReportTransition.objects.filter(report=ready)
            .order_by("id")
            .values_list("from_status", "to_status", "actor__username")
        )
        assert moves[-2:] == [
            (Status.DRAFT, Status.AWAITING_CERTIFICATION, "huaikhwang"),
            (Status.AWAITING_CERTIFICATION, Status.SUBMITTED, "huaikhwang_head"),
        ]

    def test_the_head_sends_back_with_a_comment(self, personas: Personas, ready: Report) -> None:
        services.report_submit(
            report=ready,
            actor=personas.officer_hk,
            expected_version=ready.version,
            self_score=Decimal(80),
        )
        head = personas.client(personas.head_hk)
        args = [ready.assignment_id, ready.quarter]
        no_reason = head.post(reverse("report_send_back", args=args), {"reason": " "})
        assert no_reason.status_code == 422 and "กรุณาระบุเหตุผล" in visible_text(no_reason)
        sent = head.post(reverse("report_send_back", args=args), {"reason": "แนบใบเสร็จด้วย"})
        assert sent.status_code == 302
        ready.refresh_from_db()
        assert ready.status == Status.DRAFT
        page = visible_text(
            personas.client(personas.officer_hk).get(reverse("report_page", args=args))
        )
        assert "ผู้อำนวยการเขตส่งกลับให้แก้ไข: แนบใบเสร็จด้วย" in page

    def test_without_the_switch_the_officer_submits_to_the_office(
        self, personas: Personas, ready: Report
    ) -> None:
        FiscalYear.objects.filter(year=current_fiscal_year()).update(head_certification=False)
        services.report_submit(
            report=ready,
            actor=personas.officer_hk,
            expected_version=ready.version,
            self_score=Decimal(80),
        )
        ready.refresh_from_db()
        assert ready.status == Status.SUBMITTED


@pytest.mark.django_db
def test_explanations_of_warnings_that_no_longer_apply_are_not_handed_in(
    personas: Personas, budget_now: Assignment
) -> None:
    report = services.report_start(
        assignment=budget_now, quarter=this_quarter(), actor=personas.officer_pn
    )
    add_update(report, personas.officer_pn)
    report = write(report, personas.officer_pn)
    Explanation.objects.create(report=report, rule="below_target", text="เก่า")
    services.report_submit(
        report=report,
        actor=personas.officer_pn,
        expected_version=report.version,
        self_score=Decimal(80),
    )
    assert not Explanation.objects.filter(report=report).exists()


@pytest.mark.django_db
def test_fill_helper_gives_a_submittable_seed_quarter(
    personas: Personas, open_budget: Assignment
) -> None:
    report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
    fill_budget_q1(report, personas.officer_pn)
    assert report_problems(Report.objects.get(pk=report.pk)) == []


@pytest.mark.django_db
class TestCertificationReadsWhatItCertifies:
    @pytest.fixture
    def awaiting(self, personas: Personas, demo: None) -> Report:
        FiscalYear.objects.filter(year=current_fiscal_year()).update(head_certification=True)
        assignment = Assignment.objects.get(
            district__code=HUAI_KHWANG,
            indicator__code="7.4.1",
            indicator__fiscal_year__year=current_fiscal_year(),
        )
        report = services.report_start(
            assignment=assignment, quarter=this_quarter(), actor=personas.officer_hk
        )
        add_update(report, personas.officer_hk)
        report = write(report, personas.officer_hk)
        services.report_submit(
            report=report,
            actor=personas.officer_hk,
            expected_version=report.version,
            self_score=Decimal(80),
        )
        report.refresh_from_db()
        return report

    def test_a_head_certifying_an_old_reading_is_refused(
        self, personas: Personas, awaiting: Report
    ) -> None:
        read = awaiting.version
        # Sent back, corrected and handed in again while the head's old tab stayed open.
        services.report_send_back(report=awaiting, actor=personas.head_hk, reason="แก้ตัวเลข")
        report = write(Report.objects.get(pk=awaiting.pk), personas.officer_hk, "แก้แล้ว")
        services.report_submit(
            report=report,
            actor=personas.officer_hk,
            expected_version=report.version,
            self_score=Decimal(80),
        )
        with pytest.raises(services.VersionConflict):
            services.report_certify(
                report=Report.objects.get(pk=awaiting.pk),
                actor=personas.head_hk,
                expected_version=read,
            )
        assert Report.objects.get(pk=awaiting.pk).status == Status.AWAITING_CERTIFICATION

    def test_a_report_handed_in_on_time_may_be_certified_after_the_deadline(
        self, personas: Personas, awaiting: Report
    ) -> None:
        deadline = ReportingPeriod.objects.get(
            fiscal_year__year=current_fiscal_year(), quarter=awaiting.quarter
        ).deadline
        later = timezone.make_aware(
            dt.datetime.combine(deadline + dt.timedelta(days=3), dt.time(10))
        )
        services.report_certify(
            report=awaiting, actor=personas.head_hk, expected_version=awaiting.version, now=later
        )
        assert Report.objects.get(pk=awaiting.pk).status == Status.SUBMITTED

    def test_a_submission_is_refused_when_someone_writes_between_save_and_hand_in(
        self, personas: Personas, awaiting: Report
    ) -> None:
        with pytest.raises(services.VersionConflict):
            services.report_transition(
                report=awaiting,
                to_status=Status.SUBMITTED,
                actor=personas.head_hk,
                expected_version=awaiting.version - 1,
            )
