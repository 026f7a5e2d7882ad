"""Import of a full year's configuration workbook (5,000 assignments): preview and apply.

    .venv/bin/python bench/imports.py            # DATABASE_URL defaults to .../kpi_bench

The source database (DATABASE_URL, only read) gives one fiscal year's configuration
as the import workbook (``config_workbook``: its indicators, steps, 5,000
assignments with their quarter targets, and the users). The imports run in a
scratch database of the same server, ``<source>_import``: migrated with
``manage.py migrate`` once into a template ``<source>_import_base``, given the
source's zone groups, districts, divisions, strategy nodes and fiscal years (no
indicators, no users), and created afresh from that template before every run,
so every run starts from the same state. Both are dropped at the end.

Each run times, in order, what an administrator waits for (the upload and the
background task's work, as the worker runs it; not the queue's latency):

1. preview of the workbook into the empty year (every row "create"),
2. apply it,
3. preview the same file again (every row "unchanged"),
4. apply it again (writes nothing),
5. preview a copy with every assignment's Q4 target changed (5,000 "update"),
6. apply that.

Every step is checked (the run's status and counts, the rows in the database,
no history written by a re-apply) and the benchmark stops if one is wrong.
The baseline, in the same process: ``open_workbook`` + ``read_sheets`` of the
same file, the parsing every preview and apply starts with; the ratio is a
step's median over the baseline's. ``--profile N`` prints cProfile's top
functions for step N of the last run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import _common

LIMIT_SECONDS = 60.0
# Copied from the source, data only: what the import refers to but does not create.
REFERENCE_TABLES = [
    "districts_zonegroup",
    "districts_district",
    "districts_division",
    "indicators_strategynode",
    "indicators_fiscalyear",
]
ADMIN = "bench-import-admin"


@dataclass
class Source:
    """What the workbook holds, counted in the source database."""

    year: int
    indicators: int
    steps: int
    assignments: int
    targets: int
    users: int
    data: bytes = b""
    changed: bytes = b""
    export_seconds: float = 0.0


@dataclass
class Step:
    name: str
    samples: list[float] = field(default_factory=list)
    counts: str = ""


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def server(sql: str) -> None:
    """Run one statement on the server's maintenance database (outside a transaction)."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(sql)


def use_database(name: str) -> None:
    """Point Django's connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- The source workbook --------------------------------------------------------------------


def export(year_number: int | None) -> Source:
    from openpyxl import load_workbook

    from districts.models import Membership
    from exchange.sheets import ASSIGNMENTS
    from exchange.workbook import config_workbook
    from indicators.models import Assignment, FiscalYear, Indicator, MilestoneStep, QuarterTarget

    years = FiscalYear.objects.order_by("-year")
    year = years.get(year=year_number) if year_number else years.first()
    if year is None:
        raise SystemExit("the source database has no fiscal year")
    source = Source(
        year=year.year,
        indicators=Indicator.objects.filter(fiscal_year=year).count(),
        steps=MilestoneStep.objects.filter(indicator__fiscal_year=year).count(),
        assignments=Assignment.objects.filter(indicator__fiscal_year=year).count(),
        targets=QuarterTarget.objects.filter(assignment__indicator__fiscal_year=year).count(),
        users=Membership.objects.filter(user__is_active=True).count(),
    )
    _common.require(source.assignments, f"fiscal year {year.year} has no assignments")
    start = time.perf_counter()
    source.data = config_workbook(year)
    source.export_seconds = time.perf_counter() - start

    # The same file with every assignment's Q4 target one higher: 5,000 updates.
    book = load_workbook(io.BytesIO(source.data))
    sheet = book[ASSIGNMENTS.thai_title]
    headers = [c.value for c in sheet[1]]
    q4 = headers.index(ASSIGNMENTS.column("q4").thai_header)
    changed = 0
    for row in sheet.iter_rows(min_row=2):
        cell = row[q4]
        if cell.value is not None:
            cell.value = cell.value + 1
            changed += 1
    _common.require(
        changed == source.assignments,
        f"only {changed} of {source.assignments} assignments have a Q4 target to change",
    )
    buffer = io.BytesIO()
    book.save(buffer)
    source.changed = buffer.getvalue()
    return source


# -- The scratch databases ------------------------------------------------------------------


def prepare_template(source_name: str, base: str) -> None:
    """A migrated database with the source's reference tables and nothing else."""
    server(f'DROP DATABASE IF EXISTS "{base}"')
    server(f'CREATE DATABASE "{base}"')
    env = {**os.environ, "DATABASE_URL": database_url(base)}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        check=True,
        cwd=_common.ROOT,
        env=env,
    )
    tables = [arg for table in REFERENCE_TABLES for arg in ("-t", table)]
    dump = subprocess.run(  # noqa: S603 (fixed arguments)
        [
            shutil.which("pg_dump") or "pg_dump",
            "--data-only",
            "--disable-triggers",
            *tables,
            "-d",
            database_url(source_name),
        ],
        check=True,
        capture_output=True,
    ).stdout
    # The migrations seed the districts and zone groups: replaced by the source's, ids and all.
    truncate = f"TRUNCATE {', '.join(REFERENCE_TABLES)} CASCADE;\n".encode()
    restore = subprocess.run(  # noqa: S603 (fixed arguments)
        [shutil.which("psql") or "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", database_url(base)],
        input=truncate + dump,
        capture_output=True,
    )
    _common.require(
        restore.returncode == 0, f"copying {REFERENCE_TABLES}: {restore.stderr.decode()[-2000:]}"
    )


