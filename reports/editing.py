"""May this user change this quarter's report now — and if not, why, and until when.

The one answer the report page, every service that changes a report, and
anything else that writes for a district (imports, the admin) ask for. The
calendar part (deadline, extension, closed year) comes from
``indicators.calendar``; the report's status and who asks are added here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import works_for
from indicators.calendar import QuarterWindow, quarter_window
from indicators.models import Assignment
from reports.models import EDITABLE_STATUSES, Status


@dataclass(frozen=True)
class EditCheck:
    """The answer: allowed or not, the reason shown when not, the last day when allowed."""

    allowed: bool
    reason: str = ""
    until: dt.date | None = None


def district_lock(
    *, status: str | None, window: QuarterWindow, today: dt.date | None = None
) -> str:
    """Why the district may not change the quarter's report now ("" when it may).

    ``status`` is None for a quarter whose report nobody has started yet.
    Everyone sees this reason on the report page, the office included.
    """
    if status is not None and status not in EDITABLE_STATUSES:
        return _("รายงานอยู่ในสถานะ “%(status)s” สำนักงานเขตจึงแก้ไขไม่ได้") % {
            "status": Status(status).label
        }
    lock = window.lock(today or timezone.localdate())
    return lock.reason if lock else ""


def is_district_staff(user: Any, assignment: Assignment) -> bool:
    """Whether ``user`` reports for the assignment's district (officer or head)."""
    return works_for(user, assignment.district_id)


def edit_check(
    *,
    assignment: Assignment,
    quarter: int,
    status: str | None,
    actor: Any,
    today: dt.date | None = None,
    window: QuarterWindow | None = None,
) -> EditCheck:
    """May ``actor`` change this quarter's report on ``today``?

    ``actor`` None is the system itself (the demo loader, an import run by the
    office), which is held to the lifecycle but not to the calendar.
    """
    if actor is not None and not is_district_staff(actor, assignment):
        return EditCheck(False, _("คุณไม่มีสิทธิ์แก้ไขรายงานของสำนักงานเขตนี้"))
    if status is not None and status not in EDITABLE_STATUSES:
        # Decided by the status alone: the calendar need not be read.
        return EditCheck(False, district_lock(status=status, window=QuarterWindow(True, None)))
    if actor is None:
        return EditCheck(True)
    if window is None:
        window = quarter_window(
            assignment.indicator.fiscal_year_id, quarter, assignment.district_id
        )
    reason = district_lock(status=status, window=window, today=today)
    if reason:
        return EditCheck(False, reason)
    return EditCheck(True, until=window.deadline)
