"""The API's docs page, rendered on the server from the OpenAPI schema.

ninja's own page loads Swagger UI from a CDN, which the portal's CSP forbids; this
one is a plain Thai page in the portal's look, and nothing on it runs a script.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from api.docs import EXAMPLES
from api.endpoints import api
from api.security import TOKEN_EXPIRED, TOKEN_INVALID, TOKEN_MISSING, TOKEN_REVOKED


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    kind = str(schema.get("type", "object"))
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of an answer's rows (a page's ``results``, or the answer itself)."""
    components = document["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        return components[ref.rsplit("/", 1)[-1]] if ref else node

    body = resolve(schema)
    rows = body.get("properties", {}).get("results")
    if rows is not None:
        body = resolve(rows["items"])
    required = set(body.get("required", []))
    return [
        {
            "name": name,
            "type": _type(resolve(prop)),
            "description": prop.get("description", ""),
            "nullable": name not in required or "null" in _type(prop),
        }
        for name, prop in body.get("properties", {}).items()
    ]


def _endpoints(request: HttpRequest, document: dict[str, Any]) -> list[dict[str, Any]]:
    base = request.build_absolute_uri(reverse("api_v1:api-root"))
    endpoints = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            example = EXAMPLES[operation["operationId"]]
            url = base.rstrip("/") + example.get("path", path.removeprefix("/api/v1"))
            url += example.get("query", "")
            ok = operation["responses"][200]["content"]["application/json"]
            endpoints.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {})),
                            "description": p.get("description")
                            or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "fields": _fields(document, ok["schema"]),
                    "curl": f'curl -H "Authorization: Bearer $KPI_TOKEN" "{url}"',
                    "example": json.dumps(ok["example"], ensure_ascii=False, indent=2),
                }
            )
    return endpoints


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """How to use the API: authentication, limits, errors, each endpoint, the terms."""
    document = api.get_openapi_schema()
    errors = [TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_REVOKED]
    return render(
        request,
        "api/docs.html",
        {
            "info": document["info"],
            "endpoints": _endpoints(request, document),
            "token_errors": [{"code": c, "message": m, "message_en": e} for c, m, e in errors],
            "per_minute": settings.API_RATE_PER_MINUTE,
            "per_day": settings.API_RATE_PER_DAY,
            "page_size": settings.API_PAGE_SIZE,
            "max_page_size": settings.API_MAX_PAGE_SIZE,
        },
    )
