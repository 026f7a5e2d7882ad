"""A first history event for rows that existed before their model was tracked.

pghistory diffs each update against the row's previous event. A row written
before its trigger existed (the 50 districts of a data migration; a production
database's configuration from before the audit) has none, so its first change
would show only the new values. Migrations call ``snapshot`` to record each
such row's values as they stand, labelled ``snapshot``, once: rows that have an
event already are left alone, so running it again adds nothing.
"""

from __future__ import annotations

from typing import Any

SNAPSHOT_LABEL = "snapshot"

_INSERT_MISSING = (
    "INSERT INTO {events} (pgh_created_at, pgh_label, pgh_obj_id, {names}) "
    "SELECT NOW(), %s, t.{pk}, {values} FROM {table} t "
    "WHERE NOT EXISTS (SELECT 1 FROM {events} e WHERE e.pgh_obj_id = t.{pk})"
)


def snapshot(apps: Any, schema_editor: Any, models: list[tuple[str, str]]) -> None:
    """Record the current values of every untracked row of each (app label, model name)."""
    connection = schema_editor.connection
    quote = schema_editor.quote_name
    for app_label, model_name in models:
        model = apps.get_model(app_label, model_name)
        event = apps.get_model(app_label, f"{model_name}Event")
        columns = [
            field.column
            for field in event._meta.concrete_fields
            if not field.name.startswith("pgh_")
        ]
        names = ", ".join(quote(c) for c in columns)
        values = ", ".join(f"t.{quote(c)}" for c in columns)
        event_table = quote(event._meta.db_table)
        # Table and column names come from the models, quoted; the label is a parameter.
        sql = _INSERT_MISSING.format(
            events=event_table,
            names=names,
            values=values,
            pk=quote(model._meta.pk.column),
            table=quote(model._meta.db_table),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [SNAPSHOT_LABEL])
