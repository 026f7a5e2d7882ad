"""The "ดาวน์โหลด Excel / CSV" pair of links of a page with an export."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("_downloads.html")
def downloads(name: str, *args: Any, query: str = "", label: str = "") -> dict[str, Any]:
    """Links to the export ``name`` (a URL name taking ``args`` and then ``fmt``) as
    Excel and CSV, with the page's query string (its filters)."""
    suffix = f"?{query}" if query else ""
    return {
        "xlsx": reverse(name, args=[*args, "xlsx"]) + suffix,
        "csv": reverse(name, args=[*args, "csv"]) + suffix,
        "label": label,
    }
