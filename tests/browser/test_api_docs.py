"""The API's docs page in a real browser: readable on a desktop and a 390 px phone,
accessible, loading nothing from elsewhere, and its example requests answered."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model

from api.models import ApiToken
from api.services import api_token_create
from districts.models import District
from tests.personas import HUAI_KHWANG

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ENDPOINTS = [
    "/api/v1/fiscal-years",
    "/api/v1/districts",
    "/api/v1/districts/{code}",
    "/api/v1/indicators",
    "/api/v1/results",
    "/api/v1/scores",
]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_an_agency_reads_the_docs(open_browser: OpenBrowser, phone: bool) -> None:
    browser = open_browser(phone=phone)
    elsewhere: list[str] = []
    browser.page.on(
        "request",
        lambda r: elsewhere.append(r.url) if not r.url.startswith(browser.base_url) else None,
    )
    browser.goto("/api/")
    assert browser.page.get_by_role("heading", level=1).inner_text() == "API สำหรับหน่วยงานภายนอก"
    text = browser.text()
    for path in ENDPOINTS:
        assert path in text
    for words in ("Authorization: Bearer", "Retry-After", "token_revoked", "เงื่อนไขการใช้ข้อมูล"):
        assert words in text
    assert "curl -H" in text
    browser.assert_no_sideways_scroll("API docs")
    browser.assert_accessible("API docs")
    results = browser.page.locator("#list_results")
    results.get_by_text("ความหมายของแต่ละช่อง").click()
    assert results.get_by_role("cell", name="district_code", exact=True).is_visible()
    browser.assert_no_sideways_scroll("API docs, fields open")
    browser.assert_accessible("API docs, fields open")
    browser.screenshot(f"api-docs-{'phone' if phone else 'desktop'}")
    assert elsewhere == []
    assert browser.console_errors == []


def test_the_docs_example_requests_are_answered(open_browser: OpenBrowser) -> None:
    browser = open_browser()
    admin = get_user_model().objects.get(username="admin")
    token = ApiToken(agency="สำนักงานสถิติแห่งชาติ", contact_email="api@nso.go.th")
    secret = api_token_create(
        token=token, districts=[District.objects.get(code=HUAI_KHWANG)], actor=admin
    )
    browser.goto("/api/")
    curls = re.findall(r'curl -H "Authorization: Bearer \$KPI_TOKEN" "([^"]+)"', browser.text())
    assert len(curls) == len(ENDPOINTS)
    for url in curls:
        response = browser.page.request.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert response.status == 200, (url, response.text())
        assert response.headers["content-type"].startswith("application/json")
    refused = browser.page.request.get(curls[0])
    assert refused.status == 401
    assert refused.json()["error"]["code"] == "token_missing"
