"""No admin form can move a report, or change its figures, without the services.

The admin shows reports read-only; its actions (return, reopen, extend the
deadline) go through the same services as the office's pages, so each leaves a
transition row or an audited extension.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.test import RequestFactory
from django.urls import reverse

from indicators.models import DeadlineExtension
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    Status,
    StepProgress,
)
from tests.personas import Personas

#: A report and everything its result and status are computed from.
LIFECYCLE_MODELS = {Report, RatioUpdate, StepProgress, EvidenceFile, LetterReference}


@pytest.mark.django_db
def test_no_admin_form_or_inline_can_add_or_change_report_data(personas: Personas) -> None:
    request = RequestFactory().get("/admin/")
    request.user = personas.admin
    report = Report.objects.first()
    checked = []
    for model, model_admin in admin.site._registry.items():
        parts = [(model, model_admin)] + [
            (inline.model, inline) for inline in model_admin.get_inline_instances(request)
        ]
        for part_model, part_admin in parts:
            if part_model in LIFECYCLE_MODELS or part_model is ReportTransition:
                obj = report if model is Report else None
                assert (
                    # Only inlines have an fk_name, and an inline's check takes the parent.
                    not cast("InlineModelAdmin[Any, Any]", part_admin).has_add_permission(
                        request, obj
                    )
                    if hasattr(part_admin, "fk_name")
                    else not part_admin.has_add_permission(request)
                ), part_admin
                assert not part_admin.has_change_permission(request, obj), part_admin
                checked.append(part_model)
    assert set(checked) >= LIFECYCLE_MODELS | {ReportTransition}


@pytest.mark.django_db
class TestReportAdmin:
    def test_posting_the_change_form_moves_nothing(self, personas: Personas) -> None:
        report = Report.objects.filter(status=Status.SUBMITTED).first()
        assert report is not None
        client = personas.client(personas.admin)
        url = reverse("admin:reports_report_change", args=[report.pk])
        assert client.get(url).status_code == 200  # shown, read-only
        response = client.post(url, {"status": Status.EVALUATED, "score": "100"})
        assert response.status_code == 403
        report.refresh_from_db()
        assert report.status == Status.SUBMITTED and report.score is None
        assert client.get(reverse("admin:reports_report_add")).status_code == 403

    def test_return_action_asks_why_then_writes_a_transition(self, personas: Personas) -> None:
        report = Report.objects.filter(status=Status.SUBMITTED).first()
        assert report is not None
        client = personas.client(personas.admin)
        changelist = reverse("admin:reports_report_changelist")
        chosen = {"action": "return_reports", "_selected_action": [report.pk]}
        asked = client.post(changelist, chosen)
        assert asked.status_code == 200 and "เหตุผล" in asked.content.decode()
        without_reason = client.post(changelist, {**chosen, "apply": "1", "reason": ""})
        assert "กรุณาระบุเหตุผล" in without_reason.content.decode()
        report.refresh_from_db()
        assert report.status == Status.SUBMITTED
        done = client.post(changelist, {**chosen, "apply": "1", "reason": "แนบหลักฐานไม่ครบ"})
        assert done.status_code == 302
        report.refresh_from_db()
        assert report.status == Status.RETURNED
        row = ReportTransition.objects.filter(report=report).latest("id")
        assert (row.from_status, row.to_status, row.actor, row.reason) == (
            Status.SUBMITTED,
            Status.RETURNED,
            personas.admin,
            "แนบหลักฐานไม่ครบ",
        )

    def test_an_action_the_pipeline_refuses_says_why(self, personas: Personas) -> None:
        report = Report.objects.filter(status=Status.DRAFT).first() or Report.objects.first()
        assert report is not None
        Report.objects.filter(pk=report.pk).update(status=Status.DRAFT)
        client = personas.client(personas.admin)
        response = client.post(
            reverse("admin:reports_report_changelist"),
            {
                "action": "reopen_reports",
                "_selected_action": [report.pk],
                "apply": "1",
                "reason": "ทดสอบ",
            },
            follow=True,
        )
        assert "เปลี่ยนสถานะจาก “ร่าง” เป็น “เปิดให้แก้ไขอีกครั้ง” ไม่ได้" in response.content.decode()
        report.refresh_from_db()
        assert report.status == Status.DRAFT

    def test_extend_action_goes_through_the_calendar_service(self, personas: Personas) -> None:
        report = Report.objects.select_related("assignment__district").first()
        assert report is not None
        client = personas.client(personas.admin)
        client.post(
            reverse("admin:reports_report_changelist"),
            {
                "action": "extend_deadlines",
                "_selected_action": [report.pk],
                "apply": "1",
                "reason": "น้ำท่วมสำนักงาน",
                "deadline": "31/12/2570",
            },
        )
        extension = DeadlineExtension.objects.get(
            district=report.assignment.district, period__quarter=report.quarter
        )
        assert extension.deadline == dt.date(2027, 12, 31)
        assert extension.granted_by == personas.admin
        assert extension.reason == "น้ำท่วมสำนักงาน"
