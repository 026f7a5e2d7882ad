from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from districts.models import District
from indicators.models import (
    Assignment,
    FiscalYear,
    Indicator,
    MilestoneStep,
    QuarterTarget,
    ReportingPeriod,
)
from tests.personas import HUAI_KHWANG


@pytest.fixture
def indicator(db: None) -> Indicator:
    year = FiscalYear.objects.create(year=2599)
    return Indicator.objects.create(
        fiscal_year=year,
        code="5.2",
        name="ตัวชี้วัดทดสอบ",
        unit="ร้อยละ",
        indicator_type="strategic",
        level="outcome",
        kind="milestones",
    )


def refused(**_: object) -> pytest.RaisesExc[IntegrityError]:
    return pytest.raises(IntegrityError)


@pytest.mark.django_db
class TestFiscalYear:
    def test_bounds_follow_the_buddhist_era_fiscal_year(self) -> None:
        year = FiscalYear.objects.create(year=2599)
        assert (year.starts_on, year.ends_on) == (dt.date(2055, 10, 1), dt.date(2056, 9, 30))

    def test_christian_era_year_is_refused(self) -> None:
        with refused(), transaction.atomic():
            FiscalYear.objects.create(year=2021)

    @pytest.mark.parametrize("quarter", [0, 5])
    def test_quarter_outside_1_to_4_is_refused(self, quarter: int) -> None:
        year = FiscalYear.objects.create(year=2599)
        with refused(), transaction.atomic():
            ReportingPeriod.objects.create(
                fiscal_year=year, quarter=quarter, deadline=dt.date(2021, 1, 15)
            )

    def test_one_deadline_per_quarter(self) -> None:
        year = FiscalYear.objects.create(year=2599)
        ReportingPeriod.objects.create(fiscal_year=year, quarter=1, deadline=dt.date(2021, 1, 15))
        with refused(), transaction.atomic():
            ReportingPeriod.objects.create(
                fiscal_year=year, quarter=1, deadline=dt.date(2021, 1, 20)
            )


@pytest.mark.django_db
class TestIndicatorConstraints:
    def test_code_unique_within_a_year(self, indicator: Indicator) -> None:
        with refused(), transaction.atomic():
            Indicator.objects.create(
                fiscal_year=indicator.fiscal_year,
                code="5.2",
                name="ซ้ำ",
                unit="ร้อยละ",
                indicator_type="strategic",
                level="outcome",
                kind="value",
            )

    def test_one_step_number_per_indicator(self, indicator: Indicator) -> None:
        MilestoneStep.objects.create(indicator=indicator, number=1, title="ก", weight=20)
        with refused(), transaction.atomic():
            MilestoneStep.objects.create(indicator=indicator, number=1, title="ข", weight=20)

    @pytest.mark.parametrize("weight", [Decimal("-1"), Decimal("100.01")])
    def test_step_weight_between_0_and_100(self, indicator: Indicator, weight: Decimal) -> None:
        with refused(), transaction.atomic():
            MilestoneStep.objects.create(indicator=indicator, number=1, title="ก", weight=weight)

    def test_full_score_must_be_positive(self, indicator: Indicator) -> None:
        indicator.full_score = Decimal(0)
        with refused(), transaction.atomic():
            indicator.save()


@pytest.mark.django_db
class TestAssignmentConstraints:
    def test_one_assignment_per_district_and_indicator(self, indicator: Indicator) -> None:
        district = District.objects.get(code=HUAI_KHWANG)
        Assignment.objects.create(indicator=indicator, district=district, annual_target=100)
        with refused(), transaction.atomic():
            Assignment.objects.create(indicator=indicator, district=district, annual_target=50)

    def test_negative_target_is_refused(self, indicator: Indicator) -> None:
        with refused(), transaction.atomic():
            Assignment.objects.create(
                indicator=indicator,
                district_id=District.objects.get(code=HUAI_KHWANG).pk,
                annual_target=Decimal("-1"),
            )

    def test_quarter_target_once_per_quarter_and_within_1_to_4(self, indicator: Indicator) -> None:
        assignment = Assignment.objects.create(
            indicator=indicator, district=District.objects.get(code=HUAI_KHWANG), annual_target=100
        )
        QuarterTarget.objects.create(assignment=assignment, quarter=1, target=25)
        with refused(), transaction.atomic():
            QuarterTarget.objects.create(assignment=assignment, quarter=1, target=30)
        with refused(), transaction.atomic():
            QuarterTarget.objects.create(assignment=assignment, quarter=5, target=30)
