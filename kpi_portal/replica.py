"""Reads that may come from a read replica of PostgreSQL (docs/scaling.md).

With ``DATABASE_REPLICA_URL`` set, the settings add a second alias, ``replica``,
and ``settings.DATABASE_REPLICA`` names it. Only code marked ``replica_reads``
(the dashboards, the exports, the API) reads from it, and then only:

- the published and reference data (``REPLICA_MODELS``), never sessions, users,
  memberships or tokens: who may see what, and whether a token is revoked, is
  always read from the primary;
- outside a transaction on the primary: a read inside a write transaction must
  see that transaction's own writes, which a replica cannot.

Every write goes to the primary. Without a replica everything is the primary,
and this module changes nothing.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import FileResponse, StreamingHttpResponse

#: App labels whose models a replica read may serve, and the models excepted.
REPLICA_APPS = frozenset({"districts", "indicators", "reports", "public"})
PRIMARY_ONLY_MODELS = frozenset({"districts.membership"})

_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_allowed", default=False
)


def replica_model(model: type[Model]) -> bool:
    """Whether a model's rows may be read from the replica at all."""
    meta = model._meta
    return meta.app_label in REPLICA_APPS and meta.label_lower not in PRIMARY_ONLY_MODELS


def read_alias(model: type[Model]) -> str:
    """The database this read goes to now."""
    replica: str | None = getattr(settings, "DATABASE_REPLICA", None)
    if (
        replica
        and _replica_allowed.get()
        and replica_model(model)
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    ):
        return replica
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads as ``read_alias`` says, writes to the primary.

    Both answers are explicit: left to Django, a row read from the replica would be
    saved back to the replica, and its relations read from there too.
    """

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return read_alias(model)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, two ways in

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def _in_replica_context(content: Any) -> Iterator[Any]:
    """A streamed body's chunks, each produced with replica reads allowed (the
    rows of a streamed export are read after the view has returned)."""
    context = contextvars.copy_context()
    context.run(_replica_allowed.set, True)
    iterator = iter(content)
    while True:
        try:
            chunk = context.run(next, iterator)
        except StopIteration:
            return
        yield chunk


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Inside: published and reference data may be read from the replica."""
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def replica_reads[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """Let a view (or a task) read published and reference data from the replica."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            result = view(*args, **kwargs)
        # A streamed body (an export) reads its rows after the view has returned.
        if (
            isinstance(result, StreamingHttpResponse)
            and not isinstance(result, FileResponse)
            and not result.is_async
        ):
            result.streaming_content = _in_replica_context(result.streaming_content)
        return result

    return wrapper
