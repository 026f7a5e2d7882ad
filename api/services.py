"""Every change to an API token: issuing it (the secret shown once), revoking it, and
noting when it was last used."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import TOKEN_PREFIX, ApiToken
from districts.models import District
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused

#: How stale ``last_used_at`` may get: one write a minute at most, not one per request.
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    """What is stored of a secret: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


@audited
@transaction.atomic
def api_token_create(*, token: ApiToken, districts: Iterable[District], actor: Any) -> str:
    """Issue ``token`` (unsaved, its agency, contact, scope flag and expiry filled in)
    for the chosen districts, and return its secret: the only time anyone sees it."""
    chosen = list(districts)
    if not token.all_districts and not chosen:
        raise ActionRefused(_("เลือกสำนักงานเขตที่โทเคนนี้อ่านได้อย่างน้อยหนึ่งเขต หรือเลือก “อ่านได้ทุกเขต”"))
    raw = secrets.token_urlsafe(32)
    secret = f"{TOKEN_PREFIX}{raw}"
    token.prefix = raw[:8]
    token.secret_hash = token_hash(secret)
    token.created_by = actor
    token.save()
    token.districts.set([] if token.all_districts else chosen)
    return secret


@audited
@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any) -> bool:
    """Revoke the token from now on; False if it was revoked already."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return bool(updated)


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that the token was used now, unless that was noted less than a minute ago."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
