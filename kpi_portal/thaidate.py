"""Thai-style dates: Buddhist Era years and Thai month names, shown and typed.

Officers read and write dates the way official letters do ("25 มิถุนายน 2564",
"25/06/2564"), so everything here speaks BE years while Python's ``date`` stays CE.

Typed years follow one rule: two digits are BE ("64" is 2564); four digits from
2400 to 2800 are BE and from 1900 to 2200 are CE (pasted from systems that use CE);
any other year is refused. Every date typed is therefore within CE 1857–2257.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from kpi_portal.thaidigits import to_arabic_digits

#: The one definition of the Buddhist Era: BE = CE + 543.
BE_OFFSET = 543


def ce_to_be(year: int) -> int:
    """Buddhist Era year for a Common Era year."""
    return year + BE_OFFSET


def be_to_ce(year: int) -> int:
    """Common Era year for a Buddhist Era year."""
    return year - BE_OFFSET


THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBR = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_MONTHS_ABBR = tuple(name[:3] for name in ENGLISH_MONTHS)

DATE_FORMAT_HINT = _("กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2564")
#: What a date box shows while empty: the numeric form typed in either language.
DATE_PLACEHOLDER = _("วว/ดด/ปปปป")
MSG_INVALID_DATE = _("วันที่ไม่ถูกต้อง กรุณากรอกเป็น วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2564")
MSG_YEAR_OUT_OF_RANGE = _("วันที่ไม่ถูกต้อง ปีต้องเป็น พ.ศ. 2400–2800 (หรือ ค.ศ. 1900–2200) เช่น 25/06/2564")


def _month_key(name: str) -> str:
    # People drop or space out the dots of abbreviations ("มิย", "มิ. ย."), so
    # names are compared without them.
    return re.sub(r"[.\s]", "", name)


_MONTH_BY_NAME = {
    _month_key(name).casefold(): number
    for names in (THAI_MONTHS, THAI_MONTHS_ABBR, ENGLISH_MONTHS, ENGLISH_MONTHS_ABBR)
    for number, name in enumerate(names, start=1)
}

# Text copied from web pages and Word carries invisible word-break characters.
_INVISIBLES = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\ufeff", ""))

_YEAR = r"(?P<year>\d{4}|\d{2})"
_DAY_MONTH_YEAR = re.compile(rf"(?P<day>\d{{1,2}})\s*([/.-])\s*(?P<month>\d{{1,2}})\s*\2\s*{_YEAR}")
_YEAR_MONTH_DAY = re.compile(
    r"(?P<year>\d{4})\s*([/-])\s*(?P<month>\d{1,2})\s*\2\s*(?P<day>\d{1,2})"
)
_DAY_MONTHNAME_YEAR = re.compile(
    r"(?P<day>\d{1,2})\s*(?P<monthname>[\u0e00-\u0e7fA-Za-z.][\u0e00-\u0e7fA-Za-z.\s]*?)\s*"
    rf"(?:พ\.?\s*ศ\.?\s*|BE\s*)?{_YEAR}(?:\s*BE)?"
)

#: Four-digit years read as BE and as CE (MSG_YEAR_OUT_OF_RANGE names both). They
#: do not overlap, and no year between them is plausible in either era.
BE_YEARS_TYPED = range(2400, 2801)
CE_YEARS_TYPED = range(1900, 2201)


def _local_date(d: date) -> date:
    # An aware datetime is a moment, not a day: which day it is depends on the
    # zone, and officers mean Bangkok.
    if isinstance(d, datetime):
        return timezone.localtime(d).date() if timezone.is_aware(d) else d.date()
    return d


def thai_date(d: date) -> str:
    """Full Thai date with BE year: "25 มิถุนายน 2564"."""
    d = _local_date(d)
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {ce_to_be(d.year)}"


def thai_date_numeric(d: date | None) -> str:
    """A date the way officers type it: "25/06/2564" (Buddhist Era); "" for none."""
    if d is None:
        return ""
    d = _local_date(d)
    return f"{d.day:02d}/{d.month:02d}/{ce_to_be(d.year)}"


def thai_date_short(d: date) -> str:
    """Abbreviated Thai date with two-digit BE year, as in tables: "30 ธ.ค. 63"."""
    d = _local_date(d)
    return f"{d.day} {THAI_MONTHS_ABBR[d.month - 1]} {ce_to_be(d.year) % 100:02d}"


def thai_datetime(dt: datetime) -> str:
    """Thai date and time in the current time zone: "25 มิถุนายน 2564 เวลา 14:05 น."

    Naive datetimes are taken to be local already.
    """
    if timezone.is_aware(dt):
        dt = timezone.localtime(dt)
    return f"{thai_date(dt.date())} เวลา {dt:%H:%M} น."


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def month_name(month: int) -> str:
    """The month's full name in the active language: "มิถุนายน", "June"."""
    return (ENGLISH_MONTHS if _english() else THAI_MONTHS)[month - 1]


