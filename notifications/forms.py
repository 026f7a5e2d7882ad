from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    # Unticked boxes send nothing: this marks a post as the form's own, so that an
    # empty post is refused rather than taken for "turn everything off".
    choices = forms.CharField(widget=forms.HiddenInput, initial="1")
    email = forms.BooleanField(
        label=_("รับการแจ้งเตือนทางอีเมล"),
        required=False,
        help_text=_("การแจ้งเตือนในระบบ (กระดิ่งด้านบน) ยังแสดงเสมอ ปิดอีเมลแล้วจะไม่ได้รับอีเมลใด ๆ"),
    )
    digest = forms.BooleanField(
        label=_("รับสรุปประจำวันทางอีเมล (ส่งใหม่ และเขตที่เลยกำหนด)"), required=False
    )

    def __init__(self, *args: Any, office: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not office:
            del self.fields["digest"]
