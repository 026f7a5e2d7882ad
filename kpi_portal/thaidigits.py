"""Thai digits and the amounts officers type into report forms.

Figures are copied from budget spreadsheets and official letters, so they arrive
with Thai digits, thousands separators and stray spaces. Parsing keeps them as
exact Decimals: a budget of 126,392,040.00 baht must never pass through a float.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal

ARABIC_DIGITS = "0123456789"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"

_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)
_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)

# Pasting from Word or a web page brings a typographic minus and invisible
# characters (Thai text is full of zero-width spaces used as word breaks).
_INPUT_CLEANUP = str.maketrans(
    {"\u2212": "-", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": ""}
)

EMPTY_AMOUNT = "–"

_EXAMPLE = "เช่น 1,234,567.89"
MSG_EMPTY = f"กรุณากรอกจำนวน {_EXAMPLE}"
MSG_NOT_A_NUMBER = (
    f"จำนวนไม่ถูกต้อง กรอกได้เฉพาะตัวเลข จุลภาค (,) จุดทศนิยม (.) และเครื่องหมายลบ (-) ข้างหน้า {_EXAMPLE}"
)
MSG_SEVERAL_POINTS = f"จำนวนไม่ถูกต้อง มีจุดทศนิยม (.) ได้เพียงจุดเดียว {_EXAMPLE}"
MSG_BAD_SEPARATORS = f"จำนวนไม่ถูกต้อง ใช้จุลภาค (,) คั่นทุก 3 หลักหน้าจุดทศนิยมเท่านั้น {_EXAMPLE}"

_ALLOWED_CHARS = frozenset(ARABIC_DIGITS + ",.-")
_SPACE_AROUND_SEPARATOR = re.compile(r"\s*([,.])\s*")
_LEADING_MINUS = re.compile(r"^-\s*")
_NUMBER = re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d*))?")

# Rounding for display must not depend on (or alter) the thread's decimal
# context, and must have room for every digit of a large budget.
_DISPLAY_CONTEXT = Context(prec=100, rounding=ROUND_HALF_UP)


def to_thai_digits(text: str) -> str:
    """Replace 0-9 with ๐-๙, leaving everything else alone."""
    return text.translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """Replace ๐-๙ with 0-9, leaving everything else alone."""
    return text.translate(_TO_ARABIC)


def parse_decimal(text: str) -> Decimal:
    """Exact Decimal for an amount typed by an officer.

    Accepts Thai or Arabic digits, "," thousands separators in groups of three
    before the decimal point, spaces around separators, one leading minus and at
    most one decimal point. Anything else raises ValueError with a Thai message
    that can be shown on the form as it is.
    """
    cleaned = to_arabic_digits(text).translate(_INPUT_CLEANUP).strip()
    if not cleaned:
        raise ValueError(MSG_EMPTY)
    cleaned = _SPACE_AROUND_SEPARATOR.sub(r"\1", cleaned)
    negative = cleaned.startswith("-")
    body = _LEADING_MINUS.sub("", cleaned)

    # Diagnose the most specific problem first so the message says what to fix.
    if not set(body) <= _ALLOWED_CHARS or "-" in body:
        raise ValueError(MSG_NOT_A_NUMBER)
    if body.count(".") > 1:
        raise ValueError(MSG_SEVERAL_POINTS)
    match = _NUMBER.fullmatch(body)
    if match is None:
        raise ValueError(MSG_BAD_SEPARATORS)
    integer_part = match["int"].replace(",", "")
    fraction_part = match["frac"] or ""
    if not integer_part and not fraction_part:
        raise ValueError(MSG_NOT_A_NUMBER)

    # The constructor is exact whatever the context precision; keep the places typed.
    value = Decimal(f"{'-' if negative else ''}{integer_part or '0'}.{fraction_part}")
    return value.copy_abs() if value.is_zero() else value


def format_amount(value: Decimal | int | None, places: int = 2) -> str:
    """Amount with thousands separators rounded half-up: 126392040 -> "126,392,040.00".

    None and non-finite values show as an en dash, the convention for "no figure"
    in Thai government tables. Use ``places=0`` for counts.
    """
    if places < 0:
        raise ValueError(f"places must not be negative, not {places}")
    if value is None:
        return EMPTY_AMOUNT
    number = Decimal(value)
    if not number.is_finite():
        return EMPTY_AMOUNT
    rounded = number.quantize(Decimal(1).scaleb(-places), context=_DISPLAY_CONTEXT)
    if rounded.is_zero():
        # -0.001 rounds to -0.00, which reads as a negative figure that isn't there.
        rounded = rounded.copy_abs()
    # Already at the right exponent, so the format spec only adds separators.
    return f"{rounded:,.{places}f}"


def format_score(value: Decimal | int) -> str:
    """A score or target as the seed prints it: 95, 100, 97.5 — no needless decimals."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return format_amount(number, 0)
    return format_amount(number, 2).rstrip("0")
