"""What a report handed in again changed since the office last judged it
(``reports.changes.changes_since_review``), kind by kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.selectors import report_for_scoring
from indicators.models import Assignment
from reports import services
from reports.changes import ReportChanges, changes_since_review
from reports.models import EvidenceFile, LetterReference, RatioUpdate, Report, Status, StepProgress
from tests.helpers import an_hour_passes
from tests.personas import Personas


def sent_back(report: Report, personas: Personas, to: str = Status.RETURNED) -> Report:
    services.report_transition(
        report=report, to_status=to, actor=personas.evaluator, reason="กรุณาแก้ไขตามที่แจ้ง"
    )
    an_hour_passes(report)
    report.refresh_from_db()
    return report


def handed_in(report: Report) -> ReportChanges:
    services.report_transition(report=report, to_status=Status.SUBMITTED, actor=None)
    changes = changes_since_review(report_for_scoring(report.pk))
    assert changes is not None
    return changes


@pytest.fixture
def pn_q1(pn_budget: Assignment) -> Report:
    """Phra Nakhon's Q1 budget report of seed 000, submitted."""
    report = Report.objects.get(assignment=pn_budget, quarter=1)
    assert report.status == Status.SUBMITTED
    return report


@pytest.fixture
def hk_q2(hk_sheet: Assignment) -> Report:
    """Huai Khwang's Q2 milestone report of seed 001, evaluated."""
    report = Report.objects.get(assignment=hk_sheet, quarter=2)
    assert report.status == Status.EVALUATED
    return report


