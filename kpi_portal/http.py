from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
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


def wants_thai_digits(request: HttpRequest) -> bool:
    """Thai digits (๗.๕) or Arabic ones (7.5) on a sheet: ``?digits=`` says which; by
    default Thai in the Thai interface, as official papers print them, and Arabic in
    English, whose readers may not read Thai digits."""
    default = "thai" if (get_language() or "th").startswith("th") else "arabic"
    return request.GET.get("digits", default) != "arabic"


def print_language(request: HttpRequest) -> str:
    """The language a PDF is printed in: the link's ``?lang=``, else Thai.

    A print is a document that is kept, sent and compared, so its language is
    chosen on the link (the English interface offers both) and belongs to its URL
    and its cache key, rather than following whoever's session asks for it.
    """
    chosen = request.GET.get("lang", "")
    available = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in available else settings.LANGUAGE_CODE
