"""Fixtures shared by the reports tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import Settings

from districts.models import District
from indicators.fiscal import current_fiscal_year, quarter_bounds, quarter_of
from indicators.models import Assignment, DeadlineExtension, FiscalYear, Indicator, ReportingPeriod
from reports import services
from reports.models import Report
from tests.personas import PHRA_NAKHON


def fill_budget_q1(report: Report, actor: Any, narrative: str = "เบิกจ่ายตามแผน") -> Report:
    """Give Phra Nakhon's Q1 budget report what every submission needs: an update and a text."""
    services.ratio_update_add(
        report=report,
        actor=actor,
        as_of=dt.date(2020, 12, 30),
        numerator=Decimal("13048289.81"),
        denominator=Decimal("126392040.00"),
    )
    services.report_update(report=report, actor=actor, expected_version=None, narrative=narrative)
    report.refresh_from_db()
    return report


@pytest.fixture
def open_budget(demo: None, settings: Settings, tmp_path: Path) -> Assignment:
    """Phra Nakhon's FY2564 budget indicator with Q1 emptied and its deadline extended."""
    settings.MEDIA_ROOT = tmp_path
    assignment = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
    )
    Report.objects.filter(assignment=assignment, quarter=1).delete()
    DeadlineExtension.objects.create(
        district=assignment.district,
        period=ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1),
        deadline=timezone.localdate() + dt.timedelta(days=10),
        reason="ทดสอบ",
        granted_at=timezone.now(),
    )
    return assignment


def next_quarter(district_code: str) -> tuple[Assignment, int, dt.date]:
    """The district's budget indicator in the quarter after today's, and the day it opens.

    In the last quarter of a year that is the next fiscal year's first, set up here,
    so the test holds on any day of the year.
    """
    year = current_fiscal_year()
    quarter = quarter_of(timezone.localdate())
    budget = Assignment.objects.get(
        district__code=district_code, indicator__code="7.4.1", indicator__fiscal_year__year=year
    )
    if quarter < 4:
        return budget, quarter + 1, quarter_bounds(year, quarter + 1)[0]
    fiscal_year, _created = FiscalYear.objects.get_or_create(year=year + 1)
    start, end = quarter_bounds(year + 1, 1)
    ReportingPeriod.objects.get_or_create(
        fiscal_year=fiscal_year, quarter=1, defaults={"deadline": end + dt.timedelta(days=15)}
    )
    source = budget.indicator
    indicator, _created = Indicator.objects.get_or_create(
        fiscal_year=fiscal_year,
        code=source.code,
        defaults={
            "name": source.name,
            "unit": source.unit,
            "indicator_type": source.indicator_type,
            "level": source.level,
            "kind": source.kind,
        },
    )
    assignment, _created = Assignment.objects.get_or_create(
        indicator=indicator,
        district=District.objects.get(code=district_code),
        defaults={"annual_target": Decimal(100)},
    )
    return assignment, 1, start
