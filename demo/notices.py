"""A first notification for the demo's district users, so that the bell has
something to show: the reminder of the next deadline of the current year, as
the daily run would send it seven days before."""

from __future__ import annotations

from django.utils import timezone

from indicators.fiscal import current_fiscal_year
from indicators.models import ReportingPeriod
from notifications.models import Kind
from notifications.selectors import quarter_status
from notifications.services import district_staff, notify


def demo_notifications() -> int:
    today = timezone.localdate()
    period = (
        ReportingPeriod.objects.filter(fiscal_year__year=current_fiscal_year(), deadline__gte=today)
        .select_related("fiscal_year")
        .order_by("deadline")
        .first()
    )
    if period is None:
        return 0
    made = 0
    for cell in quarter_status(period, today):
        people = district_staff(cell.district_id)
        if not people or cell.complete or cell.deadline is None:
            continue
        made += len(
            notify(
                people,
                kind=Kind.DEADLINE,
                key=f"demo:deadline:{period.pk}",
                district_id=cell.district_id,
                period=period,
                deadline=cell.deadline,
                data={
                    "days": (cell.deadline - today).days,
                    "missing": cell.missing,
                    "total": cell.total,
                },
            )
        )
    return made
