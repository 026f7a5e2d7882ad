from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Assignment
from reports.models import RatioUpdate, Report, Status


@pytest.fixture
def report(pn_budget: Assignment) -> Report:
    return Report.objects.get(assignment=pn_budget, quarter=1)


@pytest.mark.django_db
class TestReportConstraints:
    def test_one_report_per_assignment_and_quarter(self, report: Report) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(assignment=report.assignment, quarter=1)

    @pytest.mark.parametrize("quarter", [0, 5])
    def test_quarter_outside_1_to_4(self, pn_budget: Assignment, quarter: int) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.create(assignment=pn_budget, quarter=quarter)

    @pytest.mark.parametrize("score", [Decimal("-0.01"), Decimal("100.01")])
    def test_score_between_zero_and_full_score(self, report: Report, score: Decimal) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(score=score)

    def test_score_may_equal_full_score(self, report: Report) -> None:
        Report.objects.filter(pk=report.pk).update(score=Decimal(100))
        report.refresh_from_db()
        assert report.score == Decimal(100)

    def test_evaluated_report_needs_a_score(self, report: Report) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status=Status.EVALUATED, score=None)

    def test_unknown_status_is_refused(self, report: Report) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status="approved")


@pytest.mark.django_db
class TestRatioUpdateConstraints:
    def add(self, report: Report, numerator: str, denominator: str) -> RatioUpdate:
        return RatioUpdate.objects.create(
            report=report,
            as_of=dt.date(2020, 12, 1),
            numerator=Decimal(numerator),
            denominator=Decimal(denominator),
        )

    @pytest.mark.parametrize("denominator", ["0", "-5"])
    def test_denominator_must_be_positive(self, report: Report, denominator: str) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            self.add(report, "1", denominator)

    def test_negative_amount_is_refused(self, report: Report) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            self.add(report, "-1", "10")

    def test_percent_is_computed_by_the_database_rounding_half_up(self, report: Report) -> None:
        update = self.add(report, "1", "32")  # 3.125 % -> 3.13
        update.refresh_from_db()
        assert update.percent == Decimal("3.13")

    @pytest.mark.parametrize(
        ("numerator", "denominator", "percent"),
        [
            ("13048289.81", "126392040", "10.32"),
            ("36541036.81", "128365151.00", "28.47"),
            ("58914450.19", "125845960.00", "46.81"),
            ("95136211.13", "124903691", "76.17"),
        ],
    )
    def test_seed_000_percentages(
        self, report: Report, numerator: str, denominator: str, percent: str
    ) -> None:
        update = self.add(report, numerator, denominator)
        update.refresh_from_db()
        assert update.percent == Decimal(percent)
