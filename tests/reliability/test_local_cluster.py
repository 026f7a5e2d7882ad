"""The project-local PostgreSQL cluster (.pgdata) that bin/setup starts when no
server answers on 5432: a second user reuses it, the last one to exit stops it,
the next one starts it again on the same data, and bin/stop stops it by hand.

bin/setup and bin/stop are copied into a scratch project beside a stand-in for
bin/run (sources setup, holds the database until its stdin closes, releases the
cluster on exit as bin/run does), on the suite's Python.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess  # nosec B404
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

USER_SCRIPT = """#!/usr/bin/env bash
set -euo pipefail
source "$(dirname "$0")/setup"
trap local_pg_release EXIT
echo "using $DATABASE_URL"
read -r _ || true
"""

pytestmark = pytest.mark.skipif(
    not list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    or subprocess.run(["dpkg", "-s", "postgresql"], capture_output=True).returncode != 0,  # noqa: S607  # nosec B603 B607
    reason="needs the postgresql package (initdb, pg_ctl)",
)


@pytest.fixture
def project() -> Iterator[Path]:
    # Not under pytest's tmp_path: its parents are private, and as root the cluster
    # runs as the postgres user, who must reach .pgdata.
    where = Path(tempfile.mkdtemp(prefix="kpi-local-pg-", dir="/tmp"))
    where.chmod(0o755)
    (where / "bin").mkdir()
    for name in ("setup", "stop"):
        shutil.copy(ROOT / "bin" / name, where / "bin" / name)
    user = where / "bin" / "use-db"
    user.write_text(USER_SCRIPT)
    user.chmod(0o755)
    shutil.copy(ROOT / "pyproject.toml", where / "pyproject.toml")
    venv_bin = where / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (venv_bin / "python").chmod(0o755)
    digest = hashlib.sha256((where / "pyproject.toml").read_bytes()).hexdigest()
    (where / ".venv" / ".kpi-deps").write_text(digest + "\n")
    try:
        yield where
    finally:
        subprocess.run([str(where / "bin" / "stop")], capture_output=True)  # noqa: S603  # nosec B603
        pid_file = where / ".pgdata" / "postmaster.pid"
        if pid_file.exists():  # bin/stop failed: stop the server all the same
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)
            time.sleep(1)
        shutil.rmtree(where, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class User:
    """One bin/run-like user of the cluster, holding it until ``leave``."""

    def __init__(self, project: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603  # nosec B603
            [str(project / "bin" / "use-db")],
            cwd=project,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = ""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output += line
            if line.startswith("using "):
                break
        assert "using postgres://" in self.output, self.output

    def leave(self) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.output += self.process.stdout.read()
        self.process.wait(timeout=30)
        return self.output


def _gone(port: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not _answers(port):
            return True
        time.sleep(0.1)
    return False


def test_the_local_cluster_is_shared_and_stopped_by_its_last_user(project: Path) -> None:
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "KPI_SETUP_DONE", "KPI_WITH_BROWSER", "KPI_PYTHON"}
    }
    env |= {"KPI_FORCE_LOCAL_PG": "1", "KPI_PG_PORT": str(port)}

    first = User(project, env)
    assert "creating a project-local PostgreSQL cluster in .pgdata" in first.output
    assert f"starting the project-local PostgreSQL on 127.0.0.1:{port}" in first.output
    assert f"@127.0.0.1:{port}/kpi_portal" in first.output

    second = User(project, env)
    assert "starting" not in second.output  # the running cluster, reused
    assert "stopped" not in first.leave()
    assert _answers(port), "the first user to exit stopped the cluster the second one uses"
    assert "stopped the project-local PostgreSQL (.pgdata)" in second.leave()
    assert _gone(port)

    third = User(project, env)  # the same data, started again
    assert "creating" not in third.output
    assert f"starting the project-local PostgreSQL on 127.0.0.1:{port}" in third.output
    stop = subprocess.run(  # noqa: S603  # nosec B603
        [str(project / "bin" / "stop")], capture_output=True, text=True, timeout=30
    )
    assert "stopped the project-local PostgreSQL (.pgdata)" in stop.stderr
    assert _gone(port)
    third.leave()
