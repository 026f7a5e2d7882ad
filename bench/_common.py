"""Environment and Django set-up shared by the benchmark scripts."""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kpi_bench"
STATIC_ROOT = Path(tempfile.gettempdir()) / "kpi-bench-static"


def configure_environment() -> None:
    """Production-like settings: DEBUG off, the hashed static manifest, a real secret key.

    Requests are made as if behind the HTTPS proxy (X-Forwarded-Proto: https), so
    the HTTPS redirect and secure cookies stay as in production.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("STATIC_ROOT", str(STATIC_ROOT))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"


def collectstatic() -> None:
    """Build the hashed static manifest (outside the repository), again whenever a
    static file is newer than it: a manifest from before a new stylesheet made every
    page naming that stylesheet fail."""
    manifest = Path(os.environ["STATIC_ROOT"]) / "staticfiles.json"
    sources = [p for p in (ROOT / "static").rglob("*") if p.is_file()]
    if manifest.exists() and all(p.stat().st_mtime <= manifest.stat().st_mtime for p in sources):
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        check=True,
        cwd=ROOT,
        env={**os.environ},
    )


def setup_django() -> None:
    configure_environment()
    collectstatic()
    import django

    django.setup()


@dataclass
class Stats:
    median: float
    p95: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, samples: list[float]) -> Stats:
        ordered = sorted(samples)
        # Nearest-rank p95: with N=30 this is the 29th value.
        rank = max(1, -(-95 * len(ordered) // 100))
        return cls(statistics.median(ordered), ordered[rank - 1], ordered[0], ordered[-1])


def database_name() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def machine_load() -> str:
    """The 1-minute load average and the busiest other processes: the machine may be shared."""
    one, five, _fifteen = os.getloadavg()
    busy = subprocess.run(  # noqa: S603 (fixed arguments)
        [shutil.which("ps") or "/usr/bin/ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"],
        capture_output=True,
        text=True,
    ).stdout.splitlines()[:4]
    top = "; ".join(" ".join(line.split()) for line in busy)
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs; top: {top}"


def publish(lines: list[str], markdown: Path | None) -> None:
    """Print a benchmark's result and, with ``--markdown FILE``, write it there too."""
    text = "\n".join(lines)
    print(text)
    if markdown:
        markdown.write_text(text + "\n", encoding="utf-8")


def require(condition: object, message: str) -> None:
    """Stop the benchmark with a message (not an assert: it must hold under python -O too)."""
    if not condition:
        raise SystemExit(message)


def officer_district(username: str) -> Any:
    """The district of a district officer (the benchmarks' point of view)."""
    from django.contrib.auth import get_user_model

    from districts.access import membership_of

    membership = membership_of(get_user_model().objects.get(username=username))
    if membership is None or membership.district is None:
        raise SystemExit(f"{username} is not a district officer")
    return membership.district


def richest_assignment(district: Any) -> Any:
    """The district's assignment with four reports in the latest such year: the
    heaviest sheet, report page and history the benchmarks can pick."""
    from django.db.models import Count

    from indicators.models import Assignment

    assignment = (
        Assignment.objects.filter(district=district)
        .annotate(n=Count("reports", distinct=True))
        .filter(n=4)
        .order_by("-indicator__fiscal_year__year", "indicator__code")
        .select_related("indicator__fiscal_year")
        .first()
    )
    if assignment is None:
        raise SystemExit(f"district {district.code} has no assignment with four reports")
    return assignment
