"""Fixtures shared by the reports tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
from reports.models import Report
from tests.personas import PHRA_NAKHON


@pytest.fixture
def open_budget(demo: None, settings: object, tmp_path: object) -> Assignment:
    """Phra Nakhon's FY2564 budget indicator with Q1 emptied and its deadline extended."""
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
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
