"""A real SMTP server for the tests: aiosmtpd in this process, on a free port.

Mail goes to it through the portal's own path (the outbox, Django's SMTP
backend, a TCP connection); the tests read back what arrived.
"""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest


def _aiosmtpd_controller() -> Any:
    """aiosmtpd's Controller class.

    aiosmtpd needs atpublic, whose module is called ``public`` — the name of our
    public-pages app. While aiosmtpd is imported, ``public`` is atpublic's
    module, loaded from its own file; then our app is put back. aiosmtpd only
    takes the ``public`` decorator at import time, so nothing else sees the swap.
    """
    import importlib.util
    import sys
    from importlib import metadata

    if "aiosmtpd.controller" in sys.modules:
        return sys.modules["aiosmtpd.controller"].Controller
    files = metadata.files("atpublic") or []
    init = next(f for f in files if str(f).replace("\\", "/") == "public/__init__.py")
    location = Path(str(init.locate()))
    spec = importlib.util.spec_from_file_location(
        "public", location, submodule_search_locations=[str(location.parent)]
    )
    if spec is None or spec.loader is None:
        raise ImportError("atpublic's public/__init__.py cannot be loaded")
    atpublic = importlib.util.module_from_spec(spec)
    ours = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "public"}
    for name in ours:
        del sys.modules[name]
    sys.modules["public"] = atpublic
    try:
        spec.loader.exec_module(atpublic)
        from aiosmtpd.controller import Controller
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "public"]:
            del sys.modules[name]
        sys.modules.update(ours)
    return Controller


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""  # type: ignore[no-any-return]

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")


@dataclass
class Mailbox:
    """What the server accepted; ``refuse`` makes it answer DATA with that reply."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    refuse: str | None = None
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse:
                self.refused += 1
                return self.refuse
            message = email.message_from_bytes(envelope.content, policy=default)
            self.received.append(Received(list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]

    def addresses(self) -> list[str]:
        return sorted(a for r in self.received for a in r.envelope_to)

    def wait_for(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"{len(self.received)} message(s) arrived, {count} expected")
            time.sleep(0.05)

    def mailer(self) -> dict[str, Any]:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 5},
            }
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A running SMTP server; the portal is not yet pointed at it (see ``mailbox``)."""
    port = free_port()
    box = Mailbox("127.0.0.1", port)
    controller = _aiosmtpd_controller()(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox, settings: Any) -> Mailbox:
    """The SMTP server, with the portal's mail going to it."""
    settings.MAILERS = smtp_server.mailer()
    settings.PORTAL_URL = "https://kpi.example.go.th"
    return smtp_server
