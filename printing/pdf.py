"""The one place WeasyPrint is called: Thai PDFs rendered from the page selectors.

Fonts come from static/ (Sarabun with its licence), so rendering needs no
network and no installed Thai font. Text copied out of the PDFs is the text
that went in: printing.pdf_text fixes WeasyPrint's mapping of SARA AM.
"""

from __future__ import annotations

import copy
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
    """Import WeasyPrint once per process (half a second), install the text fix and
    the reuse of linked stylesheets."""
    import weasyprint
    import weasyprint.css

    from printing import pdf_text

    pdf_text.install()
    # weasyprint.css.find_stylesheets builds each <link rel="stylesheet"> through this name.
    _LinkedStylesheets.weasyprint_css = weasyprint.css.CSS
    weasyprint.css.CSS = _LinkedStylesheets.stylesheet
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


class _Printer(threading.local):
    """What every render of a thread reuses: its URL fetcher, its font configuration
    and the stylesheets its documents link to (see _LinkedStylesheets).

    Made once per thread (WeasyPrint's Pango font map is not thread-safe), not once
    per PDF: building a URLFetcher loads the system's CA certificates (about 30 ms, for a
    fetcher that only ever reads files), and a fresh FontConfiguration reads the system
    fonts, copies the six Sarabun files of fonts.css to a temporary folder, registers
    them with Fontconfig, and starts Pango and HarfBuzz with empty caches: together a
    quarter of the instructions of the benchmark's sheet (docs/benchmarks.md, section 2).
    Reused, the PDF is byte for byte the same. A font file changed under a running
    process is not seen until it restarts (as with any other code change).
    """

    fetcher: Any = None
    font_config: Any = None
    stylesheets: dict[tuple[Any, ...], tuple[Any, list[Any]]]

    def tools(self) -> tuple[Any, Any]:
        if self.fetcher is None:
            from weasyprint.text.fonts import FontConfiguration

            self.fetcher = _static_fetcher()
            self.font_config = FontConfiguration()
            self.stylesheets = {}
        return self.fetcher, self.font_config


_printer = _Printer()


class _LinkedStylesheets:
    """Parse each linked static stylesheet once per thread instead of once per PDF.

    WeasyPrint tokenises css/print.css and css/fonts.css, compiles every selector (one
    eval each) and validates every declaration for each document: 8 % of the benchmark
    sheet's instructions. Its own user-agent stylesheets are parsed once and shared by
    every document; this does the same for the portal's <link>ed files, keyed by the
    file's size and modification time (an edited stylesheet is read again). A parsed
    sheet is shared as WeasyPrint shares its own: a copy of the CSS object whose @page
    rules are appended to the document's list, as parsing them would have done. Only sheets
    without @layer, @counter-style or @color-profile rules (which would have to be
    merged into the document's too) are kept; any other stylesheet, an inline <style>,
    an @import, a render without this thread's fetcher, or a WeasyPrint that calls
    CSS() with other arguments is parsed by WeasyPrint as before. A font file or an
    @import'ed file edited under a running process is not seen until it restarts.
    """

    weasyprint_css: Any = None
    LINK_ARGUMENTS = frozenset(
        {
            "url",
            "url_fetcher",
            "media_type",
            "font_config",
            "counter_style",
            "color_profiles",
            "page_rules",
            "layers",
            "_check_mime_type",
        }
    )

    @classmethod
    def stylesheet(cls, *args: Any, **kwargs: Any) -> Any:
        parse = cls.weasyprint_css
        url = kwargs.get("url")
        if (
            not isinstance(url, str)
            or args
            or kwargs.keys() != cls.LINK_ARGUMENTS
            or kwargs["url_fetcher"] is not _printer.fetcher
            or kwargs["font_config"] is not _printer.font_config
            or not url.startswith("file:///static/")
        ):
            return parse(*args, **kwargs)
        path = _static_file(unquote(url.removeprefix("file:///static/").split("?")[0]))
        if path is None:
            return parse(*args, **kwargs)  # WeasyPrint reports it as before.
        stat = Path(path).stat()
        key = (
            url,
            kwargs["media_type"],
            kwargs["_check_mime_type"],
            stat.st_mtime_ns,
            stat.st_size,
        )
        known = _printer.stylesheets.get(key)
        if known is None:
            page_rules: list[Any] = []
            layers: list[Any] = []
            counter_style: dict[str, Any] = {}
            color_profiles: dict[str, Any] = {}
            sheet = parse(
                **{
                    **kwargs,
                    "page_rules": page_rules,
                    "layers": layers,
                    "counter_style": counter_style,
                    "color_profiles": color_profiles,
                }
            )
            if layers or counter_style or color_profiles:
                return parse(*args, **kwargs)
            known = _printer.stylesheets[key] = (sheet, page_rules)
        sheet, page_rules = known
        kwargs["page_rules"].extend(page_rules)
        document_sheet = copy.copy(sheet)
        document_sheet.page_rules = kwargs["page_rules"]
        document_sheet.layers = kwargs["layers"]
        return document_sheet


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
def within(seconds: float | None, pages: int | None) -> Iterator[None]:
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
    fetcher, font_config = _printer.tools()
    with within(seconds, pages):
        document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(font_config=font_config)
    return pdf


def _print_html(template: str, context: dict[str, Any], *, language: str = "") -> str:
    # STATIC_URL is "static/": relative to base_url file:/// it resolves to
    # file:///static/… which the fetcher maps onto the project's files.
    # A print is in the language its link chose (kpi_portal.http.print_language),
    # never the session's: it is cached for everyone who asks for that URL. The
    # sheet prints in Thai or English; the booklet, the quarter summary and the
    # scorecard are Thai official documents only (their templates are Thai).
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(template, {"printed_at": timezone.now(), **context})


