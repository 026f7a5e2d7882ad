"""Make text extracted from WeasyPrint PDFs match the source text (Thai SARA AM and friends).

Symptom
-------
Text extracted from a PDF written by WeasyPrint 70 (pypdf, pdftotext, copy and paste)
loses or invents Thai characters, depending on what came earlier in the document:
"สำนักงาน" comes back as "สานักงาน", or, when "สำ" is printed first, "กา" comes back
as "กำ" and "น้ำ" as "นำ".

Cause
-----
HarfBuzz shapes one Thai cluster into several glyphs: SARA AM (U+0E33) becomes a NIKHAHIT
glyph and a SARA AA glyph, and a tone mark over SARA AM ("น้ำ", "ค่ำ") is moved between
them. Pango reports the cluster (text bytes -> glyphs), and
``weasyprint.draw.text.draw_first_line`` gives the whole cluster text to the cluster's
last glyph and an empty string to the others. That per-glyph text is then stored in
``Font.to_unicode``, a dict keyed by glyph id alone, and only the *first* text seen for a
glyph id is kept (``if glyph_id not in font.to_unicode``).
``weasyprint.pdf.fonts.build_fonts_dictionary`` writes that dict as the font's ToUnicode
CMap, and the content stream shows the glyph id itself as the character code
(``/Identity-H``). The SARA AA glyph of "ำ" is the same glyph id as a standalone "า",
so one ToUnicode entry has to serve both "ำ" and "า": whichever context comes first in
the document wins, and the other context is extracted wrongly. No per-glyph-id map can
express this, whatever text it chooses.

Fix
---
Give each (glyph id, text) pair its own character code. The first text seen for a glyph
keeps the glyph id as its code (so, with the default font subsetting, documents without
conflicts are written exactly as before); a later occurrence of the same glyph id that
stands for a different text gets a fresh code (a CID above the font's glyph count) whose
ToUnicode entry is that text. The CIDFontType2 dictionary gets a ``/CIDToGIDMap`` stream
mapping every such CID back to the original glyph id, and a ``/W`` entry with that
glyph's width, so viewers draw exactly the same glyph at exactly the same place: the
rendering is unchanged, only the text mapping is. Extractors need nothing beyond
ToUnicode (pypdf ignores ``/ActualText``, so marked-content spans would not help it).

At runtime this is done with four small wrappers, installed by :func:`install`:

* ``weasyprint.draw.text.draw_first_line``: for the duration of the call, the stream's
  ``show_text`` is wrapped; it recomputes the text of each glyph of the line from Pango's
  clusters (the same computation WeasyPrint uses) and replaces the glyph id in the
  emitted ``<...>`` string by the code of its (glyph id, text) pair. Every replaced code
  is checked against the glyph id it replaces; on any mismatch the rest of the line is
  left exactly as WeasyPrint wrote it.
* ``weasyprint.pdf.fonts._build_vector_font_dictionary``: adds the ``/W`` entries and the
  ``/CIDToGIDMap`` stream for the extra codes. When the whole font is embedded
  (``full_fonts=True``, or a font used by PDF form fields), WeasyPrint writes ToUnicode
  from the font's cmap table, which knows neither the extra codes nor glyphs that only
  shaping produces (NIKHAHIT, shifted tone marks): the codes shown on the pages then get
  the text they stand for, the rest of the cmap-based entries are kept.
* ``Font.clean``: keeps the extra codes out of the glyph set given to the font subsetter.
* ``Font.get_unused_glyph_id``: keeps codes for glyphs missing from the font (.notdef)
  from colliding with the extra codes.

Limits: only TrueType-outline fonts (``glyf``; CIDFontType2) get extra codes, since a
CFF-based CIDFontType0 has no CIDToGIDMap; CFF, bitmap and emoji fonts keep WeasyPrint's
behaviour. Each font has at most 65,536 codes; past that, WeasyPrint's behaviour is kept.
Leading glyphs of a multi-glyph cluster still map to an empty string (WeasyPrint's
choice), which pypdf and poppler handle.

Cost: about 3 microseconds per drawn glyph (one pass over Pango's glyphs per line, and
the rewriting of the lines that need extra codes): 3-4 ms for a page densely filled with
Thai text (about 1,100 glyphs), roughly a tenth of WeasyPrint's own time for that page.
Each font that needed extra codes adds a CIDToGIDMap of two bytes per glyph of the font
(about 1.2 KB once compressed for Sarabun).
"""

