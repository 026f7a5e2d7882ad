"""Writes of the evaluation office: scoring a report (returns and reopenings go
through the report lifecycle, ``reports.services.report_transition``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import works_for
from kpi_portal.audit import audited
from reports.models import Report, ReportTransition, Status
from reports.services import ReportError, report_transition


def evaluation_conflict(report: Report, actor: Any) -> str | None:
    """Why ``actor`` may not evaluate this report (separation of duties), or None.

    Nobody evaluates a district they work for, nor a report they handed in or
    certified themselves.
    """
    if actor is None:
        return None
    if works_for(actor, report.assignment.district_id):
        return _("คุณเป็นบุคลากรของสำนักงานเขตนี้ จึงประเมินรายงานของเขตนี้ไม่ได้ (แบ่งแยกหน้าที่)")
    handed_in = report.submitted_by_id == actor.pk or (
        ReportTransition.objects.filter(
            report=report,
            actor_id=actor.pk,
            to_status__in=(Status.SUBMITTED, Status.AWAITING_CERTIFICATION),
        ).exists()
    )
    if handed_in:
        return _("คุณเป็นผู้ส่งหรือรับรองรายงานนี้เอง จึงประเมินรายงานนี้ไม่ได้ (แบ่งแยกหน้าที่)")
    return None


@audited
@transaction.atomic
def report_score(
    *,
    report: Report,
    actor: Any,
    score: Decimal,
    comment: str = "",
    reason: str = "",
    suggested: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Score a submitted report and mark it evaluated."""
    conflict = evaluation_conflict(report, actor)
    if conflict:
        raise ReportError(conflict)
    if score < 0 or score > report.full_score:
        raise ReportError(_("คะแนนต้องอยู่ระหว่าง 0 ถึง %(full)s") % {"full": report.full_score})
    if suggested is not None and score != suggested and not reason.strip():
        raise ReportError(_("กรุณาระบุเหตุผลที่ให้คะแนนต่างจากคะแนนที่ระบบเสนอ"))
    at = now or timezone.now()
    report_transition(
        report=report,
        to_status=Status.EVALUATED,
        actor=actor,
        reason=comment.strip(),
        now=at,
        fields={
            "score": score,
            "suggested_score": suggested,
            "score_reason": reason.strip(),
            "evaluator_comment": comment.strip(),
            "evaluated_by": actor,
            "evaluated_at": at,
        },
    )
    report.refresh_from_db()
    return report


def report_return(*, report: Report, actor: Any, comment: str) -> ReportTransition:
    """Send a submitted report back to its district for correction, saying what to fix."""
    conflict = evaluation_conflict(report, actor)
    if conflict:
        raise ReportError(conflict)
    return report_transition(report=report, to_status=Status.RETURNED, actor=actor, reason=comment)
