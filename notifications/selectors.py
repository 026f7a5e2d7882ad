"""Reads of notifications: a person's list and unread count, and how complete
each district's quarter is — for the reminders, the digest and the office's
completeness board."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import District
from indicators.calendar import deadline_for, is_late
from indicators.fiscal import quarter_opens_on
from indicators.models import Assignment, DeadlineExtension, FiscalYear, ReportingPeriod
from notifications.models import Email, ManualReminder, Notification
from reports.models import HANDED_IN_STATUSES, Report, ReportTransition, Status


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user: Any) -> QuerySet[Notification]:
    """A person's notifications, newest first, with what their words need."""
    return Notification.objects.filter(recipient=user).select_related(
        "report__assignment__indicator__fiscal_year", "period__fiscal_year", "district"
    )


# --- how complete a district's quarter is ------------------------------------


ON_TIME = "on_time"
LATE = "late"
MISSING = "missing"
EXTENDED = "extended"
PENDING = "pending"
NOT_OPEN = "not_open"
NO_INDICATORS = "none"

STATE_LABELS = {
    ON_TIME: _("ส่งครบตามกำหนด"),
    LATE: _("ส่งครบแต่ล่าช้า"),
    MISSING: _("เลยกำหนด ยังส่งไม่ครบ"),
    EXTENDED: _("ขยายกำหนดส่ง"),
    PENDING: _("ยังไม่ถึงกำหนด"),
    NOT_OPEN: _("ยังไม่เปิดให้รายงาน"),
    NO_INDICATORS: _("ไม่มีตัวชี้วัด"),
}


@dataclass
class QuarterStatus:
    """One district's one quarter: how many reports it owes, how many reached the
    office, when the last one did, and its deadline."""

    district_id: int
    period: ReportingPeriod
    total: int
    handed_in: int = 0
    last_handed_in: dt.datetime | None = None
    deadline: dt.date | None = None
    extended_to: dt.date | None = None
    opens_on: dt.date | None = None
    reminded_at: dt.datetime | None = None
    reminded_recently: bool = False  # within the office's cool-down: no button
    state: str = PENDING

    @property
    def missing(self) -> int:
        return max(self.total - self.handed_in, 0)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.handed_in >= self.total

    def days_left(self, today: dt.date) -> int | None:
        return (self.deadline - today).days if self.deadline else None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    def may_remind(self) -> bool:
        # A closed fiscal year takes no district writes: a reminder could only
        # ask for what no one may do any more.
        return (
            self.period.fiscal_year.is_open
            and self.total > 0
            and not self.complete
            and self.state != NOT_OPEN
            and not self.reminded_recently
        )


def _state(cell: QuarterStatus, today: dt.date) -> str:
    if cell.total == 0:
        return NO_INDICATORS
    if cell.complete:
        submitted_on = (
            timezone.localdate(cell.last_handed_in) if cell.last_handed_in is not None else None
        )
        late = is_late(cell.deadline, today, handed_in=True, submitted_on=submitted_on)
        return LATE if late else ON_TIME
    if cell.opens_on is not None and today < cell.opens_on:
        return NOT_OPEN
    if is_late(cell.deadline, today):
        return MISSING
    if cell.extended_to is not None:
        return EXTENDED
    return PENDING


