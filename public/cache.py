"""Public pages served from a cache: one rendering for every visitor.

A page's key is its path, the query parameters the page reads, its language and
the public version (``public.models.PublicVersion``: one primary-key read, bumped
by database triggers whenever anything public changes, plus today's date, since a
quarter published "from tomorrow" becomes public at midnight with no write at
all). A change therefore replaces every public page at once; old versions are
never read again and fall out of the cache (LocMem culls when full, Redis by
timeout).

Pages are rendered as an anonymous visitor whoever asks, without the session or a
CSRF token, so a response holds nothing personal and carries no cookie; the
language comes from the URL (``?lang=en``), not from a cookie, so that a URL means
one response and a CDN may keep it (``Cache-Control: public``).

No stampede: when a key is missing, one request takes a short lock and renders;
the others wait for its result (up to ``LOCK_SECONDS``) rather than rendering the
same page again. They never serve an older version instead: after a withdrawal
that would show withdrawn scores.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from public.models import PublicVersion

LANGUAGES = ("th", "en")
LOCK_SECONDS = 10
_POLL_SECONDS = 0.02


def public_version() -> str:
    """The version of everything public, in one cheap query."""
    row = PublicVersion._default_manager.filter(pk=1).values_list("counter", "changed_at").first()
    counter, changed = row if row else (0, None)
    stamp = changed.timestamp() if changed else 0
    return f"{counter}.{stamp:.6f}.{timezone.localdate().isoformat()}"


_MISSING = object()


def public_memo[T](name: str, parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """A value computed from public data only (a dashboard's ten-year trend, say), kept
    in the public cache until anything public changes: the key holds the public
    version, so a publication, a withdrawal or a reopened report is seen at once.
    The language is in the key too, because values may hold translated words."""
    raw = f"{public_version()}|{translation.get_language()}|{name}|{parts!r}"
    key = "public-memo:" + hashlib.sha256(raw.encode()).hexdigest()
    store = caches["public"]
    value = store.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(key, value)
    return value  # type: ignore[return-value]


def page_language(request: HttpRequest) -> str:
    chosen = request.GET.get("lang", "")
    return chosen if chosen in LANGUAGES else settings.LANGUAGE_CODE


def cache_key(request: HttpRequest, language: str, version: str, params: tuple[str, ...]) -> str:
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in sorted(params))
    raw = f"{version}|{language}|{request.path}|{query}"
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Stored:
    status: int
    content: bytes
    content_type: str


def _stored(response: HttpResponse) -> Stored:
    return Stored(response.status_code, response.content, response["Content-Type"])


def _response(entry: Stored) -> HttpResponse:
    return HttpResponse(entry.content, status=entry.status, content_type=entry.content_type)


def cached_render(key: str, render_page: Callable[[], HttpResponse]) -> HttpResponse:
    """The stored response under ``key``, or render it once (others wait) and store it."""
    store = caches["public"]
    entry: Stored | None = store.get(key)
    if entry is not None:
        return _response(entry)
    lock = f"{key}:lock"
    if not store.add(lock, 1, timeout=LOCK_SECONDS):
        deadline = time.monotonic() + LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(_POLL_SECONDS)
            entry = store.get(key)
            if entry is not None:
                return _response(entry)
            if store.get(lock) is None:
                break  # the renderer failed or stored nothing (a 404): render ourselves
    try:
        response = render_page()
        if response.status_code == 200:
            store.set(key, _stored(response))
        return response
    finally:
        store.delete(lock)


def public_headers(response: HttpResponseBase, language: str) -> HttpResponseBase:
    """What every public response says: the same for everyone, keep it a while."""
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MAX_AGE}"
    response["Content-Language"] = language
    response.cookies.clear()
    return response


def as_public_visitor(request: HttpRequest, language: str) -> None:
    """Whoever asks, the page is rendered for an anonymous visitor in ``language``."""
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]


def public_page(*, params: tuple[str, ...] = ()) -> Callable[..., Any]:
    """A public page, cached: ``params`` are the query parameters the page reads."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
        @require_safe
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            language = page_language(request)
            as_public_visitor(request, language)
            with translation.override(language):
                key = cache_key(request, language, public_version(), params)
                response = cached_render(
                    key, lambda: not_found_as_page(request, view, args, kwargs)
                )
            return public_headers(response, language)

        return wrapper

    return decorator


def not_found_as_page(
    request: HttpRequest, view: Callable[..., HttpResponse], args: Any, kwargs: Any
) -> HttpResponse:
    """The view's response, or the public 404 page (the portal's would offer a session)."""
    try:
        return view(request, *args, **kwargs)
    except Http404:
        return render(request, "public/404.html", status=404)
