"""The one place WeasyPrint is called: Thai PDFs rendered from the page selectors.

Fonts come from static/ (Sarabun with its licence), so rendering needs no
network and no installed Thai font. Text copied out of the PDFs is the text
that went in: printing.pdf_text fixes WeasyPrint's mapping of SARA AM.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators.models import Assignment
from reports.selectors import AssignmentSheet, assignment_sheet, sheet_fingerprint


class PrintTooLarge(Exception):
    """A document over its time or page limit: printing it again would not help."""


@cache
def _weasyprint() -> Any:
    """Import WeasyPrint once per process (half a second) and install the text fix."""
    import weasyprint

    from printing import pdf_text

    pdf_text.install()
    return weasyprint


def _static_roots() -> list[Path]:
    # The source folders, and STATIC_ROOT where collectstatic puts the hashed
    # copies that production's manifest storage links to.
    return [Path(root).resolve() for root in [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]]


def _static_file(name: str) -> str | None:
    """The file behind a static URL path, hashed (collected) or not."""
    found = finders.find(name)
    if isinstance(found, str):
        return found
    collected = (Path(settings.STATIC_ROOT) / name).resolve()
    if collected.is_relative_to(Path(settings.STATIC_ROOT).resolve()) and collected.is_file():
        return str(collected)
    return None


def _static_fetcher() -> Any:
    """A URL fetcher that serves /static/… from the project's files and nothing else.

    Printing never touches the network, and a missing font or stylesheet stops
    the rendering instead of silently producing a PDF without Thai glyphs.
    """
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            prefix = "file:///static/"
            if url.startswith(prefix):
                path = _static_file(unquote(url.removeprefix(prefix).split("?")[0].split("#")[0]))
                if path is not None:
                    return super().fetch(Path(path).as_uri(), headers)
            elif url.startswith("file://"):
                # Files referenced from a stylesheet (fonts), inside static/ only.
                target = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
                if any(target.is_relative_to(root) for root in _static_roots()):
                    return super().fetch(url, headers)
            raise ValueError(f"refusing to fetch {url!r} while printing")

    return StaticOnlyFetcher(allowed_protocols={"file"}, fail_on_errors=True)


_limit = threading.local()


class _PageLimit(logging.Filter):
    """Stops a layout at its page limit, as WeasyPrint starts laying out the page after
    it: its progress logger names every page it makes (and is silenced here)."""

    def filter(self, record: logging.LogRecord) -> bool:
        pages = getattr(_limit, "pages", None)
        message = record.msg if isinstance(record.msg, str) else ""
        if pages is not None and message.startswith("Step 5 - Creating layout - Page"):
            page = record.args[0] if isinstance(record.args, tuple) and record.args else 0
            if isinstance(page, int) and page > pages:
                raise PrintTooLarge(_("เอกสารนี้ยาวเกิน %(pages)s หน้า จึงพิมพ์ไม่ได้") % {"pages": pages})
        return False


@contextmanager
def _within(seconds: float | None, pages: int | None) -> Iterator[None]:
    """Raise PrintTooLarge after ``seconds`` (a timer signal, so only in the main
    thread: the print worker's) or at page ``pages + 1``; no limit for None."""
    progress = logging.getLogger("weasyprint.progress")
    page_filter = _PageLimit()
    level = progress.level
    timed = bool(seconds) and threading.current_thread() is threading.main_thread()

    def expired(_signum: int, _frame: object) -> None:
        raise PrintTooLarge(
            _("เอกสารนี้ใช้เวลาพิมพ์เกิน %(seconds)s วินาที จึงหยุดพิมพ์") % {"seconds": seconds}
        )

    previous = signal.signal(signal.SIGALRM, expired) if timed else None
    if pages is not None:
        _limit.pages = pages
        progress.addFilter(page_filter)
        progress.setLevel(logging.INFO)
    try:
        if timed and seconds:
            signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        if pages is not None:
            _limit.pages = None
            progress.removeFilter(page_filter)
            progress.setLevel(level)


def html_to_pdf(html: str, *, seconds: float | None = None, pages: int | None = None) -> bytes:
    """The PDF of ``html``; the worker passes its limits (PrintTooLarge beyond them)."""
    weasyprint = _weasyprint()
    with _within(seconds, pages):
        document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=_static_fetcher())
        pdf: bytes = document.write_pdf()
    return pdf


def _print_html(template: str, context: dict[str, Any]) -> str:
    # STATIC_URL is "static/": relative to base_url file:/// it resolves to
    # file:///static/… which the fetcher maps onto the project's files.
    # Printed documents are Thai official documents whatever the reader's
    # language: their templates are Thai, and a sentence translated from an
    # English session would sit under Thai headings (and be cached for everyone).
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, {"printed_at": timezone.now(), **context})


