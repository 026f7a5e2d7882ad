"""What running on several hosts costs (docs/scaling.md), measured in process:

    .venv/bin/python bench/scale.py           # DATABASE_URL defaults to .../kpi_bench

1. The PDF cache: one cached sheet PDF read from the database cache (shared by every
   host) against the per-host file cache it replaced, and the whole cached
   GET /assignments/<pk>/sheet.pdf.
2. Files: save and read back 100 KB, 1 MB and 20 MB through the local disk and
   through django-storages' S3 storage against moto_server on this machine (a real
   S3 HTTP API; a floor for the protocol's cost, no network in between).
3. The read replica's router: the dashboards and the API with a second alias to the
   same database (DATABASE_REPLICA_URL = DATABASE_URL) against none.
4. Where the deadline-day pages spend their time: in SQL (PostgreSQL's share, what
   one primary must serve for every web host) against the whole request.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common


def timed(action: Callable[[], object], runs: int, warmups: int = 2) -> _common.Stats:
    for _ in range(warmups):
        action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return _common.Stats.of(samples)


def paired(
    first: Callable[[], object], second: Callable[[], object], runs: int, warmups: int = 2
) -> tuple[_common.Stats, _common.Stats]:
    """Two ways of doing the same thing, timed in turns, so that a change in the
    machine's load between them (it is shared) falls on both alike."""
    for _ in range(warmups):
        first()
        second()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, into in ((first, samples[0]), (second, samples[1])):
            start = time.perf_counter()
            action()
            into.append((time.perf_counter() - start) * 1000)
    return _common.Stats.of(samples[0]), _common.Stats.of(samples[1])


def row(name: str, stats: _common.Stats, detail: str = "") -> str:
    return (
        f"| {name} | {stats.median:.2f} | {stats.p95:.2f} | "
        f"{stats.minimum:.2f}–{stats.maximum:.2f} | {detail} |"
    )


def moto_server() -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def pdf_cache(lines: list[str], client: Any, assignment: Any, runs: int) -> None:
    from django.core.cache import caches
    from django.core.cache.backends.filebased import FileBasedCache

    from printing import pdf

    caches["pdf"].clear()
    document = pdf.sheet_pdf(assignment)  # renders once, into the database cache
    key = next(iter(_cache_keys()))
    database = caches["pdf"]
    files = FileBasedCache(tempfile.mkdtemp(prefix="kpi-bench-pdf-cache-"), {})
    files.set(key, document, timeout=3600)
    in_database, in_files = paired(lambda: database.get(key), lambda: files.get(key), runs)
    lines.append(row("database cache (now): get one sheet", in_database, f"{len(document):,} B"))
    lines.append(row("file cache (before): get one sheet", in_files))
    url = f"/assignments/{assignment.pk}/sheet.pdf"

    def from_files() -> object:
        pdf.caches = {"pdf": files}  # type: ignore[assignment]
        try:
            return client.get(url, secure=True)
        finally:
            pdf.caches = caches

    whole_database, whole_files = paired(lambda: client.get(url, secure=True), from_files, runs)
    lines.append(row(f"GET {url}, cached in the database (whole stack)", whole_database))
    lines.append(row(f"GET {url}, cached in files (whole stack, before)", whole_files))


def _cache_keys() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM printing_pdf_cache")
        return [key.split(":", 2)[-1] for (key,) in cursor.fetchall()]


def files(lines: list[str], runs: int) -> None:
    import boto3
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage
    from storages.backends.s3 import S3Storage

    server, endpoint = moto_server()
    key = secrets.token_hex(8)  # moto_server takes any credentials
    try:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=key,
        ).create_bucket(Bucket="bench")
        stores = {
            "local disk": FileSystemStorage(location=tempfile.mkdtemp(prefix="kpi-bench-media-")),
            "S3 (moto_server)": S3Storage(
                bucket_name="bench",
                endpoint_url=endpoint,
                region_name="us-east-1",
                access_key=key,
                secret_key=key,
                addressing_style="path",
                signature_version="s3v4",
                file_overwrite=False,
                default_acl=None,
            ),
        }
        for size in (100 * 1024, 1024 * 1024, 20 * 1024 * 1024):
            payload = os.urandom(size)
            for label, store in stores.items():
                name = store.save(f"evidence/bench-{size}.bin", ContentFile(payload))

                def read(store: Any = store, name: str = name) -> bytes:
                    with store.open(name, "rb") as handle:
                        return bytes(handle.read())

                def save(store: Any = store, payload: bytes = payload) -> str:
                    return str(store.save("evidence/x.bin", ContentFile(payload)))

                saved = timed(save, runs, 1)
                lines.append(row(f"{label}: save {size // 1024:,} KB", saved))
                lines.append(row(f"{label}: read {size // 1024:,} KB", timed(read, runs, 1)))
    finally:
        server.terminate()
        server.wait(timeout=10)


