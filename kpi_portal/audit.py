"""Who did it: the acting user on every history row a service's writes cause."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import pghistory


def audited[T](service: Callable[..., T]) -> Callable[..., T]:
    """Record the service's ``actor`` keyword on the history rows its writes cause.

    Pages get this from pghistory's middleware; commands, the worker and the
    admin's actions call services directly, so the services say it themselves.
    """

    @wraps(service)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        actor = kwargs.get("actor")
        user = getattr(actor, "pk", None)
        with pghistory.context(user=user, service=service.__name__):
            return service(*args, **kwargs)

    return wrapper
