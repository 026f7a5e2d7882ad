"""What a report handed in again changed since the office last judged it.

When the office returns a report, or reopens an evaluated one, and the district
hands it in again, the evaluator wants to read only what is new. The reference
point is the office's last judgement: the evaluation that was reopened, or the
return when there was no evaluation in between. The report as it stood then is
read from django-pghistory's events (the last event of each row up to the moment
the office sent it back: the district could change nothing between an evaluation
and its reopening), and compared with the report as it is now.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.apps import apps
from django.db.models import QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from kpi_portal.textdiff import Piece, text_diff
from kpi_portal.thaidate import format_date
from kpi_portal.thaidigits import format_amount
from reports.models import Report, ReportTransition, Status

_SENT_BACK = (Status.RETURNED, Status.REOPENED)


@dataclass(frozen=True)
class Reference:
    """The office's last judgement of the report: what the changes are counted from."""

    kind: Literal["evaluated", "returned"]
    at: dt.datetime
    who: str
    reason: str = ""


@dataclass(frozen=True)
class ValueChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """A row of the report (a ratio update, a step, a file, a letter) added, changed or removed."""

    action: Literal["added", "changed", "removed"]
    label: str
    changes: list[ValueChange] = field(default_factory=list)


@dataclass
class ReportChanges:
    reference: Reference
    values: list[ValueChange]
    ratio_updates: list[RowChange]
    steps: list[RowChange]
    files: list[RowChange]
    letters: list[RowChange]
    narrative: list[Piece] | None

    @property
    def rows(self) -> list[tuple[str, list[RowChange]]]:
        """The changed rows by kind, each kind with its heading."""
        return [
            (_("ข้อมูลความก้าวหน้า"), self.ratio_updates),
            (_("ขั้นตอน"), self.steps),
            (_("ไฟล์หลักฐาน"), self.files),
            (_("หนังสืออ้างอิง"), self.letters),
        ]

    @property
    def nothing_changed(self) -> bool:
        return not (
            self.values
            or self.ratio_updates
            or self.steps
            or self.files
            or self.letters
            or self.narrative
        )


def _amount(value: Decimal | None) -> str:
    return "–" if value is None else format_amount(Decimal(value))


def _day(value: dt.date | None) -> str:
    return "–" if value is None else format_date(value)


def _name(user: Any) -> str:
    if user is None:
        return _("ระบบ")
    return str(user.get_full_name() or user.username)


def _reference(transitions: list[ReportTransition]) -> tuple[Reference, str] | None:
    """The office's last judgement and the status it sent the report back to."""
    sent_back = [n for n, t in enumerate(transitions) if t.to_status in _SENT_BACK]
    if not sent_back:
        return None
    last = transitions[sent_back[-1]]
    if last.to_status == Status.REOPENED:
        evaluated = [t for t in transitions[: sent_back[-1]] if t.to_status == Status.EVALUATED]
        if evaluated:
            judged = evaluated[-1]
            return Reference("evaluated", judged.at, _name(judged.actor)), last.to_status
    return Reference("returned", last.at, _name(last.actor), last.reason), last.to_status


def _events(model_name: str) -> QuerySet[Any]:
    """The history of one of the report's tracked models (django-pghistory makes the
    event models when the app loads, so they are looked up by name)."""
    return apps.get_model("reports", model_name)._default_manager.all()


def _as_of(events: QuerySet[Any], cutoff: dt.datetime) -> dict[int, Any]:
    """Each row's last event up to ``cutoff``, by the row's id; rows deleted by then left out."""
    latest = (
        events.filter(pgh_created_at__lte=cutoff)
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
    )
    return {e.pgh_obj_id: e for e in latest if e.pgh_label != "delete"}


def _fields(row: Any, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in names)


_RATIO_FIELDS = ("as_of", "denominator", "numerator", "note")


def _ratio_label(row: Any) -> str:
    return _("ข้อมูล ณ วันที่ %(date)s") % {"date": _day(row.as_of)}


def _ratio_changes(report: Report, before: dict[int, Any]) -> list[RowChange]:
    now = {row.pk: row for row in report.ratio_updates.all()}
    labels = {
        "as_of": _("ข้อมูล ณ วันที่"),
        "denominator": report.assignment.indicator.denominator_label or _("ตัวหาร"),
        "numerator": report.assignment.indicator.numerator_label or _("ตัวตั้ง"),
        "note": _("หมายเหตุ"),
    }
    show: dict[str, Callable[[Any], str]] = {
        "as_of": _day,
        "denominator": _amount,
        "numerator": _amount,
        "note": str,
    }
    out = []
    for pk in sorted(before.keys() | now.keys()):
        old, new = before.get(pk), now.get(pk)
        if old is None or new is None:
            row = new or old
            out.append(
                RowChange(
                    "added" if old is None else "removed",
                    _ratio_label(row),
                    [
                        ValueChange(labels[name], "", show[name](getattr(row, name)))
                        for name in _RATIO_FIELDS[1:]  # the date is the row's label
                        if getattr(row, name) not in (None, "")
                    ],
                )
            )
        elif _fields(old, _RATIO_FIELDS) != _fields(new, _RATIO_FIELDS):
            out.append(
                RowChange(
                    "changed",
                    _ratio_label(new),
                    [
                        ValueChange(
                            labels[name],
                            show[name](getattr(old, name)) or "–",
                            show[name](getattr(new, name)) or "–",
                        )
                        for name in _RATIO_FIELDS
                        if getattr(old, name) != getattr(new, name)
                    ],
                )
            )
    return out


