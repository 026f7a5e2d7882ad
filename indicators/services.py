"""Writes to the reporting calendar: extensions of a quarter's deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import sees_every_district
from districts.models import District
from indicators.models import DeadlineExtension, PublicationEvent, ReportingPeriod
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


def deadline_grace(
    *,
    district_id: int,
    fiscal_year_id: int,
    quarter: int,
    today: dt.date,
    days: int,
    reason: str,
    actor: Any,
    now: dt.datetime | None = None,
) -> DeadlineExtension | None:
    """Give a district ``days`` from ``today`` to correct a quarter the office sent back.

    Only lengthens: nothing changes while the quarter's deadline (or an earlier
    extension) is already later than the grace period's end.
    """
    period = ReportingPeriod.objects.filter(fiscal_year_id=fiscal_year_id, quarter=quarter).first()
    if period is None or days <= 0:
        return None
    until = today + dt.timedelta(days=days)
    current = (
        DeadlineExtension.objects.filter(district_id=district_id, period=period)
        .values_list("deadline", flat=True)
        .first()
    )
    if until <= max(period.deadline, current or period.deadline):
        return None
    extension, _created = DeadlineExtension.objects.update_or_create(
        district_id=district_id,
        period=period,
        defaults={
            "deadline": until,
            "reason": reason,
            "granted_by": actor,
            "granted_at": now or timezone.now(),
        },
    )
    return extension


@audited
@transaction.atomic
def period_publish(
    *,
    period: ReportingPeriod,
    actor: Any,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> PublicationEvent:
    """Publish a quarter's evaluations to the districts, from ``on`` (today by default)."""
    if actor is not None and not sees_every_district(actor):
        raise ActionRefused(_("เฉพาะเจ้าหน้าที่ สยป. เท่านั้นที่ประกาศผลการประเมินได้"))
    now = now or timezone.now()
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    on = on or timezone.localdate(now)
    if period.assessment_published_on == on:
        raise ActionRefused(_("ไตรมาสนี้ประกาศผลแล้ว"))
    ReportingPeriod.objects.filter(pk=period.pk).update(assessment_published_on=on)
    return PublicationEvent.objects.create(
        period=period,
        action=PublicationEvent.Action.PUBLISHED,
        published_on=on,
        actor=actor,
        at=now,
    )


@audited
@transaction.atomic
def period_withdraw(
    *, period: ReportingPeriod, actor: Any, reason: str, now: dt.datetime | None = None
) -> PublicationEvent:
    """Take a quarter's evaluations back from the districts, saying why."""
    if actor is not None and not sees_every_district(actor):
        raise ActionRefused(_("เฉพาะเจ้าหน้าที่ สยป. เท่านั้นที่ถอนประกาศผลได้"))
    reason = tidy(reason)
    if not reason:
        raise ActionRefused(_("กรุณาระบุเหตุผลที่ถอนประกาศผล"))
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.assessment_published_on is None:
        raise ActionRefused(_("ไตรมาสนี้ยังไม่ได้ประกาศผล"))
    ReportingPeriod.objects.filter(pk=period.pk).update(assessment_published_on=None)
    return PublicationEvent.objects.create(
        period=period,
        action=PublicationEvent.Action.WITHDRAWN,
        reason=reason.strip(),
        actor=actor,
        at=now or timezone.now(),
    )
