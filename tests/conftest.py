"""Shared fixtures for the whole suite: the demo data, loaded once, and the
personas working on it (``tests.personas``)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from pytest_django import DjangoDbBlocker

from demo.loader import load_demo
from indicators.models import Assignment
from tests.personas import (
    HK_SEED_ASSIGNMENT,
    PHRA_NAKHON,
    PN_BUDGET_INDICATOR,
    SEED_YEAR,
    Personas,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> None:
    """Load the seed demo data once; every test runs in a transaction around it."""
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db: None) -> None:
    # Browser tests flush the database; whoever comes after them reloads it.
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