def sheet_key(
    assignment_id: int,
    *,
    thai_digits: bool = True,
    language: str = "th",
    fingerprint: str | None = None,
) -> str:
    """The cache key of a sheet's PDF: a digest of every row the sheet is printed
    from, computed by the database, so a cache hit neither loads nor renders it."""
    return (
        f"sheet-pdf:v4:{assignment_id}:{language}:{int(thai_digits)}:"
        f"{fingerprint or sheet_fingerprint(assignment_id)}"
    )


def public_sheet_key(
    assignment_id: int, *, version: str, thai_digits: bool = True, language: str = "th"
) -> str:
    """The public sheet's key: the public version (anything public changed, or a new
    day) rather than the fingerprint, and a prefix of its own, so the internal
    sheet's cache never answers a public request nor the other way round."""
    return f"public-sheet-pdf:v2:{assignment_id}:{language}:{int(thai_digits)}:{version}"


def cached_pdf(key: str) -> bytes | None:
    cached: bytes | None = caches["pdf"].get(key)
    return cached


def cache_pdf(key: str, content: bytes) -> None:
    # A public key changes every day (its version holds the date): a day is enough.
    timeout = 60 * 60 * 24 * (1 if key.startswith("public-") else 30)
    caches["pdf"].set(key, content, timeout=timeout)


def sheet_pdf(assignment: Assignment, *, thai_digits: bool = True, language: str = "th") -> bytes:
    """The detail sheet as a PDF rendered in this process, from the cache while none
    of its rows has changed (the benchmarks; pages ask the print worker)."""
    key = sheet_key(assignment.pk, thai_digits=thai_digits, language=language)
    cached = cached_pdf(key)
    if cached is not None:
        return cached
    pdf = render_sheet_pdf(assignment_sheet(assignment), thai_digits=thai_digits, language=language)
    cache_pdf(key, pdf)
    return pdf


def render_sheet_pdf(
    sheet: AssignmentSheet,
    *,
    thai_digits: bool = True,
    public: bool = False,
    language: str = "th",
    seconds: float | None = None,
    pages: int | None = None,
) -> bytes:
    """The detail sheet rendered now, without the cache (``public``: the public
    sheet's template switches, no self-assessment, evaluator or evidence)."""
    return html_to_pdf(
        _print_html(
            "print/sheet.html",
            {"sheet": sheet, "thai_digits": thai_digits, "public": public},
            language=language,
        ),
        seconds=seconds,
        pages=pages,
    )


def sheet_body_key(assignment_id: int, fingerprint: str, *, thai_digits: bool = True) -> str:
    """The cache key of a sheet's body as the booklet joins it (printing.booklets)."""
    return f"sheet-body:v1:{assignment_id}:{int(thai_digits)}:{fingerprint}"


def render_sheet_body(
    sheet: AssignmentSheet,
    *,
    thai_digits: bool = True,
    seconds: float | None = None,
    pages: int | None = None,
) -> bytes:
    """The detail sheet as a booklet joins it: Thai, without footers, which the booklet
    stamps on every page with its own page numbers and printing time."""
    return html_to_pdf(
        _print_html(
            "print/sheet.html",
            {"sheet": sheet, "thai_digits": thai_digits, "public": False, "bare": True},
        ),
        seconds=seconds,
        pages=pages,
    )


def booklet_front_pdf(
    entries: list[Any], *, district: Any, fiscal_year: Any, printed_at: Any
) -> bytes:
    """A booklet's cover and contents, bare (printing.booklets stamps the footers);
    ``entries`` give each sheet's code, name, link and first page."""
    return html_to_pdf(
        _print_html(
            "print/booklet.html",
            {
                "entries": entries,
                "district": district,
                "fiscal_year": fiscal_year,
                "bare": True,
                "printed_at": printed_at,
            },
        )
    )


#: The pieces a booklet's page footer is stamped from: "หน้า 12/318" is five of them.
FOOTER_TOKENS = ("หน้า ", *"0123456789", "/")


def footer_stamps(printed_at: Any) -> tuple[bytes, list[float]]:
    """One page for each footer token, set where the sheet's own footer would put it,
    and then the footer's left side ("พิมพ์เมื่อ …", as at ``printed_at``).

    Returns the PDF and each token's width in points. The tokens are right-aligned in
    the bottom-right margin box exactly as print.css sets "หน้า n/N", so a label is
    drawn by shifting each token left by the widths of those after it: the cost of a
    footer no longer grows with the booklet's pages (WeasyPrint spends 6-9 ms on each
    page of a document of footers alone).
    """
    from weasyprint.formatting_structure.boxes import TextBox

    weasyprint = _weasyprint()
    fetcher, font_config = _printer.tools()
    rules = "".join(
        f'@page t{i} {{ @bottom-left {{ content: none }} @bottom-right {{ content: "{token}";'
        " white-space: pre } }"
        for i, token in enumerate(FOOTER_TOKENS)
    )
    html = _print_html(
        "print/footer_stamps.html",
        {"rules": rules, "tokens": range(len(FOOTER_TOKENS)), "printed_at": printed_at},
    )
    document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=fetcher).render(
        font_config=font_config
    )
    widths = []
    for page, token in zip(document.pages, FOOTER_TOKENS, strict=False):
        boxes = [
            box
            for box in page._page_box.descendants()
            if isinstance(box, TextBox) and box.text == token
        ]
        if len(boxes) != 1:
            raise RuntimeError(f"footer token {token!r} was not laid out once")
        widths.append(boxes[0].width * 0.75)  # CSS px -> pt
    return document.write_pdf(), widths


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
