"""Moving models between apps keeps every table, row and sequence.

A database is migrated and loaded with demo data by the code as it was before
the apps were split (commit BEFORE_THE_SPLIT, taken from git), with a deadline
extension and a queued booklet of two districts on top; then the current code
migrates it. Every table keeps every row byte for byte, sequences go on from
where they were, queued print tasks point at their new module, and the moved
extensions keep exactly one history trigger per event.
"""

from __future__ import annotations

import io
import os
import subprocess  # nosec B404
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
#: The last commit before reports/ was split into reports, evaluation, printing, demo.
BEFORE_THE_SPLIT = "f33df6e157a2e8fc6d0f1c5c4113c3b361d5f863"

OLD_CODE_FILLS = """
import datetime as dt
from django.contrib.auth import get_user_model
from districts.models import District
from indicators.models import FiscalYear, ReportingPeriod
from reports import services
from reports.models import PrintJob
office = get_user_model().objects.get(username="evaluator")
period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=4)
services.deadline_extend(district=District.objects.get(code="1001"), period=period,
    deadline=dt.date(2021, 11, 30), reason="ขยายก่อนย้ายแอป", actor=office)
services.print_job_request(actor=office, kind=PrintJob.Kind.BOOKLET,
    fiscal_year=FiscalYear.objects.get(year=2564),
    districts=list(District.objects.filter(code__in=["1001", "1017"])))
"""


def _conninfo(dbname: str) -> str:
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        host=db["HOST"] or "127.0.0.1",
        port=str(db["PORT"] or 5432),
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or None,
    )


