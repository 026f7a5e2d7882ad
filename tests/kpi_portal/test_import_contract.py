"""The layering of docs/architecture.md, enforced: an app imports only the apps below it."""

from __future__ import annotations

import shutil
import subprocess  # nosec B404
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Every package the contract names, as pyproject.toml lists them (a new app is
# copied too, or the copy would fail for the wrong reason).
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def _lint(where: Path) -> subprocess.CompletedProcess[str]:
    # Fixed arguments.
    return subprocess.run(  # noqa: S603  # nosec B603
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_code_keeps_the_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_it(tmp_path: Path) -> None:
    """The ground floor importing the report lifecycle is caught, and named."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "districts" / "models.py"
    models.write_text(models.read_text() + "\nfrom reports.models import Report  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "districts is not allowed to import reports" in result.stdout
    assert "districts.models -> reports.models" in result.stdout
