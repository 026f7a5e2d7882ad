"""The history of configuration rows, as the office reads it: old → new, who, when, how.

Read from django-pghistory's events, which PostgreSQL triggers write for every
tracked row, so a change made through the admin, a service, an import or plain
SQL is there alike. Generic over the tracked models: field labels are the
models' own ``verbose_name``, choices are shown by their labels, foreign keys by
the row they point at, dates in the Buddhist era.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pghistory.models
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpi_portal.thaidate import format_date
from kpi_portal.thaidigits import format_amount

#: Bookkeeping columns that say nothing to a reader of the history.
HIDDEN_FIELDS = {"id", "pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context"}

#: The audited services whose name the history shows instead of the function's.
SERVICE_LABELS = {
    "import_run_apply": gettext_lazy("นำเข้าไฟล์ Excel"),
    "fiscal_year_rollover": gettext_lazy("สร้างปีงบประมาณใหม่จากปีเดิม"),
    "deadline_extend": gettext_lazy("ขยายกำหนดส่ง"),
    "deadline_grace": gettext_lazy("ขยายกำหนดส่งเมื่อส่งกลับแก้ไข"),
    "period_publish": gettext_lazy("ประกาศผลการประเมิน"),
    "period_withdraw": gettext_lazy("ถอนการประกาศผล"),
    "report_transition": gettext_lazy("การดำเนินการกับรายงาน"),
}


@dataclass(frozen=True)
class ConfigChange:
    at: dt.datetime
    action: str  # เพิ่ม / แก้ไข / ลบ
    what: str  # the model's name and the row, e.g. "เป้าหมายรายไตรมาส: ไตรมาส 2"
    who: str  # the user's name, or "" when no user is known
    via: str  # the admin, a service, a page, or SQL
    changes: tuple[tuple[str, str, str], ...]  # (field, old, new)


def _action(label: str) -> str:
    return {
        "insert": _("เพิ่ม"),
        "update": _("แก้ไข"),
        "delete": _("ลบ"),
        # kpi_portal.snapshots: the values a row had when its history began.
        "snapshot": _("ค่าเมื่อเริ่มบันทึกประวัติ"),
    }.get(label, label)


def _via(context: dict[str, Any]) -> str:
    """How the change was made, from the pghistory context the write ran in."""
    service = context.get("service")
    if service:
        return str(SERVICE_LABELS.get(service, service))
    url = str(context.get("url") or "")
    if url.startswith("/admin/"):
        return _("หน้าผู้ดูแลระบบ")
    if url:
        return _("หน้า %(url)s") % {"url": url}
    return _("แก้ไขในฐานข้อมูลโดยตรง (ไม่ผ่านระบบ)")


class _Values:
    """Shows stored values as a reader expects them, looking foreign keys up in batches."""

    def __init__(self, events: list[Any]) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        for event in events:
            tracked = _tracked_model(event)
            if tracked is None:
                continue
            for name, value in _raw_values(event):
                field = _field(tracked, name)
                if isinstance(field, models.ForeignKey) and value is not None:
                    self.wanted[field.related_model].add(value)  # type: ignore[index]
        self.labels: dict[tuple[type[models.Model], Any], str] = {}
        for model, keys in self.wanted.items():
            for row in model._default_manager.filter(pk__in=keys):
                self.labels[(model, row.pk)] = str(row)

    def show(self, field: models.Field | None, value: Any) -> str:  # type: ignore[type-arg]
        if value is None or value == "":
            return "–"
        if field is None:
            return _clip(str(value))
        if isinstance(field, models.ForeignKey):
            model = field.related_model
            return self.labels.get((model, value), f"#{value}")  # type: ignore[arg-type]
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return _("ใช่") if value else _("ไม่ใช่")
        if isinstance(field, models.DateTimeField):
            return _clip(str(value))
        if isinstance(field, models.DateField):
            try:
                return format_date(dt.date.fromisoformat(str(value)))
            except ValueError:
                return str(value)
        if isinstance(field, models.DecimalField | models.FloatField):
            try:
                return format_amount(Decimal(str(value)), places=field_places(field))
            except InvalidOperation:
                return str(value)
        return _clip(str(value))


def field_places(field: models.Field) -> int:  # type: ignore[type-arg]
    return min(getattr(field, "decimal_places", 2) or 0, 4)


def _clip(text: str) -> str:
    return text if len(text) <= 300 else text[:300] + "…"


def _tracked_model(event: Any) -> type[models.Model] | None:
    from django.apps import apps

    try:
        event_model = apps.get_model(event.pgh_model)
    except LookupError:
        return None
    return getattr(event_model, "pgh_tracked_model", None)


def _field(model: type[models.Model], name: str) -> models.Field | None:  # type: ignore[type-arg]
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    return None


def _raw_values(event: Any) -> Iterable[tuple[str, Any]]:
    for name, value in (event.pgh_data or {}).items():
        yield name, value
    for name, (old, _new) in (event.pgh_diff or {}).items():
        yield name, old


def _label(model: type[models.Model], name: str) -> str | None:
    field = _field(model, name)
    if field is None or name in HIDDEN_FIELDS or field.primary_key:
        return None
    return str(field.verbose_name)


def _titles(events: list[Any]) -> dict[tuple[str, Any], str]:
    """Each row's name as it is now (``str`` of the live row), fetched one query per
    model; rows deleted since are named from their last event."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for event in events:
        model = _tracked_model(event)
        if model is not None:
            wanted[model].add(event.pgh_obj_id)
    titles: dict[tuple[str, Any], str] = {}
    for model, keys in wanted.items():
        related = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        rows = model._default_manager.filter(pk__in=keys)
        for row in rows.select_related(*related) if related else rows:
            titles[(model._meta.label, str(row.pk))] = _safe_str(row)
    return titles


