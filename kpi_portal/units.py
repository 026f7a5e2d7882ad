"""Units of measure in the reader's language.

An indicator's unit is typed by staff ("ร้อยละ", "บาท", "ครั้ง"): it is data, and
an unusual one ("กิโลกรัมต่อครัวเรือน") is shown as typed. The handful of units
nearly every indicator uses are words of the interface, though, and the English
interface says them in English ("Result (%)" rather than "Result (ร้อยละ)").
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

_UNITS = {
    "ร้อยละ": pgettext_lazy("unit", "ร้อยละ"),
    "บาท": pgettext_lazy("unit", "บาท"),
    "ล้านบาท": pgettext_lazy("unit", "ล้านบาท"),
    "ครั้ง": pgettext_lazy("unit", "ครั้ง"),
    "คน": pgettext_lazy("unit", "คน"),
    "ราย": pgettext_lazy("unit", "ราย"),
    "แห่ง": pgettext_lazy("unit", "แห่ง"),
    "โครงการ": pgettext_lazy("unit", "โครงการ"),
    "เรื่อง": pgettext_lazy("unit", "เรื่อง"),
    "ระดับ": pgettext_lazy("unit", "ระดับ"),
    "วัน": pgettext_lazy("unit", "วัน"),
    "ชั่วโมง": pgettext_lazy("unit", "ชั่วโมง"),
    "ชุมชน": pgettext_lazy("unit", "ชุมชน"),
    "กิจกรรม": pgettext_lazy("unit", "กิจกรรม"),
}


def unit_label(unit: str) -> str:
    """The unit in the active language where it is one of the common ones, else as typed."""
    label = _UNITS.get(unit.strip())
    return str(label) if label is not None else unit