def replica(lines: list[str], client: Any, api: Any, district: str, runs: int) -> None:
    from django.conf import settings

    pages = [
        ("city dashboard 2569 q4 (cached figures)", "/dashboards/?year=2569&quarter=4", client, {}),
        (
            f"district dashboard {district} 2569 q4",
            f"/dashboards/districts/{district}/?year=2569&quarter=4",
            client,
            {},
        ),
        ("API: districts", "/api/v1/districts", api[0], api[1]),
        ("API: results, 100 a page", "/api/v1/results?year=2569&limit=100", api[0], api[1]),
    ]
    for name, url, who, headers in pages:

        def get(
            alias: str | None, who: Any = who, url: str = url, headers: dict[str, str] = headers
        ) -> Any:
            settings.DATABASE_REPLICA = alias
            try:
                response = who.get(url, secure=True, headers=headers)
            finally:
                settings.DATABASE_REPLICA = None
            _common.require(response.status_code == 200, f"{url}: {response.status_code}")
            return response

        primary, replica = paired(lambda get=get: get(None), lambda get=get: get("replica"), runs)
        lines.append(row(f"{name}, primary only", primary))
        lines.append(row(f"{name}, through the replica alias", replica))


def sql_share(lines: list[str], client: Any, urls: list[tuple[str, str]], runs: int) -> None:
    from django.db import connection

    for name, url in urls:
        sql: list[float] = []

        def timer(
            execute: Any, query: str, params: Any, many: bool, context: Any, sql: list[float] = sql
        ) -> Any:
            start = time.perf_counter()
            try:
                return execute(query, params, many, context)
            finally:
                sql.append((time.perf_counter() - start) * 1000)

        totals, shares = [], []
        for _ in range(runs):
            sql.clear()
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                client.get(url, secure=True)
                total = (time.perf_counter() - start) * 1000
            totals.append(total)
            shares.append(sum(sql))
        whole, spent = _common.Stats.of(totals), _common.Stats.of(shares)
        lines.append(
            f"| {name} | {whole.median:.1f} | {spent.median:.1f} | "
            f"{100 * spent.median / whole.median:.0f} % |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--evaluator", default="evaluator-1")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    # The replica alias points at the same database: what is measured is the router
    # and the second connection, not a replica's own speed.
    _common.configure_environment()
    os.environ.setdefault("DATABASE_REPLICA_URL", os.environ["DATABASE_URL"])
    # The API's requests are the benchmark's, not an agency's: no rate limit.
    os.environ.setdefault("API_RATE_PER_MINUTE", "1000000")
    os.environ.setdefault("API_RATE_PER_DAY", "1000000")
    _common.setup_django()
    from kpi_portal import gc_tuning

    gc_tuning.settle()
    load_before = _common.machine_load()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from api.models import ApiToken
    from api.services import api_token_create

    users = get_user_model().objects
    officer = Client()
    officer.force_login(users.get(username=args.officer))
    evaluator = Client()
    evaluator.force_login(users.get(username=args.evaluator))
    district = _common.officer_district(args.officer)
    assignment = _common.richest_assignment(district)
    token = ApiToken(agency="bench", contact_email="bench@example.go.th", all_districts=True)
    secret = api_token_create(token=token, districts=[], actor=users.get(username=args.evaluator))
    api = (Client(), {"Authorization": f"Bearer {secret}"})

    lines = [
        f"database {_common.database_name()}, N={args.runs}; times in ms",
        "",
        "| what | median | p95 | min–max | detail |",
        "|---|---:|---:|---:|---|",
    ]
    try:
        pdf_cache(lines, officer, assignment, args.runs)
        files(lines, max(5, args.runs // 3))
        replica(lines, evaluator, api, district.code, max(10, args.runs // 2))
        lines += ["", "| page | request ms | SQL ms | SQL share |", "|---|---:|---:|---:|"]
        sql_share(
            lines,
            officer,
            [
                (f"district home {district.code}", f"/districts/{district.code}/"),
                ("report page", f"/assignments/{assignment.pk}/q4/"),
                ("sheet page", f"/assignments/{assignment.pk}/"),
            ],
            args.runs,
        )
        sql_share(lines, evaluator, [("office matrix", "/office/")], args.runs)
    finally:
        ApiToken.objects.filter(pk=token.pk).delete()
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
