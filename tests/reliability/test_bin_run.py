"""bin/run stops everything it started: Ctrl-C or `kill` of the script leaves no
server and no worker behind (runserver and the worker each keep a child process).

The real bin/run, on the suite's virtual environment (KPI_SETUP_DONE skips the
installation checks) and a copy of the test database (migrated, demo data loaded),
so that the worker's periodic jobs cannot touch the database other tests use.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess  # nosec B404
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from pytest_django import DjangoDbBlocker

ROOT = Path(__file__).resolve().parents[2]


def _conninfo(dbname: str) -> str:
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        host=db["HOST"] or "127.0.0.1",
        port=str(db["PORT"] or 5432),
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
    )


@pytest.fixture
def database_copy(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    """A database URL: a copy of the test database, dropped afterwards."""
    db = settings.DATABASES["default"]
    name = f"kpi_run_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        connections.close_all()  # a template must have no other sessions
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
            # Other tests of this process may have left idle connections (the live
            # server's thread, a finished worker's): a template allows none. They
            # are idle, and Django reconnects them (CONN_HEALTH_CHECKS).
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid() AND state = 'idle'",
                [db["NAME"]],
            )
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{db["NAME"]}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    try:
        yield f"postgres://{db['USER'] or 'postgres'}{password}@{host}:{db['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _session(sid: int) -> dict[int, str]:
    """Every live process of the session ``sid``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue  # gone meanwhile
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found[int(entry.name)] = command.strip()
    return found


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", ["kill", "ctrl-c"])
def test_stopping_bin_run_stops_the_server_and_the_worker(
    how: str, database_copy: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "KPI_SETUP_DONE": "1",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DATABASE_URL": database_copy,
        "PORT": str(port),
        "KPI_DEMO": "0",
        "DEBUG": "true",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        # A session of its own: everything bin/run starts is found by its session id.
        run = subprocess.Popen(  # noqa: S603  # nosec B603
            [str(ROOT / "bin" / "run")],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # As from a terminal: pytest-xdist's workers ignore SIGINT, and a signal
            # ignored when bash starts cannot be trapped.
            preexec_fn=_default_sigint,
        )
    try:
        started = _wait_for(lambda: _answers(port) and b"serving http" in log.read_bytes(), 90)
        assert started, log.read_text()
        # Both commands run with Django's autoreloader: a parent and the real process.
        children = {pid: cmd for pid, cmd in _session(run.pid).items() if pid != run.pid}
        commands = " | ".join(children.values())
        assert sum("runserver" in cmd for cmd in children.values()) == 2, commands
        assert sum("print_worker" in cmd for cmd in children.values()) == 2, commands

        if how == "kill":
            run.send_signal(signal.SIGTERM)  # `kill <pid of bin/run>`
        else:
            os.killpg(run.pid, signal.SIGINT)  # the terminal's Ctrl-C: bin/run's process group
        try:
            run.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pytest.fail(f"bin/run still running 20 s after {how}: {_session(run.pid)}")

        gone = _wait_for(lambda: not _session(run.pid), 15)
        assert gone, f"still running after bin/run stopped: {_session(run.pid)}"
        assert not _answers(port)
        assert "stopped the server and the worker" in log.read_text()
    finally:
        for pid in _session(run.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if run.poll() is None:
            run.kill()
