"""The read replica (kpi_portal/replica.py): which reads go to it, and which never do.

In tests the replica is the test database under a second alias (TEST MIRROR, set up
by tests/conftest.py) and a connection of its own: like a real replica, it sees only
what is committed. So these tests run in real transactions (``transaction=True``),
and a read routed to the replica by mistake inside a write transaction would miss
that transaction's rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from api.models import ApiToken
from districts.models import District, Membership
from indicators.models import Assignment
from kpi_portal.replica import read_alias, reading_from_replica
from reports.models import Report
from tests.api.conftest import issue
from tests.personas import HUAI_KHWANG, SEED_YEAR, Personas

REPLICA = "replica"
BOTH = [DEFAULT_DB_ALIAS, REPLICA]
with_replica = override_settings(DATABASE_REPLICA=REPLICA)


def _tables(captured: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


class Capture:
    """The queries of both aliases while a block runs."""

    def __init__(self) -> None:
        self.primary = CaptureQueriesContext(connections[DEFAULT_DB_ALIAS])
        self.replica = CaptureQueriesContext(connections[REPLICA])

    def __enter__(self) -> Capture:
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


# --- the settings ------------------------------------------------------------------


def settings_process(code: str, **environment: str) -> str:
    """What ``code`` prints with the settings loaded in a new process (DEBUG on)."""
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=Path(__file__).parents[2],
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "kpi_portal.settings",
            "DEBUG": "true",
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_without_a_replica_url_there_is_one_database() -> None:
    shown = settings_process(
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES), settings.DATABASE_REPLICA)"
    )
    assert shown == "['default'] None"


def test_a_replica_url_adds_the_replica_a_test_mirror_of_default() -> None:
    shown = settings_process(
        "from django.conf import settings; r = settings.DATABASES['replica']; "
        "print(settings.DATABASE_REPLICA, r['HOST'], r['NAME'], r['TEST']['MIRROR'])",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/kpi_portal",
    )
    assert shown == "replica replica.internal kpi_portal default"


@pytest.mark.django_db(databases=BOTH)
def test_in_tests_the_replica_is_the_same_database_under_a_second_alias() -> None:
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    assert replica.settings_dict["NAME"] == primary.settings_dict["NAME"]
    assert replica.settings_dict["TEST"]["MIRROR"] == DEFAULT_DB_ALIAS
    assert replica is not primary  # its own connection: it sees committed rows only


# --- the router's choices ----------------------------------------------------------


def test_without_a_replica_everything_reads_from_default() -> None:
    with reading_from_replica():
        assert read_alias(Report) == DEFAULT_DB_ALIAS
        assert read_alias(District) == DEFAULT_DB_ALIAS


@with_replica
def test_only_marked_code_reads_from_the_replica() -> None:
    assert read_alias(Report) == DEFAULT_DB_ALIAS
    with reading_from_replica():
        assert read_alias(Report) == REPLICA
        assert read_alias(Assignment) == REPLICA
        assert read_alias(District) == REPLICA
    assert read_alias(Report) == DEFAULT_DB_ALIAS


@with_replica
def test_who_may_see_what_is_always_read_from_the_primary() -> None:
    with reading_from_replica():
        for model in (get_user_model(), Session, Membership, ApiToken):
            assert read_alias(model) == DEFAULT_DB_ALIAS, model


@with_replica
@pytest.mark.django_db(databases=BOTH)
def test_writes_go_to_the_primary_even_for_rows_read_from_the_replica() -> None:
    with reading_from_replica():
        district = District.objects.using(REPLICA).first()
        assert district is not None
        assert district._state.db == REPLICA
        assert router.db_for_write(District, instance=district) == DEFAULT_DB_ALIAS
        assert router.allow_migrate(REPLICA, "reports") is False
        assert router.allow_migrate(DEFAULT_DB_ALIAS, "reports") is True


@with_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_reads_inside_a_write_transaction_see_its_own_writes(
    personas: Personas, hk_sheet: Assignment
) -> None:
    Report.objects.filter(assignment=hk_sheet, quarter=4).delete()
    with reading_from_replica(), transaction.atomic():
        Report.objects.create(assignment=hk_sheet, quarter=4, narrative="เขียนในธุรกรรม")
        assert read_alias(Report) == DEFAULT_DB_ALIAS
        assert Report.objects.filter(assignment=hk_sheet, quarter=4).exists()
    # Committed: the replica sees it now, and marked reads go there again.
    with reading_from_replica():
        assert read_alias(Report) == REPLICA
        assert Report.objects.filter(assignment=hk_sheet, quarter=4).exists()


# --- the pages that read from it, and one that does not ----------------------------


@with_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_city_dashboard_reads_its_figures_from_the_replica(personas: Personas) -> None:
    client = personas.client(personas.reader)
    with Capture() as queries:
        response = client.get(reverse("dashboard_city"), {"year": SEED_YEAR})
    assert response.status_code == 200
    assert "reports_report" in _tables(queries.replica)
    primary = _tables(queries.primary)
    assert "django_session" in primary and "auth_user" in primary
    assert "reports_report" not in primary


@with_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_streamed_export_reads_its_rows_from_the_replica(personas: Personas) -> None:
    client = personas.client(personas.officer_hk)
    url = reverse("export_district_year", args=[HUAI_KHWANG, SEED_YEAR, "csv"])
    with Capture() as queries:
        response = client.get(url)
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert len(body.decode("utf-8-sig").splitlines()) > 1
    assert "reports_report" in _tables(queries.replica)
    assert "reports_report" not in _tables(queries.primary)
    assert "districts_membership" in _tables(queries.primary)


@with_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_api_reads_data_from_the_replica_and_its_token_from_the_primary(
    personas: Personas,
) -> None:
    _token, secret = issue(personas.admin, every=True)
    with Capture() as queries:
        response = personas.client(None).get(
            reverse("api_v1:districts"), headers={"Authorization": f"Bearer {secret}"}
        )
    assert response.status_code == 200
    assert response.json()["count"] == District.objects.count()
    assert "api_apitoken" in _tables(queries.primary)
    assert "districts_district" in _tables(queries.replica)
    assert "api_apitoken" not in _tables(queries.replica)


@with_replica
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_report_page_never_reads_from_the_replica(
    personas: Personas, hk_sheet: Assignment
) -> None:
    client = personas.client(personas.officer_hk)
    with Capture() as queries:
        response = client.get(reverse("report_page", args=[hk_sheet.pk, 1]))
    assert response.status_code == 200
    assert queries.replica.captured_queries == []
