"""Rolling a fiscal year over: what is copied, what is not, refusals, the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import models

from indicators.fiscal import current_fiscal_year
from indicators.models import (
    Assignment,
    DeadlineExtension,
    FiscalYear,
    Indicator,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    ValidationRule,
)
from indicators.rollover import fiscal_year_rollover, rollover_plan
from kpi_portal.errors import ActionRefused
from kpi_portal.thaidate import thai_date_numeric
from reports.models import Report
from tests.exchange.workbooks import template, values
from tests.personas import SEED_YEAR, Personas

pytestmark = pytest.mark.django_db

CONFIGURATION: tuple[type[models.Model], ...] = (
    FiscalYear,
    ReportingPeriod,
    Indicator,
    Indicator.strategy_nodes.through,
    MilestoneStep,
    MilestoneSubItem,
    ValidationRule,
    Assignment,
    QuarterTarget,
    Report,
    DeadlineExtension,
)


def rows() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in CONFIGURATION)  # type: ignore[attr-defined]


def current() -> FiscalYear:
    return FiscalYear.objects.get(year=current_fiscal_year())


Table = dict[str, list[tuple[Any, ...]]]


def _next_year_of(book_values: Table) -> Table:
    """The source's export as the next year's should read: year + 1, due dates a year on,
    assignment codes blank (issued per year)."""
    moved: Table = {}
    for sheet, table in book_values.items():
        out = [table[0]]
        for row in table[1:]:
            cells = list(row)
            if sheet != "ผู้ใช้":
                cells[0] = cells[0] + 1
            if sheet == "ขั้นตอน" and cells[5]:
                day, month, year = cells[5].split("/")
                cells[5] = thai_date_numeric(dt.date(int(year) - 543 + 1, int(month), int(day)))
            if sheet == "การมอบหมาย":
                cells[3] = None
            out.append(tuple(cells))
        moved[sheet] = out
    return moved


def test_the_plan_counts_every_kind_and_writes_nothing(personas: Personas) -> None:
    source = current()
    before = rows()
    plan = rollover_plan(source, source.year + 1)
    assert plan.problems == []
    assert plan.indicators == Indicator.objects.filter(fiscal_year=source).count() == 2
    assert plan.assignments == 100
    assert (
        plan.quarter_targets
        == QuarterTarget.objects.filter(assignment__indicator__fiscal_year=source).count()
    )
    assert plan.steps > 0 and plan.sub_items > 0 and plan.checks == 3
    assert plan.periods == 4
    assert rows() == before


def test_the_new_year_exports_as_the_old_one_a_year_on(personas: Personas) -> None:
    source = current()
    target = fiscal_year_rollover(source=source, target_year=source.year + 1, actor=personas.admin)
    assert target.year == source.year + 1
    assert values(template(target)) == _next_year_of(values(template(source)))


def test_settings_quarters_checks_and_links_are_copied(personas: Personas) -> None:
    source = current()
    FiscalYear.objects.filter(pk=source.pk).update(
        is_open=False, quarters_open_ahead=2, head_certification=True
    )
    source.refresh_from_db()
    ReportingPeriod.objects.filter(fiscal_year=source).update(
        assessment_published_on=dt.date(2027, 1, 5)
    )
    target = fiscal_year_rollover(source=source, target_year=source.year + 1, actor=personas.admin)
    assert (target.is_open, target.quarters_open_ahead, target.head_certification) == (
        True,
        2,
        True,
    )
    old = {p.quarter: p for p in source.periods.all()}
    for period in target.periods.all():
        assert period.deadline == old[period.quarter].deadline.replace(
            year=old[period.quarter].deadline.year + 1
        )
        assert period.assessment_published_on is None
    checks = lambda year: sorted(  # noqa: E731
        ValidationRule.objects.filter(indicator__fiscal_year=year).values_list(
            "indicator__code", "kind", "severity", "threshold"
        )
    )
    assert checks(target) == checks(source)
    nodes = lambda year: sorted(  # noqa: E731
        Indicator.strategy_nodes.through.objects.filter(  # type: ignore[attr-defined]
            indicator__fiscal_year=year
        ).values_list("indicator__code", "strategynode__code")
    )
    assert nodes(target) == nodes(source) != []
    assert not Report.objects.filter(assignment__indicator__fiscal_year=target).exists()


def test_assignment_codes_are_left_for_the_import(personas: Personas) -> None:
    source = FiscalYear.objects.get(year=SEED_YEAR)
    assert Assignment.objects.filter(indicator__fiscal_year=source).exclude(code="").exists()
    target = fiscal_year_rollover(source=source, target_year=SEED_YEAR + 1, actor=personas.admin)
    new = Assignment.objects.filter(indicator__fiscal_year=target)
    assert new.count() == Assignment.objects.filter(indicator__fiscal_year=source).count()
    assert set(new.values_list("code", flat=True)) == {""}


def test_a_leap_day_due_date_moves_to_28_february(personas: Personas) -> None:
    source = current()
    first = fiscal_year_rollover(source=source, target_year=source.year + 1, actor=personas.admin)
    step = MilestoneStep.objects.filter(indicator__fiscal_year=first).first()
    assert step is not None
    leap_day = dt.date(first.ends_on.year, 2, 29)  # FY2571 ends in 2028, a leap year
    MilestoneStep.objects.filter(pk=step.pk).update(due_date=leap_day)
    second = fiscal_year_rollover(source=first, target_year=first.year + 1, actor=personas.admin)
    moved = MilestoneStep.objects.get(
        indicator__fiscal_year=second, indicator__code=step.indicator.code, number=step.number
    )
    assert moved.due_date == dt.date(leap_day.year + 1, 2, 28)


def test_an_empty_target_year_is_reused_with_its_own_settings(personas: Personas) -> None:
    source = current()
    empty = FiscalYear.objects.create(year=source.year + 1, quarters_open_ahead=1)
    own = ReportingPeriod.objects.create(
        fiscal_year=empty, quarter=1, deadline=dt.date(2028, 1, 20)
    )
    assert rollover_plan(source, empty.year).periods == 3
    target = fiscal_year_rollover(source=source, target_year=empty.year, actor=personas.admin)
    assert target.pk == empty.pk
    assert target.quarters_open_ahead == 1
    assert target.periods.count() == 4
    own.refresh_from_db()
    assert own.deadline == dt.date(2028, 1, 20)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("taken", "มีตัวชี้วัดหรือการมอบหมายอยู่แล้ว"),
        ("skip", "สร้างได้เฉพาะปีงบประมาณถัดไป"),
        ("empty_source", "ยังไม่มีตัวชี้วัด"),
        ("evaluator", "เฉพาะผู้ดูแลระบบของ สยป."),
        ("officer", "เฉพาะผู้ดูแลระบบของ สยป."),
    ],
)
def test_refusals_change_nothing(personas: Personas, case: str, message: str) -> None:
    source = current()
    target_year = source.year + 1
    actor = personas.admin
    if case == "taken":
        fiscal_year_rollover(source=source, target_year=target_year, actor=actor)
    elif case == "skip":
        target_year = source.year + 2
    elif case == "empty_source":
        source = FiscalYear.objects.create(year=2599)
        target_year = 2600
    elif case == "evaluator":
        actor = personas.evaluator
    elif case == "officer":
        actor = personas.officer_hk
    before = rows()
    with pytest.raises(ActionRefused, match=message):
        fiscal_year_rollover(source=source, target_year=target_year, actor=actor)
    assert rows() == before


def test_the_history_records_every_insert_and_who_made_it(personas: Personas) -> None:
    source = current()
    target = fiscal_year_rollover(source=source, target_year=source.year + 1, actor=personas.admin)
    created: list[tuple[type[models.Model], models.QuerySet[Any]]] = [
        (FiscalYear, FiscalYear.objects.filter(pk=target.pk)),
        (ReportingPeriod, ReportingPeriod.objects.filter(fiscal_year=target)),
        (Indicator, Indicator.objects.filter(fiscal_year=target)),
        (MilestoneStep, MilestoneStep.objects.filter(indicator__fiscal_year=target)),
        (MilestoneSubItem, MilestoneSubItem.objects.filter(step__indicator__fiscal_year=target)),
        (ValidationRule, ValidationRule.objects.filter(indicator__fiscal_year=target)),
        (Assignment, Assignment.objects.filter(indicator__fiscal_year=target)),
        (QuarterTarget, QuarterTarget.objects.filter(assignment__indicator__fiscal_year=target)),
    ]
    for model, queryset in created:
        ids = list(queryset.values_list("pk", flat=True))
        events = model.pgh_event_model.objects.filter(  # type: ignore[attr-defined]
            pgh_obj_id__in=ids, pgh_label="insert"
        ).select_related("pgh_context")
        assert ids and events.count() == len(ids), model
        users = {int(e.pgh_context.metadata["user"]) for e in events}
        assert users == {personas.admin.pk}, model
        services = {e.pgh_context.metadata["service"] for e in events}
        assert services == {"fiscal_year_rollover"}, model


def test_every_copied_assignment_follows_its_source(personas: Personas) -> None:
    source = FiscalYear.objects.get(year=SEED_YEAR)
    target = fiscal_year_rollover(source=source, target_year=SEED_YEAR + 1, actor=personas.admin)
    old = {
        (a.district_id, a.indicator.code): a.pk
        for a in Assignment.objects.filter(indicator__fiscal_year=source).select_related(
            "indicator"
        )
    }
    new = list(Assignment.objects.filter(indicator__fiscal_year=target).select_related("indicator"))
    assert new and {a.previous_id for a in new} == set(old.values())
    for assignment in new:
        assert assignment.previous_id == old[(assignment.district_id, assignment.indicator.code)]
    # The history keeps the link too.
    event = Assignment.pgh_event_model.objects.get(pgh_obj=new[0], pgh_label="insert")  # type: ignore[attr-defined]
    assert event.previous_id == new[0].previous_id


def test_an_assignment_already_followed_keeps_its_successor(personas: Personas) -> None:
    source = FiscalYear.objects.get(year=SEED_YEAR)
    later = FiscalYear.objects.get(year=current_fiscal_year())
    followed = Assignment.objects.filter(indicator__fiscal_year=source).select_related("indicator")[
        0
    ]
    successor = Assignment.objects.get(
        indicator__fiscal_year=later,
        indicator__code=followed.indicator.code,
        district_id=followed.district_id,
    )
    Assignment.objects.filter(pk=successor.pk).update(previous=followed)
    target = fiscal_year_rollover(source=source, target_year=SEED_YEAR + 1, actor=personas.admin)
    copy = Assignment.objects.get(
        indicator__fiscal_year=target,
        indicator__code=followed.indicator.code,
        district_id=followed.district_id,
    )
    assert copy.previous_id is None
    successor.refresh_from_db()
    assert successor.previous_id == followed.pk
