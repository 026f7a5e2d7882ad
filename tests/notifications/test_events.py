"""What happens to a report becomes a notification for the right people, and an
email that reaches a real SMTP server: Thai subject, both languages, a link."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from districts.models import District
from evaluation.services import report_return, report_score
from indicators.models import Assignment, DeadlineExtension, FiscalYear
from indicators.services import deadline_extend, period_publish
from notifications.models import Email, Kind, Notification, Preference
from notifications.services import emails_deliver
from reports import services as report_services
from reports.models import Report, ReportTransition, Status
from tests.mailbox import Mailbox
from tests.notifications.helpers import current_period
from tests.personas import HUAI_KHWANG, Personas

pytestmark = pytest.mark.django_db


def _submitted(personas: Personas, quarter: int = 1) -> Report:
    """Huai Khwang's first current-year report of the quarter, handed in."""
    period = current_period(quarter)
    assignment = Assignment.objects.filter(
        district__code=HUAI_KHWANG, indicator__fiscal_year=period.fiscal_year
    ).order_by("indicator__code")[0]
    report, _ = Report.objects.update_or_create(
        assignment=assignment,
        quarter=quarter,
        defaults={
            "status": Status.SUBMITTED,
            "submitted_at": timezone.now(),
            "submitted_by": personas.officer_hk,
            "narrative": "ดำเนินการแล้ว",
        },
    )
    return report


def test_a_return_tells_the_districts_officers_and_head_by_portal_and_email(
    personas: Personas, mailbox: Mailbox
) -> None:
    report = _submitted(personas)
    report_return(report=report, actor=personas.evaluator, comment="แนบหลักฐานการเบิกจ่ายด้วย")

    told = Notification.objects.filter(kind=Kind.RETURNED, report=report)
    assert sorted(n.recipient.username for n in told) == ["huaikhwang", "huaikhwang_head"]
    assert all(n.reason == "แนบหลักฐานการเบิกจ่ายด้วย" for n in told)
    assert not Notification.objects.filter(recipient=personas.evaluator).exists()
    assert not Notification.objects.filter(recipient=personas.officer_pn).exists()

    assert emails_deliver() == 2
    assert mailbox.addresses() == ["huaikhwang@example.com", "huaikhwang_head@example.com"]
    mail = mailbox.to("huaikhwang@example.com")[0]
    code = report.assignment.indicator.code
    assert mail.subject == (
        f"[ระบบรายงานตัวชี้วัด สำนักงานเขต] สยป. ส่งรายงานตัวชี้วัด {code} ไตรมาสที่ 1 กลับให้แก้ไข"
    )
    notification = told.get(recipient=personas.officer_hk)
    link = f"https://kpi.example.go.th/notifications/{notification.pk}/"
    for body in (mail.text, mail.html):
        assert "แนบหลักฐานการเบิกจ่ายด้วย" in body
        assert link in body
        assert "quarter 1 report for correction" in body  # the English part, below the Thai
    assert mail.text.index("ส่งรายงานตัวชี้วัด") < mail.text.index("returned indicator")
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.message["Message-ID"].endswith("@kpi-portal.invalid>")


def test_the_email_link_opens_the_report_and_marks_it_read(
    personas: Personas, mailbox: Mailbox
) -> None:
    report = _submitted(personas)
    report_return(report=report, actor=personas.evaluator, comment="แก้ตัวเลข")
    notification = Notification.objects.get(recipient=personas.officer_hk)
    client = personas.client(personas.officer_hk)
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/assignments/{report.assignment_id}/q1/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    # Someone else's notification is not found, and stays unread.
    other = Notification.objects.get(recipient=personas.head_hk)
    assert client.get(f"/notifications/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_email_turned_off_keeps_the_bell_but_sends_nothing(
    personas: Personas, mailbox: Mailbox
) -> None:
    Preference.objects.create(user=personas.head_hk, email=False)
    personas.officer_hk.email = ""
    personas.officer_hk.save()
    report_return(report=_submitted(personas), actor=personas.evaluator, comment="แก้ไข")
    assert Notification.objects.filter(kind=Kind.RETURNED).count() == 2
    assert not Email.objects.exists()
    assert emails_deliver() == 0
    assert mailbox.received == []


