"""A quarter's evaluations reach the districts only once the office publishes them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from evaluation import services as evaluation_services
from indicators import services as indicator_services
from indicators.models import Assignment, PublicationEvent, ReportingPeriod
from kpi_portal.errors import ActionRefused
from reports.models import Report, Status
from tests.helpers import printed, streamed, visible_text
from tests.personas import HUAI_KHWANG, Personas


@pytest.fixture
def scored_unpublished(personas: Personas, hk_sheet: Assignment) -> Report:
    """Huai Khwang's seed Q3 report, scored 77 by the office, its quarter not published."""
    period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=3)
    ReportingPeriod.objects.filter(pk=period.pk).update(assessment_published_on=None)
    report = Report.objects.get(assignment=hk_sheet, quarter=3)
    if report.status != Status.SUBMITTED:
        Report.objects.filter(pk=report.pk).update(status=Status.SUBMITTED, score=None)
        report.refresh_from_db()
    evaluation_services.report_score(
        report=report, actor=personas.evaluator, score=Decimal("77.31"), reason="ทดสอบ"
    )
    report.refresh_from_db()
    assert report.status == Status.EVALUATED
    return report


def district_sees(personas: Personas, report: Report) -> dict[str, str]:
    client = personas.client(personas.officer_hk)
    assignment = report.assignment
    return {
        "home": visible_text(
            client.get(reverse("district_home", args=[HUAI_KHWANG]) + "?year=2564")
        ),
        "report": visible_text(client.get(reverse("report_page", args=[assignment.pk, 3]))),
        "sheet": visible_text(client.get(reverse("assignment_sheet", args=[assignment.pk]))),
        "pdf": _pdf_text(
            printed(
                client, reverse("assignment_sheet_pdf", args=[assignment.pk]) + "?digits=arabic"
            )
        ),
    }


def _pdf_text(response: Any) -> str:
    assert response.status_code == 200
    body = response.content if hasattr(response, "content") else streamed(response)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.django_db
def test_an_unpublished_score_reaches_no_district_page_chip_or_pdf(
    personas: Personas, scored_unpublished: Report
) -> None:
    seen = district_sees(personas, scored_unpublished)
    for page, text in seen.items():
        assert "77.31" not in text, page
    for page in ("home", "report", "sheet"):
        assert "รอประกาศผล" in seen[page], page


@pytest.mark.django_db
def test_publishing_shows_it_and_withdrawing_takes_it_back_on_record(
    personas: Personas, scored_unpublished: Report
) -> None:
    period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=3)
    office = personas.client(personas.evaluator)
    matrix_url = reverse("office_home") + "?year=2564&quarter=3"
    assert "ยังไม่ประกาศผล" in visible_text(office.get(matrix_url))
    published = office.post(reverse("office_publish"), {"period": period.pk})
    assert published.status_code == 302
    seen = district_sees(personas, scored_unpublished)
    for page, text in seen.items():
        assert "77.31" in text, page

    no_reason = office.post(reverse("office_withdraw"), {"period": period.pk, "reason": " "})
    assert no_reason.status_code == 302
    assert "กรุณาระบุเหตุผลที่ถอนประกาศผล" in visible_text(office.get(matrix_url))
    office.post(reverse("office_withdraw"), {"period": period.pk, "reason": "คะแนนเขตหนึ่งผิด"})
    seen = district_sees(personas, scored_unpublished)
    assert all("77.31" not in text for text in seen.values())
    events = list(
        PublicationEvent.objects.filter(period=period).values_list(
            "action", "actor__username", "reason"
        )
    )
    assert events == [
        ("published", "evaluator", ""),
        ("withdrawn", "evaluator", "คะแนนเขตหนึ่งผิด"),
    ]
    page = visible_text(office.get(matrix_url))
    assert "คะแนนเขตหนึ่งผิด" in page  # the last withdrawal, with its reason


@pytest.mark.django_db
def test_a_publication_date_ahead_waits_for_its_day(
    personas: Personas, scored_unpublished: Report
) -> None:
    period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=3)
    indicator_services.period_publish(
        period=period, actor=personas.evaluator, on=timezone.localdate() + dt.timedelta(days=2)
    )
    assert "77.31" not in district_sees(personas, scored_unpublished)["sheet"]


@pytest.mark.django_db
def test_only_the_office_publishes(personas: Personas, scored_unpublished: Report) -> None:
    period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=3)
    with pytest.raises(ActionRefused):
        indicator_services.period_publish(period=period, actor=personas.head_hk)
    assert (
        personas.client(personas.head_hk)
        .post(reverse("office_publish"), {"period": period.pk})
        .status_code
        == 403
    )
    assert ReportingPeriod.objects.get(pk=period.pk).assessment_published_on is None
    assert not PublicationEvent.objects.exists()


def test_public_reports_is_the_database_twin_of_score_is_public(
    personas: Personas, scored_unpublished: Report
) -> None:
    """What may leave the office (public pages, open data, the API) is decided by one
    queryset that agrees with ``score_is_public`` row for row, on any day."""
    from reports.publication import public_reports, score_is_public

    period = ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=3)
    today = timezone.localdate()
    for published_on in (None, today + dt.timedelta(days=1), today):
        ReportingPeriod.objects.filter(pk=period.pk).update(assessment_published_on=published_on)
        periods = {
            (p.fiscal_year_id, p.quarter): p
            for p in ReportingPeriod.objects.select_related("fiscal_year")
        }
        reports = Report.objects.select_related("assignment__indicator")
        expected = {
            r.pk
            for r in reports
            if score_is_public(r, periods.get((r.assignment.indicator.fiscal_year_id, r.quarter)))
        }
        assert set(public_reports(Report.objects.all()).values_list("pk", flat=True)) == expected
        assert (scored_unpublished.pk in expected) == (published_on == today)
