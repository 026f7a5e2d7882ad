"""The fiscal year copied onto each report for the review queue's order: right
however the row is written, and kept when what it comes from changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import F

from indicators.models import Assignment, FiscalYear, Indicator
from reports.models import Report, Status
from tests.personas import SEED_YEAR

pytestmark = pytest.mark.django_db


def _year_of(report: Report) -> int | None:
    return Report.objects.values_list("fiscal_year_number", flat=True).get(pk=report.pk)


def test_every_report_carries_its_indicators_fiscal_year(hk_sheet: Assignment) -> None:
    assert not Report.objects.filter(fiscal_year_number=None).exists()
    assert not Report.objects.exclude(
        fiscal_year_number=F("assignment__indicator__fiscal_year__year")
    ).exists()
    report = Report.objects.filter(assignment=hk_sheet).first()
    assert report is not None and _year_of(report) == SEED_YEAR


def test_a_save_from_python_never_writes_a_wrong_year(hk_sheet: Assignment) -> None:
    Report.objects.filter(assignment=hk_sheet, quarter=4).delete()
    report = Report.objects.create(
        assignment=hk_sheet, quarter=4, status=Status.DRAFT, result=Decimal(1)
    )
    assert report.fiscal_year_number is None  # set by the database, not in memory
    assert _year_of(report) == SEED_YEAR
    report.fiscal_year_number = 1999  # a stale or wrong value in memory
    report.narrative = "แก้ไขแล้ว"
    report.save()
    assert _year_of(report) == SEED_YEAR


def test_the_year_follows_the_assignment_the_indicator_and_the_year(
    hk_sheet: Assignment,
) -> None:
    report = Report.objects.filter(assignment=hk_sheet).first()
    assert report is not None
    other, _ = FiscalYear.objects.get_or_create(year=SEED_YEAR + 30)
    indicator = Indicator.objects.get(pk=hk_sheet.indicator_id)
    # The indicator moved to another year: all its reports follow.
    Indicator.objects.filter(pk=indicator.pk).update(fiscal_year=other)
    assert _year_of(report) == SEED_YEAR + 30
    # That year renumbered.
    FiscalYear.objects.filter(pk=other.pk).update(year=SEED_YEAR + 31)
    assert _year_of(report) == SEED_YEAR + 31
    # The assignment moved to an indicator of the seed year again.
    back = Indicator.objects.filter(fiscal_year__year=SEED_YEAR).exclude(pk=indicator.pk).first()
    assert back is not None
    Assignment.objects.filter(pk=hk_sheet.pk).update(indicator=back)
    assert _year_of(report) == SEED_YEAR
