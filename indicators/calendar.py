"""The reporting calendar: until when a district may report a quarter.

One rule, asked by every page, service, the office matrix and the district home:
a quarter opens on its first day (or earlier, where the fiscal year opens
quarters ahead); its deadline is the reporting period's, or later where the
evaluation office has extended it for the district (by hand, or automatically
when it returns or reopens a report late); a closed fiscal year takes no
district writes at all. Whether one report may still change also depends on its status
and on who asks; ``reports.editing`` adds those and asks this module for the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from indicators.fiscal import quarter_opens_on
from indicators.models import DeadlineExtension, FiscalYear, ReportingPeriod
from kpi_portal.thaidate import format_date


def deadline_for(deadline: dt.date, extension: dt.date | None) -> dt.date:
    """A quarter's deadline for one district: the office's extension where it is later."""
    return max(deadline, extension) if extension else deadline


def is_late(
    deadline: dt.date | None,
    today: dt.date,
    *,
    handed_in: bool = False,
    submitted_on: dt.date | None = None,
) -> bool:
    """Late: handed in after the deadline, or not handed in and the deadline has passed."""
    if deadline is None:
        return False
    if handed_in:
        return submitted_on is not None and submitted_on > deadline
    return today > deadline


@dataclass(frozen=True)
class Lock:
    """Why a district may not change a quarter now, in the words the page shows."""

    reason: str


@dataclass(frozen=True)
class QuarterWindow:
    """When one district may report one quarter of one fiscal year."""

    fiscal_year_open: bool
    period_deadline: dt.date | None  # the quarter's own deadline; None when not set up
    extension: dt.date | None = None  # the office's extension for this district
    opens_on: dt.date | None = None  # the first day the district may report
    extension_reason: str = ""
    published_on: dt.date | None = None  # the office published the quarter's evaluations

    @property
    def deadline(self) -> dt.date | None:
        """The last day the district may change its report (Bangkok time)."""
        if self.period_deadline is None:
            return None
        return deadline_for(self.period_deadline, self.extension)

    @property
    def extended(self) -> bool:
        return (
            self.extension is not None
            and self.period_deadline is not None
            and self.extension > self.period_deadline
        )

    def lock(self, today: dt.date) -> Lock | None:
        """Why the district may not report this quarter on ``today``, or None."""
        if self.opens_on is not None and today < self.opens_on:
            return Lock(
                _("ยังไม่เปิดรับรายงานไตรมาสนี้ — เปิด %(date)s") % {"date": format_date(self.opens_on)}
            )
        deadline = self.deadline
        if deadline is not None and is_late(deadline, today):
            return Lock(
                _(
                    "เลยกำหนดส่งรายงานไตรมาสนี้แล้ว (%(date)s) หากจำเป็นต้องแก้ไข "
                    "กรุณาติดต่อสำนักยุทธศาสตร์และประเมินผล (สยป.) เพื่อขอขยายกำหนดส่ง"
                )
                % {"date": format_date(deadline)}
            )
        if not self.fiscal_year_open:
            return Lock(_("ปีงบประมาณนี้ปิดแล้ว"))
        return None


def _opens_on(fiscal_year: FiscalYear, quarter: int) -> dt.date:
    return quarter_opens_on(fiscal_year.year, quarter, fiscal_year.quarters_open_ahead)


def quarter_window(fiscal_year_id: int, quarter: int, district_id: int) -> QuarterWindow:
    """The window of one district's quarter, in two queries."""
    period = (
        ReportingPeriod.objects.filter(fiscal_year_id=fiscal_year_id, quarter=quarter)
        .select_related("fiscal_year")
        .only(
            "id",
            "deadline",
            "assessment_published_on",
            "fiscal_year__year",
            "fiscal_year__is_open",
            "fiscal_year__quarters_open_ahead",
        )
        .first()
    )
    if period is None:
        fiscal_year = FiscalYear.objects.filter(pk=fiscal_year_id).first()
        if fiscal_year is None:
            return QuarterWindow(False, None)
        return QuarterWindow(fiscal_year.is_open, None, opens_on=_opens_on(fiscal_year, quarter))
    extension = (
        DeadlineExtension.objects.filter(period=period, district_id=district_id)
        .values_list("deadline", "reason")
        .first()
    )
    return QuarterWindow(
        period.fiscal_year.is_open,
        period.deadline,
        extension[0] if extension else None,
        opens_on=_opens_on(period.fiscal_year, quarter),
        extension_reason=extension[1] if extension else "",
        published_on=period.assessment_published_on,
    )


def district_windows(
    fiscal_year: FiscalYear,
    district_id: int,
    periods: Iterable[ReportingPeriod],
) -> dict[int, QuarterWindow]:
    """The windows of every quarter of a year (its ``periods``) for one district."""
    extensions = {
        quarter: (deadline, reason)
        for quarter, deadline, reason in DeadlineExtension.objects.filter(
            district_id=district_id, period__fiscal_year=fiscal_year
        ).values_list("period__quarter", "deadline", "reason")
    }
    return {
        period.quarter: QuarterWindow(
            fiscal_year.is_open,
            period.deadline,
            extensions.get(period.quarter, (None, ""))[0],
            opens_on=_opens_on(fiscal_year, period.quarter),
            extension_reason=extensions.get(period.quarter, (None, ""))[1],
        )
        for period in periods
    }


@dataclass(frozen=True)
class PeriodDeadlines:
    """One quarter's deadline for every district at once (the office matrix)."""

    deadline: dt.date | None
    extensions: Mapping[int, dt.date]

    def for_district(self, district_id: int) -> dt.date | None:
        if self.deadline is None:
            return None
        return deadline_for(self.deadline, self.extensions.get(district_id))


def period_deadlines(period: ReportingPeriod | None) -> PeriodDeadlines:
    """The quarter's deadline and every district's extension of it, in one query."""
    if period is None:
        return PeriodDeadlines(None, {})
    return PeriodDeadlines(
        period.deadline,
        dict(
            DeadlineExtension.objects.filter(period=period).values_list("district_id", "deadline")
        ),
    )


@dataclass(frozen=True)
class DistrictDeadline:
    """One district's deadline for one quarter, with the office's extension on record."""

    period: ReportingPeriod
    extension: DeadlineExtension | None

    @property
    def deadline(self) -> dt.date:
        return deadline_for(self.period.deadline, self.extension_deadline)

    @property
    def extension_deadline(self) -> dt.date | None:
        return self.extension.deadline if self.extension else None

    @property
    def extended(self) -> bool:
        return self.extension is not None and self.extension.deadline > self.period.deadline

    @property
    def granted_by(self) -> str:
        """Who extended it; the system (an import, the demo) when nobody did."""
        user = self.extension.granted_by if self.extension else None
        return (user.get_full_name() or user.username) if user else _("ระบบ")


def district_deadline(
    fiscal_year_id: int, quarter: int, district_id: int
) -> DistrictDeadline | None:
    """The quarter's deadline for a district and who extended it, why and when; two queries."""
    period = ReportingPeriod.objects.filter(fiscal_year_id=fiscal_year_id, quarter=quarter).first()
    if period is None:
        return None
    extension = (
        DeadlineExtension.objects.filter(period=period, district_id=district_id)
        .select_related("granted_by")
        .first()
    )
    return DistrictDeadline(period, extension)
