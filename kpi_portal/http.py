from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (for type checking)."""

    htmx: HtmxDetails


def parse_int(value: str | None) -> int | None:
    """An integer typed in a form or a query string, or None.

    Only ASCII digits: str.isdigit() also accepts "²" and other digits int()
    refuses, which would turn a typo into a server error.
    """
    if value is None:
        return None
    value = value.strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > 12:
        return None
    return int(value)