def sheet_key(assignment_id: int, *, thai_digits: bool = True) -> str:
    """The cache key of a sheet's PDF: a digest of every row the sheet is printed
    from, computed by the database, so a cache hit neither loads nor renders it."""
    return f"sheet-pdf:v3:{assignment_id}:{int(thai_digits)}:{sheet_fingerprint(assignment_id)}"


def public_sheet_key(assignment_id: int, *, version: str, thai_digits: bool = True) -> str:
    """The public sheet's key: the public version (anything public changed, or a new
    day) rather than the fingerprint, and a prefix of its own, so the internal
    sheet's cache never answers a public request nor the other way round."""
    return f"public-sheet-pdf:v1:{assignment_id}:{int(thai_digits)}:{version}"


def cached_pdf(key: str) -> bytes | None:
    cached: bytes | None = caches["pdf"].get(key)
    return cached


def cache_pdf(key: str, content: bytes) -> None:
    # A public key changes every day (its version holds the date): a day is enough.
    timeout = 60 * 60 * 24 * (1 if key.startswith("public-") else 30)
    caches["pdf"].set(key, content, timeout=timeout)


def sheet_pdf(assignment: Assignment, *, thai_digits: bool = True) -> bytes:
    """The detail sheet as a PDF rendered in this process, from the cache while none
    of its rows has changed (the benchmarks; pages ask the print worker)."""
    key = sheet_key(assignment.pk, thai_digits=thai_digits)
    cached = cached_pdf(key)
    if cached is not None:
        return cached
    pdf = render_sheet_pdf(assignment_sheet(assignment), thai_digits=thai_digits)
    cache_pdf(key, pdf)
    return pdf


def render_sheet_pdf(
    sheet: AssignmentSheet,
    *,
    thai_digits: bool = True,
    public: bool = False,
    seconds: float | None = None,
    pages: int | None = None,
) -> bytes:
    """The detail sheet rendered now, without the cache (``public``: the public
    sheet's template switches, no self-assessment, evaluator or evidence)."""
    return html_to_pdf(
        _print_html(
            "print/sheet.html", {"sheet": sheet, "thai_digits": thai_digits, "public": public}
        ),
        seconds=seconds,
        pages=pages,
    )


def booklet_pdf(
    sheets: list[AssignmentSheet],
    *,
    district: Any,
    fiscal_year: Any,
    thai_digits: bool = True,
    seconds: float | None = None,
    pages: int | None = None,
) -> bytes:
    """A district's booklet: a cover, a table of contents with page numbers, every sheet."""
    return html_to_pdf(
        _print_html(
            "print/booklet.html",
            {
                "sheets": sheets,
                "district": district,
                "fiscal_year": fiscal_year,
                "thai_digits": thai_digits,
            },
        ),
        seconds=seconds,
        pages=pages,
    )


def summary_pdf(matrix: Any, *, seconds: float | None = None, pages: int | None = None) -> bytes:
    """The evaluation office's quarter summary, A4 landscape."""
    # Eight indicators fit across a landscape page; wider matrices continue on
    # further pages, each with the district column again.
    columns = 8
    chunks = [
        {
            "indicators": matrix.indicators[start : start + columns],
            "rows": [(row, row.cells[start : start + columns]) for row in matrix.rows],
            "tallies": matrix.by_indicator[start : start + columns],
        }
        for start in range(0, max(len(matrix.indicators), 1), columns)
    ]
    return html_to_pdf(
        _print_html(
            "print/summary.html",
            {
                "matrix": matrix,
                "chunks": chunks,
                "zone_averages": zone_averages(matrix),
            },
        ),
        seconds=seconds,
        pages=pages,
    )


def zone_averages(matrix: Any) -> list[tuple[Any, list[Decimal | None]]]:
    """Average score per zone group and indicator column of a matrix."""
    result = []
    for group in matrix.zone_groups:
        averages: list[Decimal | None] = []
        for column in range(len(matrix.indicators)):
            scores = [
                cell.score
                for row in matrix.rows
                if row.district.zone_group_id == group.pk
                and (cell := row.cells[column]) is not None
                and cell.score is not None
            ]
            averages.append(
                (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))
                if scores
                else None
            )
        result.append((group, averages))
    return result


def scorecard_pdf(card: Any) -> bytes:
    """A district's scorecard, A4 landscape, for the performance agreement's file."""
    return html_to_pdf(_print_html("print/scorecard.html", {"card": card}))
