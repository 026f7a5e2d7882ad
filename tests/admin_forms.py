"""The admin's change forms as a browser would post them: every field's current value.

``form_data`` reads the rendered page, so a test changes one value and posts the
whole form — inlines, management forms and all — exactly as the administrator's
browser would, through the middleware that records who made the change.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.test import Client


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.select_multiple = False
        self.option_value: str | None = None
        self.option_selected = False
        self.textarea: str | None = None
        self.text = ""

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
                return
            self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select is not None:
            self.option_value = a.get("value", "")
            if "selected" in a:
                self._add(self.select, self.option_value)
        elif tag == "textarea" and name:
            self.textarea = name
            self.text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # The parser keeps the newline that follows <textarea>; browsers drop it.
            self._add(self.textarea, self.text.removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data


def form_data(client: Client, url: str, form_id: str) -> dict[str, Any]:
    """The values the admin's form ``form_id`` on ``url`` would post as it stands."""
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}")
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    if not reader.data:
        raise AssertionError(f"no form #{form_id} on {url}")
    return {name: values if len(values) != 1 else values[0] for name, values in reader.data.items()}


def field_name(data: dict[str, Any], prefix: str, field: str, value: object) -> str:
    """The name of the inline field ``<prefix>-N-<field>`` of the row whose id is ``value``."""
    for name, current in data.items():
        if name.startswith(prefix + "-") and name.endswith("-id") and str(current) == str(value):
            return name.removesuffix("-id") + "-" + field
    raise AssertionError(f"no inline row {prefix} with id {value}")
