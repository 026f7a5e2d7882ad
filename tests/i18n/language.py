"""What a page in one language may contain: its words minus the data people typed.

The demo data is Thai (indicator names, narratives, letters, people's names): it
is what staff typed and stays as typed in either language. Everything else on a
page -- labels, dates, units, names of districts and zones that have an English
name -- belongs to the interface and must be in the page's language.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

THAI = re.compile(r"[\u0e01-\u0e5b]+(?:[\s\d.,:/()–-]*[\u0e01-\u0e5b]+)*")

#: Fields whose Thai text is the interface's business, not data: a district or zone
#: has an English name, shown in English.
NOT_DATA = {
    ("districts", "district", "name_th"),
    ("districts", "zonegroup", "name_th"),
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


def _data_strings() -> set[str]:
    found: set[str] = set()
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in APPS or meta.model_name.endswith("event"):
            continue
        fields = [
            f.name
            for f in meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
            and (meta.app_label, meta.model_name, f.name) not in NOT_DATA
            and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value and THAI.search(value):
                    for line in str(value).splitlines():
                        line = re.sub(r"\s+", " ", line).strip()
                        if THAI.search(line):
                            found.add(line)
    return found


@cache
def _data_pattern() -> re.Pattern[str] | None:
    strings = sorted(_data_strings(), key=len, reverse=True)
    if not strings:
        return None
    return re.compile("|".join(re.escape(s) for s in strings))


def data_pattern_reset() -> None:
    """Forget the data strings (a test that adds Thai data calls this)."""
    _data_pattern.cache_clear()
    _data_strings_cached.cache_clear()


def thai_outside_data(text: str) -> list[str]:
    """Runs of Thai in ``text`` once every data string is taken out."""
    text = re.sub(r"\s+", " ", text)
    pattern = _data_pattern()
    if pattern is not None:
        text = pattern.sub(" ", text)
    return sorted({run for run in THAI.findall(text) if not _truncated_data(run)})


def _truncated_data(run: str) -> bool:
    # Tables cut long names short ("ความสำเร็จในการพัฒนาและจัดเก็บฐานข้…"), and a
    # short data string (a unit) may have been taken out of a longer one: a long
    # run inside a data string is data, too long to be a word of the interface.
    return len(run) >= 12 and any(run in s for s in _data_strings_cached())


@cache
def _data_strings_cached() -> frozenset[str]:
    return frozenset(_data_strings())


class _PageText(HTMLParser):
    """The visible text, leaving out scripts and any element marked as another
    language (``lang="th"`` on the language switch's "ภาษาไทย")."""

    _SKIP = {"script", "style", "head", "template"}
    _VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is it skipped

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
    parser = _PageText(language)
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()
