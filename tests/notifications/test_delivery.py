"""Sending survives a mail server that refuses, fails or is not there: retries,
then a recorded failure, and nothing else breaks. Nothing is ever sent twice,
even when the worker dies and starts again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from evaluation.services import report_return
from notifications.models import Email, Kind, Notification
from notifications.services import emails_deliver
from reports.models import Report, Status
from tests.mailbox import Mailbox, free_port
from tests.notifications.test_events import _submitted
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _returned(personas: Personas) -> Report:
    report = _submitted(personas)
    report_return(report=report, actor=personas.evaluator, comment="แก้ไขตัวเลข")
    return report


def test_a_refusing_server_is_retried_then_the_failure_is_recorded(
    personas: Personas, mailbox: Mailbox, settings: object
) -> None:
    mailbox.refuse = "451 4.3.0 Mailbox busy, try later"
    report = _returned(personas)
    now = timezone.now()
    attempts = 5
    for attempt in range(1, attempts + 1):
        assert emails_deliver(now) == 0
        rows = list(Email.objects.order_by("to"))
        assert {r.attempts for r in rows} == {attempt}
        if attempt < attempts:
            assert {r.state for r in rows} == {Email.State.QUEUED}
            assert all(r.next_attempt_at > now for r in rows)  # waits before the next try
            assert emails_deliver(now) == 0  # not yet due: no new attempt
            assert {r.attempts for r in Email.objects.all()} == {attempt}
            now = max(r.next_attempt_at for r in rows)
    failed = list(Email.objects.all())
    assert {e.state for e in failed} == {Email.State.FAILED}
    assert all("451" in e.last_error and "Mailbox busy" in e.last_error for e in failed)
    assert mailbox.refused == 2 * attempts
    # Nothing else broke: the return stands, the bell still tells, the board shows it.
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    assert Notification.objects.filter(kind=Kind.RETURNED).count() == 2
    page = personas.client(personas.evaluator).get("/office/completeness/")
    assert page.status_code == 200
    assert "ส่งไม่สำเร็จ 2 ฉบับ" in page.content.decode()


def test_a_permanent_refusal_fails_at_once(personas: Personas, mailbox: Mailbox) -> None:
    mailbox.refuse = "554 5.7.1 Relay denied"
    _returned(personas)
    emails_deliver()
    assert {(e.state, e.attempts) for e in Email.objects.all()} == {(Email.State.FAILED, 1)}


def test_a_server_that_is_not_there_leaves_the_mail_queued(
    personas: Personas, settings: object
) -> None:
    settings.MAILERS = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    _returned(personas)
    assert emails_deliver() == 0
    states = sorted((e.state, e.attempts) for e in Email.objects.all())
    # The first message found nobody; the round stopped, the second was not tried.
    assert states == [(Email.State.QUEUED, 0), (Email.State.QUEUED, 1)]
    assert "Connection refused" in Email.objects.get(attempts=1).last_error


def test_a_message_left_sending_by_a_dead_worker_is_never_sent_again(
    personas: Personas, mailbox: Mailbox
) -> None:
    _returned(personas)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Email.objects.filter(to="huaikhwang@example.com").update(
        state=Email.State.SENDING, claimed_at=long_ago, attempts=1
    )
    emails_deliver()
    assert mailbox.addresses() == ["huaikhwang_head@example.com"]
    dead = Email.objects.get(to="huaikhwang@example.com")
    assert dead.state == Email.State.UNKNOWN


def test_a_message_that_cannot_be_made_fails_alone(personas: Personas, mailbox: Mailbox) -> None:
    _returned(personas)
    Email.objects.filter(to="huaikhwang@example.com").update(to="bad\naddress@example.com")
    emails_deliver()
    broken = Email.objects.get(to__startswith="bad")
    assert broken.state == Email.State.FAILED and broken.attempts == 1
    assert mailbox.addresses() == ["huaikhwang_head@example.com"]
