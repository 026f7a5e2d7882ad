"""The words of a notification, made when it is shown, in the active language,
and where it leads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from districts.models import District
from kpi_portal.thaidate import format_date
from notifications.models import Kind, Notification


def district_name(district: District | None) -> str:
    if district is None:
        return ""
    return district.office_name


def _date(day: dt.date | None) -> str:
    if day is None:
        return ""
    return format_date(day)


@dataclass(frozen=True)
class Words:
    headline: str
    detail: str


def _what(notification: Notification) -> dict[str, object]:
    """The names a sentence needs: indicator, quarter, year, district, date."""
    report = notification.report
    period = notification.period
    values: dict[str, object] = {
        "district": district_name(notification.district),
        "deadline": _date(notification.deadline),
        "days": notification.data.get("days", 0),
        "missing": notification.data.get("missing", 0),
        "total": notification.data.get("total", 0),
        # A notification always names them; "–" rather than an error if one does not.
        "code": "–",
        "quarter": "–",
        "year": "–",
    }
    if report is not None:
        values["code"] = report.assignment.indicator.code
        values["quarter"] = report.quarter
        values["year"] = report.assignment.indicator.fiscal_year.year
    if period is not None:
        values["quarter"] = period.quarter
        values["year"] = period.fiscal_year.year
    return values


def words(notification: Notification) -> Words:
    """What the notification says, in the active language."""
    v = _what(notification)
    kind = notification.kind
    detail = notification.reason
    if kind == Kind.RETURNED:
        headline = _("สยป. ส่งรายงานตัวชี้วัด %(code)s ไตรมาสที่ %(quarter)s กลับให้แก้ไข") % v
    elif kind == Kind.SENT_BACK:
        headline = _("ผู้อำนวยการเขตส่งรายงานตัวชี้วัด %(code)s ไตรมาสที่ %(quarter)s กลับให้แก้ไข") % v
    elif kind == Kind.REOPENED:
        headline = _("สยป. เปิดรายงานตัวชี้วัด %(code)s ไตรมาสที่ %(quarter)s ให้แก้ไขอีกครั้ง") % v
    elif kind == Kind.AWAITING_CERTIFICATION:
        headline = _("รายงานตัวชี้วัด %(code)s ไตรมาสที่ %(quarter)s รอท่านรับรองก่อนส่ง สยป.") % v
    elif kind == Kind.EVALUATED:
        headline = _("ผลการประเมินตัวชี้วัด %(code)s ไตรมาสที่ %(quarter)s ประกาศแล้ว") % v
    elif kind == Kind.PUBLISHED:
        headline = _("สยป. ประกาศผลการประเมินไตรมาสที่ %(quarter)s ปีงบประมาณ %(year)s แล้ว") % v
    elif kind == Kind.EXTENDED:
        headline = (
            _("สยป. ขยายกำหนดส่งรายงานไตรมาสที่ %(quarter)s ปีงบประมาณ %(year)s ถึง %(deadline)s") % v
        )
    elif kind in (Kind.DEADLINE, Kind.REMINDER):
        days = int(v["days"])  # type: ignore[call-overload]
        if days > 0:
            when = ngettext("อีก %(days)s วันถึงกำหนดส่ง", "อีก %(days)s วันถึงกำหนดส่ง", days) % {
                "days": days
            }
        elif days == 0:
            when = _("วันนี้เป็นวันสุดท้ายของการส่ง")
        else:
            when = ngettext("เลยกำหนดส่งมาแล้ว %(days)s วัน", "เลยกำหนดส่งมาแล้ว %(days)s วัน", -days) % {
                "days": -days
            }
        lead = _("สยป. เตือน: ") if kind == Kind.REMINDER else ""
        headline = lead + (
            _("%(when)s รายงานไตรมาสที่ %(quarter)s ปีงบประมาณ %(year)s (%(deadline)s)")
            % {**v, "when": when}
        )
        detail = _("%(district)s ยังไม่ได้ส่ง %(missing)s จาก %(total)s ตัวชี้วัด") % v
    else:  # a kind from a later version, shown by its label
        headline = str(notification.get_kind_display())
    return Words(headline=headline, detail=detail)


def target_path(notification: Notification) -> str:
    """The page the notification opens: its report, else its district's page."""
    report = notification.report
    if report is not None:
        return reverse(
            "report_page", kwargs={"pk": report.assignment_id, "quarter": report.quarter}
        )
    district = notification.district
    if notification.kind == Kind.PUBLISHED and district is not None and notification.period:
        return reverse(
            "scorecard",
            kwargs={"code": district.code, "year": notification.period.fiscal_year.year},
        )
    if district is not None:
        return reverse("district_home", kwargs={"code": district.code})
    return reverse("notifications")
