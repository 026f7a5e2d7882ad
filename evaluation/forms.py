from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kpi_portal.text import TextField
from reports.forms import AmountField, ThaiDateField


class ScoreForm(forms.Form):
    score = AmountField(label=_("คะแนน"))
    comment = TextField(
        label=_("ความเห็นถึงสำนักงานเขต"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = TextField(
        label=_("เหตุผลที่ให้คะแนนต่างจากที่ระบบเสนอ"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, full_score: Decimal, suggested: Decimal | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.full_score = full_score
        self.suggested = suggested

    def clean_score(self) -> Decimal:
        score: Decimal = self.cleaned_data["score"]
        if score > self.full_score:
            raise forms.ValidationError(
                _("คะแนนต้องไม่เกินคะแนนเต็ม %(full)s") % {"full": self.full_score}
            )
        return score

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        score = cleaned.get("score")
        if (
            score is not None
            and self.suggested is not None
            and score != self.suggested
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error(
                "reason", _("ให้คะแนนต่างจากที่ระบบเสนอ (%(s)s) กรุณาระบุเหตุผล") % {"s": self.suggested}
            )
        return cleaned


class ReturnForm(forms.Form):
    comment = TextField(
        label=_("สิ่งที่ต้องแก้ไข"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("กรุณาระบุสิ่งที่สำนักงานเขตต้องแก้ไข")},
    )


class ReopenForm(forms.Form):
    reason = TextField(
        label=_("เหตุผลที่เปิดให้แก้ไข"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("กรุณาระบุเหตุผลที่เปิดให้แก้ไขอีกครั้ง")},
    )


class ExtensionForm(forms.Form):
    """Shown on the scoring page beside the score form: its ids are its own."""

    deadline = ThaiDateField(label=_("ขยายกำหนดส่งถึง"))
    reason = TextField(
        label=_("เหตุผล"),
        max_length=2000,
        error_messages={"required": _("กรุณาระบุเหตุผลของการขยายกำหนดส่ง")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_extend_%s")
        super().__init__(*args, **kwargs)
