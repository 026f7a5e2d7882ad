"""The portal's URLs plus /bench/ok/: a view that returns HttpResponse("ok") and nothing else.

The request still passes the whole middleware stack (sessions, CSRF, CSP, locale,
htmx, pghistory, axes), so it is the floor every page of the portal stands on.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kpi_portal.urls import urlpatterns as portal_urlpatterns


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/ok/", ok, name="bench_ok"), *portal_urlpatterns]
