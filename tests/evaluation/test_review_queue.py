"""The review queue: filters, flags, the next report in the same filter, a
confirmation after each decision, and separation of duties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from districts.models import District, Membership, Role
from evaluation import services as evaluation_services
from evaluation.selectors import QueueFilter, next_in_queue, review_queue
from indicators.models import Assignment, ReportingPeriod
from kpi_portal.errors import ActionRefused
from reports.models import Report, ReportTransition, Status
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas


def _submit(report: Report, on: dt.datetime) -> Report:
    Report.objects.filter(pk=report.pk).update(
        status=Status.SUBMITTED, score=None, evaluated_at=None, evaluated_by=None, submitted_at=on
    )
    report.refresh_from_db()
    return report


@pytest.fixture
def waiting(demo: None) -> dict[str, Report]:
    """Four reports waiting: two of 2564 (Huai Khwang Q2 on time, Phra Nakhon Q1 late)
    and two of the current year (submitted now)."""
    hk = Assignment.objects.get(district__code=HUAI_KHWANG, indicator__fiscal_year__year=2564)
    pn = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
    )
    Report.objects.filter(status=Status.SUBMITTED).update(status=Status.EVALUATED, score=1)
    q2_deadline = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=2).deadline
    q1_deadline = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1).deadline
    on_time = timezone.make_aware(dt.datetime.combine(q2_deadline, dt.time(9)))
    late = timezone.make_aware(dt.datetime.combine(q1_deadline + dt.timedelta(days=3), dt.time(9)))
    reports = {
        "hk_2564": _submit(Report.objects.get(assignment=hk, quarter=2), on_time),
        "pn_2564_late": _submit(Report.objects.get(assignment=pn, quarter=1), late),
    }
    ReportTransition.objects.create(
        report=reports["hk_2564"],
        from_status=Status.SUBMITTED,
        to_status=Status.RETURNED,
        at=on_time - dt.timedelta(days=5),
        reason="แก้ไข",
    )
    current = Assignment.objects.filter(
        indicator__fiscal_year__year__gt=2564, district__code__in=[HUAI_KHWANG, PHRA_NAKHON]
    ).order_by("district__code", "indicator__code")[:2]
    for n, assignment in enumerate(current):
        report, _created = Report.objects.get_or_create(assignment=assignment, quarter=1)
        reports[f"current_{n}"] = _submit(report, timezone.now() - dt.timedelta(hours=n))
    return reports


@pytest.mark.django_db
def test_newest_year_first_then_oldest_submission(waiting: dict[str, Report]) -> None:
    order = [r.pk for r in review_queue()]
    assert order == [
        waiting["current_1"].pk,
        waiting["current_0"].pk,
        waiting["pn_2564_late"].pk,
        waiting["hk_2564"].pk,
    ]


@pytest.mark.django_db
def test_filters_by_year_quarter_zone_indicator_and_flags(waiting: dict[str, Report]) -> None:
    def pks(**query: str) -> set[int]:
        return {r.pk for r in review_queue(QueueFilter.from_query(query))}

    assert pks(year="2564") == {waiting["hk_2564"].pk, waiting["pn_2564_late"].pk}
    assert pks(year="2564", quarter="1") == {waiting["pn_2564_late"].pk}
    assert pks(indicator="7.4.1", year="2564") == {waiting["pn_2564_late"].pk}
    assert pks(flag="late") == {waiting["pn_2564_late"].pk}
    assert pks(flag="resubmitted") == {waiting["hk_2564"].pk}
    zone = District.objects.get(code=HUAI_KHWANG).zone_group.code
    assert waiting["hk_2564"].pk in pks(zone=zone)
    assert pks(zone="no-such-zone") == set()
    # Nonsense is ignored, not an error.
    assert QueueFilter.from_query({"year": "abc", "quarter": "9", "status": "x"}) == QueueFilter()


@pytest.mark.django_db
def test_queue_page_shows_flags_and_keeps_the_filter_in_its_links(
    personas: Personas, waiting: dict[str, Report]
) -> None:
    client = personas.client(personas.evaluator)
    response = client.get(reverse("office_queue") + "?year=2564")
    text = visible_text(response)
    assert "ล่าช้า" in text and "ส่งใหม่" in text
    html = response.content.decode()
    assert f'href="/office/reports/{waiting["pn_2564_late"].pk}/?year=2564"' in html
    assert "ไม่มีรายงานตามตัวกรองนี้" in visible_text(
        client.get(reverse("office_queue") + "?year=2564&quarter=4")
    )


@pytest.mark.django_db
def test_after_scoring_a_confirmation_and_the_next_report_in_the_same_filter(
    personas: Personas, waiting: dict[str, Report]
) -> None:
    client = personas.client(personas.evaluator)
    first = waiting["pn_2564_late"]
    url = reverse("office_score", args=[first.pk]) + "?year=2564"
    response = client.post(url, {"score": "80", "reason": "ทดสอบ"}, follow=True)
    # Not the current year's reports, although they come first in the whole queue.
    assert response.redirect_chain[-1][0] == (
        reverse("office_score", args=[waiting["hk_2564"].pk]) + "?year=2564"
    )
    assert "บันทึกคะแนนของสำนักงานเขตพระนคร ตัวชี้วัด 7.4.1 ไตรมาสที่ 1 แล้ว" in visible_text(response)
    # The last one in the filter: back to the (filtered) queue, saying so.
    response = client.post(
        reverse("office_return", args=[waiting["hk_2564"].pk]) + "?year=2564",
        {"comment": "แนบหลักฐานเพิ่ม"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("office_queue") + "?year=2564"
    text = visible_text(response)
    assert "กลับให้แก้ไขแล้ว" in text and "ไม่มีรายงานรอประเมินในตัวกรองนี้แล้ว" in text
    assert next_in_queue(first, QueueFilter(year=2564)) is None


@pytest.mark.django_db
def test_nobody_evaluates_their_own_district_or_their_own_submission(
    personas: Personas, waiting: dict[str, Report]
) -> None:
    report = waiting["hk_2564"]
    # An administrator who is also on Huai Khwang's staff.
    insider = get_user_model().objects.create_user("insider", is_superuser=True, is_staff=True)
    Membership.objects.create(
        user=insider, role=Role.OFFICER, district=District.objects.get(code=HUAI_KHWANG)
    )
    client = personas.client(insider)
    page = visible_text(client.get(reverse("office_score", args=[report.pk])))
    assert "ประเมินรายงานของเขตนี้ไม่ได้" in page
    refused = client.post(reverse("office_score", args=[report.pk]), {"score": "100"})
    assert refused.status_code == 422
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    with pytest.raises(ActionRefused):
        evaluation_services.report_return(report=report, actor=insider, comment="แก้")

    # The evaluator who handed a report in (on the district's behalf) may not score it.
    Report.objects.filter(pk=report.pk).update(submitted_by=personas.evaluator)
    report.refresh_from_db()
    with pytest.raises(ActionRefused, match="ผู้ส่งหรือรับรองรายงานนี้เอง"):
        evaluation_services.report_score(
            report=report, actor=personas.evaluator, score=Decimal(100)
        )


@pytest.mark.django_db
def test_queue_query_count_does_not_grow_with_reports(
    personas: Personas, waiting: dict[str, Report]
) -> None:
    client = personas.client(personas.evaluator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("office_queue") + "?flag=late").status_code == 200
        return len(queries)

    before = count()
    for report in Report.objects.filter(status=Status.EVALUATED)[:10]:
        _submit(report, timezone.now())
    assert count() == before
