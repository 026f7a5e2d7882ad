"""The daily run forgets old notifications and finished emails, and never an
email still waiting to go or anything young enough to be seen again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from notifications.models import Email, Kind, Notification
from notifications.services import daily_run, emails_deliver, notifications_prune, notify
from tests.mailbox import Mailbox
from tests.notifications.helpers import current_period
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _notice(user: User, key: str, at: dt.datetime) -> Notification:
    [made] = notify([user], kind=Kind.PUBLISHED, key=key, now=at, period=current_period())
    return made


def test_old_notifications_and_finished_emails_go_queued_ones_stay(
    personas: Personas, mailbox: Mailbox
) -> None:
    now = timezone.now()
    officer = personas.officer_hk
    old = _notice(officer, "published:old", now - dt.timedelta(days=400))
    young = _notice(officer, "published:young", now - dt.timedelta(days=10))
    emails_deliver(now)  # both sent: the old one's email is sent, and 400 days old
    waiting = _notice(officer, "published:waiting", now - dt.timedelta(days=200))
    Email.objects.filter(notification=waiting).update(next_attempt_at=now + dt.timedelta(days=1))
    assert Email.objects.filter(state=Email.State.SENT).count() == 2

    client = Client()
    client.force_login(officer)
    before = client.get(reverse("notifications")).content.decode()
    assert f"/notifications/{old.pk}/" in before

    pruned = notifications_prune(now)

    assert pruned == {"emails": 1, "notifications": 1}
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert Notification.objects.filter(pk__in=[young.pk, waiting.pk]).count() == 2
    # The email still waiting to be sent is never forgotten.
    assert Email.objects.filter(notification=waiting, state=Email.State.QUEUED).exists()
    assert Email.objects.filter(notification=young, state=Email.State.SENT).exists()
    after = client.get(reverse("notifications")).content.decode()
    assert f"/notifications/{old.pk}/" not in after
    assert f"/notifications/{young.pk}/" in after


@override_settings(NOTIFY_KEEP_DAYS=1, EMAIL_KEEP_DAYS=0)
def test_nothing_younger_than_thirty_days_is_pruned_whatever_the_settings(
    personas: Personas, mailbox: Mailbox
) -> None:
    now = timezone.now()
    notice = _notice(personas.officer_hk, "published:recent", now - dt.timedelta(days=8))
    emails_deliver(now)
    assert notifications_prune(now) == {"emails": 0, "notifications": 0}
    assert Notification.objects.filter(pk=notice.pk).exists()
    # Seen again (publications are looked back on for a week), it stays one notice.
    assert notify([personas.officer_hk], kind=Kind.PUBLISHED, key="published:recent", now=now) == []
    assert len(mailbox.to(personas.officer_hk.email)) == 1


def test_the_daily_run_prunes(personas: Personas) -> None:
    now = timezone.now()
    old = _notice(personas.officer_hk, "published:ancient", now - dt.timedelta(days=500))
    assert daily_run(now=now) is not None
    assert not Notification.objects.filter(pk=old.pk).exists()