def _url(dbname: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER'] or 'postgres'}{password}@{host}:{db['PORT'] or 5432}/{dbname}"


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"kpi_migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _old_tree(into: Path) -> Path:
    # Fixed arguments.
    archive = subprocess.run(  # noqa: S603  # nosec B603 B607
        ["git", "archive", "--format=tar", BEFORE_THE_SPLIT],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert archive.returncode == 0, (
        f"git cannot give commit {BEFORE_THE_SPLIT[:7]} (a clone with its history is needed): "
        + archive.stderr.decode()
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def _manage(tree: Path, database: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": _url(database), "DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Our own manage.py.
    done = subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "manage.py", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, f"manage.py {args[0]} in {tree}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


Snapshot = dict[str, tuple[int, str]]


def _columns(database: str) -> dict[str, list[str]]:
    """Every table of the database with its columns, in their order."""
    with psycopg.connect(_conninfo(database)) as conn:
        found: dict[str, list[str]] = {}
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        ):
            found.setdefault(table, []).append(column)
        return found


def _snapshot(database: str, columns: dict[str, list[str]]) -> tuple[Snapshot, dict[str, int]]:
    """Each table's row count and a digest of its rows over ``columns``; every sequence's
    last value. Columns a later migration adds are left out, so only what was there is
    compared."""
    with psycopg.connect(_conninfo(database)) as conn:
        rows = {}
        for table, names in columns.items():
            row = ", ".join(f't."{name}"' for name in names)
            count, digest = conn.execute(
                # Names from the catalogue.
                f"SELECT count(*), md5(coalesce(string_agg(ROW({row})::text, '|' ORDER BY ROW({row})::text), '')) FROM \"{table}\" t"  # noqa: E501, S608  # nosec B608
            ).fetchone()  # type: ignore[misc]
            rows[table] = (count, digest)
        sequences = {
            name: value or 0
            for name, value in conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            )
        }
    return rows, sequences


def test_the_split_keeps_every_row(scratch_database: str, tmp_path: Path) -> None:
    old = _old_tree(tmp_path / "before")
    _manage(old, scratch_database, "migrate", "--no-input")
    _manage(old, scratch_database, "demo", "--allow-without-debug")
    _manage(old, scratch_database, "shell", "-c", OLD_CODE_FILLS)
    columns_before = _columns(scratch_database)
    rows_before, sequences_before = _snapshot(scratch_database, columns_before)
    assert rows_before["reports_printjob"][0] == 3  # the booklet and its two parts
    assert rows_before["reports_deadlineextension"][0] >= 1

    _manage(ROOT, scratch_database, "migrate", "--no-input")
    columns_after = _columns(scratch_database)
    rows_after, sequences_after = _snapshot(scratch_database, columns_before)
    # Tables added by later migrations start empty — but for the history of models
    # tracked after the split, which holds one "snapshot" event per row that was there
    # (kpi_portal.snapshots); none of the old tables disappears.
    added = set(columns_after) - set(columns_before)
    new_rows, _sequences = _snapshot(scratch_database, {t: columns_after[t] for t in added})
    with psycopg.connect(_conninfo(scratch_database)) as conn:
        for table, (count, _digest) in new_rows.items():
            if not count:
                continue
            assert table.endswith("event"), f"{table} is new and not empty"
            tracked = table.removesuffix("event")
            labels = conn.execute(
                f'SELECT array_agg(DISTINCT pgh_label), count(DISTINCT pgh_obj_id) FROM "{table}"'  # noqa: S608  # nosec B608
            ).fetchone()
            assert labels is not None and labels[0] == ["snapshot"], (table, labels)
            assert labels[1] == count == rows_before[tracked][0], (table, labels, count)

    # Tables whose rows the migration itself rewrites, checked on their own below.
    # (New models bring their content types and permissions.)
    rewritten = {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "django_tasks_database_dbtaskresult",
    }
    assert set(columns_before) <= set(columns_after)
    for table, (count, digest) in rows_before.items():
        if table in rewritten:
            assert rows_after[table][0] >= count, table
        else:
            assert rows_after[table] == (count, digest), f"{table} changed"
    for sequence, value in sequences_before.items():
        if sequence not in (
            "django_migrations_id_seq",
            "django_content_type_id_seq",
            "auth_permission_id_seq",
        ):
            assert sequences_after[sequence] == value, sequence

    with psycopg.connect(_conninfo(scratch_database)) as conn:
        paths = [
            row[0]
            for row in conn.execute(
                "SELECT task_path FROM django_tasks_database_dbtaskresult ORDER BY 1"
            )
        ]
        assert paths and all(path.startswith("printing.tasks.") for path in paths), paths
        moved: dict[str, str] = dict(
            conn.execute(
                "SELECT model, app_label FROM django_content_type"
                " WHERE model IN ('printjob', 'deadlineextension', 'deadlineextensionevent')"
            ).fetchall()
        )
        assert moved == {
            "printjob": "printing",
            "deadlineextension": "indicators",
            "deadlineextensionevent": "indicators",
        }
        # The history's three (the matrix version's triggers are not history).
        triggers = [
            row[0]
            for row in conn.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
                " AND tgrelid = 'reports_deadlineextension'::regclass"
                " AND tgname LIKE 'pgtrigger_%'"
            )
        ]
        assert len(triggers) == 3, triggers

    # The current code goes on from the old rows: new ids follow the old sequences,
    # and an update to a moved extension is recorded once in its history.
    out = _manage(
        ROOT,
        scratch_database,
        "shell",
        "-c",
        "from indicators.models import DeadlineExtension as E\n"
        "from printing.models import PrintJob as P\n"
        "e = E.objects.order_by('id').last(); e.reason = 'แก้หลังย้าย'; e.save()\n"
        "j = P.objects.create(kind='summary', fiscal_year=e.period.fiscal_year, quarter=1,"
        " requested_by=e.granted_by)\n"
        "print(e.events.filter(pgh_label='update').count(), j.pk)",
    )
    updates, new_job = (int(v) for v in out.strip().splitlines()[-1].split())
    assert updates == 1
    assert new_job == sequences_before["reports_printjob_id_seq"] + 1
