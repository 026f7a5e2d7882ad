from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext

#: The request attribute where signing in leaves the language the user chose last
#: time (districts.signals); the middleware turns it into the switch's cookie.
REMEMBERED_LANGUAGE = "remembered_language"


class ThaiFirstLocaleMiddleware:
    """Thai unless the user chose another language.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and
    many officers' browsers say English; the portal is Thai first, so only the
    cookie the switch sets changes it. Signing in sets that cookie to the
    language the user chose last time (kept on their membership), so the next
    page, on any computer, is in their language. Only the cookie is read, never
    the session: reading the session would make every page private
    (PrivatePagesMiddleware) and the public pages uncacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._chosen(request)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        # override() puts the thread's previous language back afterwards, so
        # one English request never leaks into the next one on the thread.
        with translation.override(language):
            response = self.get_response(request)
        remembered = self._remembered(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        if (
            remembered
            and request.COOKIES.get(cookie) != remembered
            and cookie not in response.cookies
        ):
            response.set_cookie(
                cookie,
                remembered,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        response.headers.setdefault("Content-Language", language)
        return response

    def _remembered(self, request: HttpRequest) -> str:
        chosen = getattr(request, REMEMBERED_LANGUAGE, "")
        return chosen if chosen in self.available else ""

    def _chosen(self, request: HttpRequest) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        return chosen if chosen in self.available else settings.LANGUAGE_CODE


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
