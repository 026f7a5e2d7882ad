"""Every page answers in the same number of queries with little data and with a lot:
2 districts' worth of reports or 50, 2 indicators or 22."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from districts.models import District
from indicators.models import Assignment, FiscalYear, Indicator, QuarterTarget, ValidationRule
from printing.models import PrintJob
from reports.models import LetterReference, RatioUpdate, Report, ReportTransition
from tests.helpers import printed
from tests.personas import HUAI_KHWANG, Personas


def grow(year: FiscalYear) -> None:
    """Twenty more indicators for every district, each with reports, updates and history."""
    districts = list(District.objects.all())
    for n in range(20):
        indicator = Indicator.objects.create(
            fiscal_year=year,
            code=f"9.{n}",
            name=f"ตัวชี้วัดทดสอบปริมาณ {n}",
            unit="ร้อยละ",
            indicator_type="mission",
            level="output",
            kind="ratio",
        )
        Assignment.objects.bulk_create(
            Assignment(indicator=indicator, district=d, annual_target=Decimal(100))
            for d in districts
        )
    reports = Report.objects.bulk_create(
        Report(
            assignment=a,
            quarter=q,
            status="submitted",
            result=Decimal(50),
            submitted_at=dt.datetime(2021, 1, 10, tzinfo=dt.UTC),
        )
        for a in Assignment.objects.filter(indicator__code__startswith="9.")
        for q in (1, 2)
    )
    RatioUpdate.objects.bulk_create(
        RatioUpdate(report=r, as_of=dt.date(2020, 12, 1), numerator=1, denominator=2)
        for r in reports
    )
    ReportTransition.objects.bulk_create(
        ReportTransition(
            report=r,
            from_status="draft",
            to_status="submitted",
            at=dt.datetime(2021, 1, 10, tzinfo=dt.UTC),
        )
        for r in reports
    )
    LetterReference.objects.bulk_create(
        LetterReference(report=r, number="กท 1", dated=dt.date(2020, 12, 2), title="ก")
        for r in reports
    )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_data(personas: Personas, hk_sheet: Assignment) -> None:
    year = FiscalYear.objects.get(year=2564)
    officer = personas.client(personas.officer_hk)
    office = personas.client(personas.evaluator)
    PrintJob.objects.create(kind="booklet", fiscal_year=year, requested_by=personas.officer_hk)
    pages = [
        (officer, reverse("district_home", args=[HUAI_KHWANG]) + "?year=2564"),
        (officer, reverse("assignment_sheet", args=[hk_sheet.pk])),
        (officer, reverse("report_page", args=[hk_sheet.pk, 2])),
        (officer, reverse("report_history", args=[hk_sheet.pk, 2])),
        (officer, reverse("prints")),
        (office, reverse("office_home") + "?year=2564&quarter=2"),
        (office, reverse("office_home") + "?year=2564&quarter=2&sort=zone"),
        (office, reverse("office_home") + "?year=2564&quarter=2&sort=-score"),
        (office, reverse("office_queue")),
        (office, reverse("office_queue") + "?year=2564&flag=late"),
        (office, reverse("office_rankings") + "?year=2564&quarter=2"),
        (office, reverse("office_rankings") + "?year=2564&quarter=2&view=zones"),
        (officer, reverse("scorecard", args=[HUAI_KHWANG, 2564]) + "?quarter=2"),
        (office, reverse("scorecard", args=[HUAI_KHWANG, 2564]) + "?quarter=2"),
        (
            office,
            reverse("office_summary") + f"?year=2564&quarter=2&indicator={hk_sheet.indicator_id}",
        ),
        (
            office,
            reverse("office_score", args=[Report.objects.get(assignment=hk_sheet, quarter=2).pk]),
        ),
    ]
    before = {url: count(client, url) for client, url in pages}
    grow(year)
    after = {url: count(client, url) for client, url in pages}
    assert after == before


@pytest.mark.django_db
def test_a_cached_office_matrix_is_served_in_as_many_queries_whatever_the_data(
    personas: Personas,
) -> None:
    """A table from the matrix cache: fewer queries than building it, and as many
    with 22 indicators as with 2 (the page around it reads no cell)."""
    year = FiscalYear.objects.get(year=2564)
    office = personas.client(personas.evaluator)
    url = reverse("office_home") + "?year=2564&quarter=2"
    built = count(office, url)  # renders and fills the cache
    cached = count(office, url)
    grow(year)
    assert count(office, url) == built  # the change bumped the version: built again
    assert count(office, url) == cached < built


@pytest.mark.django_db
def test_a_cached_sheet_pdf_is_found_in_a_few_queries_whatever_the_data(
    personas: Personas, hk_sheet: Assignment, settings: Settings, tmp_path: Path
) -> None:
    """The cached PDF is looked up by a digest the database computes: sign-in,
    access check and that one query, however much else the database holds."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pdf": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    officer = personas.client(personas.officer_hk)
    url = reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
    printed(officer, url)  # printed by the worker's task, and in the cache
    before = count(officer, url)
    grow(FiscalYear.objects.get(year=2564))
    assert count(officer, url) == before <= 6


@pytest.mark.django_db
def test_the_certification_queue_costs_the_same_for_one_report_or_twenty(
    personas: Personas,
) -> None:
    """The head's queue checks every report's rules without a query per report."""
    year = FiscalYear.objects.get(year=2564)
    huai_khwang = District.objects.get(code=HUAI_KHWANG)
    url = reverse("certification_queue", args=[HUAI_KHWANG])
    head = personas.client(personas.head_hk)

    def awaiting(first: int, last: int) -> None:
        for n in range(first, last):
            indicator = Indicator.objects.create(
                fiscal_year=year,
                code=f"8.{n}",
                name=f"ตัวชี้วัดรอรับรอง {n}",
                unit="ร้อยละ",
                indicator_type="mission",
                level="output",
                kind="ratio",
            )
            for kind in ("within_100", "cumulative", "below_target"):
                ValidationRule.objects.create(indicator=indicator, kind=kind)
            ValidationRule.objects.create(indicator=indicator, kind="jump", threshold=10)
            assignment = Assignment.objects.create(
                indicator=indicator, district=huai_khwang, annual_target=Decimal(100)
            )
            QuarterTarget.objects.create(assignment=assignment, quarter=2, target=Decimal(60))
            earlier = Report.objects.create(assignment=assignment, quarter=1, result=Decimal(40))
            report = Report.objects.create(
                assignment=assignment,
                quarter=2,
                status="awaiting_certification",
                result=Decimal(50),
                narrative="รอรับรอง",
            )
            for r, numerator in ((earlier, 40), (report, 50)):
                RatioUpdate.objects.create(
                    report=r, as_of=dt.date(2021, 1, 5), numerator=numerator, denominator=100
                )

    awaiting(0, 1)
    one = count(head, url)
    awaiting(1, 20)
    assert count(head, url) == one
