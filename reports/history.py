"""A report's audit history as its readers see it: every change, old → new, who, when.

Read from django-pghistory's events, which PostgreSQL triggers write for every
tracked row, so no write path escapes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pghistory.models
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.models import Assignment
from kpi_portal.thaidate import format_date
from kpi_portal.thaidigits import format_amount
from reports.models import Report, Status, status_label


@dataclass
class HistoryEntry:
    at: dt.datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]
    reason: str = ""


#: The fields a new row shows; a change shows every field but the hidden ones.
_SHOWN = {
    "status",
    "result",
    "narrative",
    "score",
    "self_score",
    "full_score",
    "evaluator_comment",
    "score_reason",
    "as_of",
    "numerator",
    "denominator",
    "note",
    "done_on",
    "number",
    "dated",
    "title",
    "original_name",
}
_ACTIONS = {
    "insert": gettext_lazy("เพิ่ม%(thing)s"),
    "update": gettext_lazy("แก้ไข%(thing)s"),
    "delete": gettext_lazy("ลบ%(thing)s"),
}


def _tracked(event: Any) -> type[Model] | None:
    """The model an event is the history of ("reports.RatioUpdateEvent" -> RatioUpdate)."""
    label = str(event.pgh_model).removesuffix("Event")
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(model: type[Model] | None, name: str) -> str:
    """A field's name as its form and admin call it: the model's verbose name."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name)) if field else name


def _what(event: Any, model: type[Model] | None) -> str:
    thing = str(model._meta.verbose_name) if model else str(event.pgh_model)
    action = _ACTIONS.get(event.pgh_label)
    return str(action) % {"thing": thing} if action else f"{event.pgh_label} {thing}"


_HIDDEN = {
    "id",
    "report",
    "report_id",
    "updated_by",
    "updated_by_id",
    "created_by",
    "created_by_id",
    "uploaded_by",
    "uploaded_by_id",
    "file",
    "percent",
    "step_id",
    "assignment_id",
    "suggested_score",
    "evaluated_by_id",
    "submitted_by_id",
    "submitted_at",
    "evaluated_at",
    "uploaded_at",
    "content_type",
    "size",
    "quarter",
}


_AMOUNTS = {"result", "score", "self_score", "full_score", "numerator", "denominator"}
_DATES = {"as_of", "done_on", "dated", "deadline"}


def _show(value: Any, name: str = "") -> str:
    """A history value as a Thai reader expects it: labels, amounts, BE dates."""
    if value is None or value == "":
        return "–"
    if name == "status" and value in Status.values:
        return status_label(value)
    if name in _AMOUNTS:
        return format_amount(Decimal(str(value)))
    if name in _DATES:
        return format_date(dt.date.fromisoformat(str(value)))
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def _extension_events(report: Report) -> list[Any]:
    """The history of the office's extensions of the report's quarter for its district,
    oldest first: they belong to the district's quarter, not to the report's rows."""
    assignment = Assignment.objects.filter(pk=report.assignment_id)
    return list(
        apps.get_model("indicators", "DeadlineExtensionEvent")
        ._default_manager.filter(
            district_id=Subquery(assignment.values("district_id")[:1]),
            period__fiscal_year_id=Subquery(assignment.values("indicator__fiscal_year_id")[:1]),
            period__quarter=report.quarter,
        )
        .select_related("pgh_context", "period")
        .order_by("pgh_id")
    )


def _extension_entries(events: list[Any], users: dict[int, str]) -> list[HistoryEntry]:
    """ "ขยายกำหนดส่งถึง …" with its reason; marked automatic when the office's return or
    reopening granted it (``reports.services._grant_grace``, inside ``report_transition``)."""
    entries = []
    deadlines: dict[int, Any] = {}
    for event in events:
        context = event.pgh_context.metadata if event.pgh_context else {}
        who = users.get(event.granted_by_id or int(context.get("user") or 0), _("ระบบ"))
        if event.pgh_label == "delete":
            what, changes = _("ยกเลิกการขยายกำหนดส่ง"), []
        else:
            day = format_date(event.deadline)
            if context.get("service") == "report_transition":
                what = _("ขยายกำหนดส่งอัตโนมัติถึง %(date)s") % {"date": day}
            else:
                what = _("ขยายกำหนดส่งถึง %(date)s") % {"date": day}
            # The first extension moves the quarter's own deadline; a later one, the last.
            earlier = deadlines.get(event.pgh_obj_id) or event.period.deadline
            changes = [(_("กำหนดส่ง"), format_date(earlier), day)]
            changes.append((_("เหตุผล"), "", event.reason))
            deadlines[event.pgh_obj_id] = event.deadline
        entries.append(HistoryEntry(at=event.pgh_created_at, who=who, what=what, changes=changes))
    return entries


def report_history(report: Report) -> list[HistoryEntry]:
    """Every change to the report and its figures, steps and evidence, and every
    extension of its quarter's deadline for its district, newest first."""
    # Events aggregates every tracked model's history; pgh_context is the
    # request context (the user id) as JSON.
    events = list(pghistory.models.Events.objects.references(report).order_by("-pgh_created_at"))
    extensions = _extension_events(report)
    user_ids = {int(uid) for e in events if (uid := (e.pgh_context or {}).get("user"))}
    user_ids |= {e.granted_by_id for e in extensions if e.granted_by_id}
    users = {
        u.pk: (u.get_full_name() or u.username)
        for u in get_user_model().objects.filter(pk__in=user_ids)
    }
    entries = []
    for event in events:
        user_id = int((event.pgh_context or {}).get("user") or 0)
        data = event.pgh_data or {}
        model = _tracked(event)
        if event.pgh_label == "update":
            changes = [
                (_field_label(model, name), _show(old, name), _show(new, name))
                for name, (old, new) in (event.pgh_diff or {}).items()
                if name not in _HIDDEN
            ]
            if not changes:
                continue
        else:
            changes = [
                (_field_label(model, name), "", _show(value, name))
                for name, value in data.items()
                if name in _SHOWN and value not in (None, "")
            ]
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                who=users.get(user_id, _("ระบบ")),
                what=_what(event, model),
                changes=changes,
            )
        )
    entries += _extension_entries(extensions, users)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
