"""Login throttling as production runs it: nginx (deploy/proxy.conf) in front of gunicorn.

Over TCP gunicorn sees every client at nginx's address, over a Unix socket at no
address at all; the portal must take the client's address from the forwarded
header nginx writes, and only from nginx. Each visitor below connects from its
own loopback address, so nginx sees them as different machines.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.proxy import Portal, Visitor, portal_behind_nginx

PASSWORD = "the-owners-password"
LOCKED = "เข้าสู่ระบบไม่สำเร็จหลายครั้ง"
SLOWED = "กรุณารอ"
# The fifth failure for a (username, address) pair already answers with the lock.
LOCKED_AT_FIFTH = [200, 200, 200, 200, 429]


@pytest.fixture(scope="module")
def portal(django_db_setup: None) -> Iterator[Portal]:
    # Under /tmp itself: nginx's workers must reach the Unix socket.
    with (
        tempfile.TemporaryDirectory(prefix="kpi-proxy-") as directory,
        portal_behind_nginx(
            Path(directory),
            database_name=connection.settings_dict["NAME"],
            environment={
                "AXES_FAILURE_LIMIT": "5",
                "LOGIN_SLOWDOWN_AFTER": "10",
                "LOGIN_SLOWDOWN_SECONDS": "30",  # longer than any pause in the test
            },
        ) as running,
    ):
        yield running


def owner(username: str) -> None:
    get_user_model().objects.create_user(username, password=PASSWORD)


def fail(visitor: Visitor, username: str, times: int, **headers: str) -> list[int]:
    return [visitor.sign_in(username, "wrong", headers=headers).status for _ in range(times)]


@pytest.mark.django_db(transaction=True)
class TestBehindNginx:
    def test_guessing_from_one_machine_does_not_lock_the_owner_out(self, portal: Portal) -> None:
        owner("evaluator-tcp")
        attacker = Visitor(portal.tcp, "127.0.0.21")
        assert fail(attacker, "evaluator-tcp", 5) == LOCKED_AT_FIFTH
        # The attacker's machine is locked, even with the right password ...
        assert attacker.sign_in("evaluator-tcp", PASSWORD).status == 429
        # ... while the owner, at their own desk, signs in.
        assert Visitor(portal.tcp, "127.0.0.11").sign_in("evaluator-tcp", PASSWORD).status == 302

    def test_over_a_unix_socket_guessing_is_locked(self, portal: Portal) -> None:
        owner("admin-unix")
        attacker = Visitor(portal.unix, "127.0.0.23")
        assert fail(attacker, "admin-unix", 5) == LOCKED_AT_FIFTH
        locked = attacker.sign_in("admin-unix", PASSWORD)
        assert locked.status == 429 and LOCKED in locked.text
        assert Visitor(portal.unix, "127.0.0.12").sign_in("admin-unix", PASSWORD).status == 302

    def test_a_forged_forwarded_for_changes_nothing(self, portal: Portal) -> None:
        owner("evaluator-forged")
        through_nginx = Visitor(portal.tcp, "127.0.0.24")
        statuses = [
            through_nginx.sign_in(
                "evaluator-forged", "wrong", headers={"X-Forwarded-For": f"10.9.8.{n}"}
            ).status
            for n in range(5)
        ]
        assert statuses == LOCKED_AT_FIFTH
        assert through_nginx.sign_in("evaluator-forged", PASSWORD).status == 429
        # Straight to gunicorn, not from a trusted proxy: the header is not believed either.
        direct = Visitor(portal.direct, "127.0.0.25")
        for n in range(5):
            direct.sign_in("evaluator-forged", "wrong", headers={"X-Forwarded-For": f"10.7.{n}.1"})
        assert direct.sign_in("evaluator-forged", PASSWORD).status == 429

    def test_guessing_from_many_machines_is_slowed_but_not_the_owner(self, portal: Portal) -> None:
        owner("evaluator-many")
        desk = Visitor(portal.tcp, "127.0.0.13")
        assert desk.sign_in("evaluator-many", PASSWORD).status == 302  # a known address
        for machine, times in (("127.0.0.31", 4), ("127.0.0.32", 4), ("127.0.0.33", 2)):
            assert fail(Visitor(portal.tcp, machine), "evaluator-many", times) == [200] * times
        # Ten failures from three machines, none of them locked: a fourth machine
        # must wait, and its password is not even tried (the right one is refused too).
        slowed = Visitor(portal.tcp, "127.0.0.34").sign_in("evaluator-many", PASSWORD)
        assert slowed.status == 429
        assert SLOWED in slowed.text and int(slowed.headers["Retry-After"]) >= 1
        # The owner, from the desk they signed in at before, is not held back.
        assert Visitor(portal.tcp, "127.0.0.13").sign_in("evaluator-many", PASSWORD).status == 302


@pytest.mark.django_db
def test_an_empty_client_address_is_still_locked() -> None:
    """A Unix-socket peer with nothing forwarded (a proxy that sets no header)."""
    owner("admin-empty")
    client = Client(REMOTE_ADDR="")
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "admin-empty", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "admin-empty", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
