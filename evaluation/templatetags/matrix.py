"""The office matrix's cells as HTML, a row at a time.

A full quarter is 50 districts x 100 indicators: 5,000 cells. Through the
template language each cell cost about 100 microseconds (half a second a page
at full scale); written here it costs a few, and the markup stays the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from evaluation.selectors import Cell, Completeness

register = template.Library()


@register.simple_tag
def matrix_cells(cells: Sequence[Cell | None]) -> SafeString:
    # The standard library's escape: Django's wraps it for lazy strings, which
    # tripled its cost here, and every value below is already a plain str.
    not_assigned = f'<td class="cell cell-none" aria-label="{escape(_("ไม่ได้มอบหมาย"))}"></td>'
    parts = []
    labels: dict[str, str] = {}  # a dozen distinct labels, escaped once
    flag_text = escape(_("มีคำชี้แจง"))
    flag = f'<span class="cell-flag" title="{flag_text}">⚑ {flag_text}</span>'
    for cell in cells:
        if cell is None:
            parts.append(not_assigned)
            continue
        if cell.label not in labels:
            labels[cell.label] = escape(cell.label)
        inner = f'<span class="cell-status">{labels[cell.label]}</span>'
        if cell.result_text:
            inner += f'<span class="cell-result">{escape(cell.result_text)}</span>'
        if cell.score_text:
            inner += f'<span class="cell-score">{escape(cell.score_text)}</span>'
        if cell.explained:
            inner += flag
        if cell.url:
            inner = f'<a href="{escape(cell.url)}">{inner}</a>'
        late = " cell-late" if cell.late else ""
        # status is one of the Status values (lowercase ASCII), no escaping needed.
        parts.append(f'<td class="cell cell-{cell.status}{late}">{inner}</td>')
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703 - every value above is escaped


@register.simple_tag
def matrix_tallies(tallies: Sequence[Completeness]) -> SafeString:
    """The footer's submitted/assigned per indicator (a hundred cells, same reason)."""
    parts = []
    for tally in tallies:
        late = (
            f'<br><small class="late-text">{escape(_("ล่าช้า %(n)s") % {"n": tally.late})}</small>'
            if tally.late
            else ""
        )
        parts.append(f'<td class="num">{tally.submitted}/{tally.assigned}{late}</td>')
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703 - the text is escaped
