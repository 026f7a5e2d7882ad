"""What happened, read off the rows the lower apps write: a report's transition,
a deadline extension, a quarter's publication. Each becomes notifications in the
same transaction as the row, so an event is never lost and never told twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from districts.models import Role
from indicators.models import DeadlineExtension, PublicationEvent, ReportingPeriod
from notifications.models import Kind
from reports.models import Report, ReportTransition, Status
from reports.publication import is_published

log = logging.getLogger(__name__)


def _safely(handler: Any) -> Any:
    """A notification that cannot be made must not undo the event itself."""

    def receiver(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return  # fixtures load rows, not events
        try:
            with transaction.atomic():
                handler(instance, created)
        except DatabaseError:
            log.exception("could not notify about %s %s", sender.__name__, instance.pk)

    return receiver


def _report_with_period(report_id: int) -> tuple[Report, ReportingPeriod | None]:
    report = Report.objects.select_related(
        "assignment__indicator__fiscal_year", "assignment__district"
    ).get(pk=report_id)
    period = ReportingPeriod.objects.filter(
        fiscal_year_id=report.assignment.indicator.fiscal_year_id, quarter=report.quarter
    ).first()
    return report, period


def on_transition(transition: ReportTransition, created: bool) -> None:
    from notifications.services import district_staff, notify

    if not created:
        return
    to, came_from = transition.to_status, transition.from_status
    if to not in (
        Status.RETURNED,
        Status.REOPENED,
        Status.AWAITING_CERTIFICATION,
        Status.EVALUATED,
    ) and not (to == Status.DRAFT and came_from == Status.AWAITING_CERTIFICATION):
        return
    report, period = _report_with_period(transition.report_id)
    district_id = report.assignment.district_id
    if to == Status.AWAITING_CERTIFICATION:
        kind, people = Kind.AWAITING_CERTIFICATION, district_staff(district_id, (Role.HEAD,))
    elif to == Status.DRAFT:
        kind, people = Kind.SENT_BACK, district_staff(district_id, (Role.OFFICER,))
    elif to == Status.EVALUATED:
        # Until the quarter is published the district may not see its score;
        # the publication tells it then (``services.publication_notices``).
        # (The transition row is written just before the report's new status
        # and score, so the quarter's publication is what decides here.)
        if period is None or not is_published(period.assessment_published_on):
            return
        kind, people = Kind.EVALUATED, district_staff(district_id)
    else:
        kind = Kind.RETURNED if to == Status.RETURNED else Kind.REOPENED
        people = district_staff(district_id)
    notify(
        people,
        kind=kind,
        key=f"transition:{transition.pk}",
        now=transition.at,
        exclude=transition.actor,
        report=report,
        district_id=district_id,
        actor=transition.actor,
        reason=transition.reason,
    )


def on_extension(extension: DeadlineExtension, created: bool) -> None:
    from notifications.services import district_staff, notify

    period = ReportingPeriod.objects.select_related("fiscal_year").get(pk=extension.period_id)
    if period.deadline is not None and extension.deadline <= period.deadline:
        return
    notify(
        district_staff(extension.district_id),
        kind=Kind.EXTENDED,
        key=f"extension:{extension.pk}:{extension.deadline.isoformat()}",
        now=extension.granted_at,
        exclude=extension.granted_by,
        district_id=extension.district_id,
        period=period,
        deadline=extension.deadline,
        actor=extension.granted_by,
        reason=extension.reason,
    )


def on_publication(event: PublicationEvent, created: bool) -> None:
    from notifications.services import publication_notices

    today = timezone.localdate()
    # Published from today: the districts hear now. Published from a later day:
    # the daily run tells them on that day.
    if (
        created
        and event.action == PublicationEvent.Action.PUBLISHED
        and is_published(event.published_on, today)
    ):
        publication_notices(today, event.at, period_id=event.period_id)


def connect() -> None:
    post_save.connect(_safely(on_transition), sender=ReportTransition, weak=False)
    post_save.connect(_safely(on_extension), sender=DeadlineExtension, weak=False)
    post_save.connect(_safely(on_publication), sender=PublicationEvent, weak=False)
