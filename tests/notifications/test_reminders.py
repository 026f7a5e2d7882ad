"""Reminders before a deadline reach exactly the districts that still owe reports,
once per threshold, whatever runs the daily job how often; the office's digest
says what came in and who is late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from districts.models import District, Role
from indicators.models import DeadlineExtension
from notifications.models import DailyRun, Email, Kind, Notification, Preference
from notifications.services import daily_run, emails_deliver
from tests.mailbox import Mailbox
from tests.notifications.helpers import current_period, hand_in, staff
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts(personas: Personas) -> dict[str, District]:
    """Four districts with staff: Huai Khwang and Bang Rak have handed quarter 1
    in, Phra Nakhon and Dusit have not (Dusit's officer has a head too)."""
    period = current_period()
    by_code = {d.code: d for d in District.objects.all()}
    named = {
        "hk": by_code[HUAI_KHWANG],
        "pn": by_code[PHRA_NAKHON],
        "bangrak": District.objects.get(name_th="บางรัก"),
        "dusit": District.objects.get(name_th="ดุสิต"),
    }
    staff(named["bangrak"], "bangrak")
    staff(named["dusit"], "dusit")
    staff(named["dusit"], "dusit_head", Role.HEAD)
    hand_in(named["hk"], period)
    hand_in(named["bangrak"], period)
    return named


def _reminded() -> list[str]:
    return sorted(
        Notification.objects.filter(kind=Kind.DEADLINE).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_reminder_reaches_exactly_the_districts_that_have_not_submitted(
    districts: dict[str, District], mailbox: Mailbox
) -> None:
    period = current_period()
    week_before = period.deadline - dt.timedelta(days=7)
    run = daily_run(today=week_before)
    assert run is not None
    assert _reminded() == ["dusit", "dusit_head", "phranakhon"]
    emails_deliver()
    assert mailbox.addresses() == [
        "dusit@example.com",
        "dusit_head@example.com",
        "phranakhon@example.com",
    ]
    mail = mailbox.to("phranakhon@example.com")[0]
    assert "อีก 7 วันถึงกำหนดส่ง รายงานไตรมาสที่ 1" in mail.subject
    assert "สำนักงานเขตพระนคร ยังไม่ได้ส่ง 2 จาก 2 ตัวชี้วัด" in mail.text
    assert "https://kpi.example.go.th/notifications/" in mail.text
    assert "7 days to the deadline" in mail.text


def test_the_daily_run_happens_once_a_day_and_each_threshold_once(
    districts: dict[str, District], mailbox: Mailbox
) -> None:
    period = current_period()
    week_before = period.deadline - dt.timedelta(days=7)
    assert daily_run(today=week_before) is not None
    assert daily_run(today=week_before) is None  # a second worker, a restart, cron
    # The next days are within seven days too, but the seven-day reminder went.
    for days in (6, 5, 2):
        assert daily_run(today=period.deadline - dt.timedelta(days=days)) is not None
    assert len(_reminded()) == 3
    # The day before: the one-day reminder.
    daily_run(today=period.deadline - dt.timedelta(days=1))
    assert len(_reminded()) == 6
    emails_deliver()
    emails_deliver()
    assert len(mailbox.to("phranakhon@example.com")) == 2
    assert DailyRun.objects.count() == 5


def test_a_district_that_hands_in_is_not_reminded_again(
    districts: dict[str, District], mailbox: Mailbox
) -> None:
    period = current_period()
    daily_run(today=period.deadline - dt.timedelta(days=7))
    hand_in(districts["pn"], period)
    daily_run(today=period.deadline - dt.timedelta(days=1))
    assert _reminded().count("phranakhon") == 1
    assert _reminded().count("dusit") == 2


def test_an_extended_district_is_reminded_before_its_own_deadline(
    districts: dict[str, District], personas: Personas
) -> None:
    period = current_period()
    later = period.deadline + dt.timedelta(days=20)
    DeadlineExtension.objects.create(
        district=districts["pn"],
        period=period,
        deadline=later,
        reason="ขยายเวลา",
        granted_at=timezone.now(),
    )
    daily_run(today=period.deadline - dt.timedelta(days=7))
    assert "phranakhon" not in _reminded()  # its deadline is 27 days away
    daily_run(today=later - dt.timedelta(days=7))
    reminder = Notification.objects.get(kind=Kind.DEADLINE, recipient=personas.officer_pn)
    assert reminder.deadline == later


def test_the_office_gets_a_digest_of_new_submissions_and_late_districts(
    districts: dict[str, District], mailbox: Mailbox, personas: Personas
) -> None:
    from reports.models import Report, ReportTransition, Status

    period = current_period()
    report = Report.objects.filter(
        assignment__district=districts["hk"], quarter=1, status=Status.SUBMITTED
    ).first()
    assert report is not None
    ReportTransition.objects.create(
        report=report,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        actor=personas.officer_hk,
        at=timezone.now(),
    )
    Preference.objects.create(user=personas.admin, digest=False)
    day_after = period.deadline + dt.timedelta(days=1)
    run = daily_run(today=day_after)
    assert run is not None and run.digests == 1
    emails_deliver()
    assert mailbox.addresses() == ["evaluator@example.com"]
    mail = mailbox.received[0]
    assert "สรุปประจำวัน: ส่งใหม่ 1 รายงาน เลยกำหนดวันนี้" in mail.subject
    text = mail.text
    assert "สำนักงานเขตห้วยขวาง: 1" in text
    assert "สำนักงานเขตพระนคร ไตรมาสที่ 1: ยังไม่ส่ง 2 จาก 2" in text
    assert "สำนักงานเขตบางรัก ไตรมาสที่ 1" not in text  # handed in
    assert "https://kpi.example.go.th/office/completeness/" in text


def test_no_digest_when_nothing_happened(mailbox: Mailbox, personas: Personas) -> None:
    period = current_period()
    run = daily_run(today=period.deadline - dt.timedelta(days=30))
    assert run is not None and run.digests == 0
    assert not Email.objects.exists()
