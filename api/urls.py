from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path

from api import views
from api.endpoints import api
from kpi_portal.replica import replica_reads


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method it does not route with a plain-text 405; the API's
    clients get the same JSON error shape as for everything else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        refused = JsonResponse(
            {
                "error": {
                    "code": "method_not_allowed",
                    "message": "API นี้อ่านได้อย่างเดียว ใช้ได้เฉพาะ GET",
                    "message_en": "This API is read-only: use GET.",
                }
            },
            status=405,
            json_dumps_params={"ensure_ascii": False},
        )
        refused["Allow"] = response.get("Allow", "GET")
        return refused

    return wrapper


def _wrapped(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    # Every endpoint reads published data: from the read replica when there is one
    # (the token and its scope are still checked on the primary: api is not a
    # replica app, kpi_portal/replica.py).
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_405(replica_reads(pattern.callback))
    return patterns


# Not unpacked into module names: include() would take a module-level app_name as ours.
_ninja = api.urls
urlpatterns = [
    path("", views.docs, name="api_docs"),
    path("v1/", (_wrapped(list(_ninja[0])), _ninja[1], _ninja[2])),
]
