"""Booklets joined from sheets printed one by one, so that a booklet is mostly copying.

A district's booklet is its cover and contents (rendered for it) followed by each
assignment's sheet, in indicator code order. Each sheet is rendered on its own,
without footers, and cached under the fingerprint of the rows it is printed from
(pdf.sheet_body_key): a re-print renders only the sheets whose rows changed since,
and the print worker renders them ahead when their data changes (printing.ahead).
The joined pages then get the footers a reader of one printed document expects —
"พิมพ์เมื่อ …" on the left and "หน้า n/N" on the right, numbered through the booklet,
where the contents say each sheet starts — stamped from a handful of pieces rendered
once per booklet (pdf.footer_stamps) instead of laid out page by page. The PDFs are
joined with pikepdf (qpdf): pypdf took 21 ms a sheet only to read one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext as _
from pikepdf import Name

from indicators.models import Assignment
from printing import pdf
from reports.selectors import assignment_sheets, sheet_fingerprints

#: Contents links name their sheet by this scheme; joining turns them into page links.
LINK_SCHEME = "kpi-sheet:"


@dataclass(frozen=True)
class BookletSheet:
    """One sheet of a booklet: what its contents line says, and its PDF (pdf.render_sheet_body)."""

    assignment_id: int
    code: str
    name: str
    body: bytes


@dataclass(frozen=True)
class ContentsEntry:
    code: str
    name: str
    link: str
    first_page: int


#: How many pages the front matter of a booklet with so many sheets came to, in this
#: process: the first guess of the next one (see assemble).
_front_pages: dict[int, int] = {}


def assemble(
    sheets: Sequence[BookletSheet],
    *,
    district: Any,
    fiscal_year: Any,
    max_pages: int | None = None,
    printed_at: Any = None,
) -> bytes:
    """The booklet of ``sheets``: cover, contents with each sheet's first page, the sheets,
    every page's footer stamped. PrintTooLarge past ``max_pages`` pages."""
    printed_at = printed_at or timezone.now()
    bodies = [pikepdf.Pdf.open(io.BytesIO(sheet.body)) for sheet in sheets]
    sheet_pages = sum(len(body.pages) for body in bodies)
    too_long = _("เอกสารนี้ยาวเกิน %(pages)s หน้า จึงพิมพ์ไม่ได้") % {"pages": max_pages}
    if max_pages is not None and sheet_pages > max_pages:
        raise pdf.PrintTooLarge(too_long)

    def front(front_pages: int) -> pikepdf.Pdf:
        starts, page = [], front_pages + 1
        for body in bodies:
            starts.append(page)
            page += len(body.pages)
        entries = [
            ContentsEntry(s.code, s.name, f"{LINK_SCHEME}{s.assignment_id}", start)
            for s, start in zip(sheets, starts, strict=True)
        ]
        rendered = pdf.booklet_front_pdf(
            entries, district=district, fiscal_year=fiscal_year, printed_at=printed_at
        )
        return pikepdf.Pdf.open(io.BytesIO(rendered))

    # The contents' length decides where the sheets start, which the contents print:
    # a guess, then again with the length it came to (the numbers' width does not
    # change how many lines the contents take, so this settles at once).
    guess = _front_pages.get(len(sheets), 2 + len(sheets) // 25)
    front_matter = front(guess)
    if len(front_matter.pages) != guess:
        front_matter = front(len(front_matter.pages))
    _front_pages[len(sheets)] = len(front_matter.pages)
    if max_pages is not None and len(front_matter.pages) + sheet_pages > max_pages:
        raise pdf.PrintTooLarge(too_long)

    front_count = len(front_matter.pages)
    booklet = front_matter  # the sheets' pages are appended to the front matter's
    first_pages = []
    for body in bodies:
        first_pages.append(len(booklet.pages))
        booklet.pages.extend(body.pages)
    with booklet.open_outline() as outline:
        for sheet, first in zip(sheets, first_pages, strict=True):
            outline.root.append(pikepdf.OutlineItem(f"{sheet.code} {sheet.name}", first))
    _link_contents(booklet, front_count, sheets, first_pages)
    _stamp_footers(booklet, printed_at)
    booklet.docinfo[Name.Title] = (
        f"เล่มรายงานตัวชี้วัด {district.office_name} ปีงบประมาณ {fiscal_year.year}"
    )
    booklet.docinfo[Name.Producer] = "KPI Portal (WeasyPrint, pikepdf)"
    if sheets:
        booklet.Root.PageMode = Name.UseOutlines
    out = io.BytesIO()
    booklet.save(out)
    return out.getvalue()


def _link_contents(
    booklet: pikepdf.Pdf, front_pages: int, sheets: Sequence[BookletSheet], first_pages: list[int]
) -> None:
    """Point the contents' links at the pages their sheets start on."""
    target = {
        f"{LINK_SCHEME}{sheet.assignment_id}": first
        for sheet, first in zip(sheets, first_pages, strict=True)
    }
    for page in booklet.pages[:front_pages]:
        for annotation in page.obj.get(Name.Annots, []):
            action = annotation.get(Name.A)
            uri = str(action.get(Name.URI, "")) if action is not None else ""
            if uri not in target:
                continue
            del annotation[Name.A]
            annotation.Dest = pikepdf.Array([booklet.pages[target[uri]].obj, Name.Fit])


def _stamp_footers(booklet: pikepdf.Pdf, printed_at: Any) -> None:
    """Draw each page's footer from the stamps: the printing time and "หน้า n/N".

    A page's footer is one form XObject holding the pieces' drawings, left to right,
    each moved to its place: copied out of the PDF, the footer reads as the sheet's
    own did ("พิมพ์เมื่อ …", "หน้า 12/318").
    """
    stamps_pdf, widths = pdf.footer_stamps(printed_at)
    stamps = pikepdf.Pdf.open(io.BytesIO(stamps_pdf))
    drawings = []
    for piece in stamps.pages:
        piece.contents_coalesce()
        drawings.append(piece.obj.Contents.read_bytes())
    # Every piece is set in the same fonts: the stamps' document has one set of resources.
    resources = booklet.copy_foreign(stamps.pages[0].obj.Resources)
    box = [float(v) for v in stamps.pages[0].mediabox]
    left = drawings[len(pdf.FOOTER_TOKENS)]  # the page after the tokens
    index_of = {token: i for i, token in enumerate(pdf.FOOTER_TOKENS)}
    total = len(booklet.pages)
    for number, page in enumerate(booklet.pages, start=1):
        tokens = [index_of[t] for t in ["หน้า ", *str(number), "/", *str(total)]]
        # Right-aligned pieces: each moves left by the widths of those after it.
        shifts, shift = [], 0.0
        for token in reversed(tokens):
            shifts.append(shift)
            shift += widths[token]
        parts = [b"q\n", left, b"\nQ\n"]
        for token, moved in zip(tokens, reversed(shifts), strict=True):
            parts += [f"q 1 0 0 1 {-moved:.3f} 0 cm\n".encode(), drawings[token], b"\nQ\n"]
        footer = pikepdf.Stream(booklet, b"".join(parts))
        footer.Type = Name.XObject
        footer.Subtype = Name.Form
        footer.BBox = pikepdf.Array(box)
        footer.Resources = resources
        page.add_overlay(footer, pikepdf.Rectangle(*box))


def booklet_pdf(
    sheets: Sequence[Any],
    *,
    district: Any,
    fiscal_year: Any,
    thai_digits: bool = True,
    max_pages: int | None = None,
) -> bytes:
    """The booklet of loaded sheets (reports.selectors.AssignmentSheet), each rendered now."""
    return assemble(
        [
            BookletSheet(
                s.assignment.pk,
                s.indicator.code,
                s.indicator.name,
                pdf.render_sheet_body(s, thai_digits=thai_digits),
            )
            for s in sheets
        ],
        district=district,
        fiscal_year=fiscal_year,
        max_pages=max_pages,
    )


def sheet_bodies(
    assignments: Sequence[Assignment],
    *,
    thai_digits: bool = True,
    seconds: float | None = None,
    pages: int | None = None,
) -> tuple[list[BookletSheet], int]:
    """The booklet sheets of ``assignments`` (their indicators loaded), in that order:
    each from the cache while its rows are unchanged, else rendered now and cached.
    Returns them and how many were rendered. ``seconds`` and ``pages`` limit each
    rendering (pdf.PrintTooLarge)."""
    fingerprints = sheet_fingerprints([a.pk for a in assignments])
    keys = {
        a.pk: pdf.sheet_body_key(a.pk, fingerprints[a.pk], thai_digits=thai_digits)
        for a in assignments
    }
    found: dict[str, bytes] = caches["pdf"].get_many(list(keys.values())) if keys else {}
    missing = [a.pk for a in assignments if keys[a.pk] not in found]
    if missing:
        for sheet in assignment_sheets(
            Assignment.objects.filter(pk__in=missing).order_by("indicator__code")
        ):
            body = pdf.render_sheet_body(
                sheet, thai_digits=thai_digits, seconds=seconds, pages=pages
            )
            pdf.cache_pdf(keys[sheet.assignment.pk], body)
            found[keys[sheet.assignment.pk]] = body
    return [
        BookletSheet(a.pk, a.indicator.code, a.indicator.name, found[keys[a.pk]])
        for a in assignments
    ], len(missing)
