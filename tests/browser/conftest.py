"""Real Chromium (Debian's package) driven by Playwright against the live server.

Browser tests run in transactions that are flushed afterwards, so they ask for
``serialized_rollback`` to get the 50 districts of the data migration back, and
load the demo data themselves.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from pytest_django.live_server_helper import LiveServer

from demo.loader import DEMO_PASSWORD, load_demo

if TYPE_CHECKING:
    # Imported for real only inside the `browser` fixture, once the environment is set.
    from playwright.sync_api import Browser as Chromium
    from playwright.sync_api import ConsoleMessage

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
def browser() -> Iterator[Chromium]:
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

    def __init__(self, browser: Chromium, base_url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
        self.page = self.context.new_page()
        self.base_url = base_url
        self.console_errors: list[str] = []
        # 422 is how the portal answers invalid input (the form comes back with
        # its errors); any other console error is a defect.
        self.page.on("console", self._record_console_error)

    def _record_console_error(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "status of 422" not in message.text:
            self.console_errors.append(message.text)

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


#: What the `open_browser` fixture gives: call it for one more signed-out browser.
OpenBrowser = Callable[[], Browser]


@pytest.fixture
def open_browser(
    browser: Chromium, live_server: LiveServer, demo_live: None
) -> Iterator[OpenBrowser]:
    contexts: list[Browser] = []

    def factory() -> Browser:
        contexts.append(Browser(browser, live_server.url))
        return contexts[-1]

    yield factory
    for context in contexts:
        context.context.close()