def test_the_same_event_is_told_once_however_often_it_is_seen(
    personas: Personas, mailbox: Mailbox
) -> None:
    from notifications.events import on_transition

    report = _submitted(personas)
    transition = report_return(report=report, actor=personas.evaluator, comment="แก้ไข")
    on_transition(transition, True)  # seen again: a retried signal, a second process
    assert Notification.objects.count() == 2
    assert Email.objects.count() == 2
    emails_deliver()
    emails_deliver()
    assert len(mailbox.received) == 2


def test_awaiting_certification_tells_the_head_only(personas: Personas) -> None:
    period = current_period()
    FiscalYear.objects.filter(pk=period.fiscal_year_id).update(head_certification=True)
    report = _submitted(personas)
    Report.objects.filter(pk=report.pk).update(status=Status.AWAITING_CERTIFICATION)
    # (What report_transition writes when the officer hands in; its checks of the
    # report's content are tests/reports' business.)
    ReportTransition.objects.create(
        report=report,
        from_status=Status.DRAFT,
        to_status=Status.AWAITING_CERTIFICATION,
        actor=personas.officer_hk,
        at=timezone.now(),
    )
    assert [n.recipient for n in Notification.objects.all()] == [personas.head_hk]
    assert Notification.objects.get().kind == Kind.AWAITING_CERTIFICATION
    # The head sends it back: the officers hear why.
    report.refresh_from_db()
    report_services.report_transition(
        report=report, to_status=Status.DRAFT, actor=personas.head_hk, reason="ตัวเลขไม่ตรง"
    )
    sent_back = Notification.objects.get(kind=Kind.SENT_BACK)
    assert (sent_back.recipient, sent_back.reason) == (personas.officer_hk, "ตัวเลขไม่ตรง")


def test_an_evaluation_is_told_when_published_not_before(
    personas: Personas, mailbox: Mailbox
) -> None:
    period = current_period()
    report = _submitted(personas)
    report_score(report=report, actor=personas.evaluator, score=Decimal(4))
    assert not Notification.objects.exists(), "unpublished scores are not the district's yet"

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    period_publish(period=period, actor=personas.evaluator, on=tomorrow)
    assert not Notification.objects.exists(), "published from tomorrow: told tomorrow"

    period_publish(period=period, actor=personas.evaluator)
    told = Notification.objects.filter(kind=Kind.PUBLISHED)
    assert sorted(n.recipient.username for n in told) == ["huaikhwang", "huaikhwang_head"]
    assert {n.district.code for n in told} == {HUAI_KHWANG}  # type: ignore[union-attr]
    emails_deliver()
    mail = mailbox.to("huaikhwang@example.com")[0]
    assert f"ไตรมาสที่ 1 ปีงบประมาณ {period.fiscal_year.year} แล้ว" in mail.subject

    # Scored after publication: told at once, about that report.
    other = Report.objects.create(
        assignment=Assignment.objects.filter(
            district__code=HUAI_KHWANG, indicator__fiscal_year=period.fiscal_year
        ).order_by("indicator__code")[1],
        quarter=1,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    report_score(report=other, actor=personas.evaluator, score=Decimal(5))
    assert Notification.objects.filter(kind=Kind.EVALUATED, report=other).count() == 2


def test_an_extension_tells_the_district_its_new_deadline(personas: Personas) -> None:
    period = current_period()
    district = District.objects.get(code=HUAI_KHWANG)
    new_deadline = period.deadline + dt.timedelta(days=10)
    deadline_extend(
        district=district,
        period=period,
        deadline=new_deadline,
        reason="น้ำท่วมสำนักงาน",
        actor=personas.evaluator,
    )
    told = Notification.objects.filter(kind=Kind.EXTENDED)
    assert sorted(n.recipient.username for n in told) == ["huaikhwang", "huaikhwang_head"]
    first = told.first()
    assert first is not None and first.deadline == new_deadline
    assert first.reason == "น้ำท่วมสำนักงาน"
    # Extending again to another day is news again; the same day is not.
    assert DeadlineExtension.objects.count() == 1


def test_a_reopening_tells_the_district(personas: Personas) -> None:
    report = _submitted(personas)
    report_score(report=report, actor=personas.evaluator, score=Decimal(4))
    report.refresh_from_db()
    report_services.report_transition(
        report=report, to_status=Status.REOPENED, actor=personas.evaluator, reason="ขอข้อมูลเพิ่ม"
    )
    told = Notification.objects.filter(kind=Kind.REOPENED)
    assert sorted(n.recipient.username for n in told) == ["huaikhwang", "huaikhwang_head"]
