"""Thai date, digit and amount filters: ``{% load thai %}``.

Report tables render thousands of cells, so these call the plain formatting
functions directly instead of going through localisation or ``floatformat``.
Like Django's own filters they never raise on unexpected values: a missing date
renders as "", a missing amount as the en dash used in Thai tables.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template

from kpi_portal.thaidate import format_date, format_date_short, format_datetime, thai_date_numeric
from kpi_portal.thaidigits import EMPTY_AMOUNT, format_amount, format_score, to_thai_digits
from kpi_portal.units import unit_label

register = template.Library()


@register.filter
def thaidate(value: date | None) -> str:
    """{{ report.submitted_on|thaidate }} -> "25 มิถุนายน 2564" (in English
    "25 June 2564 BE (2021)": ``kpi_portal.thaidate.format_date``)."""
    return format_date(value) if isinstance(value, date) else ""


@register.filter
def thaidate_short(value: date | None) -> str:
    """{{ step.due|thaidate_short }} -> "30 ธ.ค. 63"."""
    return format_date_short(value) if isinstance(value, date) else ""


@register.filter
def thaidatetime(value: datetime | date | None) -> str:
    """{{ report.updated_at|thaidatetime }} -> "25 มิถุนายน 2564 เวลา 14:05 น."

    A plain date has no time to show, so it renders as a date.
    """
    if isinstance(value, datetime):
        return format_datetime(value)
    return format_date(value) if isinstance(value, date) else ""


# Swapping digits adds no markup characters, so safe input may stay safe.
@register.filter(is_safe=True)
def thaidigits(value: object) -> str:
    """{{ value|thaidigits }} -> the same text with ๐-๙ in place of 0-9."""
    return "" if value is None else to_thai_digits(str(value))


def _as_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, float):
        # repr is the shortest text that round-trips, so 0.1 stays 0.1 rather
        # than becoming the binary value's 55 digits.
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


@register.filter
def amount(value: object, places: int | str = 2) -> str:
    """{{ budget|amount }} -> "126,392,040.00"; {{ count|amount:0 }} -> "1,234".

    None or "" renders as the en dash; anything that is not a number renders as "".
    A places argument that is not a non-negative integer is a template bug and raises.
    """
    if value is None or value == "":
        return EMPTY_AMOUNT
    number = _as_decimal(value)
    if number is None:
        return ""
    return format_amount(number, int(places))


@register.filter
def score(value: object) -> str:
    """A score or target as the seed prints it: 95, 100, 97.5 — no needless decimals."""
    number = _as_decimal(value)
    if number is None:
        return "–" if value is None or value == "" else ""
    return format_score(number)


@register.filter
def date_input(value: object) -> str:
    """A date the way officers type it back in: 25/06/2564 (Buddhist Era)."""
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return thai_date_numeric(value)


@register.filter
def filesize(value: object) -> str:
    """Bytes as a Thai reader expects: 1.2 MB, 350 KB."""
    if not isinstance(value, int):
        return ""
    if value >= 1024 * 1024:
        return f"{value / (1024 * 1024):.1f} MB"
    return f"{max(1, round(value / 1024))} KB"


@register.filter
def timesince_days(value: object) -> int:
    """Whole days from a moment until now (for "waiting N days")."""
    if not isinstance(value, datetime):
        return 0
    from django.utils import timezone

    return max(0, (timezone.now() - value).days)


@register.filter
def lookup(mapping: object, key: object) -> object:
    """``mapping[key]``, or None when there is no mapping or no such key."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None


@register.filter
def unit(value: object) -> str:
    """{{ ind.unit|unit }} -> "ร้อยละ", in English "%" (``kpi_portal.units``)."""
    return "" if value is None else unit_label(str(value))
