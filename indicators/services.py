"""Writes to the reporting calendar: extensions of a quarter's deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import sees_every_district
from districts.models import District
from indicators.models import DeadlineExtension, ReportingPeriod
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused
from kpi_portal.text import tidy


@audited
@transaction.atomic
def deadline_extend(
    *,
    district: District,
    period: ReportingPeriod,
    deadline: dt.date,
    reason: str,
    actor: Any,
    now: dt.datetime | None = None,
) -> DeadlineExtension:
    """Let one district report one quarter until ``deadline`` (evaluation office only)."""
    if actor is not None and not sees_every_district(actor):
        raise ActionRefused(_("เฉพาะเจ้าหน้าที่ สยป. เท่านั้นที่ขยายกำหนดส่งได้"))
    reason = tidy(reason)
    if not reason:
        raise ActionRefused(_("กรุณาระบุเหตุผลของการขยายกำหนดส่ง"))
    if deadline <= period.deadline:
        raise ActionRefused(_("วันที่ขยายต้องอยู่หลังกำหนดส่งเดิม"))
    extension, _created = DeadlineExtension.objects.update_or_create(
        district=district,
        period=period,
        defaults={
            "deadline": deadline,
            "reason": reason.strip(),
            "granted_by": actor,
            "granted_at": now or timezone.now(),
        },
    )
    return extension
