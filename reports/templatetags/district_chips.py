"""The district home's status chips, a row's four quarters at a time.

A district has a hundred indicators a year: four hundred chips. Through the
template language (a partial with its conditions and filters) they were about
half of the page's time at full scale; written here they cost a few
microseconds each, with the same markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kpi_portal.templatetags.thai import score
from reports.models import NOT_STARTED, Status, status_label
from reports.publication import AWAITING_PUBLICATION
from reports.selectors import QuarterRow

register = template.Library()


def _chip(quarter: QuarterRow, not_started: str) -> str:
    link = escape(quarter.url)
    report = quarter.report
    if report is None:
        return f'<a class="chip chip-{NOT_STARTED}" href="{link}">{escape(not_started)}</a>'
    status = escape(status_label(report.status))
    if report.status == Status.EVALUATED:
        if not quarter.score_public:  # the office has not published the quarter yet
            waiting = escape(str(AWAITING_PUBLICATION))
            return f'<a class="chip chip-evaluated" href="{link}" title="{status}">{waiting}</a>'
        figures = f"{score(report.score)} / {score(report.full_score)}"
        return (
            f'<a class="chip chip-evaluated" href="{link}" title="{status}">{escape(figures)}</a>'
        )
    if report.status == Status.RETURNED:
        last = quarter.last_transition
        reason = escape(last.reason) if last is not None else ""
        return (
            f'<details class="chip chip-returned"><summary>{status}</summary>'
            f'<span class="chip-reason">{reason}</span>'
            f'<a href="{link}">{escape(_("แก้ไขรายงาน"))}</a></details>'
        )
    return f'<a class="chip chip-{escape(report.status)}" href="{link}">{status}</a>'


@register.simple_tag
def quarter_chips(quarters: Sequence[QuarterRow]) -> SafeString:
    not_started = status_label(NOT_STARTED)
    cells = "".join(f'<td class="q">{_chip(quarter, not_started)}</td>' for quarter in quarters)
    # Every value above is escaped.
    return mark_safe(cells)  # noqa: S308  # nosec B308, B703
