"""The office issues a token in the admin, sees its secret once, and revokes it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from api.models import ApiToken
from districts.models import District
from tests.api.conftest import call
from tests.personas import HUAI_KHWANG, Personas

pytestmark = pytest.mark.django_db


def test_issue_shows_the_secret_once_then_revoke(personas: Personas) -> None:
    client = personas.client(personas.admin)
    hk = District.objects.get(code=HUAI_KHWANG)
    add = reverse("admin:api_apitoken_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "agency": "สำนักงานสถิติแห่งชาติ",
            "contact_email": "api@nso.go.th",
            "districts": [hk.pk],
            "expires_on": "",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r"kpi_[A-Za-z0-9_-]{40,}", response.content.decode()).group(0)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    assert token.created_by == personas.admin
    assert list(token.districts.all()) == [hk]
    assert call(secret, "districts").json()["count"] == 1

    # Never again: not on its page, not in the list.
    for url in (
        reverse("admin:api_apitoken_changelist"),
        reverse("admin:api_apitoken_change", args=[token.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert secret not in page.content.decode()
        assert secret.removeprefix("kpi_") not in page.content.decode()

    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call(secret, "districts").status_code == 401


def test_a_token_without_a_scope_is_refused(personas: Personas) -> None:
    client = personas.client(personas.admin)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"agency": "หน่วยงาน", "contact_email": "a@example.go.th", "expires_on": ""},
    )
    assert response.status_code == 200
    assert "เลือกสำนักงานเขตที่โทเคนนี้อ่านได้อย่างน้อยหนึ่งเขต" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_only_staff_reach_the_tokens(personas: Personas) -> None:
    for user in (personas.officer_hk, personas.evaluator):
        response = personas.client(user).get(reverse("admin:api_apitoken_changelist"))
        assert response.status_code in (302, 403)