# The English interface keeps the Buddhist Era, the year every document and
# form of the portal speaks, and names the Common Era year beside it where
# there is room, so that a reader abroad need not do the sum:
# "25 June 2564 BE (2021)"; short, as in tables: "25 Jun 2564"; with a time:
# "25 June 2564 BE (2021), 14:05". Numeric dates are the same in both languages
# (25/06/2564), since that is what people type.


def format_date(d: date) -> str:
    """A full date in the active language: "25 มิถุนายน 2564" or "25 June 2564 BE (2021)"."""
    d = _local_date(d)
    if _english():
        return f"{d.day} {ENGLISH_MONTHS[d.month - 1]} {ce_to_be(d.year)} BE ({d.year})"
    return thai_date(d)


def format_date_short(d: date) -> str:
    """An abbreviated date in the active language: "30 ธ.ค. 63" or "30 Dec 2563"."""
    d = _local_date(d)
    if _english():
        return f"{d.day} {ENGLISH_MONTHS_ABBR[d.month - 1]} {ce_to_be(d.year)}"
    return thai_date_short(d)


def format_datetime(dt: datetime) -> str:
    """A date and time in the active language and the current time zone:
    "25 มิถุนายน 2564 เวลา 14:05 น." or "25 June 2564 BE (2021), 14:05"."""
    if timezone.is_aware(dt):
        dt = timezone.localtime(dt)
    if _english():
        return f"{format_date(dt.date())}, {dt:%H:%M}"
    return thai_datetime(dt)


def _ce_year(token: str) -> int:
    # Officers write BE years; two digits always mean BE ("64" is 2564), four
    # digits may be a CE year pasted from a system that uses them.
    year = int(token)
    if len(token) == 2:
        return be_to_ce(2500 + year)
    if year in BE_YEARS_TYPED:
        return be_to_ce(year)
    if year in CE_YEARS_TYPED:
        return year
    raise ValueError(str(MSG_YEAR_OUT_OF_RANGE))


def _build_date(year_ce: int, month: int, day: int) -> date:
    # year_ce comes from _ce_year, so it is always a year ``date`` can hold.
    if not 1 <= month <= 12:
        raise ValueError(
            gettext("วันที่ไม่ถูกต้อง ไม่มีเดือนที่ %(month)d %(hint)s")
            % {"month": month, "hint": DATE_FORMAT_HINT}
        )
    days_in_month = calendar.monthrange(year_ce, month)[1]
    if not 1 <= day <= days_in_month:
        raise ValueError(
            gettext("วันที่ไม่ถูกต้อง เดือน%(month)s %(year)d มี %(days)d วัน %(hint)s")
            % {
                "month": month_name(month),
                "year": ce_to_be(year_ce),
                "days": days_in_month,
                "hint": DATE_FORMAT_HINT,
            }
        )
    return date(year_ce, month, day)


def parse_thai_date(text: str) -> date:
    """Date typed by an officer, in any of the forms seen on Thai paperwork.

    Accepts "25/06/2564", "25/6/64", "2564-06-25", "2021-06-25", "25 มิถุนายน 2564",
    "25 มิ.ย. 64" (optionally with "พ.ศ." before the year) in Thai or Arabic digits.
    Two-digit years are BE ("64" is 2564); four-digit years 2400–2800 are BE and
    1900–2200 are CE ("2021-06-25"); any other year (0001, 2300, 9999) is refused.
    Raises ValueError with a Thai message that tells the user the expected format
    or the accepted years, also for dates that do not exist such as 31/02/2564.
    """
    cleaned = to_arabic_digits(text).translate(_INVISIBLES).strip()

    match = _DAY_MONTH_YEAR.fullmatch(cleaned) or _YEAR_MONTH_DAY.fullmatch(cleaned)
    if match is not None:
        month = int(match["month"])
    else:
        match = _DAY_MONTHNAME_YEAR.fullmatch(cleaned)
        if match is None:
            raise ValueError(str(MSG_INVALID_DATE))
        found = _MONTH_BY_NAME.get(_month_key(match["monthname"]).casefold())
        if found is None:
            raise ValueError(str(MSG_INVALID_DATE))
        month = found

    return _build_date(_ce_year(match["year"]), month, int(match["day"]))