from __future__ import annotations

import inspect
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint
import weasyprint.draw.text as wp_draw_text
import weasyprint.pdf.fonts as wp_pdf_fonts
from weasyprint.text.ffi import ffi, pango

__all__ = [
    "SUPPORTED_WEASYPRINT_MAJOR_VERSIONS",
    "UnsupportedWeasyPrintError",
    "install",
    "is_installed",
]

LOGGER = logging.getLogger(__name__)

#: WeasyPrint major versions whose source this fix was written against and tested with.
SUPPORTED_WEASYPRINT_MAJOR_VERSIONS: frozenset[int] = frozenset({70})

_MAX_CODE = 0xFFFF  # Two-byte codes (Identity-H / the codespace WeasyPrint declares).
_HEX_STRING = re.compile(r"<([0-9a-f]*)>")
_MISSING = object()

_install_lock = threading.Lock()
_originals: dict[str, Callable[..., Any]] = {}

# Parameter names of the wrapped functions, checked before patching.
_EXPECTED_PARAMETERS: dict[str, tuple[str, ...]] = {
    "draw_first_line": ("stream", "textbox", "text_overflow", "block_ellipsis", "matrix"),
    "_build_vector_font_dictionary": (
        "font_dictionary",
        "pdf",
        "font",
        "widths",
        "compress",
        "reference",
        "pdf_version",
    ),
    "clean": ("self", "to_unicode", "hinting"),
    "get_unused_glyph_id": ("self", "codepoint"),
}


class UnsupportedWeasyPrintError(RuntimeError):
    """The installed WeasyPrint is not a version this fix was written for."""


@dataclass
class _FontCodes:
    """Extra character codes of one WeasyPrint ``Font``."""

    by_glyph_text: dict[tuple[int, str], int] = field(default_factory=dict)
    glyph_by_code: dict[int, int] = field(default_factory=dict)


_STATE_ATTRIBUTE = "_kpi_text_codes"


def _codes_of(font: Any) -> _FontCodes | None:
    codes: _FontCodes | None = getattr(font, _STATE_ATTRIBUTE, None)
    return codes


def _can_have_extra_codes(font: Any) -> bool:
    return not font.bitmap and font.type == "ttf"


def _code_for(font: Any, glyph_id: int, text: str) -> int:
    """Return the character code to write for ``glyph_id`` standing for ``text``."""
    registered = font.to_unicode.get(glyph_id)
    if registered is None or registered == text:
        return glyph_id
    codes = _codes_of(font)
    if codes is None:
        codes = _FontCodes()
        setattr(font, _STATE_ATTRIBUTE, codes)
    code = codes.by_glyph_text.get((glyph_id, text))
    if code is None:
        code = 1 + max(
            font.glyph_count - 1,
            max(font.missing.values(), default=-1),
            max(codes.glyph_by_code, default=-1),
        )
        if code > _MAX_CODE:
            return glyph_id
        codes.by_glyph_text[glyph_id, text] = code
        codes.glyph_by_code[code] = glyph_id
        font.to_unicode[code] = text
    return code


# One glyph shown by draw_first_line: (Pango font, glyph id, text). A glyph id of None
# means "keep WeasyPrint's code" (unknown glyph, undecodable text).
_PlannedGlyph = tuple[Any, int | None, str]


