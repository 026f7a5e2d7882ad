"""Writes of the evaluation office: scoring a report (returns and reopenings go
through the report lifecycle, ``reports.services.report_transition``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpi_portal.audit import audited
from reports.models import Report, Status
from reports.services import ReportError, report_transition


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
