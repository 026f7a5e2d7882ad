"""Fixtures shared by the reports tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import Settings

from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
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
