"""The production shape for tests: the repository's nginx proxy settings in front of
a real gunicorn serving the test database, over TCP and over a Unix socket.

nginx (nginx-light) is installed with apt-get when missing, as bench/load.py does;
a machine where that fails fails the tests that need it (they are never skipped). Clients
reach nginx from distinct loopback addresses (127.0.0.x: Linux routes all of
127/8 to the loopback), so nginx sees as many clients as a test needs.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HOST = "127.0.0.1"


def ensure_program(name: str, package: str) -> str:
    """A Debian program's path, installed with apt-get (as bench/load.py does) if missing."""

    def found() -> str:
        return shutil.which(name) or next(
            (str(d / name) for d in (Path("/usr/sbin"), Path("/usr/bin")) if (d / name).exists()),
            "",
        )

    if found():
        return found()
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    apt = shutil.which("apt-get") or "/usr/bin/apt-get"
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [*sudo, apt, "install", "-y", "-qq", package],
        capture_output=True,
        text=True,
        check=False,
    )
    if not found():
        raise RuntimeError(
            f"{name} is needed by these tests and could not be installed "
            f"(apt-get install {package}: {done.stderr.strip()[-500:]})"
        )
    return found()


def ensure_nginx() -> str:
    return ensure_program("nginx", "nginx-light")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait_for(
    check: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start: {log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Portal:
    """gunicorn and nginx in front of it; ports of nginx's two faces and gunicorn's own."""

    tcp: int  # nginx → gunicorn over TCP (gunicorn sees nginx's 127.0.0.1)
    unix: int  # nginx → gunicorn over a Unix socket (gunicorn sees no address at all)
    direct: int  # gunicorn itself, no proxy


@contextmanager
def portal_behind_nginx(
    directory: Path, *, database_name: str, environment: dict[str, str] | None = None
) -> Iterator[Portal]:
    """Start gunicorn (tests.proxied_settings) on TCP and a Unix socket, and nginx
    with deploy/proxy.conf in front of both; stop both (their process groups) after."""
    nginx = ensure_nginx()
    directory.chmod(0o755)
    socket_path = directory / "gunicorn.sock"
    ports = Portal(tcp=free_port(), unix=free_port(), direct=free_port())
    env = {
        **os.environ,
        # Production settings over plain HTTP, however pytest was started.
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        **(environment or {}),
        "DJANGO_SETTINGS_MODULE": "tests.proxied_settings",
        "PROXIED_DATABASE_NAME": database_name,
    }
    gunicorn_log = directory / "gunicorn.log"
    with gunicorn_log.open("wb") as log:
        gunicorn = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kpi_portal.wsgi",
                "--bind",
                f"{HOST}:{ports.direct}",
                "--bind",
                f"unix:{socket_path}",
                "--workers",
                "1",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    processes = [gunicorn]
    try:
        _wait_for(
            lambda: socket_path.exists() and _status(ports.direct, "/healthz/") == 200,
            "gunicorn",
            gunicorn,
            gunicorn_log,
        )
        socket_path.chmod(0o777)  # nginx's workers may run as another user
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / sub).mkdir(exist_ok=True)
            (directory / sub).chmod(0o777)
        config = directory / "nginx.conf"
        proxy = DEPLOY / "proxy.conf"
        config.write_text(
            f"""daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {directory}/body;
  proxy_temp_path {directory}/proxy;
  fastcgi_temp_path {directory}/fastcgi;
  uwsgi_temp_path {directory}/uwsgi;
  scgi_temp_path {directory}/scgi;
  upstream portal_tcp {{ server {HOST}:{ports.direct}; }}
  upstream portal_unix {{ server unix:{socket_path}; }}
  server {{
    listen {HOST}:{ports.tcp};
    location / {{ proxy_pass http://portal_tcp; include {proxy}; }}
  }}
  server {{
    listen {HOST}:{ports.unix};
    location / {{ proxy_pass http://portal_unix; include {proxy}; }}
  }}
}}
""",
            encoding="utf-8",
        )
        nginx_log = directory / "nginx-error.log"
        nginx_log.touch()
        proxy_process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [nginx, "-e", str(nginx_log), "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(proxy_process)
        _wait_for(
            lambda: (
                _status(ports.tcp, "/healthz/") == 200 and _status(ports.unix, "/healthz/") == 200
            ),
            "nginx",
            proxy_process,
            nginx_log,
        )
        yield ports
    finally:
        for process in reversed(processes):
            _stop(process)


def _status(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Visitor:
    """A browser at one address: keeps its cookies, reads the CSRF token from forms."""

    port: int
    source: str = HOST
    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        connection = http.client.HTTPConnection(
            HOST, self.port, timeout=30, source_address=(self.source, 0)
        )
        sent = dict(headers or {})
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        if cookie:
            sent["Cookie"] = cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(value)
            return Answer(response.status, dict(response.headers.items()), text)
        finally:
            connection.close()

    def sign_in(
        self, username: str, password: str, headers: dict[str, str] | None = None
    ) -> Answer:
        """The login form, as a person fills it in: 302 signed in, 200 refused, 429 held."""
        page = self.request("GET", "/login/", headers=headers)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if match is None:
            raise AssertionError(f"no login form ({page.status}): {page.text[:500]}")
        return self.request(
            "POST",
            "/login/",
            {"csrfmiddlewaretoken": match[1], "username": username, "password": password},
            headers=headers,
        )
