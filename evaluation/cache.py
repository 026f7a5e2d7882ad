"""The office matrix's table, rendered once for each version of its quarter.

A full quarter's table is 5,000 cells: one query of 5,000 rows, building the
cells and writing ~1 MB of HTML cost ~180 ms at full scale, and the evaluators
reload it all day. The rendered table is kept in the ``matrix`` cache under a key
holding the versions of its quarter (``evaluation.models.MatrixVersion``: one
primary-key read of three rows, bumped by database triggers in the same
transaction as any change the table shows), today's date (lateness turns on at
midnight with no write at all), the page's filters and the language. A change
therefore replaces the quarter's tables at once; old keys are never read again
and fall out of the cache (LocMem culls when full, and by timeout).

The version is read before the data: a change committed between the two reads is
then stored under the older key, never the reverse (an older table under the
newer key would be served until the next change).

The table holds nothing personal (no CSRF token, no user): whoever of the office
asks gets the same rendering; the page around it is rendered for each request,
with ``SLOT`` where the table goes, and the table's stored bytes are put in its
place in the response (``fill_slot``). The filter's hundred indicator choices are
kept beside the table (they change with the year's indicators, which bump it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zlib
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db.models import Q
from django.http import HttpResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from evaluation.models import EVERY, MatrixVersion

# Fast and enough: a full quarter's 1.3 MB of repetitive markup is stored as
# ~92 KB, and read back in 2-3 ms (measured on a loaded machine).
_COMPRESSION = 1


def matrix_version(fiscal_year_id: int, quarter: int, today: dt.date) -> str:
    """The version of one quarter's matrix: its rows' counters, in one query."""
    rows = (
        MatrixVersion._default_manager.filter(
            Q(fiscal_year_id=EVERY, quarter=EVERY)
            | Q(fiscal_year_id=fiscal_year_id, quarter__in=(EVERY, quarter))
        )
        .order_by("fiscal_year_id", "quarter")
        .values_list("fiscal_year_id", "quarter", "counter", "changed_at")
    )
    # The time of the last change as well as the counter: a database restored from
    # a backup counts again from an earlier number, with other data.
    parts = [
        f"{year}/{q}:{counter}@{changed.timestamp() if changed else 0:.6f}"
        for year, q, counter, changed in rows
    ]
    return ";".join([*parts, today.isoformat()])


def cached_parts(
    version: str, params: dict[str, Any], render: Callable[[], dict[str, str]]
) -> dict[str, bytes]:
    """The page's parts (HTML by name, UTF-8) stored under the version, the page's
    parameters and the language, or ``render()`` them and store them."""
    raw = f"{version}|{get_language()}|{sorted(params.items())!r}"
    key = "matrix-table:" + hashlib.sha256(raw.encode()).hexdigest()
    store = caches["matrix"]
    stored: dict[str, bytes] | None = store.get(key)
    if stored is not None:
        return {name: zlib.decompress(blob) for name, blob in stored.items()}
    parts = {name: html.encode() for name, html in render().items()}
    store.set(key, {name: zlib.compress(html, _COMPRESSION) for name, html in parts.items()})
    return parts


#: Where the page's template leaves room for a cached part, filled in the response's
#: bytes: a megabyte of table carried through the template language as text was
#: decoded, copied at each level of the template and encoded again (~10 ms a
#: request). Unguessable, so that no text on the page can be taken for it.
SLOT = f"<!--matrix-slot-{secrets.token_hex(16)}-->"


def safe_html(part: bytes) -> SafeString:
    """A small cached part as text for the template."""
    # Rendered by the page's own template and tags, which escape what they print.
    return mark_safe(part.decode())  # noqa: S308  # nosec B308, B703


def fill_slot(response: HttpResponse, part: bytes) -> HttpResponse:
    """The response with the cached part in place of ``SLOT`` (once)."""
    response.content = response.content.replace(SLOT.encode(), part, 1)
    return response
