"""Real Chromium (Debian's package) driven by Playwright against the live server.

Browser tests run in transactions that are flushed afterwards, so they ask for
``serialized_rollback`` to get the 50 districts of the data migration back, and
load the demo data themselves.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from demo.loader import DEMO_PASSWORD, load_demo

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("KPI_SCREENSHOTS", Path(__file__).parents[2] / "screenshots"))


def _chromium() -> str:
    path = os.environ.get("KPI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is missing: run bin/test, which installs Debian's chromium package.")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_live(transactional_db: None) -> None:
    load_demo()
    # Tests log in through the form, so the demo password must really work
    # (the suite otherwise uses a fast hasher, which is fine here too).
    for user in get_user_model().objects.all():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


class Browser:
    """A signed-in browser context with helpers named after what users do."""

    def __init__(self, browser: object, base_url: str) -> None:
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": 1280, "height": 900}, locale="th-TH"
        )
        self.page = self.context.new_page()
        self.base_url = base_url
        self.console_errors: list[str] = []
        # 422 is how the portal answers invalid input (the form comes back with
        # its errors); any other console error is a defect.
        self.page.on(
            "console",
            lambda m: (
                m.type == "error"
                and "status of 422" not in m.text
                and self.console_errors.append(m.text)
            ),
        )

    def log_in(self, username: str) -> None:
        self.page.goto(self.base_url + "/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", DEMO_PASSWORD)
        self.page.click("button.primary")
        self.page.wait_for_load_state("networkidle")

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def text(self) -> str:
        return " ".join(self.page.inner_text("body").split())


@pytest.fixture
def open_browser(browser: object, live_server: object, demo_live: None) -> Iterator[object]:
    contexts: list[Browser] = []

    def factory() -> Browser:
        contexts.append(Browser(browser, live_server.url))  # type: ignore[attr-defined]
        return contexts[-1]

    yield factory
    for context in contexts:
        context.context.close()
