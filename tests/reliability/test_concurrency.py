"""Many officers saving and submitting the same report at the same moment.

Eight separate processes log in to the live server through the login form,
open Phra Nakhon's FY2564 budget report for Q1, wait for a common start signal
and then post at once: half save the narrative (each with the version the page
showed), half submit. Every request must get a definite answer, exactly the
winners' changes may be stored, and nothing may be duplicated.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from demo.loader import DEMO_PASSWORD, load_demo
from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
from reports import services
from reports.models import Report, ReportTransition, Status
from tests.personas import HK_SEED_ASSIGNMENT, PHRA_NAKHON

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKERS = 8
START_VERSION = 2  # the report as the workers find it: started, one ratio update added
REQUEST_TIMEOUT = 30.0
CONFLICT = "มีผู้อื่นบันทึกรายงานนี้ระหว่างที่คุณแก้ไข"
WORKER_SCRIPT = Path(__file__).with_name("http_worker.py")
THAI = range(0x0E00, 0x0E80)


@pytest.fixture
def budget_q1(transactional_db: None) -> Assignment:
    """Phra Nakhon's FY2564 budget indicator: Q1 emptied, deadline extended, real password."""
    if not Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists():
        load_demo()
    officer = get_user_model().objects.get(username="phranakhon")
    officer.set_password(DEMO_PASSWORD)
    officer.save(update_fields=["password"])
    assignment = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
    )
    Report.objects.filter(assignment=assignment, quarter=1).delete()
    DeadlineExtension.objects.update_or_create(
        district=assignment.district,
        period=ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1),
        defaults={
            "deadline": timezone.localdate() + dt.timedelta(days=10),
            "reason": "ทดสอบ",
            "granted_at": timezone.now(),
        },
    )
    # The quarter's figures are in; only its narrative is being written.
    report = services.report_start(assignment=assignment, quarter=1, actor=officer)
    services.ratio_update_add(
        report=report,
        actor=officer,
        as_of=dt.date(2020, 12, 30),
        numerator=Decimal("13048289.81"),
        denominator=Decimal("126392040.00"),
    )
    assert Report.objects.get(pk=report.pk).version == START_VERSION
    return assignment


def run_workers(base_url: str, posts: list[tuple[str, str]], page: str) -> list[dict]:
    """Start one process per (path, narrative), release them together, collect answers."""
    processes = [
        subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                sys.executable,
                str(WORKER_SCRIPT),
                base_url,
                page,
                path,
                "phranakhon",
                DEMO_PASSWORD,
                narrative,
                str(REQUEST_TIMEOUT),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path, narrative in posts
    ]
    try:
        for process in processes:
            ready = process.stdout.readline().strip()  # type: ignore[union-attr]
            assert ready == "READY", process.stderr.read()  # type: ignore[union-attr]
        for process in processes:
            process.stdin.write("GO\n")  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
        answers = []
        for process in processes:
            out, err = process.communicate(timeout=REQUEST_TIMEOUT + 10)
            assert process.returncode == 0, err
            answers.append(json.loads(out.strip().splitlines()[-1]))
        return answers
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def assert_constraints_hold() -> None:
    """Every constraint of the database still validates against the stored rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE contype IN ('c', 'f') AND NOT convalidated"
        )
        assert cursor.fetchall() == []
    for report in Report.objects.all():
        report.validate_constraints()


def is_thai(text: str) -> bool:
    return any(ord(c) in THAI for c in text)


def test_simultaneous_saves_and_submissions_of_one_report(
    live_server: LiveServer, budget_q1: Assignment
) -> None:
    page = reverse("report_page", args=[budget_q1.pk, 1])
    submit = reverse("report_submit", args=[budget_q1.pk, 1])
    texts = [f"รายงานผลการเบิกจ่าย ฉบับของผู้ส่งคนที่ {i} — {'ก' * (i + 1)}" for i in range(WORKERS)]
    posts = [(page if i % 2 == 0 else submit, texts[i]) for i in range(WORKERS)]

    started = time.monotonic()
    answers = run_workers(live_server.url, posts, page)
    assert time.monotonic() - started < 60

    is_submit = [i % 2 == 1 for i in range(WORKERS)]
    for answer in answers:
        # A definite answer: success (a redirect back to the page) or a Thai refusal.
        assert answer["status"] in (302, 422), answer
        if answer["status"] == 422:
            assert answer["conflict"] or any(is_thai(e) for e in answer["errors"]), answer
        else:
            assert answer["location"].endswith(page), answer

    report = Report.objects.get(assignment=budget_q1, quarter=1)  # exactly one row
    # Every page was read before any post: all writes started from the same version.
    assert {a["version_sent"] for a in answers} == {START_VERSION}
    # A submission saves the page's text first, under the same version check as a
    # save: of all the writers exactly one wins, and every other is told why.
    winners = [i for i, a in enumerate(answers) if a["status"] == 302]
    assert len(winners) == 1
    winner = winners[0]
    # No lost update: the stored text is the winner's.
    assert report.narrative == texts[winner]
    transitions = sorted(report.transitions.values_list("from_status", "to_status"))
    if is_submit[winner]:
        # The text's save and the status change each claimed one version.
        assert report.version == START_VERSION + 2
        assert report.status == Status.SUBMITTED
        assert report.submitted_at is not None
        assert transitions == [("", Status.DRAFT), (Status.DRAFT, Status.SUBMITTED)]
    else:
        assert report.version == START_VERSION + 1
        assert report.status == Status.DRAFT
        assert transitions == [("", Status.DRAFT)]
    for i, answer in enumerate(answers):
        if i != winner:
            assert answer["conflict"] or any("แก้ไขไม่ได้" in e for e in answer["errors"]), answer
    assert_constraints_hold()


def test_simultaneous_saves_of_an_open_draft_lose_nothing(
    live_server: LiveServer, budget_q1: Assignment
) -> None:
    officer = get_user_model().objects.get(username="phranakhon")
    report = services.report_start(assignment=budget_q1, quarter=1, actor=officer)
    services.report_update(
        report=report, actor=officer, expected_version=START_VERSION, narrative="ฉบับแรก"
    )
    page = reverse("report_page", args=[budget_q1.pk, 1])
    texts = [f"ข้อความของผู้บันทึกคนที่ {i}" for i in range(WORKERS)]

    answers = run_workers(live_server.url, [(page, t) for t in texts], page)

    assert {a["version_sent"] for a in answers} == {START_VERSION + 1}
    winners = [texts[i] for i, a in enumerate(answers) if a["status"] == 302]
    losers = [a for a in answers if a["status"] != 302]
    assert len(winners) == 1, answers
    for answer in losers:
        assert answer["status"] == 422 and answer["conflict"], answer
    report.refresh_from_db()
    assert report.narrative == winners[0]
    assert report.version == START_VERSION + 2
    assert report.status == Status.DRAFT
    assert Report.objects.filter(assignment=budget_q1, quarter=1).count() == 1
    assert ReportTransition.objects.filter(report=report).count() == 1
    assert_constraints_hold()
