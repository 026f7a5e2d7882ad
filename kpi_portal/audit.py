"""Who did it: the acting user on every history row a service's writes cause."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import pghistory
import pghistory.runtime
from django.db import connection


def audited[T](service: Callable[..., T]) -> Callable[..., T]:
    """Record the service's ``actor`` keyword on the history rows its writes cause.

    Pages get this from pghistory's middleware; commands, the worker and the
    admin's actions call services directly, so the services say it themselves.
    """

    @wraps(service)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        actor = kwargs.get("actor")
        user = getattr(actor, "pk", None)
        outermost = not hasattr(pghistory.runtime._tracker, "value")
        try:
            with pghistory.context(user=user, service=service.__name__):
                return service(*args, **kwargs)
        finally:
            if outermost:
                _forget_context()

    return wrapper


def _forget_context() -> None:
    """End the service's context for the rest of the transaction too.

    pghistory hands the context to the triggers with ``set_config(..., true)``,
    which lasts until the transaction ends: without this, a write made after the
    service but in the same transaction (a command, the demo loader, a test)
    would be recorded as the service's, by its actor. An empty setting is no
    context to the triggers.
    """
    if not connection.in_atomic_block or connection.needs_rollback:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pghistory.context_id', '', true), "
            "set_config('pghistory.context_metadata', '', true)"
        )