def _statuses(
    periods: Sequence[ReportingPeriod],
    today: dt.date,
    districts: Iterable[District] | None = None,
) -> list[QuarterStatus]:
    """Every district's status for each period, in four queries whatever the count."""
    if not periods:
        return []
    year_ids = {p.fiscal_year_id for p in periods}
    assignments = Assignment.objects.filter(indicator__fiscal_year_id__in=year_ids)
    reports = Report.objects.filter(
        assignment__indicator__fiscal_year_id__in=year_ids,
        quarter__in={p.quarter for p in periods},
        status__in=HANDED_IN_STATUSES,
    )
    extensions = DeadlineExtension.objects.filter(period__in=periods)
    district_ids: list[int] | None = None
    if districts is not None:
        district_ids = [d.pk for d in districts]
        assignments = assignments.filter(district_id__in=district_ids)
        reports = reports.filter(assignment__district_id__in=district_ids)
        extensions = extensions.filter(district_id__in=district_ids)
    totals: dict[tuple[int, int], int] = {
        (row["indicator__fiscal_year_id"], row["district_id"]): row["n"]
        for row in assignments.values("indicator__fiscal_year_id", "district_id").annotate(
            n=Count("id")
        )
    }
    handed = {
        (
            row["assignment__indicator__fiscal_year_id"],
            row["assignment__district_id"],
            row["quarter"],
        ): (row["n"], row["last"])
        for row in reports.values(
            "assignment__indicator__fiscal_year_id", "assignment__district_id", "quarter"
        ).annotate(n=Count("id"), last=Max("submitted_at"))
    }
    extended = {
        (row["period_id"], row["district_id"]): row["deadline"]
        for row in extensions.values("period_id", "district_id", "deadline")
    }
    reminded = {
        (row["period_id"], row["district_id"]): row["at"]
        for row in ManualReminder.objects.filter(period__in=periods)
        .values("period_id", "district_id")
        .annotate(at=Max("at"))
    }
    every = district_ids or sorted({d for (_y, d) in totals})
    cooled = timezone.now() - dt.timedelta(minutes=settings.NOTIFY_MANUAL_COOLDOWN_MINUTES)
    cells = []
    for period in periods:
        year = period.fiscal_year
        opens = quarter_opens_on(year.year, period.quarter, year.quarters_open_ahead)
        for district_id in every:
            extension = extended.get((period.pk, district_id))
            deadline = deadline_for(period.deadline, extension) if period.deadline else None
            n, last = handed.get((year.pk, district_id, period.quarter), (0, None))
            cell = QuarterStatus(
                district_id=district_id,
                period=period,
                total=totals.get((year.pk, district_id), 0),
                handed_in=n,
                last_handed_in=last,
                deadline=deadline,
                extended_to=(
                    extension
                    if extension and period.deadline and extension > period.deadline
                    else None
                ),
                opens_on=opens,
                reminded_at=reminded.get((period.pk, district_id)),
            )
            cell.reminded_recently = cell.reminded_at is not None and cell.reminded_at > cooled
            cell.state = _state(cell, today)
            cells.append(cell)
    return cells


def open_quarters_status(today: dt.date, *, horizon: int) -> list[QuarterStatus]:
    """Quarters of open fiscal years that are open for reporting and whose deadline,
    for some district, is at most ``horizon`` days away and not past."""
    latest_extension = today + dt.timedelta(days=horizon)
    periods = list(
        ReportingPeriod.objects.filter(fiscal_year__is_open=True, deadline__isnull=False)
        .select_related("fiscal_year")
        .order_by("fiscal_year__year", "quarter")
    )
    candidates = []
    extended_periods = set(
        DeadlineExtension.objects.filter(
            period__in=periods, deadline__gte=today, deadline__lte=latest_extension
        ).values_list("period_id", flat=True)
    )
    for period in periods:
        near = period.deadline is not None and today <= period.deadline <= latest_extension
        if near or period.pk in extended_periods:
            candidates.append(period)
    return [
        cell
        for cell in _statuses(candidates, today)
        if cell.state in (PENDING, EXTENDED)
        and cell.deadline is not None
        and 0 <= (cell.deadline - today).days <= horizon
    ]


def quarter_status(
    period: ReportingPeriod, today: dt.date, districts: Iterable[District] | None = None
) -> list[QuarterStatus]:
    return _statuses([period], today, districts)


