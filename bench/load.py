"""Throughput under gunicorn (2 sync workers) on 127.0.0.1, measured with wrk.

    .venv/bin/python bench/load.py             # DATABASE_URL defaults to .../kpi_bench
    DURATION=20 .venv/bin/python bench/load.py # shorter runs

Starts `.venv/bin/gunicorn kpi_portal.wsgi` (settings bench.settings = the portal's
settings plus /bench/ok/), DEBUG off, bound to 127.0.0.1 only; signs the officer in
once (a database session created by django.test.Client.force_login) and passes the
cookie to wrk; runs wrk for each target at 50 and 250 connections; stops gunicorn
at the end whatever happens. Requests carry X-Forwarded-Proto: https, as behind the
production proxy, so the HTTPS redirect and secure cookies stay on.
Only GETs: saves under load (POST with CSRF) are not measured.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import _common

HOST = "127.0.0.1"


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: str


def ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"cannot parse wrk output:\n{output}")
    return WrkResult(
        float(rps.group(1)),
        ms(p50.group(1)),
        ms(p99.group(1)),
        int(total.group(1)),
        int(non2xx.group(1)) if non2xx else 0,
        errors.group(1).strip() if errors else "none",
    )


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing wrk (apt-get)", file=sys.stderr)
    subprocess.run(  # noqa: S603 (fixed arguments)
        [*sudo, shutil.which("apt-get") or "/usr/bin/apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
    )
    return shutil.which("wrk") or "wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def targets(officer_name: str) -> tuple[str, list[tuple[str, str, bool]]]:
    """The officer's session key and the URLs to load."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from districts.access import membership_of
    from indicators.models import Assignment

    officer = get_user_model().objects.get(username=officer_name)
    membership = membership_of(officer)
    if membership is None or membership.district is None:
        raise SystemExit(f"{officer_name} is not a district officer")
    district = membership.district
    assignment = (
        Assignment.objects.filter(district=district)
        .annotate(n=Count("reports", distinct=True))
        .filter(n=4)
        .order_by("-indicator__fiscal_year__year", "indicator__code")
        .first()
    )
    if assignment is None:
        raise SystemExit("the officer's district has no assignment with four reports")
    client = Client()
    client.force_login(officer)
    session = client.cookies["sessionid"].value
    # (name, path, send the session cookie)
    return session, [
        ("trivial view, no cookie (baseline)", "/bench/ok/", False),
        ("trivial view, session cookie", "/bench/ok/", True),
        ("/healthz/ (middleware, SELECT 1)", "/healthz/", False),
        ("sheet page", f"/assignments/{assignment.pk}/", True),
        (f"district home {district.code}", f"/districts/{district.code}/", True),
    ]


def get_status(url: str, session: str | None) -> int:
    headers = {"X-Forwarded-Proto": "https"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http://127.0.0.1 only)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", "60")))
    parser.add_argument("--connections", default="50,250")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", default="30s", help="wrk's per-request timeout")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    wrk = ensure_wrk()
    _common.setup_django()
    load_before = _common.machine_load()
    session, pages = targets(args.officer)
    from django.db import connections

    connections.close_all()

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(_common.ROOT)}
    gunicorn = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            str(_common.ROOT / ".venv" / "bin" / "gunicorn"),
            "kpi_portal.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=_common.ROOT,
        env=env,
        start_new_session=True,
    )

    def stop(signum: int | None = None, frame: FrameType | None = None) -> None:
        if gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if signum is not None:
            raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        base = f"http://{HOST}:{port}"
        for _ in range(100):
            try:
                if get_status(base + "/healthz/", None) == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer /healthz/")
        rows: list[tuple[str, str, int, WrkResult]] = []
        for name, path, with_cookie in pages:
            cookie = ["-H", f"Cookie: sessionid={session}"] if with_cookie else []
            status = get_status(base + path, session if with_cookie else None)
            if status != 200:
                raise SystemExit(f"{path} answered {status}, not 200: wrk would count it as OK")
            for connections_count in [int(c) for c in args.connections.split(",")]:
                command = [
                    wrk,
                    "-t2",
                    f"-c{connections_count}",
                    f"-d{args.duration}s",
                    f"--timeout={args.timeout}",
                    "--latency",
                    "-H",
                    "X-Forwarded-Proto: https",
                    *cookie,
                    base + path,
                ]
                output = subprocess.run(  # noqa: S603 (our own wrk command)
                    command, capture_output=True, text=True, check=True
                ).stdout
                result = parse_wrk(output)
                rows.append((name, path, connections_count, result))
                print(
                    f"{name} c={connections_count}: {result.requests_per_s:.1f} req/s, "
                    f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms",
                    file=sys.stderr,
                )
    finally:
        stop()

    baseline = {c: r.requests_per_s for n, p, c, r in rows if n == pages[0][0]}
    lines = [
        f"database {_common.database_name()}; gunicorn {args.workers} sync workers on "
        f"{HOST}; wrk -t2 -d{args.duration}s --timeout {args.timeout} on the same "
        f"{os.cpu_count()} CPUs; GET only",
        "",
        "| target | connections | requests/s | p50 ms | p99 ms | requests | non-2xx/3xx | "
        "socket errors | vs trivial view |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, path, c, r in rows:
        lines.append(
            f"| {name} `{path}` | {c} | {r.requests_per_s:,.1f} | {r.p50_ms:.1f} | "
            f"{r.p99_ms:.1f} | {r.requests:,} | {r.non_2xx_3xx} | {r.socket_errors} | "
            f"{100 * r.requests_per_s / baseline[c]:.1f} % |"
        )
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
