"""`manage.py synth`: reproducible synthetic data at a scale, and its refusal of demo databases."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pgtrigger
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone
from pytest_django import Settings

from demo.synthetic import SMALL
from districts.models import Division, Membership
from evaluation.scorecard import weight_totals
from indicators.fiscal import QUARTERS, current_fiscal_year, quarter_bounds
from indicators.models import (
    Assignment,
    DeadlineExtension,
    FiscalYear,
    Indicator,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    StrategyNode,
)
from printing.models import PrintJob
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    StepProgress,
    YearSummary,
)
from reports.scoring import suggested_score


def _clear() -> None:
    """Empty every table the command writes (inside the test's transaction)."""
    model: type[
        ReportTransition
        | PrintJob
        | DeadlineExtension
        | YearSummary
        | Report
        | QuarterTarget
        | Assignment
        | MilestoneSubItem
        | MilestoneStep
        | Indicator
    ]
    with pgtrigger.ignore():
        for model in (ReportTransition, PrintJob, DeadlineExtension, YearSummary, Report):
            model.objects.all().delete()
        for model in (QuarterTarget, Assignment, MilestoneSubItem, MilestoneStep, Indicator):
            model.objects.all().delete()
        while StrategyNode.objects.exists():
            StrategyNode.objects.filter(children__isnull=True).delete()
        ReportingPeriod.objects.all().delete()
        FiscalYear.objects.all().delete()
        Membership.objects.all().delete()
        Division.objects.all().delete()
        get_user_model().objects.all().delete()


def _synth(*args: str) -> str:
    out = StringIO()
    call_command("synth", "--scale", "small", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> dict[str, list[Any]]:
    report_key = (
        "report__assignment__code",
        "report__assignment__district__code",
        "report__quarter",
    )
    return {
        "users": list(
            get_user_model()
            .objects.order_by("username")
            .values_list("username", "first_name", "last_name", "password")
        ),
        "nodes": list(StrategyNode.objects.order_by("code").values_list("code", "title")),
        "indicators": list(
            Indicator.objects.order_by("fiscal_year__year", "code").values_list(
                "fiscal_year__year",
                "code",
                "name",
                "kind",
                "unit",
                "full_score",
                "scoring_rule",
                "level_1",
                "level_5",
                "definition",
            )
        ),
        "steps": list(
            MilestoneStep.objects.order_by(
                "indicator__fiscal_year__year", "indicator__code", "number"
            ).values_list("indicator__code", "number", "title", "weight", "due_date")
        ),
        "assignments": list(
            Assignment.objects.order_by("district__code", "code").values_list(
                "district__code", "code", "division__name", "annual_target"
            )
        ),
        "reports": list(
            Report.objects.order_by(
                "assignment__district__code", "assignment__code", "quarter"
            ).values_list(
                "assignment__code",
                "quarter",
                "status",
                "result",
                "narrative",
                "score",
                "suggested_score",
                "created_at",
                "updated_at",
                "submitted_at",
                "evaluated_at",
                "evaluated_by__username",
                "version",
            )
        ),
        "ratios": list(
            RatioUpdate.objects.order_by(*report_key, "as_of", "numerator").values_list(
                *report_key, "as_of", "numerator", "denominator", "percent"
            )
        ),
        "progress": list(
            StepProgress.objects.order_by(*report_key, "step__number").values_list(
                *report_key, "step__number", "done_on"
            )
        ),
        "transitions": list(
            ReportTransition.objects.order_by(*report_key, "at", "to_status").values_list(
                *report_key, "from_status", "to_status", "at", "actor__username", "reason"
            )
        ),
        "letters": list(
            LetterReference.objects.order_by(*report_key, "dated", "number").values_list(
                *report_key, "number", "dated", "title"
            )
        ),
        "evidence": list(
            EvidenceFile.objects.order_by("file").values_list(
                *report_key, "file", "original_name", "size"
            )
        ),
    }


@pytest.fixture(autouse=True)
def development_machine(settings: Settings) -> None:
    """synth refuses to run with DEBUG off (it creates users with a known password)."""
    settings.DEBUG = True


@pytest.mark.django_db
def test_same_seed_loads_the_same_content() -> None:
    _clear()
    _synth("--seed", "7", "--force")
    first = _snapshot()
    _clear()
    _synth("--seed", "7", "--force")
    second = _snapshot()
    assert first["reports"], "nothing was loaded"
    for table, rows in first.items():
        assert rows == second[table], table
    _clear()
    _synth("--seed", "8", "--force")
    assert _snapshot()["reports"] != first["reports"]


@pytest.mark.django_db
def test_counts_match_the_small_scale_and_values_are_sane() -> None:
    _clear()
    report_event = apps.get_model("reports", "ReportEvent")
    events_before = report_event.objects.count()
    output = _synth("--seed", "3", "--force")
    current = current_fiscal_year()
    today = timezone.localdate()
    started_now = sum(1 for q in QUARTERS if quarter_bounds(current, q)[0] <= today)
    pairs = SMALL.districts * SMALL.indicators

    assert "FY" in output and "synth: seed 3 loaded" in output
    assert list(FiscalYear.objects.order_by("year").values_list("year", flat=True)) == list(
        range(current - SMALL.years + 1, current + 1)
    )
    assert ReportingPeriod.objects.count() == 4 * SMALL.years
    assert Indicator.objects.count() == SMALL.years * SMALL.indicators
    assert Assignment.objects.count() == SMALL.years * pairs
    assert QuarterTarget.objects.count() == 4 * SMALL.years * pairs
    assert Report.objects.count() == pairs * (4 * (SMALL.years - 1) + started_now)
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert usernames == {f"officer-{1000 + n}" for n in range(1, SMALL.districts + 1)} | {
        "evaluator-1",
        "evaluator-2",
    }
    assert get_user_model().objects.get(username="officer-1001").check_password("bench-password")
    assert Membership.objects.count() == SMALL.districts + 2

    assert not Report.objects.filter(score__gt=F("full_score")).exists()
    assert not Report.objects.filter(score__lt=0).exists()
    assert not Report.objects.filter(status="evaluated", score__isnull=True).exists()
    assert not RatioUpdate.objects.filter(numerator__gt=F("denominator")).exists()
    percents = list(RatioUpdate.objects.values_list("percent", flat=True))
    assert all(p is not None and 0 <= p <= 100 for p in percents)
    for report in Report.objects.all():
        transitions = report.transitions.count()
        assert 1 <= transitions <= 3
        assert 300 <= len(report.narrative) <= 2000
    for report in Report.objects.filter(assignment__indicator__kind="ratio"):
        assert 1 <= report.ratio_updates.count() <= 4
    assert EvidenceFile.objects.filter(file__startswith="evidence/synthetic/").count() == (
        EvidenceFile.objects.count()
    )
    # The history triggers were off during the load.
    assert report_event.objects.count() == events_before


@pytest.mark.django_db
def test_suggested_scores_follow_the_offices_own_rule() -> None:
    """One rule (indicators.scoring): what the generator stored as the suggestion is
    what the scoring page offers for the same report, for every rule and direction."""
    _clear()
    _synth("--seed", "5", "--force")
    scored = Report.objects.filter(suggested_score__isnull=False).select_related(
        "assignment__indicator__fiscal_year"
    )
    rules = set(scored.values_list("assignment__indicator__scoring_rule", flat=True))
    assert rules == {"proportional", "five_levels", "milestones_due"}
    for report in scored:
        assert report.suggested_score == suggested_score(report), (
            report.assignment.indicator.scoring_rule,
            report.assignment.indicator.direction,
        )


@pytest.mark.django_db
def test_handed_in_reports_carry_a_plausible_self_assessment() -> None:
    """The district's own score: the suggestion it was prefilled with, or a little above."""
    _clear()
    _synth("--seed", "5", "--force")
    assert not Report.objects.filter(status="draft", self_score__isnull=False).exists()
    handed = Report.objects.exclude(status="draft")
    assert handed.exists() and not handed.filter(self_score__isnull=True).exists()
    assert not handed.filter(self_score__lt=F("suggested_score")).exists()
    higher = handed.filter(self_score__gt=F("suggested_score")).count()
    assert 0 < higher < handed.count() / 2


@pytest.mark.django_db
def test_every_districts_weights_add_up_to_100_each_year() -> None:
    """The rankings and scorecards of the synthetic years are complete."""
    _clear()
    _synth("--seed", "5", "--force")
    for year in FiscalYear.objects.all():
        totals = weight_totals(year)
        assert totals, year
        assert {(total, missing) for _d, total, _n, missing in totals} == {(Decimal(100), 0)}


@pytest.mark.django_db
def test_refuses_a_database_holding_the_demo_data(demo: None) -> None:
    with pytest.raises(CommandError, match="demo data"):
        _synth("--seed", "1")
    assert not get_user_model().objects.filter(username="evaluator-1").exists()


@pytest.mark.django_db
def test_refuses_to_load_twice() -> None:
    _clear()
    _synth("--seed", "1")
    with pytest.raises(CommandError, match="already holds synthetic data"):
        _synth("--seed", "1", "--force")
