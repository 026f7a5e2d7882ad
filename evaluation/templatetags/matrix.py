"""The office matrix's cells as HTML, a row at a time.

A full quarter is 50 districts x 100 indicators: 5,000 cells. Through the
template language each cell cost about 100 microseconds (half a second a page
at full scale); written here it costs a few, and the markup stays the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from evaluation.selectors import Cell, Completeness, Matrix
from indicators.models import Indicator

register = template.Library()


@register.simple_tag
def matrix_header(matrix: Matrix) -> SafeString:
    """One header cell per indicator: its code, linking to its summary, and its name
    (a hundred of them: through the template language they cost 5 ms a page)."""
    summary = (
        f"{reverse('office_summary')}?year={matrix.fiscal_year.year}&amp;quarter={matrix.quarter}"
    )
    parts = []
    for indicator in matrix.indicators:
        name = escape(indicator.name)
        parts.append(
            f'<th scope="col" class="ind"><a class="ind-code" href="{summary}'
            f'&amp;indicator={indicator.pk}">{escape(indicator.code)}</a> '
            f'<span class="ind-name" title="{name}">{name}</span></th>'
        )
    # Every value is escaped.
    html = "".join(parts)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703


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
    scores: dict[str, str] = {}  # scores repeat ("100/100"): each escaped once
    openings: dict[tuple[str, str, bool], str] = {}  # a few dozen class lists
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
            if cell.score_text not in scores:
                scores[cell.score_text] = escape(cell.score_text)
            inner += f'<span class="cell-score">{scores[cell.score_text]}</span>'
        if cell.explained:
            inner += flag
        if cell.url:
            # The scoring page's address with the report's integer id: nothing to escape.
            inner = f'<a href="{cell.url}">{inner}</a>'
        key = (cell.status, cell.band, cell.late)
        if key not in openings:
            # Status values and SCORE_BANDS names: lowercase ASCII.
            band = f" band-{cell.band}" if cell.band else ""
            late = " cell-late" if cell.late else ""
            openings[key] = f'<td class="cell cell-{cell.status}{band}{late}">'
        parts.append(f"{openings[key]}{inner}</td>")
    # Every text above is escaped.
    html = "".join(parts)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703


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
    # The text is escaped.
    return mark_safe(  # noqa: S308  # nosec B308, B703
        f'<td class="num sum">{tally.submitted}/{tally.assigned}'
        f' <small class="percent">({tally.percent}%)</small>{late}</td>'
        f'<td class="num sum">{_mean(tally)}</td>'
    )


@register.simple_tag
def matrix_tallies(tallies: Sequence[Completeness]) -> SafeString:
    """Handed in / assigned and the mean score per indicator, for a subtotal or the
    total row (seven rows of a hundred cells, same reason)."""
    parts = []
    # Escaped once; what goes into them are figures (digits, "." and "%").
    late_label = escape(_("ล่าช้า %(n)s"))
    # Named, so that a mean score under "3/11" is not read as the share handed in.
    mean_label = escape(_("เฉลี่ย %(mean)s"))
    for tally in tallies:
        cell = f'<td class="num tally"><span>{tally.submitted}/{tally.assigned}</span>'
        if tally.scored:
            cell += f"<small>{mean_label % {'mean': tally.mean_text}}</small>"
        if tally.late:
            cell += f'<small class="late-text">{late_label % {"n": tally.late}}</small>'
        parts.append(cell + "</td>")
    # The text is escaped.
    html = "".join(parts)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703


@register.simple_tag
def indicator_options(indicators: Sequence[Indicator], chosen: int | None) -> SafeString:
    """The matrix filter's indicators as <option>s, "code name" cut to 40 characters: a
    hundred of them cost the page around a cached table a quarter of its time when
    looped over in the template language."""
    parts = [
        f'<option value="{indicator.pk}"{" selected" if indicator.pk == chosen else ""}>'
        f"{escape(indicator.code)} {escape(Truncator(indicator.name).chars(40))}</option>"
        for indicator in indicators
    ]
    # Every text is escaped; the values are integer ids.
    html = "".join(parts)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703


@register.simple_tag
def code_options(codes: Sequence[str], chosen: str) -> SafeString:
    """The queue filter's indicator codes as <option>s: several hundred across ten
    years, a tenth of the queue page when looped over in the template language."""
    parts = [
        f'<option value="{escape(code)}"{" selected" if code == chosen else ""}>'
        f"{escape(code)}</option>"
        for code in codes
    ]
    # Every code is escaped.
    html = "".join(parts)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703
