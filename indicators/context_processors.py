from __future__ import annotations

from django.http import HttpRequest

from indicators.fiscal import QUARTERS


def quarters(request: HttpRequest) -> dict[str, object]:
    """The fiscal year's quarters, for the templates' quarter pickers and columns."""
    return {"QUARTERS": QUARTERS}