@pytest.mark.django_db
class TestReferencePoint:
    def test_a_report_never_sent_back_has_no_changes_to_show(self, pn_q1: Report) -> None:
        assert changes_since_review(report_for_scoring(pn_q1.pk)) is None

    def test_a_returned_report_not_yet_handed_in_again_has_none_either(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        sent_back(pn_q1, personas)
        assert changes_since_review(report_for_scoring(pn_q1.pk)) is None

    def test_a_return_is_the_reference_with_its_reason(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        changes = handed_in(sent_back(pn_q1, personas))
        assert changes.reference.kind == "returned"
        assert changes.reference.reason == "กรุณาแก้ไขตามที่แจ้ง"
        assert changes.reference.who == (
            personas.evaluator.get_full_name() or personas.evaluator.username
        )

    def test_after_a_reopening_the_evaluation_is_the_reference(
        self, personas: Personas, hk_q2: Report
    ) -> None:
        evaluated = hk_q2.transitions.filter(to_status=Status.EVALUATED).latest("at", "id")
        changes = handed_in(sent_back(hk_q2, personas, to=Status.REOPENED))
        assert changes.reference.kind == "evaluated"
        assert changes.reference.at == evaluated.at - dt.timedelta(hours=1)

    def test_nothing_changed_says_so(self, personas: Personas, pn_q1: Report) -> None:
        changes = handed_in(sent_back(pn_q1, personas))
        assert changes.nothing_changed
        assert (changes.values, changes.ratio_updates, changes.narrative) == ([], [], None)


@pytest.mark.django_db
class TestWhatChanged:
    def test_the_result_and_a_ratio_row_changed(self, personas: Personas, pn_q1: Report) -> None:
        report = sent_back(pn_q1, personas)
        row = report.ratio_updates.order_by("as_of").last()
        assert row is not None
        RatioUpdate.objects.filter(pk=row.pk).update(numerator=row.numerator + 1000)
        Report.objects.filter(pk=report.pk).update(result=Decimal("99.5"))
        changes = handed_in(report)
        assert [c.label for c in changes.values] == ["ผลงาน"]
        assert changes.values[0].new == "99.50"
        assert [(r.action, [c.label for c in r.changes]) for r in changes.ratio_updates] == [
            ("changed", [report.assignment.indicator.numerator_label or "ตัวตั้ง"])
        ]
        assert not changes.nothing_changed

    def test_ratio_rows_added_and_removed(self, personas: Personas, pn_q1: Report) -> None:
        report = sent_back(pn_q1, personas)
        gone = report.ratio_updates.order_by("as_of").first()
        assert gone is not None
        gone.delete()
        RatioUpdate.objects.create(
            report=report, as_of=dt.date(2020, 12, 31), numerator=5, denominator=10
        )
        changes = handed_in(report)
        assert sorted(r.action for r in changes.ratio_updates) == ["added", "removed"]
        added = next(r for r in changes.ratio_updates if r.action == "added")
        assert added.label == "ข้อมูล ณ วันที่ 31 ธันวาคม 2563"
        assert [c.label for c in added.changes] == [
            report.assignment.indicator.denominator_label or "ตัวหาร",
            report.assignment.indicator.numerator_label or "ตัวตั้ง",
        ]

    def test_a_ratio_row_changed_twice_back_to_what_it_was_is_no_change(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        report = sent_back(pn_q1, personas)
        row = report.ratio_updates.first()
        assert row is not None
        RatioUpdate.objects.filter(pk=row.pk).update(note="ชั่วคราว")
        RatioUpdate.objects.filter(pk=row.pk).update(note=row.note)
        assert handed_in(report).nothing_changed

    def test_steps_done_and_undone(self, personas: Personas, hk_q2: Report) -> None:
        report = sent_back(hk_q2, personas, to=Status.REOPENED)
        done = list(report.step_progress.select_related("step"))
        assert done, "seed 001's Q2 has steps done"
        undone = done[-1]
        undone.delete()
        todo = report.assignment.indicator.steps.exclude(pk__in=[p.step_id for p in done]).first()
        assert todo is not None
        StepProgress.objects.create(report=report, step=todo, done_on=dt.date(2021, 3, 1))
        changes = handed_in(report)
        assert [(s.action, s.label) for s in changes.steps] == sorted(
            [
                ("removed", f"ขั้นตอนที่ {undone.step.number}"),
                ("added", f"ขั้นตอนที่ {todo.number}"),
            ],
            key=lambda s: int(s[1].rsplit(" ", 1)[1]),
        )
        added = next(s for s in changes.steps if s.action == "added")
        assert added.changes[0].new == "1 มีนาคม 2564"

    def test_files_added_and_removed_by_name(self, personas: Personas, pn_q1: Report) -> None:
        EvidenceFile.objects.create(
            report=pn_q1,
            file="evidence/x/old.pdf",
            original_name="สรุปยอดเดิม.pdf",
            content_type="application/pdf",
            size=10,
        )
        report = sent_back(pn_q1, personas)
        report.evidence_files.filter(original_name="สรุปยอดเดิม.pdf").delete()
        EvidenceFile.objects.create(
            report=report,
            file="evidence/x/new.pdf",
            original_name="หนังสือยืนยันยอด.pdf",
            content_type="application/pdf",
            size=10,
        )
        changes = handed_in(report)
        assert [(f.action, f.label) for f in changes.files] == [
            ("removed", "สรุปยอดเดิม.pdf"),
            ("added", "หนังสือยืนยันยอด.pdf"),
        ]

    def test_letters_added_and_removed(self, personas: Personas, pn_q1: Report) -> None:
        report = sent_back(pn_q1, personas)
        before = list(report.letters.all())
        report.letters.all().delete()
        LetterReference.objects.create(
            report=report, number="กท 4810/99", dated=dt.date(2021, 1, 5), title="ยืนยันยอด"
        )
        changes = handed_in(report)
        assert [f.label for f in changes.letters if f.action == "added"] == [
            "หนังสือ กท 4810/99 ลงวันที่ 5 มกราคม 2564 เรื่อง ยืนยันยอด"
        ]
        assert len([f for f in changes.letters if f.action == "removed"]) == len(before)

    def test_the_narrative_as_insertions_and_deletions(
        self, personas: Personas, pn_q1: Report
    ) -> None:
        report = sent_back(pn_q1, personas)
        Report.objects.filter(pk=report.pk).update(narrative="เบิกจ่ายล่าช้ากว่าแผน")
        an_hour_passes(report)
        # The reference is the return: what the district wrote after it is what counts.
        services.report_transition(report=report, to_status=Status.SUBMITTED, actor=None)
        services.report_transition(
            report=report, to_status=Status.RETURNED, actor=personas.evaluator, reason="อีกครั้ง"
        )
        an_hour_passes(report)
        Report.objects.filter(pk=report.pk).update(narrative="เบิกจ่ายเร็วกว่าแผน")
        changes = handed_in(report)
        assert changes.narrative is not None
        assert [(p.op, p.text) for p in changes.narrative] == [
            ("equal", "เบิกจ่าย"),
            ("delete", "ล่าช้า"),
            ("insert", "เร็ว"),
            ("equal", "กว่าแผน"),
        ]
        assert changes.reference.reason == "อีกครั้ง"


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_report(personas: Personas, pn_q1: Report) -> None:
    def queries(report: Report) -> int:
        loaded = report_for_scoring(report.pk)
        with CaptureQueriesContext(connection) as captured:
            assert changes_since_review(loaded) is not None
        return len(captured)

    report = sent_back(pn_q1, personas)
    services.report_transition(report=report, to_status=Status.SUBMITTED, actor=None)
    small = queries(report)
    for n in range(10):
        RatioUpdate.objects.create(
            report=report, as_of=dt.date(2020, 12, 1 + n), numerator=n, denominator=10
        )
        LetterReference.objects.create(
            report=report, number=f"กท {n}", dated=dt.date(2021, 1, 5), title="ก"
        )
    assert queries(report) == small <= 6
