"""The demo loader reproduces both seed pages and is idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from pytest_django import Settings

from demo.loader import load_demo
from indicators.models import Assignment, ReportingPeriod, StrategyNode
from reports.models import Report, Status
from tests.personas import HK_SEED_ASSIGNMENT, PHRA_NAKHON


def snapshot() -> dict[str, list[tuple[str, ...]]]:
    """Every row of every portal table, to compare two loads."""
    state = {}
    for app in ("districts", "indicators", "reports", "auth"):
        for model in apps.get_app_config(app).get_models():
            state[model._meta.label] = sorted(
                tuple(str(v) for v in row)
                # get_models() is typed type[Model], which declares no manager; every
                # portal model (and auth's) has `objects`.
                for row in model.objects.values_list()  # type: ignore[attr-defined]
            )
    return state


@pytest.mark.django_db
class TestDemoLoader:
    def test_second_run_changes_nothing(self) -> None:
        load_demo()
        first = snapshot()
        load_demo()
        assert snapshot() == first

    def test_command_refuses_without_debug_unless_told(self, settings: Settings) -> None:
        from django.core.management.base import CommandError

        settings.DEBUG = False
        with pytest.raises(CommandError):
            call_command("demo")
        call_command("demo", "--allow-without-debug")
        assert Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists()


@pytest.mark.django_db
class TestSeed000PhraNakhon:
    def test_budget_updates_with_changing_allocations(self, pn_budget: Assignment) -> None:
        reports = {r.quarter: r for r in pn_budget.reports.prefetch_related("ratio_updates")}
        rows = [
            (q, u.as_of, u.numerator, u.denominator, u.percent)
            for q, r in sorted(reports.items())
            for u in r.ratio_updates.all()
        ]
        assert rows == [
            (
                1,
                dt.date(2020, 12, 30),
                Decimal("13048289.81"),
                Decimal("126392040"),
                Decimal("10.32"),
            ),
            (
                2,
                dt.date(2021, 3, 31),
                Decimal("36541036.81"),
                Decimal("128365151"),
                Decimal("28.47"),
            ),
            (
                3,
                dt.date(2021, 6, 30),
                Decimal("58914450.19"),
                Decimal("125845960"),
                Decimal("46.81"),
            ),
            (
                4,
                dt.date(2021, 9, 10),
                Decimal("95136211.13"),
                Decimal("124903691"),
                Decimal("76.17"),
            ),
        ]
        assert [reports[q].result for q in (1, 2, 3, 4)] == [
            Decimal("10.32"),
            Decimal("28.47"),
            Decimal("46.81"),
            Decimal("76.17"),
        ]
        assert pn_budget.annual_target == Decimal("100.00")
        assert pn_budget.indicator.strategy_nodes.get().code == "7.4.1"

    def test_data_governance_reaches_100_with_notes_per_step(self, demo: None) -> None:
        assignment = Assignment.objects.get(
            district__code=PHRA_NAKHON, indicator__code="5.2", indicator__fiscal_year__year=2564
        )
        q4 = assignment.reports.get(quarter=4)
        assert q4.result == Decimal("100.00")
        assert q4.step_progress.count() == 5
        step1 = assignment.reports.get(quarter=1).step_progress.get(step__number=1)
        assert "ภายในวันที่ 30 ธันวาคม 2563 เรียบร้อยแล้ว" in step1.note


@pytest.mark.django_db
class TestSeed001HuaiKhwang:
    def test_assignment_facts(self, hk_sheet: Assignment) -> None:
        indicator = hk_sheet.indicator
        assert (indicator.code, indicator.component, indicator.unit) == ("5.2", 5, "ร้อยละ")
        assert indicator.name == "ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูลหรือการให้บริการ"
        assert hk_sheet.division is not None
        assert hk_sheet.division.name == "ฝ่ายปกครอง"
        assert hk_sheet.annual_target == Decimal("100")
        assert indicator.get_indicator_type_display() == "ตัวชี้วัดเชิงยุทธศาสตร์"
        assert indicator.get_level_display() == "ตัวชี้วัดระดับผลลัพธ์ (outcome)"
        assert indicator.supporting_projects == "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง"

    def test_quarterly_results_and_scores(self, hk_sheet: Assignment) -> None:
        reports = hk_sheet.reports.order_by("quarter")
        assert [r.result for r in reports] == [Decimal("100.00")] * 4
        assert [(r.score, r.full_score) for r in reports] == [
            (Decimal(100), Decimal(100)),
            (Decimal(95), Decimal(100)),
            (Decimal(100), Decimal(100)),
            (Decimal(100), Decimal(100)),
        ]
        assert {r.status for r in reports} == {Status.EVALUATED}

    def test_assessment_published_up_to_q3(self, hk_sheet: Assignment) -> None:
        published = ReportingPeriod.objects.filter(
            fiscal_year__year=2564, assessment_published_on__isnull=False
        ).values_list("quarter", flat=True)
        assert sorted(published) == [1, 2, 3]

    def test_letter_of_25_june_2564(self, hk_sheet: Assignment) -> None:
        letter = Report.objects.get(assignment=hk_sheet, quarter=3).letters.get()
        assert (letter.number, letter.dated) == ("กท 4810/3336", dt.date(2021, 6, 25))

    def test_strategy_chain(self, hk_sheet: Assignment) -> None:
        node: StrategyNode | None = hk_sheet.indicator.strategy_nodes.get()
        chain = []
        while node is not None:
            chain.append(node.code)
            node = node.parent
        assert chain == ["7.5.1.3", "7.5.1", "7.5", "7"]
        assert StrategyNode.objects.get(code="7").title_en == "Management Strategy"

    def test_extraction_damage_is_repaired(self, hk_sheet: Assignment) -> None:
        indicator = hk_sheet.indicator
        text = " ".join(
            [indicator.definition, indicator.calculation_method, indicator.data_collection]
            + [r.narrative for r in hk_sheet.reports.all()]
        )
        for damaged in ("ท าได้", "ส านัก", "ด าเนิน", "ด้าเนิน", "ส้าคัญ", "ณ นที่", " า"):
            assert damaged not in text
        assert "ทำได้" in indicator.definition
        assert "สำนักยุทธศาสตร์และประเมินผล" in indicator.data_collection


@pytest.mark.django_db
def test_current_year_shows_five_levels_and_weights(demo: None) -> None:
    """The seeds' year stays as printed; the current year has a five-level rule and
    weights adding up to 100 in every district, Huai Khwang's set by itself."""
    from indicators.fiscal import current_fiscal_year
    from indicators.models import Indicator
    from tests.personas import HUAI_KHWANG, PN_BUDGET_INDICATOR, SEED_YEAR

    year = current_fiscal_year()
    budget = Indicator.objects.get(code=PN_BUDGET_INDICATOR, fiscal_year__year=year)
    assert budget.scoring_rule == "five_levels"
    assert budget.level_thresholds == [Decimal(t) for t in (80, 85, 90, 95, 100)]
    budget.full_clean()  # the demo's rule passes the admin's checks
    seeded = Indicator.objects.get(code=PN_BUDGET_INDICATOR, fiscal_year__year=SEED_YEAR)
    assert (seeded.scoring_rule, seeded.weight) == ("proportional", None)
    totals: dict[str, Decimal] = {}
    for a in Assignment.objects.filter(indicator__fiscal_year__year=year).select_related(
        "indicator", "district"
    ):
        totals[a.district.code] = totals.get(a.district.code, Decimal(0)) + (
            a.effective_weight or Decimal(0)
        )
    assert set(totals.values()) == {Decimal(100)} and len(totals) == 50
    own = Assignment.objects.filter(district__code=HUAI_KHWANG, indicator__fiscal_year__year=year)
    assert list(own.order_by("weight").values_list("weight", flat=True)) == [
        Decimal(40),
        Decimal(60),
    ]
