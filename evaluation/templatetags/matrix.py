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
    not_assigned_text = escape(_("ไม่ได้มอบหมาย"))
    # Said in words as well as drawn: colour and hatching are never the only signal.
    not_assigned = (
        f'<td class="cell cell-none"><span class="visually-hidden">{not_assigned_text}</span></td>'
    )
    parts = []
    labels: dict[str, str] = {}  # a dozen distinct labels, escaped once
    flag_text = escape(_("มีคำชี้แจง"))
    flag = f'<span class="cell-flag" title="{flag_text}">⚑ {flag_text}</span>'
    late_mark = f'<span class="cell-late-mark">{escape(_("ล่าช้า"))}</span>'
    for cell in cells:
        if cell is None:
            parts.append(not_assigned)
            continue
        if cell.status_label not in labels:
            labels[cell.status_label] = escape(cell.status_label)
        inner = f'<span class="cell-status">{labels[cell.status_label]}</span>'
        if cell.late:
            inner += late_mark
        if cell.result_text:
            inner += f'<span class="cell-result">{escape(cell.result_text)}</span>'
        if cell.score_text:
            inner += f'<span class="cell-score">{escape(cell.score_text)}</span>'
        if cell.explained:
            inner += flag
        if cell.url:
            inner = f'<a href="{escape(cell.url)}">{inner}</a>'
        # status and band are Status values and SCORE_BANDS names (lowercase ASCII).
        classes = f"cell cell-{cell.status}"
        if cell.band:
            classes += f" band-{cell.band}"
        if cell.late:
            classes += " cell-late"
        parts.append(f'<td class="{classes}">{inner}</td>')
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703 - every value above is escaped


def _mean(tally: Completeness) -> str:
    if tally.mean_score is None:
        none = escape(_("ยังไม่มีคะแนน"))
        return f'<span aria-hidden="true">–</span><span class="visually-hidden">{none}</span>'
    return escape(tally.mean_text)


@register.simple_tag
def matrix_summary(tally: Completeness) -> SafeString:
    """A row's two summary cells: handed in / assigned (percent, late) and mean score."""
    late = (
        f' <span class="badge badge-late">{escape(_("ล่าช้า %(n)s") % {"n": tally.late})}</span>'
        if tally.late
        else ""
    )
    return mark_safe(  # noqa: S308  # nosec B308, B703 - the text is escaped
        f'<td class="num sum">{tally.submitted}/{tally.assigned}'
        f' <small class="percent">({tally.percent}%)</small>{late}</td>'
        f'<td class="num sum">{_mean(tally)}</td>'
    )


@register.simple_tag
def matrix_tallies(tallies: Sequence[Completeness]) -> SafeString:
    """Handed in / assigned and the mean score per indicator, for a subtotal or the
    total row (a hundred cells, same reason)."""
    parts = []
    late_label = _("ล่าช้า %(n)s")
    # Named, so that a mean score under "3/11" is not read as the share handed in.
    mean_label = _("เฉลี่ย %(mean)s")
    for tally in tallies:
        late = (
            f'<small class="late-text">{escape(late_label % {"n": tally.late})}</small>'
            if tally.late
            else ""
        )
        mean = (
            f"<small>{escape(mean_label % {'mean': tally.mean_text})}</small>"
            if tally.scored
            else ""
        )
        counts = f"<span>{tally.submitted}/{tally.assigned}</span>"
        parts.append(f'<td class="num tally">{counts}{mean}{late}</td>')
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703 - the text is escaped