def fresh(scratch: str, base: str) -> Any:
    """The scratch database as the template left it, and an administrator to import as."""
    from django.contrib.auth import get_user_model

    from indicators.models import Indicator

    use_database("postgres")
    server(f'DROP DATABASE IF EXISTS "{scratch}"')
    server(f'CREATE DATABASE "{scratch}" TEMPLATE "{base}"')
    use_database(scratch)
    _common.require(not Indicator.objects.exists(), f"{scratch} is not empty")
    return get_user_model().objects.create_superuser(ADMIN, "", None)


# -- One run --------------------------------------------------------------------------------


def counts_of(run: Any) -> dict[str, tuple[int, int, int]]:
    return {c["sheet"]: (c["create"], c["update"], c["unchanged"]) for c in run.counts}


def counts_text(run: Any) -> str:
    return ", ".join(f"{s} {c}/{u}/{n}" for s, (c, u, n) in counts_of(run).items())


def expect_counts(run: Any, source: Source, kind: str) -> None:
    """Every sheet's create/update/unchanged as the step means them."""
    from exchange.sheets import ASSIGNMENTS, INDICATORS, STEPS, USERS

    sizes = {
        INDICATORS.thai_title: source.indicators,
        STEPS.thai_title: source.steps,
        ASSIGNMENTS.thai_title: source.assignments,
        USERS.thai_title: source.users,
    }
    expected = {}
    for sheet, size in sizes.items():
        if kind == "create":
            expected[sheet] = (size, 0, 0)
        elif kind == "update" and sheet == ASSIGNMENTS.thai_title:
            expected[sheet] = (0, size, 0)
        else:
            expected[sheet] = (0, 0, size)
    _common.require(
        counts_of(run) == expected,
        f"run {run.pk}: counts {counts_of(run)}, expected {expected} ({kind})",
    )


def configuration(year: int) -> dict[str, Any]:
    """What is in the scratch database, to compare before and after a step."""
    from django.contrib.auth import get_user_model
    from django.db.models import Sum

    from indicators.models import Assignment, Indicator, MilestoneStep, QuarterTarget

    targets = QuarterTarget.objects.filter(assignment__indicator__fiscal_year__year=year)
    return {
        "indicators": Indicator.objects.filter(fiscal_year__year=year).count(),
        "steps": MilestoneStep.objects.filter(indicator__fiscal_year__year=year).count(),
        "assignments": Assignment.objects.filter(indicator__fiscal_year__year=year).count(),
        "targets": targets.count(),
        "q4 sum": targets.filter(quarter=4).aggregate(s=Sum("target"))["s"],
        "users": get_user_model().objects.exclude(username=ADMIN).count(),
        "history": sum(
            model.pgh_event_model.objects.count()  # type: ignore[union-attr]
            for model in (Indicator, MilestoneStep, Assignment, QuarterTarget)
        ),
    }


def timed(action: Callable[[], Any], profile: bool) -> tuple[Any, float]:
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    result = profiler.runcall(action) if profiler is not None else action()
    seconds = time.perf_counter() - start
    if profiler is not None:
        print(f"\n-- cProfile ({seconds:.1f} s, top 30 by cumulative time)")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return result, seconds


def one_run(source: Source, steps: list[Step], admin: Any, profile: int | None) -> None:
    from exchange.models import ImportRun
    from exchange.services import import_run_apply, import_run_upload
    from exchange.tasks import import_run_apply_task, import_run_check_task

    def preview(data: bytes, name: str) -> Any:
        run = import_run_upload(actor=admin, name=name, data=data)
        _common.require(run.background, f"{source.assignments} rows were checked inline")
        import_run_check_task.call(run.pk)
        run.refresh_from_db()
        return run

    def apply(run: Any) -> Any:
        run = import_run_apply(actor=admin, run=run)
        import_run_apply_task.call(run.pk, admin.pk)
        run.refresh_from_db()
        return run

    def check_preview(run: Any, kind: str) -> None:
        _common.require(
            run.status == ImportRun.Status.PREVIEWED and not run.problems,
            f"preview ({kind}): status {run.status}, problems {run.problems[:3]}",
        )
        expect_counts(run, source, kind)

    def check_apply(run: Any, kind: str) -> None:
        _common.require(
            run.status == ImportRun.Status.APPLIED,
            f"apply ({kind}): status {run.status}, problems {run.problems[:3]}",
        )
        expect_counts(run, source, kind)

    empty = configuration(source.year)
    full = {
        "indicators": source.indicators,
        "steps": source.steps,
        "assignments": source.assignments,
        "targets": source.targets,
        "users": source.users,
    }
    for step_number, (data, name, kind) in enumerate(
        [
            (source.data, "year.xlsx", "create"),
            (source.data, "again.xlsx", "unchanged"),
            (source.changed, "targets.xlsx", "update"),
        ]
    ):
        before = configuration(source.year)
        run, seconds = timed(partial(preview, data, name), profile == 2 * step_number + 1)
        check_preview(run, kind)
        _common.require(configuration(source.year) == before, f"preview ({kind}) wrote rows")
        steps[2 * step_number].samples.append(seconds)
        steps[2 * step_number].counts = counts_text(run)

        run, seconds = timed(partial(apply, run), profile == 2 * step_number + 2)
        check_apply(run, kind)
        after = configuration(source.year)
        if kind == "create":
            _common.require(
                {k: after[k] for k in full} == full and empty["users"] == 0,
                f"apply (create): {after}, expected {full}",
            )
        elif kind == "unchanged":
            _common.require(after == before, f"apply (unchanged) wrote: {before} → {after}")
        else:
            _common.require(
                after["q4 sum"] - before["q4 sum"] == source.assignments
                and {k: after[k] for k in full} == full,
                f"apply (update): {before} → {after}",
            )
        steps[2 * step_number + 1].samples.append(seconds)
        steps[2 * step_number + 1].counts = counts_text(run)


