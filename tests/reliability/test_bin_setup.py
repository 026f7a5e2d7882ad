"""bin/setup on a machine without Python >= 3.12 (stock Debian 12: python3 is 3.11,
no pyenv, no uv) says, in one message, exactly what to run.

bin/run and bin/setup are copied into a scratch project without .venv and run
with a PATH holding only the tools they need and a python3 that is 3.11.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: What bin/run and bin/setup call before they look for Python.
TOOLS = ("bash", "dirname", "id", "cat", "sort", "tail", "sed", "mkdir", "rm", "ls", "cut")

PYTHON_3_11 = """#!/bin/sh
# Python 3.11: any version check fails, -V answers.
[ "$1" = -V ] && { echo "Python 3.11.2"; exit 0; }
exit 1
"""


def test_without_python_3_12_setup_says_what_to_run(tmp_path: Path) -> None:
    project = tmp_path / "clone"
    (project / "bin").mkdir(parents=True)
    for name in ("run", "setup"):
        shutil.copy(ROOT / "bin" / name, project / "bin" / name)
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    path = tmp_path / "path"
    path.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (path / tool).symlink_to(found)
    for name in ("python3", "python3.11"):
        (path / name).write_text(PYTHON_3_11)
        (path / name).chmod(0o755)
    home = tmp_path / "home"  # no ~/.pyenv, no ~/.local/bin/uv
    home.mkdir()

    done = subprocess.run(  # noqa: S603  # nosec B603
        [str(path / "bash"), "bin/run"],
        cwd=project,
        env={"PATH": str(path), "HOME": str(home), "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 1
    message = done.stderr
    assert "kpi-portal: no Python 3.12 or newer found, and none could be installed." in message
    assert "python3 on PATH: Python 3.11.2; pyenv: none;" in message
    assert ".uv/venv/bin/uv python install 3.12" in message
    assert "pyenv install 3.12" in message
    assert "sudo apt-get install python3 python3-venv" in message
    assert "KPI_PYTHON=/path/to/python3.12 bin/run" in message
    assert message.count("kpi-portal: no Python") == 1
    assert not (project / ".venv").exists()