def _step_changes(report: Report, before: dict[int, Any]) -> list[RowChange]:
    steps = {s.pk: s for s in report.assignment.indicator.steps.all()}
    old_by_step = {e.step_id: e for e in before.values()}
    now_by_step = {p.step_id: p for p in report.step_progress.all()}
    out = []
    for step_id in sorted(
        old_by_step.keys() | now_by_step.keys(),
        key=lambda pk: steps[pk].number if pk in steps else 0,
    ):
        old, new = old_by_step.get(step_id), now_by_step.get(step_id)
        number = steps[step_id].number if step_id in steps else "?"
        label = _("ขั้นตอนที่ %(n)s") % {"n": number}
        if old is None and new is not None:
            out.append(
                RowChange("added", label, [ValueChange(_("แล้วเสร็จ"), "", _day(new.done_on))])
            )
        elif new is None and old is not None:
            out.append(
                RowChange("removed", label, [ValueChange(_("แล้วเสร็จ"), _day(old.done_on), "")])
            )
        elif old is not None and new is not None:
            changes = []
            if old.done_on != new.done_on:
                changes.append(ValueChange(_("วันที่แล้วเสร็จ"), _day(old.done_on), _day(new.done_on)))
            if old.note != new.note:
                changes.append(ValueChange(_("ผลการดำเนินงาน"), old.note or "–", new.note or "–"))
            if changes:
                out.append(RowChange("changed", label, changes))
    return out


def _letter_label(row: Any) -> str:
    return _("หนังสือ %(number)s ลงวันที่ %(date)s เรื่อง %(title)s") % {
        "number": row.number,
        "date": _day(row.dated),
        "title": row.title,
    }


def _added_and_removed(
    before: dict[int, Any], now: dict[int, Any], label: Callable[[Any], str], names: tuple[str, ...]
) -> list[RowChange]:
    """Rows gone and rows new; a row whose fields changed counts as the one removed
    and the other added (files and letters are only ever added or removed)."""
    out = []
    for pk in sorted(before.keys() | now.keys()):
        old, new = before.get(pk), now.get(pk)
        if old is not None and (new is None or _fields(old, names) != _fields(new, names)):
            out.append(RowChange("removed", label(old)))
        if new is not None and (old is None or _fields(old, names) != _fields(new, names)):
            out.append(RowChange("added", label(new)))
    return out


def changes_since_review(report: Report) -> ReportChanges | None:
    """What changed in a report handed in again since the office last judged it.

    None when the report is not waiting for the office, or the office never sent
    it back. Six queries at most, whatever the report holds; none for the
    report's own rows and transitions when they are prefetched
    (``evaluation.selectors.report_for_scoring``).
    """
    if report.status != Status.SUBMITTED:
        return None
    transitions = sorted(report.transitions.all(), key=lambda t: (t.at, t.pk))
    found = _reference(transitions)
    if found is None:
        return None
    reference, sent_back_to = found
    # The report's row at the moment the office sent it back (the first event of the
    # last run of events in that status: the district's edits follow in the same
    # status); its time is the database's, the one clock every event below has.
    events = _events("ReportEvent").filter(pgh_obj_id=report.pk)
    last_sent_back = events.filter(status=sent_back_to).order_by("-pgh_id").values("pgh_id")[:1]
    before_it = (
        events.filter(pgh_id__lt=Subquery(last_sent_back))
        .exclude(status=sent_back_to)
        .order_by("-pgh_id")
        .values("pgh_id")[:1]
    )
    then = (
        events.filter(status=sent_back_to, pgh_id__gt=Coalesce(Subquery(before_it), 0))
        .order_by("pgh_id")
        .first()
    )
    if then is None:
        return None
    cutoff = then.pgh_created_at

    def rows(model_name: str) -> dict[int, Any]:
        return _as_of(_events(model_name).filter(report_id=report.pk), cutoff)

    files = _added_and_removed(
        rows("EvidenceFileEvent"),
        {f.pk: f for f in report.evidence_files.all()},
        lambda row: row.original_name,
        ("original_name", "file"),
    )
    letters = _added_and_removed(
        rows("LetterReferenceEvent"),
        {letter.pk: letter for letter in report.letters.all()},
        _letter_label,
        ("number", "dated", "title"),
    )
    values = []
    if then.result != report.result:
        values.append(ValueChange(_("ผลงาน"), _amount(then.result), _amount(report.result)))
    narrative = text_diff(then.narrative, report.narrative)
    return ReportChanges(
        reference=reference,
        values=values,
        ratio_updates=_ratio_changes(report, rows("RatioUpdateEvent")),
        steps=_step_changes(report, rows("StepProgressEvent")),
        files=files,
        letters=letters,
        narrative=narrative if then.narrative != report.narrative else None,
    )
