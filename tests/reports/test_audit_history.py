"""Every change to report data is in the history with who, when, old and new value,
whichever way it was made: the pages, the admin, a service called by a command, or
a bare update in a shell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pghistory.models
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from indicators import services as indicator_services
from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
from reports import services
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    StepProgress,
    YearSummary,
)
from tests.personas import Personas


def last_event(model: type[Model], pk: int) -> pghistory.models.Events:
    event = (
        pghistory.models.Events.objects.filter(
            pgh_model=f"{model._meta.app_label}.{model.__name__}Event", pgh_obj_id=str(pk)
        )
        .order_by("-pgh_created_at", "-pgh_id")
        .first()
    )
    assert event is not None, f"no history for {model.__name__} {pk}"
    return event


def who(event: pghistory.models.Events) -> int | None:
    return (event.pgh_context or {}).get("user")


@pytest.fixture
def open_budget(pn_budget: Assignment) -> Report:
    Report.objects.filter(assignment=pn_budget, quarter=1).update(status="draft")
    DeadlineExtension.objects.create(
        district=pn_budget.district,
        period=ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1),
        deadline=timezone.localdate() + dt.timedelta(days=5),
        reason="ทดสอบ",
        granted_at=timezone.now(),
    )
    return Report.objects.get(assignment=pn_budget, quarter=1)


@pytest.mark.django_db
class TestHistoryOfEveryModel:
    def test_report_narrative_through_the_page(
        self, personas: Personas, open_budget: Report
    ) -> None:
        personas.client(personas.officer_pn).post(
            reverse("report_page", args=[open_budget.assignment_id, 1]),
            {"narrative": "ฉบับแก้ไข", "version": str(open_budget.version)},
        )
        event = last_event(Report, open_budget.pk)
        assert event.pgh_diff["narrative"][1] == "ฉบับแก้ไข"
        assert event.pgh_diff["narrative"][0].startswith("ในปีงบประมาณ 2564")
        assert who(event) == personas.officer_pn.pk

    def test_ratio_update_through_a_service(self, personas: Personas, open_budget: Report) -> None:
        update = open_budget.ratio_updates.get()
        services.ratio_update_edit(
            report=open_budget,
            actor=personas.officer_pn,
            update_id=update.pk,
            as_of=update.as_of,
            numerator=Decimal("13048289.82"),
            denominator=update.denominator,
            note=update.note,
        )
        event = last_event(RatioUpdate, update.pk)
        assert event.pgh_diff["numerator"] == [13048289.81, 13048289.82]
        assert who(event) == personas.officer_pn.pk

    def test_step_progress_and_score_through_services(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        report = Report.objects.get(assignment=hk_sheet, quarter=1)
        progress = report.step_progress.get()
        StepProgress.objects.filter(pk=progress.pk).update(note="แก้ในเชลล์")  # no user
        event = last_event(StepProgress, progress.pk)
        assert event.pgh_diff["note"] == ["", "แก้ในเชลล์"]
        assert who(event) is None  # shown as "ระบบ"
        services.report_transition(
            report=report, to_status="reopened", actor=personas.evaluator, reason="ตรวจใหม่"
        )
        score_event = last_event(Report, report.pk)
        assert score_event.pgh_diff["status"] == ["evaluated", "reopened"]
        assert who(score_event) == personas.evaluator.pk

    def test_evidence_and_letters_added_and_deleted(
        self, personas: Personas, open_budget: Report, settings: Settings, tmp_path: Path
    ) -> None:
        settings.MEDIA_ROOT = tmp_path
        evidence = services.evidence_add(
            report=open_budget,
            actor=personas.officer_pn,
            upload=SimpleUploadedFile("หนังสือ.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        letter = services.letter_add(
            report=open_budget,
            actor=personas.officer_pn,
            number="กท 1/2",
            dated=dt.date(2020, 12, 1),
            title="ก",
        )
        services.evidence_delete(
            report=open_budget, actor=personas.officer_pn, evidence_id=evidence.pk
        )
        services.letter_delete(report=open_budget, actor=personas.officer_pn, letter_id=letter.pk)
        assert last_event(EvidenceFile, evidence.pk).pgh_label == "delete"
        assert last_event(EvidenceFile, evidence.pk).pgh_data["original_name"] == "หนังสือ.pdf"
        assert last_event(LetterReference, letter.pk).pgh_label == "delete"
        assert who(last_event(LetterReference, letter.pk)) == personas.officer_pn.pk

    def test_deadline_extension_and_summary_through_the_admin(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        extension = indicator_services.deadline_extend(
            district=hk_sheet.district,
            period=ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=4),
            deadline=dt.date(2021, 11, 1),
            reason="น้ำท่วม",
            actor=personas.evaluator,
        )
        assert who(last_event(DeadlineExtension, extension.pk)) == personas.evaluator.pk
        summary = YearSummary.objects.get(assignment=hk_sheet)
        admin = personas.client(personas.admin)
        response = admin.post(
            reverse("admin:reports_yearsummary_change", args=[summary.pk]),
            {"assignment": hk_sheet.pk, "text": "สรุปผลทั้งปี", "updated_by": ""},
        )
        assert response.status_code == 302
        event = last_event(YearSummary, summary.pk)
        assert event.pgh_diff["text"] == ["", "สรุปผลทั้งปี"]
        assert who(event) == personas.admin.pk
