"""Signing in: who the client is behind the proxy, and how guessing is slowed down.

django-axes locks a (username, client address) pair after AXES_FAILURE_LIMIT
failures, so someone guessing from their own machine locks only themselves out,
never the owner at their desk. Guessing one username from many addresses is met
by a per-username slowdown: once the username has LOGIN_SLOWDOWN_AFTER failures
in the cool-off window, an address it has never signed in from must wait before
each further try (doubling, up to LOGIN_SLOWDOWN_MAX_SECONDS), and its password
is not even checked meanwhile. The owner's own addresses (where the username
signed in before) are never slowed down.

The client's address is the connection's, unless the connection comes from a
trusted proxy (TRUSTED_PROXIES): then it is the nearest address in
X-Forwarded-For that is not itself a trusted proxy. A Unix-socket connection
has no address; it counts as the proxy when TRUSTED_PROXIES lists "unix".
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from axes.models import AccessAttempt, AccessLog
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

#: Stored for a client whose address cannot be known (a Unix socket with no
#: forwarded address): such clients share one lock rather than escaping it.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104  # nosec B104 (a stored placeholder, nothing binds to it)
UNIX_SOCKET = "unix"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[bool, tuple[Network, ...]]:
    unix = UNIX_SOCKET in entries
    networks = tuple(
        ipaddress.ip_network(entry, strict=False) for entry in entries if entry != UNIX_SOCKET
    )
    return unix, networks


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _is_trusted(address: str) -> bool:
    unix, networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if address == "":
        return unix
    parsed = _parse(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of whoever is at the other end, as far as trusted proxies say."""
    peer = (request.META.get("REMOTE_ADDR") or "").strip()
    address = peer
    if _is_trusted(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # The right-most hop was written by the proxy we trust; anything further
        # left was written by whoever that proxy trusted, or by the client.
        for hop in reversed(hops):
            if _parse(hop) is None:
                break
            address = hop
            if not _is_trusted(hop):
                break
    parsed = _parse(address)
    return str(parsed) if parsed is not None else UNKNOWN_ADDRESS


def login_wait_seconds(*, username: str, address: str, now: dt.datetime | None = None) -> int:
    """Seconds this address must wait before its next try at this username (0: go ahead)."""
    after = settings.LOGIN_SLOWDOWN_AFTER
    if not username or after <= 0:
        return 0
    now = now or timezone.now()
    window = dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    failed = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - window)
    totals = failed.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = totals["failures"] or 0
    if failures < after or totals["last"] is None:
        return 0
    if AccessLog.objects.filter(username=username, ip_address=address).exists():
        return 0  # the owner's own machine: only its own pair's lock applies
    delay = min(
        settings.LOGIN_SLOWDOWN_MAX_SECONDS,
        settings.LOGIN_SLOWDOWN_SECONDS * 2 ** min(failures - after, 30),
    )
    return max(0, math.ceil(delay - (now - totals["last"]).total_seconds()))


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refusing without checking the password while slowed down."""

    wait_seconds = 0

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if self.request is not None:
            self.wait_seconds = login_wait_seconds(
                username=username, address=client_address(self.request)
            )
        if self.wait_seconds:
            raise forms.ValidationError(
                _("มีการลองเข้าสู่ระบบด้วยชื่อผู้ใช้นี้ไม่สำเร็จหลายครั้ง กรุณารอ %(seconds)s วินาทีแล้วลองใหม่")
                % {"seconds": self.wait_seconds},
                code="slowed_down",
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    """The sign-in page; someone already signed in is sent on, never back to it."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        url = super().get_redirect_url(request)
        # ?next=/login/ while signed in would send them to this page forever.
        if url and urlsplit(url).path == resolve_url(settings.LOGIN_URL):
            return ""
        return url

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        wait = getattr(form, "wait_seconds", 0)
        if wait:
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response
