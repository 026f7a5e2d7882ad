"""Forms of the quarterly report page: they normalise what officers type and say in
Thai what is wrong; services do the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kpi_portal.text import TextField
from kpi_portal.thaidate import (
    DATE_FORMAT_HINT,
    DATE_PLACEHOLDER,
    parse_thai_date,
    thai_date_numeric,
)
from kpi_portal.thaidigits import format_amount, parse_decimal
from reports.services import self_score_range_message

#: Enough for the longest narratives officers paste from Word (the brief asks 50,000).
NARRATIVE_MAX = 200_000
MAX_AMOUNT = Decimal("9999999999999999.99")


class ThaiDateInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "class": "date",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return thai_date_numeric(value)
        return super().format_value(value)


class ThaiDateField(forms.Field):
    """A date typed in the Buddhist Era (25/06/2564, 25 มิ.ย. 64, Thai digits…)."""

    widget = ThaiDateInput
    default_error_messages = {"required": _("กรุณากรอกวันที่ เช่น 25/06/2564")}

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_thai_date(str(value))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class AmountInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "decimal", "autocomplete": "off", "class": "amount"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return format_amount(value)
        return super().format_value(value)


class AmountField(forms.Field):
    """A non-negative amount: Thai or Arabic digits, thousands separators allowed."""

    widget = AmountInput
    default_error_messages = {"required": _("กรุณากรอกตัวเลข เช่น 1,234,567.89")}

    def to_python(self, value: Any) -> Decimal | None:
        if value in (None, ""):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_decimal(str(value))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
        if number < 0:
            raise forms.ValidationError(_("ตัวเลขต้องไม่ติดลบ"), code="negative")
        if number > MAX_AMOUNT:
            raise forms.ValidationError(_("ตัวเลขมากเกินไป กรุณาตรวจสอบอีกครั้ง"), code="too_big")
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise forms.ValidationError(_("ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"), code="places")
        return number


class ReportForm(forms.Form):
    narrative = TextField(
        label=_("รายงานผลการดำเนินงาน"),
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"max_length": _("ข้อความยาวเกิน 200,000 ตัวอักษร กรุณาย่อหรือแนบเป็นไฟล์")},
    )
    result = AmountField(label=_("ผลงาน"), required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("หน้านี้ไม่สมบูรณ์ กรุณาโหลดหน้าใหม่ (ข้อความที่พิมพ์ไว้ยังอยู่ด้านล่าง)"),
            "invalid": _("หน้านี้ไม่สมบูรณ์ กรุณาโหลดหน้าใหม่ (ข้อความที่พิมพ์ไว้ยังอยู่ด้านล่าง)"),
            "min_value": _("หน้านี้ไม่สมบูรณ์ กรุณาโหลดหน้าใหม่ (ข้อความที่พิมพ์ไว้ยังอยู่ด้านล่าง)"),
        },
    )

    def __init__(self, *args: Any, value_kind: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not value_kind:
            del self.fields["result"]


class RatioUpdateForm(forms.Form):
    as_of = ThaiDateField(label=_("ข้อมูล ณ วันที่"), help_text=DATE_FORMAT_HINT)
    denominator = AmountField(label=_("ตัวหาร"))
    numerator = AmountField(label=_("ตัวตั้ง"))
    note = TextField(label=_("หมายเหตุ"), required=False, max_length=2000)

    def clean_denominator(self) -> Decimal:
        value: Decimal = self.cleaned_data["denominator"]
        if value == 0:
            raise forms.ValidationError(_("ตัวหารต้องมากกว่าศูนย์"), code="zero")
        return value


class StepForm(forms.Form):
    done = forms.BooleanField(label=_("ดำเนินการแล้วเสร็จ"), required=False)
    done_on = ThaiDateField(label=_("วันที่แล้วเสร็จ"), required=False)
    note = TextField(
        label=_("ผลการดำเนินงาน"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("done") and not cleaned.get("done_on") and "done_on" not in self.errors:
            self.add_error("done_on", _("กรุณากรอกวันที่ดำเนินการแล้วเสร็จ เช่น 30/12/2563"))
        return cleaned


class LetterForm(forms.Form):
    number = TextField(
        label=_("เลขที่หนังสือ"),
        max_length=100,
        error_messages={"required": _("กรุณากรอกเลขที่หนังสือ เช่น กท 4810/3336")},
    )
    dated = ThaiDateField(label=_("ลงวันที่"))
    title = TextField(
        label=_("เรื่อง"), max_length=2000, error_messages={"required": _("กรุณากรอกชื่อเรื่องของหนังสือ")}
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("ไฟล์หลักฐาน"),
        error_messages={"required": _("กรุณาเลือกไฟล์"), "empty": _("ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ใหม่")},
    )
    description = TextField(label=_("คำอธิบาย"), required=False, max_length=500)


class SelfScoreForm(forms.Form):
    """คะแนนประเมินตนเอง: the district's own score, typed at submission (or adjusted by
    the head when certifying). Blank is allowed here; the service decides when it is
    required (when the indicator's rule gives the report a score)."""

    self_score = forms.CharField(label=_("คะแนนประเมินตนเอง"), required=False, max_length=40)

    def __init__(
        self, *args: Any, full_score: Decimal, required: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.full_score = full_score
        self.required = required

    def clean_self_score(self) -> Decimal | None:
        raw = self.cleaned_data["self_score"].strip()
        if not raw:
            if self.required:
                raise forms.ValidationError(_("กรุณากรอกคะแนนประเมินตนเอง"), code="required")
            return None
        try:
            number = parse_decimal(raw)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise forms.ValidationError(_("ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"), code="places")
        if not Decimal(0) <= number <= self.full_score:
            raise forms.ValidationError(self_score_range_message(self.full_score), code="range")
        return number
