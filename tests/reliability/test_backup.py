"""A pg_dump of the populated database restores into an empty one record for record."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from demo.loader import load_demo
from indicators.models import Assignment
from printing import services as print_services
from reports.models import Report, ReportTransition
from tests.personas import HK_SEED_ASSIGNMENT, PHRA_NAKHON

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# django-tasks-db registers its app under the label "django_tasks_database".
APPS = ("districts", "indicators", "reports", "auth", "pghistory", "django_tasks_database")
TIMEOUT = 60
PG_DUMP = shutil.which("pg_dump") or "pg_dump"
PG_RESTORE = shutil.which("pg_restore") or "pg_restore"


def conninfo(name: str) -> str:
    database = settings.DATABASES["default"]
    return (
        f"host={database['HOST'] or '127.0.0.1'} port={database['PORT'] or 5432} "
        f"user={database['USER'] or 'postgres'} dbname={name}"
    )


def client_env() -> dict[str, str]:
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "PGHOST": str(database["HOST"] or "127.0.0.1"),
        "PGPORT": str(database["PORT"] or 5432),
        "PGUSER": str(database["USER"] or "postgres"),
    }
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def app_tables() -> dict[str, list[str]]:
    """The tables (models and many-to-many) of every app under test, per app label."""
    found: dict[str, list[str]] = {}
    for label in APPS:
        models = apps.get_app_config(label).get_models(include_auto_created=True)
        found[label] = sorted(
            {m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy}
        )
    return found


def tables(conn: psycopg.Connection) -> list[str]:
    """Every base table in the public schema."""
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def fingerprint(conn: psycopg.Connection, table: str) -> tuple[int, str | None]:
    """Row count and an order-independent hash of every row's text form."""
    # An aggregate without GROUP BY always returns exactly one row.
    count, digest = cast(
        "tuple[int, str | None]",
        conn.execute(
            f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{table}\" t"  # noqa: S608
        ).fetchone(),
    )
    return count, digest


@pytest.fixture
def populated(transactional_db: None) -> None:
    """The demo data plus a little live activity, committed (not inside a test transaction)."""
    if not Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists():
        load_demo()
    assignment = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
    )
    report = Report.objects.filter(assignment=assignment).order_by("quarter").first()
    assert report is not None
    Report.objects.filter(pk=report.pk).update(
        narrative="ข้อความทดสอบการสำรองข้อมูล ๑๒๓ 'quote' \"dq\""
    )
    print_services.print_job_request(
        actor=get_user_model().objects.get(username="evaluator"),
        kind="summary",
        fiscal_year=assignment.indicator.fiscal_year,
        quarter=1,
    )


@pytest.fixture
def scratch_database() -> Iterator[str]:
    name = f"kpi_rel_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(conninfo("postgres"), autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(conninfo("postgres"), autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="PostgreSQL client tools are not installed",
)
def test_dump_restores_every_record(populated: None, scratch_database: str, tmp_path: Path) -> None:
    source_name = settings.DATABASES["default"]["NAME"]
    assert Report.objects.exists() and ReportTransition.objects.exists()
    dump = tmp_path / "kpi.dump"
    started = timezone.now()
    subprocess.run(  # noqa: S603 (fixed arguments)
        [PG_DUMP, "--format=custom", "--no-owner", f"--file={dump}", source_name],
        check=True,
        env=client_env(),
        timeout=TIMEOUT,
        capture_output=True,
    )
    subprocess.run(  # noqa: S603 (fixed arguments)
        [PG_RESTORE, "--no-owner", "--exit-on-error", f"--dbname={scratch_database}", str(dump)],
        check=True,
        env=client_env(),
        timeout=TIMEOUT,
        capture_output=True,
    )
    assert (timezone.now() - started).total_seconds() < TIMEOUT

    with (
        psycopg.connect(conninfo(source_name), connect_timeout=10) as source,
        psycopg.connect(conninfo(scratch_database), connect_timeout=10) as restored,
    ):
        assert tables(restored) == tables(source)
        per_app = app_tables()
        for label, app_names in per_app.items():
            assert app_names, f"no table of {label}"
            assert set(app_names) <= set(tables(source)), label
        names = sorted({name for app_names in per_app.values() for name in app_names})
        original = {name: fingerprint(source, name) for name in names}
        copy = {name: fingerprint(restored, name) for name in names}
        for name in names:
            assert copy[name] == original[name], name
        # The data is really there, not two empty databases agreeing.
        assert original["reports_report"][0] > 0
        assert original["auth_user"][0] >= 5
        assert original[DBTaskResult._meta.db_table][0] >= 1
        # Sequences continue where they were, so new rows do not collide after a restore.
        for name in names:
            row = source.execute(
                "SELECT pg_get_serial_sequence(%s, 'id')", [f'public."{name}"']
            ).fetchone()
            sequence = row[0] if row else None
            if sequence is None:
                continue
            query = f"SELECT last_value, is_called FROM {sequence}"  # noqa: S608
            assert restored.execute(query).fetchone() == source.execute(query).fetchone(), name