def published_lately(
    today: dt.date, days: int = 7, *, period_id: int | None = None
) -> list[tuple[ReportingPeriod, list[int]]]:
    """Quarters published in the last ``days`` days up to today (or the one
    asked for), each with the districts that have an evaluated report in it."""
    periods_q = ReportingPeriod.objects.filter(
        assessment_published_on__lte=today,
        assessment_published_on__gte=today - dt.timedelta(days=days),
    )
    if period_id is not None:
        periods_q = periods_q.filter(pk=period_id)
    periods = list(periods_q.select_related("fiscal_year"))
    if not periods:
        return []
    by_period: dict[tuple[int, int], set[int]] = defaultdict(set)
    for year_id, quarter, district_id in (
        Report.objects.filter(status=Status.EVALUATED, score__isnull=False)
        .filter(
            assignment__indicator__fiscal_year_id__in={p.fiscal_year_id for p in periods},
            quarter__in={p.quarter for p in periods},
        )
        .values_list("assignment__indicator__fiscal_year_id", "quarter", "assignment__district_id")
        .distinct()
    ):
        by_period[(year_id, quarter)].add(district_id)
    return [
        (period, sorted(by_period.get((period.fiscal_year_id, period.quarter), ())))
        for period in periods
    ]


# --- the office's digest -----------------------------------------------------


@dataclass
class DigestLine:
    district: District
    count: int


@dataclass
class Digest:
    submissions: list[DigestLine] = field(default_factory=list)
    late_today: list[tuple[District, QuarterStatus]] = field(default_factory=list)
    still_late: int = 0

    @property
    def submission_count(self) -> int:
        return sum(line.count for line in self.submissions)


def digest_for(today: dt.date, since: dt.datetime) -> Digest:
    """Reports handed in to the office since ``since``, by district; the districts
    whose deadline was yesterday and that still owe reports; how many owe any."""
    counts = dict(
        ReportTransition.objects.filter(to_status=Status.SUBMITTED, at__gte=since)
        .values_list("report__assignment__district_id")
        .annotate(n=Count("report_id", distinct=True))
        .values_list("report__assignment__district_id", "n")
    )
    periods = list(
        ReportingPeriod.objects.filter(
            fiscal_year__is_open=True, deadline__isnull=False
        ).select_related("fiscal_year")
    )
    cells = [c for c in _statuses(periods, today) if c.state == MISSING]
    districts = District.objects.in_bulk({*counts, *(c.district_id for c in cells)})
    yesterday = today - dt.timedelta(days=1)
    return Digest(
        submissions=sorted(
            (DigestLine(districts[pk], n) for pk, n in counts.items()),
            key=lambda line: line.district.code,
        ),
        late_today=[(districts[c.district_id], c) for c in cells if c.deadline == yesterday],
        still_late=len({c.district_id for c in cells}),
    )


# --- the completeness board --------------------------------------------------


@dataclass
class BoardRow:
    district: District
    cells: list[QuarterStatus]


@dataclass
class Board:
    fiscal_year: FiscalYear
    periods: list[ReportingPeriod]
    rows: list[BoardRow]
    counts: dict[int, dict[str, int]]  # by quarter, by state
    remindable: dict[int, int]  # by quarter: districts that may be reminded now
    outbox: dict[str, int]


def completeness_board(fiscal_year: FiscalYear, today: dt.date) -> Board:
    """Every district × quarter of a year: handed in on time, late, missing,
    extended, pending or not open, with the last reminder; in constant queries."""
    periods = list(
        ReportingPeriod.objects.filter(fiscal_year=fiscal_year)
        .select_related("fiscal_year")
        .order_by("quarter")
    )
    districts = list(District.objects.select_related("zone_group").order_by("code"))
    cells = _statuses(periods, today, districts)
    by_district: dict[int, list[QuarterStatus]] = defaultdict(list)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    remindable: dict[int, int] = defaultdict(int)
    for cell in cells:
        by_district[cell.district_id].append(cell)
        counts[cell.period.quarter][cell.state] += 1
        if cell.may_remind():
            remindable[cell.period.quarter] += 1
    outbox = dict(
        Email.objects.filter(
            state__in=[Email.State.QUEUED, Email.State.FAILED, Email.State.UNKNOWN]
        )
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return Board(
        fiscal_year=fiscal_year,
        periods=periods,
        rows=[BoardRow(d, by_district.get(d.pk, [])) for d in districts],
        counts={q: dict(v) for q, v in counts.items()},
        remindable=dict(remindable),
        outbox=outbox,
    )
