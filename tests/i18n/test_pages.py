"""Every page in each language, as every persona: nothing in the other language
outside what people typed (``tests.i18n.language``)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.i18n.language import API_TERMS, foreign_outside_data, page_text
from tests.kpi_portal.test_access_matrix import PERSONAS, POST_ONLY, World, client_for, routes

SKIP = {"logout", "set_language", "public_language", "healthz"}
#: Pages in Thai only, each with its reason; nothing else may be.
THAI_ONLY = {
    # The agencies' API documentation is rendered from the OpenAPI schema, whose
    # descriptions are Thai (api/schemas.py, api/endpoints.py): translating the
    # contract other agencies code against is its own piece of work.
    "api_docs": "the API's documentation",
}


def crawl(world: World, persona: str, language: str) -> dict[str, list[str]]:
    """Each page's words in the other language, by URL (pages with none left out)."""
    client = client_for(world["users"][persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    values = world["values"]
    found: dict[str, list[str]] = {}
    for route in routes():
        if route.name.startswith(("admin:", "api_v1:")) or route.name in SKIP | POST_ONLY:
            continue
        if language == "en" and route.name in THAI_ONLY:
            continue
        url = reverse(route.name, kwargs={n: values[n] for n in route.converters})
        if language != settings.LANGUAGE_CODE and route.name.startswith(("public_", "opendata_")):
            url += f"?lang={language}"  # the public pages' language lives in the URL
        response = client.get(url, follow=True)
        if not response["Content-Type"].startswith("text/html"):
            continue
        allowed = frozenset(API_TERMS) if route.name == "api_docs" else frozenset()
        text = page_text(response.content.decode(), language)
        foreign = foreign_outside_data(text, language, allowed)
        if foreign:
            found[url] = foreign
    return found


def _listing(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {' | '.join(words)}" for url, words in found.items())


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_english_pages_have_no_thai_outside_data(world: World, persona: str) -> None:
    found = crawl(world, persona, "en")
    assert not found, _listing(found)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_thai_pages_have_no_english_outside_data(world: World, persona: str) -> None:
    found = crawl(world, persona, "th")
    assert not found, _listing(found)
