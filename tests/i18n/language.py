"""What a page in one language may contain: its words minus the data people typed.

The demo data is mostly Thai (indicator names, narratives, letters, people's
names), with some English (the strategy's English titles, file names, people's
logins): it is what staff typed and stays as typed in either language. Everything
else on a page -- labels, dates, units, the names of districts and zones, which
the data holds in both languages -- belongs to the interface and must be in the
page's language.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

THAI = re.compile(r"[\u0e01-\u0e5b]+(?:[\s\d.,:/()–-]*[\u0e01-\u0e5b]+)*")
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’]+")
#: Addresses, paths, domains and file names: the same in either language.
ADDRESSES = re.compile(
    r"\S+@\S+|https?://\S+|/[\w/.?=&-]*|[\w.-]+\.(?:th|com|org|json|csv|xlsx|pdf)\b"
)

#: Fields that are the interface's business, not data: a district or a zone is
#: named in the page's language, so its name in the other one is not data.
NOT_DATA = {
    "en": {("districts", "district", "name_th"), ("districts", "zonegroup", "name_th")},
    "th": {("districts", "district", "name_en"), ("districts", "zonegroup", "name_en")},
}
APPS = (
    "districts",
    "indicators",
    "reports",
    "evaluation",
    "printing",
    "exchange",
    "public",
    "api",
    "notifications",
    "auth",
)

#: Words a Thai page may hold in English: names of formats and standards, proper
#: names, and what a browser shows of addresses and code.
THAI_PAGE_ENGLISH = {
    "PDF", "CSV", "Excel", "API", "KPI", "JSON", "OpenAPI", "Bearer", "Authorization",
    "GET", "HTTP", "HTTPS", "URL", "ID", "MB", "KB", "BE", "CE", "Token", "English",
    "Bangkok", "BMA", "htmx", "JavaScript", "xlsx", "csv", "json", "pdf", "https", "http",
    "www", "go", "th", "kpi", "example", "bangkok", "opendata", "public", "api", "v1",
    # the open-data licence and the files' encoding, by their names
    "Creative", "Commons", "Attribution", "International", "CC", "BY", "CKAN", "UTF", "BOM",
    "Schema", "catalog", "results", "schema",
    # keys, and the indicator levels' own terms: "ตัวชี้วัดระดับผลลัพธ์ (outcome)"
    "Alt", "Shift", "Ctrl", "Enter", "outcome", "output",
    # values of the open data's columns, quoted in their descriptions
    "higher", "lower",
}  # fmt: skip
#: The API's documentation quotes its parameters and fields in its Thai sentences.
API_TERMS = {
    "After", "ISO", "Retry", "code", "count", "details", "limit", "milestones", "mission",
    "next", "null", "offset", "policy", "previous", "rank", "ratio", "score", "shared",
    "strategic", "value", "year",
}  # fmt: skip


def _data_strings(language: str) -> frozenset[str]:
    """Every line of text in the database that is data for a page in ``language``."""
    found: set[str] = set()
    not_data = NOT_DATA[language]
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in APPS or str(meta.model_name).endswith("event"):
            continue
        fields = [
            f.name
            for f in meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and (meta.app_label, meta.model_name, f.name) not in not_data
            and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                for line in str(value or "").splitlines():
                    line = re.sub(r"\s+", " ", line).strip()
                    if len(line) > 1:
                        found.add(line)
    return frozenset(found)


@cache
def _data(language: str) -> tuple[frozenset[str], re.Pattern[str]]:
    strings = _data_strings(language)
    ordered = sorted(strings, key=len, reverse=True)
    return strings, re.compile("|".join(re.escape(s) for s in ordered) or "(?!)")


@cache
def _squashed_data(language: str) -> tuple[frozenset[str], re.Pattern[str]]:
    strings = frozenset(_AROUND_THAI.sub("", s) for s in _data_strings(language))
    ordered = sorted(strings, key=len, reverse=True)
    return strings, re.compile("|".join(re.escape(s) for s in ordered) or "(?!)")


def data_forget() -> None:
    """Read the data again (after a test added some)."""
    _data.cache_clear()
    _squashed_data.cache_clear()


_AROUND_THAI = re.compile(r"(?<=[\u0e01-\u0e5b])\s+|\s+(?=[\u0e01-\u0e5b])")


def foreign_outside_data(
    text: str, language: str, allowed: frozenset[str] = frozenset(), *, squashed: bool = False
) -> list[str]:
    """What ``text`` holds in the other language once every data string is taken out:
    runs of Thai on an English page, English words on a Thai page.

    ``squashed``: text extracted from a PDF, whose line breaks fall anywhere in a
    Thai sentence; data and text are matched without whitespace next to Thai.
    """
    if squashed:
        strings, pattern = _squashed_data(language)
        text = pattern.sub(" ", _AROUND_THAI.sub("", text))
    else:
        strings, pattern = _data(language)
        text = pattern.sub(" ", re.sub(r"\s+", " ", text))
    if language == "en":
        # Tables cut long names short ("ความสำเร็จในการพัฒนาและจัดเก็บฐานข้…"), and a
        # short data string (a unit) may have been taken out of a longer one: a long
        # run inside a data string is data, too long to be a word of the interface.
        return sorted(
            {
                run
                for run in THAI.findall(text)
                if not (len(run) >= 12 and any(run in s for s in strings))
            }
        )
    # addresses, paths, domains and file names
    text = ADDRESSES.sub(" ", text)
    return sorted(
        {w for w in ENGLISH.findall(text) if w not in THAI_PAGE_ENGLISH and w not in allowed}
    )


class _PageText(HTMLParser):
    """The visible text, leaving out scripts and any element marked as another
    language (``lang="th"`` on the language switch's "ภาษาไทย")."""

    _SKIP = {"script", "style", "head", "template", "code", "pre"}
    _VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is it left out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            return
        lang = dict(attrs).get("lang")
        foreign = tag != "html" and lang is not None and not lang.startswith(self.language)
        self._stack.append(tag in self._SKIP or foreign)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not any(self._stack):
            self.parts.append(data)


def page_text(html: str, language: str) -> str:
    """The words a reader of ``html`` sees, whitespace collapsed."""
    parser = _PageText(language)
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()
