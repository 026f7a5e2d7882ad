from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext


class ThaiFirstLocaleMiddleware:
    """Thai unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and
    many officers' browsers say English; the portal is Thai first, so only the
    language cookie set by the switch changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        # override() puts the thread's previous language back afterwards, so
        # one English request never leaks into the next one on the thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class HtmxLoginRequiredMiddleware:
    """Answer 401 instead of redirecting an htmx request to the login page.

    htmx would follow the redirect and swap the login form into the middle of
    the report, replacing what the officer typed; a 401 leaves the page as it
    is and lets portal.js tell them to sign in again in another tab.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))
        ):
            return HttpResponse(
                gettext("เซสชันหมดอายุ กรุณาเข้าสู่ระบบอีกครั้ง"), status=401, content_type="text/plain"
            )
        return response


class HealthCheckMiddleware:
    """Answer /healthz/ before host validation and the HTTPS redirect.

    docker-compose and load balancers probe the container over plain HTTP on
    127.0.0.1, which is neither an allowed host nor HTTPS in production.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz/" and request.method == "GET":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return HttpResponse("ok", content_type="text/plain")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Signed-in pages are never kept by a browser or anything between.

    Office PCs are shared: after one person signs out, the next must not find
    their pages in the browser's cache or history (Back). A page depends on who
    is signed in exactly when it read the session; pages that did not (public
    pages, static files) keep their own caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and SESSION_KEY in session
            and response.get("Content-Type", "").startswith("text/html")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
