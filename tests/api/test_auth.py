"""Every way a request can fail to authenticate gets 401 with the reason in Thai and
English, and nothing else; a good token works, and is noted at most once a minute."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_revoke, api_token_touch, token_hash
from tests.api.conftest import LISTS, World, call, issue
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _refused(response: object, code: str) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == code
    assert error["message"] and error["message_en"]
    assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]
    assert "results" not in response.json()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", LISTS)
def test_no_token_is_refused_on_every_endpoint(world: World, name: str) -> None:
    _refused(call(None, name, {"year": 2564}), "token_missing")


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token kpi_abc", "bearer"],
)
def test_a_malformed_header_is_a_missing_token(world: World, header: str) -> None:
    response = Client().get(reverse("api_v1:results"), headers={"Authorization": header})
    _refused(response, "token_missing")


def test_a_wrong_token_is_refused(world: World) -> None:
    _refused(call("kpi_not-a-real-token", "results"), "token_invalid")
    # One character off the real one.
    _refused(call(world.hk_secret[:-1] + "x", "results"), "token_invalid")
    _refused(call(world.hk_secret.removeprefix("kpi_"), "results"), "token_invalid")


def test_an_expired_token_is_refused_from_the_day_after(world: World, personas: Personas) -> None:
    today = timezone.localdate()
    _token, expired = issue(
        personas.admin, districts=[world.hk.district], expires_on=today - dt.timedelta(days=1)
    )
    _refused(call(expired, "districts"), "token_expired")
    _token, last_day = issue(personas.admin, districts=[world.hk.district], expires_on=today)
    assert call(last_day, "districts").status_code == 200


@pytest.mark.parametrize("name", LISTS)
def test_a_revoked_token_is_refused_on_every_endpoint(
    world: World, personas: Personas, name: str
) -> None:
    assert call(world.hk_secret, name, {"year": 2564}).status_code == 200
    assert api_token_revoke(token=world.hk_token, actor=personas.admin) is True
    _refused(call(world.hk_secret, name, {"year": 2564}), "token_revoked")
    assert api_token_revoke(token=world.hk_token, actor=personas.admin) is False


def test_the_detail_and_the_schema(world: World) -> None:
    _refused(call(None, "district", code=world.hk.district.code), "token_missing")
    # The schema and the docs hold no data: anyone may read them.
    assert Client().get(reverse("api_v1:openapi-json")).status_code == 200
    assert Client().get(reverse("api_docs")).status_code == 200


def test_only_a_hash_of_the_secret_is_stored(world: World) -> None:
    token = ApiToken.objects.get(pk=world.hk_token.pk)
    assert token.secret_hash == token_hash(world.hk_secret)
    assert world.hk_secret.startswith("kpi_") and len(world.hk_secret) > 40
    stored = " ".join(str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values())
    assert world.hk_secret not in stored
    assert world.hk_secret.removeprefix("kpi_") not in stored
    assert world.hk_secret.removeprefix("kpi_").startswith(token.prefix)


def test_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    assert ApiToken.objects.get(pk=world.hk_token.pk).last_used_at is None
    call(world.hk_secret, "districts")
    first = ApiToken.objects.get(pk=world.hk_token.pk).last_used_at
    assert first is not None
    call(world.hk_secret, "districts")
    assert ApiToken.objects.get(pk=world.hk_token.pk).last_used_at == first
    token = ApiToken.objects.get(pk=world.hk_token.pk)
    api_token_touch(token=token, now=first + dt.timedelta(seconds=59))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    later = first + dt.timedelta(seconds=61)
    api_token_touch(token=token, now=later)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == later


def test_a_token_needs_a_scope(personas: Personas) -> None:
    from kpi_portal.errors import ActionRefused

    with pytest.raises(ActionRefused):
        issue(personas.admin)
    assert not ApiToken.objects.exists()