def _safe_str(row: models.Model) -> str:
    try:
        return str(row)
    except (AttributeError, ValueError, TypeError, models.ObjectDoesNotExist):
        return ""


def _what(model: type[models.Model] | None, event: Any, titles: dict[tuple[str, Any], str]) -> str:
    if model is None:
        return str(event.pgh_model)
    name = str(model._meta.verbose_name)
    title = titles.get((model._meta.label, str(event.pgh_obj_id)))
    if title is None:  # deleted since: its name from the values it last had
        title = _safe_str(model(**_row_values(model, event)))
    return f"{name}: {title}" if title else name


def _row_values(model: type[models.Model], event: Any) -> dict[str, Any]:
    """The event's data as the model's attributes, to name a deleted row."""
    data = {}
    for name, value in (event.pgh_data or {}).items():
        field = _field(model, name)
        if field is None:
            continue
        try:
            data[field.attname] = field.to_python(value)
        except (ValidationError, ValueError, TypeError):
            continue  # a value the field no longer accepts: named without it
    return data


def config_history(
    *sources: models.Model | models.QuerySet[Any],
    limit: int = 500,
) -> list[ConfigChange]:
    """Every change to the given rows and the rows that point at them, newest first.

    ``sources`` are objects or querysets; each contributes the events of the rows
    it names (``Events.tracks``) and of rows whose foreign keys point at them
    (``Events.references``): an assignment brings its quarter targets, an
    indicator its steps, a fiscal year its quarters.
    """
    events: list[Any] = []
    seen: set[tuple[str, int]] = set()
    for source in sources:
        for query in (
            pghistory.models.Events.objects.tracks(source),
            pghistory.models.Events.objects.references(source),
        ):
            for event in query.order_by("-pgh_created_at")[:limit]:
                key = (event.pgh_model, event.pgh_id)
                if key not in seen:
                    seen.add(key)
                    events.append(event)
    return changes_of(events)[:limit]


def changes_of(events: list[Any]) -> list[ConfigChange]:
    """Events as the reader's list of changes, newest first; updates that changed
    nothing a reader sees are left out."""
    user_ids = {int(uid) for e in events if (uid := (e.pgh_context or {}).get("user"))}
    users = {
        user.pk: (user.get_full_name() or user.username)
        for user in get_user_model()._default_manager.filter(pk__in=user_ids)
    }
    values = _Values(events)
    titles = _titles(events)
    changes = []
    for event in events:
        model = _tracked_model(event)
        context = event.pgh_context or {}
        lines: list[tuple[str, str, str]] = []
        if model is not None and event.pgh_label == "update":
            for name, (old, new) in (event.pgh_diff or {}).items():
                label = _label(model, name)
                if label is not None:
                    field = _field(model, name)
                    lines.append((label, values.show(field, old), values.show(field, new)))
            if not lines and event.pgh_diff is not None:
                continue
        elif model is not None:
            for name, value in (event.pgh_data or {}).items():
                label = _label(model, name)
                if label is not None and value not in (None, ""):
                    shown = values.show(_field(model, name), value)
                    if event.pgh_label == "delete":
                        lines.append((label, shown, "–"))
                    else:
                        lines.append((label, "", shown))
        user_id = int(context.get("user") or 0)
        changes.append(
            ConfigChange(
                at=event.pgh_created_at,
                action=_action(event.pgh_label),
                what=_what(model, event, titles),
                who=users.get(user_id, ""),
                via=_via(context),
                changes=tuple(lines),
            )
        )
    return sorted(changes, key=lambda change: change.at, reverse=True)
