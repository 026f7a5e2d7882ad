"""Every page in English, as every persona: no Thai outside what people typed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.i18n.language import page_text, thai_outside_data
from tests.kpi_portal.test_access_matrix import (  # noqa: F401 - world is a fixture
    PERSONAS,
    POST_ONLY,
    RULES,
    World,
    client_for,
    routes,
    world,
)

SKIP = {"logout", "set_language", "public_language", "healthz"}
#: Pages still Thai only, each with the reason; nothing else may be.
THAI_ONLY = {
    # The agencies' API documentation is rendered from the OpenAPI schema, whose
    # descriptions are Thai (api/schemas.py, api/endpoints.py): translating the
    # contract other agencies code against is its own piece of work.
    "api_docs": "the API's documentation",
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_in_english_have_no_thai_outside_data(world: World, persona: str) -> None:
    client = client_for(world["users"][persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    values = world["values"]
    found: dict[str, list[str]] = {}
    for route in routes():
        if (
            route.name.startswith(("admin:", "api_v1:"))
            or route.name in SKIP | POST_ONLY | THAI_ONLY.keys()
        ):
            continue
        url = reverse(route.name, kwargs={n: values[n] for n in route.converters})
        if route.name.startswith(("public_", "opendata_")):
            url += "?lang=en"
        response = client.get(url, follow=True)
        if not response["Content-Type"].startswith("text/html"):
            continue
        thai = thai_outside_data(page_text(response.content.decode(), "en"))
        if thai:
            found[url] = thai
    import json
    import os

    if os.environ.get("I18N_DUMP"):
        open(os.environ["I18N_DUMP"] + persona, "w").write(
            json.dumps(found, ensure_ascii=False, indent=1)
        )
    assert found == {}
