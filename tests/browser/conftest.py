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
from typing import TYPE_CHECKING, Any, Protocol

import pytest
from django.contrib.auth import get_user_model
from pytest_django.live_server_helper import LiveServer

from demo.loader import DEMO_PASSWORD, load_demo

if TYPE_CHECKING:
    # Imported for real only inside the `browser` fixture, once the environment is set.
    from playwright.sync_api import Browser as Chromium
    from playwright.sync_api import ConsoleMessage, ViewportSize

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("KPI_SCREENSHOTS", Path(__file__).parents[2] / "screenshots"))
# Installed from package-lock.json by bin/setup (KPI_WITH_BROWSER=1).
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: axe's impacts that fail a test; "minor" and "moderate" ones are left to judgement.
FAILING_IMPACTS = ("serious", "critical")
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}  # an iPhone 12 to 15


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

    def __init__(self, browser: Chromium, base_url: str, *, phone: bool = False) -> None:
        # The portal's CSP (script-src 'self') would block the injected axe-core.
        self.context = browser.new_context(
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            locale="th-TH",
            bypass_csp=True,
        )
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
        # Enter submits the sign-in form, whatever other buttons the page shows.
        self.page.press("#id_password", "Enter")
        self.page.wait_for_url(lambda url: "/login/" not in url)
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

    def assert_accessible(self, name: str) -> None:
        """axe-core finds nothing serious or critical on the page as it is now."""
        if not AXE.exists():
            pytest.fail("axe-core is missing: run bin/test, or `npm ci`, which install it.")
        self.page.add_script_tag(path=str(AXE))
        results: dict[str, Any] = self.page.evaluate(
            "axe.run(document, {resultTypes: ['violations']})"
        )
        found = [
            f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
            + "\n".join(f"    {_target(node['target'])}" for node in violation["nodes"])
            for violation in results["violations"]
            if violation["impact"] in FAILING_IMPACTS
        ]
        assert not found, f"{name} ({self.page.url}):\n" + "\n".join(found)

    def assert_no_sideways_scroll(self, name: str = "") -> int:
        """Nothing makes the page wider than the window; returns the page's width.

        A phone zooms out to show a page wider than itself, and the window then
        says it is as wide as the page: the screen's own width is the limit too.
        """
        viewport = self.page.viewport_size
        screen = viewport["width"] if viewport else 0
        width, window, wide = self.page.evaluate(
            """screen => [
                document.documentElement.scrollWidth,
                window.innerWidth,
                // The outermost elements that reach past the screen's edge.
                [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > screen + 0.5
                        && e.parentElement.getBoundingClientRect().right <= screen + 0.5)
                    .slice(0, 8)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + [...e.classList].map(c => '.' + c).join('')),
            ]""",
            screen,
        )
        assert width <= min(window, screen), (
            f"{name} is {width}px wide on a {screen}px screen ({window}px window): {wide}"
        )
        return int(width)


def _target(target: list[Any]) -> str:
    """axe's selector of one node; a node inside a frame or a shadow root has several."""
    return " >>> ".join(part if isinstance(part, str) else " >>> ".join(part) for part in target)


class OpenBrowser(Protocol):
    """What the `open_browser` fixture gives: call it for one more signed-out browser,
    a desktop one or, with ``phone=True``, a phone's (390 × 844, touch)."""

    def __call__(self, *, phone: bool = False) -> Browser: ...


@pytest.fixture
def open_browser(
    browser: Chromium, live_server: LiveServer, demo_live: None
) -> Iterator[OpenBrowser]:
    contexts: list[Browser] = []

    def factory(*, phone: bool = False) -> Browser:
        contexts.append(Browser(browser, live_server.url, phone=phone))
        return contexts[-1]

    yield factory
    for context in contexts:
        context.context.close()
