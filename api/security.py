"""Who is asking and how often: the bearer token, its scope, and its rate limits.

Every failure is an ``ApiError``: a status, a stable machine-readable code and the
message in Thai and in English (an agency's developer may read either; the code is
the contract). The rate limits are fixed windows counted in Django's cache per
token — a minute's and a day's — so a refused request says exactly when to retry.
ninja's own ``AuthRateThrottle`` was not used: it keeps every request's timestamp in
one cache entry (ten thousand of them for a daily cap), keeps its state on an
instance shared by all threads, and sends no RateLimit headers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from api.models import ApiToken
from api.services import api_token_touch, token_hash


class ApiError(Exception):
    """A refused request: its HTTP status, code and message in Thai and English."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        message_en: str,
        *,
        retry_after: int | None = None,
        details: list[dict[str, object]] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en
        self.retry_after = retry_after
        self.details = details

    def body(self) -> dict[str, object]:
        error: dict[str, object] = {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
        }
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


def _unauthorized(code: str, message: str, message_en: str) -> ApiError:
    return ApiError(401, code, message, message_en)


TOKEN_MISSING = (
    "token_missing",
    "ต้องส่งโทเคนในส่วนหัว Authorization: Bearer <โทเคน>",
    "Send your token in the header Authorization: Bearer <token>.",
)
TOKEN_INVALID = (
    "token_invalid",
    "โทเคนไม่ถูกต้อง ตรวจสอบว่าคัดลอกมาครบทั้งหมด",
    "The token is not valid. Check that you copied all of it.",
)
TOKEN_EXPIRED = (
    "token_expired",
    "โทเคนหมดอายุแล้ว ติดต่อ สยป. เพื่อขอโทเคนใหม่",
    "The token has expired. Ask the evaluation office for a new one.",
)
TOKEN_REVOKED = (
    "token_revoked",
    "โทเคนถูกเพิกถอนแล้ว ติดต่อ สยป. เพื่อขอโทเคนใหม่",
    "The token has been revoked. Ask the evaluation office for a new one.",
)


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated agency: its token and the districts it may read (None: all)."""

    token: ApiToken
    district_ids: frozenset[int] | None

    def __str__(self) -> str:
        return f"token {self.token.pk}"


@dataclass(frozen=True, slots=True)
class RateState:
    """The tighter of the two windows after this request, for the RateLimit headers."""

    limit: int
    remaining: int
    reset: int  # seconds until that window starts again
    policy: str


def _rate_cache():  # type: ignore[no-untyped-def]
    return caches[settings.API_RATE_CACHE]


def _count(key: str, window: int) -> int:
    cache = _rate_cache()
    # add() is a no-op when the key exists; incr() is atomic on the backends that can be.
    cache.add(key, 0, timeout=window + 5)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window + 5)
        return 1


def rate_check(token: ApiToken, now: dt.datetime | None = None) -> RateState:
    """Count one request of ``token`` in its minute and its day; refuse it (429) when
    either is used up. A request refused by the minute's limit does not count
    towards the day's."""
    now = now or timezone.now()
    per_minute = settings.API_RATE_PER_MINUTE
    per_day = settings.API_RATE_PER_DAY
    policy = f"{per_minute};w=60, {per_day};w=86400"
    epoch = int(now.timestamp())
    minute_reset = 60 - epoch % 60
    local = timezone.localtime(now)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    day_reset = max(1, int((midnight - local).total_seconds()))

    used_minute = _count(f"api-rate:{token.pk}:m:{epoch // 60}", 60)
    if used_minute > per_minute:
        raise _too_many(RateState(per_minute, 0, minute_reset, policy))
    used_day = _count(f"api-rate:{token.pk}:d:{local.date().isoformat()}", day_reset)
    if used_day > per_day:
        raise _too_many(RateState(per_day, 0, day_reset, policy))
    minute = RateState(per_minute, per_minute - used_minute, minute_reset, policy)
    day = RateState(per_day, per_day - used_day, day_reset, policy)
    return minute if minute.remaining <= day.remaining else day


class RateLimited(ApiError):
    def __init__(self, state: RateState) -> None:
        super().__init__(
            429,
            "rate_limited",
            f"ส่งคำขอเกินจำนวนที่กำหนด กรุณารอ {state.reset} วินาทีแล้วลองใหม่",
            f"Too many requests. Wait {state.reset} seconds and try again.",
            retry_after=state.reset,
        )
        self.state = state


def _too_many(state: RateState) -> RateLimited:
    return RateLimited(state)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer kpi_…``: a token that exists, is not revoked and has not
    expired, within its rate limits. Three queries at most: the token, its
    districts (unless it reads them all), and at most once a minute its last use."""

    def __call__(self, request: HttpRequest) -> Caller:
        scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret:
            raise _unauthorized(*TOKEN_MISSING)
        return self.authenticate(request, secret)

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        found = ApiToken.objects.filter(secret_hash=token_hash(token)).first()
        if found is None:
            raise _unauthorized(*TOKEN_INVALID)
        if found.is_revoked:
            raise _unauthorized(*TOKEN_REVOKED)
        if found.is_expired():
            raise _unauthorized(*TOKEN_EXPIRED)
        request.api_rate = rate_check(found)  # type: ignore[attr-defined]
        api_token_touch(token=found)
        scope = None
        if not found.all_districts:
            scope = frozenset(found.districts.values_list("pk", flat=True))
        return Caller(found, scope)
