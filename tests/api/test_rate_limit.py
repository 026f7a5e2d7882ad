"""Per-token limits, by real requests: a minute's and a day's, 429 with Retry-After
and the RateLimit headers, and one agency's burst never spends another's quota."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from api.security import RateLimited, rate_check
from tests.api.conftest import World, call

pytestmark = pytest.mark.django_db


def test_the_minute_limit(world: World, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 3
    settings.API_RATE_PER_DAY = 1000
    remaining = []
    for _ in range(3):
        response = call(world.hk_secret, "districts")
        assert response.status_code == 200
        assert response["RateLimit-Limit"] == "3"
        assert response["RateLimit-Policy"] == "3;w=60, 1000;w=86400"
        remaining.append(int(response["RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    refused = call(world.hk_secret, "districts")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.json()["error"]["message_en"].startswith("Too many requests")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Retry-After"] == refused["RateLimit-Reset"]
    assert refused["RateLimit-Remaining"] == "0"
    assert "results" not in refused.json()
    # Another agency's token has its own quota.
    assert call(world.all_secret, "districts").status_code == 200


def test_the_daily_cap(world: World, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 100
    settings.API_RATE_PER_DAY = 4
    codes = [call(world.hk_secret, "results").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    refused = call(world.hk_secret, "results")
    assert refused.status_code == 429
    now = timezone.localtime()
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert abs(int(refused["Retry-After"]) - (midnight - now).total_seconds()) < 5
    assert refused["RateLimit-Limit"] == "4"


def test_the_minute_starts_again(world: World, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 2
    settings.API_RATE_PER_DAY = 1000
    start = timezone.now().replace(second=10, microsecond=0)
    rate_check(world.hk_token, start)
    rate_check(world.hk_token, start + dt.timedelta(seconds=5))
    with pytest.raises(RateLimited) as refused:
        rate_check(world.hk_token, start + dt.timedelta(seconds=20))
    assert refused.value.retry_after == 30
    assert rate_check(world.hk_token, start + dt.timedelta(seconds=50)).remaining == 1


def test_an_unknown_token_does_not_spend_a_quota(world: World, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 2
    for _ in range(5):
        assert call("kpi_wrong", "districts").status_code == 401
    assert call(world.hk_secret, "districts").status_code == 200
