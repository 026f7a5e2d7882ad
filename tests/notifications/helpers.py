"""Shared set-ups of the notification tests: the current year's first quarter,
districts that have or have not handed it in, and their staff."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from districts.models import District, Membership, Role
from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, ReportingPeriod
from reports.models import Report, Status


def current_period(quarter: int = 1) -> ReportingPeriod:
    return ReportingPeriod.objects.select_related("fiscal_year").get(
        fiscal_year__year=current_fiscal_year(), quarter=quarter
    )


def hand_in(district: District, period: ReportingPeriod, at: dt.datetime | None = None) -> None:
    """Every report the district owes for the quarter reaches the office."""
    at = at or timezone.now()
    for assignment in Assignment.objects.filter(
        district=district, indicator__fiscal_year=period.fiscal_year
    ):
        Report.objects.update_or_create(
            assignment=assignment,
            quarter=period.quarter,
            defaults={"status": Status.SUBMITTED, "submitted_at": at},
        )


def staff(district: District, username: str, role: str = Role.OFFICER) -> User:
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.com", first_name=username
    )
    Membership.objects.create(user=user, role=role, district=district)
    return user
