"""Booklets joined from sheets printed one by one, so that a booklet is mostly copying.

A district's booklet is its cover and contents (rendered for it) followed by each
assignment's sheet, in indicator code order. Each sheet is rendered on its own,
without footers, and cached under the fingerprint of the rows it is printed from
(pdf.sheet_body_key): a re-print renders only the sheets whose rows changed since,
and the print worker renders them ahead when their data changes (printing.refresh).
The joined pages then get the footers a reader of one printed document expects —
"พิมพ์เมื่อ …" on the left and "หน้า n/N" on the right, numbered through the booklet,
where the contents say each sheet starts — stamped from a handful of pieces rendered
once per booklet (pdf.footer_stamps) instead of laid out page by page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)

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


def _page_counts(bodies: Sequence[bytes]) -> list[PdfReader]:
    return [PdfReader(io.BytesIO(body)) for body in bodies]


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
    readers = _page_counts([sheet.body for sheet in sheets])
    sheet_pages = sum(len(reader.pages) for reader in readers)
    if max_pages is not None and sheet_pages > max_pages:
        raise pdf.PrintTooLarge(_("เอกสารนี้ยาวเกิน %(pages)s หน้า จึงพิมพ์ไม่ได้") % {"pages": max_pages})

    def front(front_pages: int) -> PdfReader:
        starts, page = [], front_pages + 1
        for reader in readers:
            starts.append(page)
            page += len(reader.pages)
        entries = [
            ContentsEntry(s.code, s.name, f"{LINK_SCHEME}{s.assignment_id}", start)
            for s, start in zip(sheets, starts, strict=True)
        ]
        rendered = pdf.booklet_front_pdf(
            entries, district=district, fiscal_year=fiscal_year, printed_at=printed_at
        )
        return PdfReader(io.BytesIO(rendered))

    # The contents' length decides where the sheets start, which the contents print:
    # a guess, then again with the length it came to (the numbers' width does not
    # change how many lines the contents take, so this settles at once).
    guess = 2 + len(sheets) // 22
    front_reader = front(guess)
    if len(front_reader.pages) != guess:
        front_reader = front(len(front_reader.pages))
    total = len(front_reader.pages) + sheet_pages
    if max_pages is not None and total > max_pages:
        raise pdf.PrintTooLarge(_("เอกสารนี้ยาวเกิน %(pages)s หน้า จึงพิมพ์ไม่ได้") % {"pages": max_pages})

    writer = PdfWriter()
    for page in front_reader.pages:
        writer.add_page(page)
    first_pages = []
    for sheet, reader in zip(sheets, readers, strict=True):
        first_pages.append(len(writer.pages))
        for page in reader.pages:
            writer.add_page(page)
        writer.add_outline_item(title=f"{sheet.code} {sheet.name}", page_number=first_pages[-1])
    _link_contents(writer, len(front_reader.pages), sheets, first_pages)
    _stamp_footers(writer, printed_at)
    writer.add_metadata(
        {
            "/Title": f"เล่มรายงานตัวชี้วัด {district.office_name} ปีงบประมาณ {fiscal_year.year}",
            "/Producer": "KPI Portal (WeasyPrint, pypdf)",
        }
    )
    writer.page_mode = "/UseOutlines" if sheets else "/UseNone"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _link_contents(
    writer: PdfWriter, front_pages: int, sheets: Sequence[BookletSheet], first_pages: list[int]
) -> None:
    """Point the contents' links at the pages their sheets start on."""
    target = {
        f"{LINK_SCHEME}{sheet.assignment_id}": first
        for sheet, first in zip(sheets, first_pages, strict=True)
    }
    for index in range(front_pages):
        annotations = writer.pages[index].get("/Annots")
        for reference in annotations or []:
            annotation = reference.get_object()
            action = annotation.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is None or str(uri) not in target:
                continue
            del annotation[NameObject("/A")]
            annotation[NameObject("/Dest")] = ArrayObject(
                [writer.pages[target[str(uri)]].indirect_reference, NameObject("/Fit")]
            )


def _stamp_footers(writer: PdfWriter, printed_at: Any) -> None:
    """Draw each page's footer from the stamps: the printing time and "หน้า n/N".

    A page's footer is one form XObject holding the pieces' drawings, left to right,
    each moved to its place: copied out of the PDF, the footer reads as the sheet's
    own did ("พิมพ์เมื่อ …", "หน้า 12/318").
    """
    stamps, widths = pdf.footer_stamps(printed_at)
    pieces = PdfReader(io.BytesIO(stamps)).pages
    drawings = [_drawing(piece) for piece in pieces]
    # Every piece is set in the same fonts: the stamps' document has one set of resources.
    resources = writer._add_object(pieces[0]["/Resources"].clone(writer))
    box = ArrayObject([FloatObject(v) for v in pieces[0].mediabox])
    left = drawings[len(pdf.FOOTER_TOKENS)]  # the page after the tokens
    index_of = {token: i for i, token in enumerate(pdf.FOOTER_TOKENS)}
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        tokens = [index_of[t] for t in ["หน้า ", *str(number), "/", *str(total)]]
        # Right-aligned pieces: each moves left by the widths of those after it.
        shifts, shift = [], 0.0
        for token in reversed(tokens):
            shifts.append(shift)
            shift += widths[token]
        parts = [b"q\n", left, b"\nQ\n"]
        for token, moved in zip(tokens, reversed(shifts), strict=True):
            parts += [f"q 1 0 0 1 {-moved:.3f} 0 cm\n".encode(), drawings[token], b"\nQ\n"]
        form = DecodedStreamObject()
        form.set_data(b"".join(parts))
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): box,
                NameObject("/Resources"): resources,
            }
        )
        footer = writer._add_object(form)
        _append_content(writer, page, b"q /KpiFooter Do Q", {"/KpiFooter": footer})


def _drawing(page: Any) -> bytes:
    contents = page.get_contents()
    if contents is None:
        raise RuntimeError("a footer stamp came out empty")
    data: bytes = contents.get_data()
    return data


def _append_content(writer: PdfWriter, page: Any, content: bytes, forms: dict[str, Any]) -> None:
    """Draw ``content`` over the page, after its own content in a saved graphics state.

    The page gets its own copy of its resources: WeasyPrint shares one dictionary
    among a document's pages, and each page's footer is a different form.
    """
    shared = page.get("/Resources")
    resources = DictionaryObject(shared.get_object() if shared is not None else {})
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object() if xobjects is not None else {})
    for name, reference in forms.items():
        xobjects[NameObject(name)] = reference
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(b"\nQ\n" + content)
    existing = page.get("/Contents")
    existing = existing.get_object() if existing is not None else ArrayObject()
    parts = list(existing) if isinstance(existing, ArrayObject) else [page.raw_get("/Contents")]
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *parts, writer._add_object(after)]
    )


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
