"""Who may import: the evaluation office's administrators (and superusers) only.

Evaluators score reports; changing every district's configuration at once is an
administrator's job, so evaluators get 403 on every import page, the template
and the configuration export included.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from districts.access import is_administrator


def is_import_administrator(user: Any) -> bool:
    return is_administrator(user)


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign in first; anyone but an administrator gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_import_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
