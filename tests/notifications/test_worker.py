"""The real worker (manage.py print_worker and its periodic tick) sends the
day's reminders by itself; killed and started again it sends nobody anything
twice, and what it could not send before it died goes out after."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from demo.loader import load_demo
from districts.models import District
from indicators.models import Assignment, ReportingPeriod
from notifications.models import DailyRun, Email, Notification
from tests.mailbox import Mailbox
from tests.notifications.helpers import current_period, staff
from tests.personas import HK_SEED_ASSIGNMENT
from tests.reliability.test_faults import start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    if not Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists():
        load_demo()


@pytest.fixture
def worker_env(smtp_server: Mailbox) -> dict[str, str]:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_RETRY_SECONDS": "4",
        "NOTIFY_TICK_SECONDS": "1",
        "NOTIFY_DAILY_AT": "00:00",
        "PORTAL_URL": "https://kpi.example.go.th",
    }


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_reminders_reach_each_person_once_across_a_killed_worker(
    demo_data: None,
    smtp_server: Mailbox,
    worker_env: dict[str, str],
    tmp_path: Path,
    workers: list[subprocess.Popen[bytes]],
) -> None:
    period = current_period()
    ReportingPeriod.objects.filter(pk=period.pk).update(
        deadline=timezone.localdate() + dt.timedelta(days=3)
    )
    for name in ("บางรัก", "ดุสิต", "บางซื่อ"):
        district = District.objects.get(name_th=name)
        staff(district, f"staff_{district.code}")
    # The server is busy at first: the first worker reminds, fails to send, dies.
    smtp_server.refuse = "451 4.3.0 Try again later"
    workers.append(start_worker(tmp_path, tmp_path, command="print_worker", env=worker_env))
    # Killed while it waits to retry (a message being sent at the moment of death
    # is never sent again: tests/notifications/test_delivery.py).
    wait_for(
        lambda: (
            smtp_server.refused >= 6
            and not Email.objects.filter(state=Email.State.SENDING).exists()
        ),
        60,
        "the first worker to try every message",
    )
    workers[0].kill()
    assert workers[0].wait(timeout=10) == -9
    reminded = sorted(Notification.objects.values_list("recipient__email", flat=True))
    # Phra Nakhon's officer, Huai Khwang's officer and head, the three new ones.
    assert len(reminded) == 6
    assert DailyRun.objects.count() == 1

    smtp_server.refuse = None
    workers.append(start_worker(tmp_path, tmp_path, command="print_worker", env=worker_env))
    wait_for(lambda: len(smtp_server.received) >= len(reminded), 60, "every reminder")
    # A few more ticks of the new worker: nothing more may go.
    sent_then = len(smtp_server.received)
    time.sleep(2.5)
    assert len(smtp_server.received) == sent_then
    assert smtp_server.addresses() == reminded  # each person exactly once
    assert DailyRun.objects.count() == 1  # the restart did not run the day again
    assert set(Email.objects.values_list("state", flat=True)) == {Email.State.SENT}
