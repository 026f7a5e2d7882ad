"""Text typed by users, tidied the way Thai typing needs."""

from __future__ import annotations

from typing import Any

from django import forms

# Thai text often carries zero-width spaces (line-break hints) and stray
# joiners from copy-paste. Inside the text they are kept; at the ends they are
# invisible padding, and text made only of them is no text at all.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def tidy(text: str) -> str:
    """Strip whitespace and zero-width characters from both ends."""
    return text.strip().strip(INVISIBLE + " \t\r\n\u00a0").strip()


class TextField(forms.CharField):
    """A CharField whose value is tidied, so zero-width-only input counts as empty."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return tidy(text) if isinstance(text, str) else ""
