"""Shared fixtures for the whole suite: the demo data, loaded once, and the
personas working on it (``tests.personas``)."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.auth import get_user_model
from pytest_django import DjangoDbBlocker
from pytest_django.plugin import blocking_manager_key

from demo.loader import load_demo
from indicators.models import Assignment
from tests.personas import (
    HK_SEED_ASSIGNMENT,
    PHRA_NAKHON,
    PN_BUDGET_INDICATOR,
    SEED_YEAR,
    Personas,
)
from tests.s3 import s3_bucket, s3_server  # noqa: F401 (fixtures for every test module)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """Load the seed demo data once; every test runs in a transaction around it."""
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db: None) -> None:
    # Transactional tests (browser, reliability) flush the database; the next test in
    # a transaction finds it put back (pytest_runtest_setup below), and this is the
    # fallback for anything else that empties it.
    if not Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists():
        load_demo()


@pytest.fixture
def personas(demo: None) -> Personas:
    users = {u.username: u for u in get_user_model().objects.all()}
    return Personas(
        officer_hk=users["huaikhwang"],
        officer_pn=users["phranakhon"],
        head_hk=users["huaikhwang_head"],
        evaluator=users["evaluator"],
        admin=users["admin"],
        reader=users["reader"],
    )


@pytest.fixture
def hk_sheet(demo: None) -> Assignment:
    """Huai Khwang's indicator 5.2 in FY2564: the assignment of seed 001."""
    return Assignment.objects.get(code=HK_SEED_ASSIGNMENT)


@pytest.fixture
def pn_budget(demo: None) -> Assignment:
    """Phra Nakhon's budget-disbursement indicator in FY2564 (seed 000)."""
    return Assignment.objects.get(
        district__code=PHRA_NAKHON,
        indicator__code=PN_BUDGET_INDICATOR,
        indicator__fiscal_year__year=SEED_YEAR,
    )


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real hashing costs ~1 s per demo user on these machines; tests check who
    # may do what, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    # Under pytest-xdist (bin/test) each worker has its own test database
    # (test_<name>_gw0, ...), and with it its own PDF cache (a table); it gets its
    # own uploads folder too, for itself and for the worker commands it starts
    # (they read the environment).
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        media = Path(settings.MEDIA_ROOT) / f"xdist-{worker}"
        settings.MEDIA_ROOT = media
        os.environ["MEDIA_ROOT"] = str(media)

    # The read replica's alias, for the tests that turn it on (DATABASE_REPLICA,
    # tests/kpi_portal/test_replica.py): the test database under a second name.
    # Without DATABASE_REPLICA set, the router never uses it.
    databases = cast("dict[str, Any]", settings.DATABASES)
    databases.setdefault("replica", {**databases["default"], "TEST": {"MIRROR": "default"}})


_GROUP_IGNORED = pytest.StashKey[bool]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """An xdist_group mark must keep its tests on one worker (bin/test: --dist loadgroup).
    pytest-xdist 3.8 groups by suffixing node ids, which pytest 9.2 no longer lets it
    do (pytest-xdist issue 1386): such a test fails instead of running ungrouped."""
    if not getattr(config.option, "loadgroup", False):
        return  # not an xdist worker distributing by group
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            item.stash[_GROUP_IGNORED] = True


_FLUSHED = pytest.StashKey[bool]()


def _flushes_the_database(item: pytest.Item) -> bool:
    """A transactional test: pytest-django empties every table after it."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & fixtures
    )


def _uses_the_database(item: pytest.Item) -> bool:
    return bool(item.get_closest_marker("django_db")) or "_django_db_helper" in set(
        getattr(item, "fixturenames", ())
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    yield
    if _flushes_the_database(item):
        item.config.stash[_FLUSHED] = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """After a transactional test has flushed the database, a test that runs inside a
    transaction finds what the session started with again (the data migrations' rows
    and the demo data), committed: otherwise each such test would load the demo data
    again inside its own transaction, and see a database that depends on which tests
    this process ran before it (pytest-django runs transactional tests last, but
    xdist groups and explicit orders may not)."""
    if item.stash.get(_GROUP_IGNORED, False):
        pytest.fail(
            "pytest-xdist ignores this test's xdist_group mark under this pytest "
            "(pytest-xdist issue 1386): upgrade pytest-xdist, or run it with "
            "KPI_TEST_WORKERS=1 or --dist loadfile.",
            pytrace=False,
        )
    if not item.config.stash.get(_FLUSHED, False):
        return
    if not _uses_the_database(item) or _flushes_the_database(item):
        return
    from django.db import connection

    item.config.stash[_FLUSHED] = False
    with item.config.stash[blocking_manager_key].unblock():
        if Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists():
            return
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)
        load_demo()


@pytest.fixture(autouse=True)
def _sheet_pdfs_without_waiting(settings: Any) -> None:
    # No print worker runs beside most tests: a request waiting for one would only
    # wait (tests that start workers set their own wait).
    settings.PRINT_SHEET_WAIT_MS = 0


@pytest.fixture(autouse=True)
def _empty_public_cache() -> Generator[None]:
    """Every test starts with an empty public cache (public pages, dashboards' public
    figures) and matrix cache: the caches live in the process, and a database rolled
    back after a test starts its versions again, so an entry could outlive its data."""
    from django.core.cache import caches

    for name in ("public", "matrix"):
        caches[name].clear()
    yield
    for name in ("public", "matrix"):
        caches[name].clear()