class _LineRecoder:
    """Rewrites the glyph codes that ``draw_first_line`` shows for one line."""

    def __init__(self, stream: Any, layout: Any, forward: Callable[[str], None]) -> None:
        self._stream = stream
        self._layout = layout
        self._forward = forward
        self._plan: list[_PlannedGlyph] | None = None
        self._position = 0
        self._fonts: dict[Any, tuple[Any, bool]] = {}
        self._disabled = False

    def show_text(self, text: str) -> None:
        if not self._disabled:
            try:
                text = self._recode_text(text)
            except _PlanMismatchError:
                LOGGER.debug("Glyph plan mismatch, line left as WeasyPrint wrote it")
                self._disabled = True
        self._forward(text)

    def _recode_text(self, text: str) -> str:
        # Odd items are the hexadecimal contents of <...> strings, even items the rest.
        parts = _HEX_STRING.split(text)
        if len(parts) == 1:
            return text
        plan = self._plan
        if plan is None:
            plan = self._plan = self._build_plan()
        position = self._position
        if position >= len(plan):
            raise _PlanMismatchError
        # draw_first_line flushes its string whenever the font changes: one font per call.
        font, aliasable = self._font(plan[position][0])
        size = 2 if font.bitmap else 4
        hex_strings = parts[1::2]
        if any(len(hex_codes) % size for hex_codes in hex_strings):
            raise _PlanMismatchError
        count = sum(map(len, hex_strings)) // size
        glyphs = plan[position : position + count]
        if len(glyphs) != count:
            raise _PlanMismatchError
        self._position = position + count
        if not aliasable:
            return text
        to_unicode = font.to_unicode
        changes = [
            (i, glyph_id, glyph_text)
            for i, (_, glyph_id, glyph_text) in enumerate(glyphs)
            if glyph_id is not None and to_unicode.get(glyph_id, glyph_text) != glyph_text
        ]
        if not changes:
            return text  # Every glyph keeps its glyph id as its code.
        codes = "".join(hex_strings)
        chunks = [codes[i : i + size] for i in range(0, len(codes), size)]
        for i, glyph_id, glyph_text in changes:
            if int(chunks[i], 16) != glyph_id:
                raise _PlanMismatchError
            chunks[i] = f"{_code_for(font, glyph_id, glyph_text):04x}"
        start = 0
        for index in range(1, len(parts), 2):
            end = start + len(parts[index]) // size
            parts[index] = f"<{''.join(chunks[start:end])}>"
            start = end
        return "".join(parts)

    def _font(self, pango_font: Any) -> tuple[Any, bool]:
        known = self._fonts.get(pango_font)
        if known is None:
            # WeasyPrint has already added this font when it wrote the glyphs being shown.
            font, _ = self._stream.add_font(pango_font)
            known = self._fonts[pango_font] = (font, _can_have_extra_codes(font))
        return known

    def _build_plan(self) -> list[_PlannedGlyph]:
        """List the glyphs that ``draw_first_line`` shows, with the text of each one.

        The text of a glyph is computed as in ``draw_first_line``: the UTF-8 bytes from the
        glyph's cluster start to the next glyph's cluster start (the previous one for
        right-to-left runs), i.e. the whole cluster text on its last glyph.
        """
        plan: list[_PlannedGlyph] = []
        line = pango.pango_layout_get_line_readonly(self._layout.layout, 0)
        utf8_text = self._layout.text.encode()
        empty = pango.PANGO_GLYPH_EMPTY
        unknown = pango.PANGO_GLYPH_UNKNOWN_FLAG
        run = line.runs
        while run != ffi.NULL:
            glyph_item = run.data
            run = run.next
            item = glyph_item.item
            glyph_string = glyph_item.glyphs
            count = glyph_string.num_glyphs
            glyph_ids = [info.glyph for info in glyph_string.glyphs[0:count]]
            # Cluster starts, with the item end after the last glyph (before the first
            # one for right-to-left runs): glyph i spans bounds[i] and bounds[i + 1].
            offset = item.offset
            bounds = [offset + cluster for cluster in ffi.unpack(glyph_string.log_clusters, count)]
            right_to_left = item.analysis.level % 2  # Same test as draw_first_line.
            if right_to_left:
                bounds.insert(0, item.offset + item.length)
            else:
                bounds.append(item.offset + item.length)
            pango_font = item.analysis.font
            for i, glyph_id in enumerate(glyph_ids):
                if glyph_id == empty:
                    continue  # Shown as a positioning number, not as a code.
                if glyph_id & unknown:
                    plan.append((pango_font, None, ""))
                    continue
                if right_to_left:
                    first, last = bounds[i + 1], bounds[i]
                else:
                    first, last = bounds[i], bounds[i + 1]
                try:
                    text = utf8_text[first:last].decode()
                except UnicodeDecodeError:
                    plan.append((pango_font, None, ""))
                else:
                    plan.append((pango_font, glyph_id, text))
        return plan