def baseline(data: bytes) -> float:
    """open_workbook + read_sheets: parsing the file, as every preview and apply does first."""
    from django.utils import translation

    from exchange.imports import open_workbook, read_sheets

    start = time.perf_counter()
    with translation.override("th"):
        book, archive = open_workbook(data)
        try:
            sheets, problems = read_sheets(book, archive)
        finally:
            book.close()
    seconds = time.perf_counter() - start
    _common.require(not problems, f"the workbook does not read: {problems[:3]}")
    _common.require(sheets.get("assignments"), "the workbook has no assignments")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, help="the source fiscal year (default: the latest)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the six steps (default 3)")
    parser.add_argument(
        "--profile", type=int, metavar="N", help="cProfile step N (1–6) of the last run"
    )
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    _common.require(args.runs >= 1, "--runs must be at least 1")

    _common.configure_environment()
    media = tempfile.mkdtemp(prefix="kpi-bench-import-")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    from django.conf import settings

    load_before = _common.machine_load()
    _common.require(not settings.DEBUG, "DEBUG must be off")
    source_name = _common.database_name()
    scratch = f"{source_name}_import"
    base = f"{scratch}_base"
    _common.require(scratch != source_name, "the scratch database must not be the source")

    source = export(args.year)
    use_database("postgres")
    rss_after_export = rss_mb()
    steps = [
        Step("1. preview, empty year (create)"),
        Step("2. apply (create)"),
        Step("3. preview again (unchanged)"),
        Step("4. apply again (unchanged)"),
        Step("5. preview, Q4 targets changed (update)"),
        Step("6. apply (update)"),
    ]
    base_samples: list[float] = []
    try:
        prepare_template(source_name, base)
        for number in range(args.runs):
            base_samples.append(baseline(source.data))
            admin = fresh(scratch, base)
            profile = args.profile if number == args.runs - 1 else None
            one_run(source, steps, admin, profile)
            print(
                f"run {number + 1}/{args.runs}: "
                + ", ".join(f"{s.samples[-1]:.1f}" for s in steps)
                + " s",
                file=sys.stderr,
            )
    finally:
        use_database("postgres")
        server(f'DROP DATABASE IF EXISTS "{scratch}"')
        server(f'DROP DATABASE IF EXISTS "{base}"')
        shutil.rmtree(media, ignore_errors=True)

    base_stats = _common.Stats.of(base_samples)
    lines = [
        f"source {source_name}, fiscal year {source.year}: {source.indicators} indicators, "
        f"{source.steps} steps, {source.assignments:,} assignments ({source.targets:,} quarter "
        f"targets), {source.users} users; workbook {len(source.data) / 2**20:.2f} MB "
        f"(exported in {source.export_seconds:.1f} s); scratch database {scratch}; "
        f"N={args.runs} runs, each from the same state; times in s; "
        f"ratio = median / median of the baseline; counts create/update/unchanged per sheet",
        "",
        "| step | median | min–max | ratio | ≤ 60 s | counts (last run) |",
        "|---|---:|---:|---:|---|---|",
        f"| baseline: open_workbook + read_sheets | {base_stats.median:.2f} | "
        f"{base_stats.minimum:.2f}–{base_stats.maximum:.2f} | 1.0× | | |",
    ]
    for step in steps:
        s = _common.Stats.of(step.samples)
        goal = "yes" if s.maximum <= LIMIT_SECONDS else "**no**"
        lines.append(
            f"| {step.name} | {s.median:.2f} | {s.minimum:.2f}–{s.maximum:.2f} | "
            f"{s.median / base_stats.median:.1f}× | {goal} | {step.counts} |"
        )
    lines += [
        "",
        f"peak RSS of the process: {rss_after_export:.0f} MB after the export, "
        f"{rss_mb():.0f} MB at the end",
        "",
        f"before: {load_before}",
        f"after: {_common.machine_load()}",
    ]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