class _PlanMismatchError(Exception):
    pass


def _draw_first_line(
    stream: Any,
    textbox: Any,
    text_overflow: str,
    block_ellipsis: Any,
    matrix: Any,
) -> Any:
    previous = stream.__dict__.get("show_text", _MISSING)
    recoder = _LineRecoder(stream, textbox.pango_layout, stream.show_text)
    stream.show_text = recoder.show_text
    try:
        return _originals["draw_first_line"](stream, textbox, text_overflow, block_ellipsis, matrix)
    finally:
        if previous is _MISSING:
            del stream.show_text
        else:
            stream.show_text = previous


def _resolve(pdf: Any, reference: bytes) -> Any:
    return pdf.objects[int(reference.split()[0])]


def _cid_to_gid_map(font: Any, glyph_by_code: dict[int, int], compress: bool) -> Any:
    size = max(glyph_by_code) + 1
    glyph_ids = [
        glyph_by_code.get(cid, cid if cid < font.glyph_count else 0) for cid in range(size)
    ]
    data = b"".join(glyph_id.to_bytes(2, "big") for glyph_id in glyph_ids)
    return pydyf.Stream([data], compress=compress)


def _rewrite_to_unicode(pdf: Any, font_dictionary: Any, texts: dict[int, str]) -> None:
    """Set the entries of ``texts`` in the ToUnicode CMap written for ``font_dictionary``."""
    cmap = _resolve(pdf, font_dictionary["ToUnicode"]).stream
    start = cmap.index(b"endcodespacerange") + 1
    end = cmap.index(b"endcmap")
    entries: dict[int, bytes] = {}
    for line in cmap[start:end]:
        if line.startswith(b"<"):
            code, destination = line.split(b" ", 1)
            entries[int(code[1:-1], 16)] = destination
    for code, text in texts.items():
        entries[code] = f"<{text.encode('utf-16-be').hex()}>".encode()
    items = sorted(entries.items())
    lines: list[bytes] = []
    for batch_start in range(0, len(items), 100):
        batch = items[batch_start : batch_start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines.extend(b"<%04x> %s" % (code, destination) for code, destination in batch)
        lines.append(b"endbfchar")
    cmap[start:end] = lines


def _build_vector_font_dictionary(
    font_dictionary: Any,
    pdf: Any,
    font: Any,
    widths: dict[int, float],
    compress: bool,
    reference: Any,
    pdf_version: Any,
) -> None:
    codes = _codes_of(font)
    glyph_by_code = codes.glyph_by_code if codes is not None else {}
    full_font = widths is not font.widths
    for code, glyph_id in glyph_by_code.items():
        if glyph_id in font.widths:
            font.widths[code] = font.widths[glyph_id]
        if glyph_id in widths:
            widths[code] = widths[glyph_id]
    _originals["_build_vector_font_dictionary"](
        font_dictionary, pdf, font, widths, compress, reference, pdf_version
    )
    if full_font:
        # WeasyPrint built this ToUnicode CMap from the font's cmap table, which cannot
        # know the text of glyphs that only appear through shaping (NIKHAHIT, tone mark
        # variants) nor of the extra codes: give the codes shown in the page their text.
        _rewrite_to_unicode(pdf, font_dictionary, font.to_unicode)
    if glyph_by_code:
        subfont_dictionary = _resolve(pdf, font_dictionary["DescendantFonts"][0])
        cid_to_gid_map = _cid_to_gid_map(font, glyph_by_code, compress)
        pdf.add_object(cid_to_gid_map)
        subfont_dictionary["CIDToGIDMap"] = cid_to_gid_map.reference


def _clean(self: Any, to_unicode: dict[int, str], hinting: bool) -> Any:
    codes = _codes_of(self)
    if codes is not None and codes.glyph_by_code:
        # Extra codes are not glyph ids: keep them out of the subsetter's glyph set.
        to_unicode = {
            glyph_id: text
            for glyph_id, text in to_unicode.items()
            if glyph_id not in codes.glyph_by_code
        }
    return _originals["clean"](self, to_unicode, hinting)


def _get_unused_glyph_id(self: Any, codepoint: int) -> int:
    new = codepoint not in self.missing
    code: int = _originals["get_unused_glyph_id"](self, codepoint)
    codes = _codes_of(self)
    if new and codes is not None and codes.glyph_by_code:
        taken = set(codes.glyph_by_code)
        taken.update(value for key, value in self.missing.items() if key != codepoint)
        if code in taken:
            code = min(max(taken) + 1, _MAX_CODE)
            self.missing[codepoint] = code
    return code


def _check_weasyprint() -> None:
    version = weasyprint.__version__
    try:
        major = int(version.split(".")[0])
    except ValueError as error:
        raise UnsupportedWeasyPrintError(
            f"Cannot parse the WeasyPrint version {version!r}"
        ) from error
    if major not in SUPPORTED_WEASYPRINT_MAJOR_VERSIONS:
        supported = ", ".join(f"{v}.x" for v in sorted(SUPPORTED_WEASYPRINT_MAJOR_VERSIONS))
        raise UnsupportedWeasyPrintError(
            f"printing.pdf_text patches WeasyPrint internals and was written for WeasyPrint "
            f"{supported}; WeasyPrint {version} is installed. Check "
            f"weasyprint/draw/text.py (draw_first_line) and weasyprint/pdf/fonts.py against "
            f"docs/pdf-thai-text.md, run tests/printing/test_pdf_text.py, then add {major} "
            f"to SUPPORTED_WEASYPRINT_MAJOR_VERSIONS."
        )
    targets = {
        "draw_first_line": wp_draw_text.draw_first_line,
        "_build_vector_font_dictionary": wp_pdf_fonts._build_vector_font_dictionary,
        "clean": wp_pdf_fonts.Font.clean,
        "get_unused_glyph_id": wp_pdf_fonts.Font.get_unused_glyph_id,
    }
    for name, function in targets.items():
        parameters = tuple(inspect.signature(function).parameters)
        if parameters != _EXPECTED_PARAMETERS[name]:
            raise UnsupportedWeasyPrintError(
                f"WeasyPrint {version}: {name}{parameters} differs from the expected "
                f"{name}{_EXPECTED_PARAMETERS[name]}; printing.pdf_text must be revised."
            )


def is_installed() -> bool:
    """Tell whether :func:`install` has patched WeasyPrint in this process."""
    return bool(_originals)


def install() -> None:
    """Patch WeasyPrint so that text extracted from its PDFs matches the source text.

    Idempotent and thread-safe; call it before rendering (it affects every later render
    in the process). Raises :class:`UnsupportedWeasyPrintError` when the installed
    WeasyPrint is not a version the fix was written for.
    """
    with _install_lock:
        if _originals:
            return
        _check_weasyprint()
        _originals["draw_first_line"] = wp_draw_text.draw_first_line
        _originals["_build_vector_font_dictionary"] = wp_pdf_fonts._build_vector_font_dictionary
        _originals["clean"] = wp_pdf_fonts.Font.clean
        _originals["get_unused_glyph_id"] = wp_pdf_fonts.Font.get_unused_glyph_id
        wp_draw_text.draw_first_line = _draw_first_line
        wp_pdf_fonts._build_vector_font_dictionary = _build_vector_font_dictionary
        wp_pdf_fonts.Font.clean = _clean
        wp_pdf_fonts.Font.get_unused_glyph_id = _get_unused_glyph_id
