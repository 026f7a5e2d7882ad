"""Rolling a fiscal year over: next year's configuration copied from this year's.

One action copies the year's settings, its four quarters (deadlines a year on),
every indicator with its strategy links, scoring rule, steps, sub-items and
checks, and every assignment with its targets and weight. Reports, scores,
extensions and publication are the year's own and are not copied. The office then
edits the new year by importing its configuration workbook.

Assignment codes are left blank: the real system issues them per year (5009-0963
is one year's), and the database keeps a code unique per district across years
(``assignment_code_per_district``), so last year's codes could not be kept; the
import fills the new ones in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from districts.access import is_administrator
from indicators.fiscal import QUARTERS, same_day_years_later
from indicators.models import (
    Assignment,
    FiscalYear,
    Indicator,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    ValidationRule,
)
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused

#: Rows per INSERT: large enough to be quick, small enough for one statement's parameters.
BATCH = 2000
#: The CheckConstraint ``fiscal_year_is_buddhist_era``'s last year.
LAST_YEAR = 2700


@dataclass(frozen=True)
class RolloverPlan:
    """What a rollover would create, and why it cannot, if it cannot."""

    source: FiscalYear
    target_year: int
    #: Rows to create by kind, in the order the page lists them.
    indicators: int = 0
    steps: int = 0
    sub_items: int = 0
    checks: int = 0
    assignments: int = 0
    quarter_targets: int = 0
    periods: int = 0
    #: The target year's row exists already (empty): its settings and quarters are kept.
    target_exists: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def may_apply(self) -> bool:
        return not self.problems


def _problems(source: FiscalYear, target_year: int, target: FiscalYear | None) -> list[str]:
    problems = []
    if target_year != source.year + 1:
        problems.append(
            _("สร้างได้เฉพาะปีงบประมาณถัดไป (%(next)s) จากปีงบประมาณ %(year)s")
            % {"next": source.year + 1, "year": source.year}
        )
    elif target_year > LAST_YEAR:
        problems.append(_("ปีงบประมาณต้องไม่เกิน %(last)s") % {"last": LAST_YEAR})
    if not Indicator.objects.filter(fiscal_year=source).exists():
        problems.append(_("ปีงบประมาณ %(year)s ยังไม่มีตัวชี้วัด จึงไม่มีสิ่งใดให้คัดลอก") % {"year": source.year})
    if target is not None and (
        Indicator.objects.filter(fiscal_year=target).exists()
        or Assignment.objects.filter(indicator__fiscal_year=target).exists()
    ):
        problems.append(
            _(
                "ปีงบประมาณ %(year)s มีตัวชี้วัดหรือการมอบหมายอยู่แล้ว จึงคัดลอกทับไม่ได้ "
                "แก้ไขปีนั้นด้วยการนำเข้าไฟล์ Excel แทน"
            )
            % {"year": target_year}
        )
    return problems


def rollover_plan(source: FiscalYear, target_year: int) -> RolloverPlan:
    """Count what ``fiscal_year_rollover`` would create; write nothing."""
    target = FiscalYear.objects.filter(year=target_year).first()
    indicators = Indicator.objects.filter(fiscal_year=source)
    existing_periods = target.periods.count() if target is not None else 0
    return RolloverPlan(
        source=source,
        target_year=target_year,
        indicators=indicators.count(),
        steps=MilestoneStep.objects.filter(indicator__fiscal_year=source).count(),
        sub_items=MilestoneSubItem.objects.filter(step__indicator__fiscal_year=source).count(),
        checks=ValidationRule.objects.filter(indicator__fiscal_year=source).count(),
        assignments=Assignment.objects.filter(indicator__fiscal_year=source).count(),
        quarter_targets=QuarterTarget.objects.filter(
            assignment__indicator__fiscal_year=source
        ).count(),
        periods=len(QUARTERS) - existing_periods,
        target_exists=target is not None,
        problems=_problems(source, target_year, target),
    )


def _clone[M: models.Model](row: M, **changes: Any) -> M:
    """A new, unsaved copy of ``row``: every stored field but the primary key, then ``changes``."""
    values = {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    }
    values.update(changes)
    return type(row)(**values)


def _insert[M: models.Model](model: type[M], rows: Iterable[M]) -> list[M]:
    """Insert in batches; PostgreSQL hands back the new keys (and the history triggers fire)."""
    return model._default_manager.bulk_create(list(rows), batch_size=BATCH)


def _target_year(source: FiscalYear, target_year: int) -> FiscalYear:
    """The target's row, locked: the existing empty one, or a new one with the source's settings."""
    target, _created = FiscalYear.objects.get_or_create(
        year=target_year,
        defaults={
            "is_open": True,
            "quarters_open_ahead": source.quarters_open_ahead,
            "head_certification": source.head_certification,
        },
    )
    return FiscalYear.objects.select_for_update().get(pk=target.pk)


def _copy_periods(source: FiscalYear, target: FiscalYear) -> None:
    have = set(target.periods.values_list("quarter", flat=True))
    years = target.year - source.year
    _insert(
        ReportingPeriod,
        (
            ReportingPeriod(
                fiscal_year=target,
                quarter=p.quarter,
                deadline=same_day_years_later(p.deadline, years),
            )
            for p in source.periods.order_by("quarter")
            if p.quarter not in have
        ),
    )


def _copy_indicators(source: FiscalYear, target: FiscalYear) -> dict[int, int]:
    """The indicators and their strategy links; new ids by old id."""
    old = list(Indicator.objects.filter(fiscal_year=source).order_by("code"))
    new = _insert(Indicator, (_clone(i, fiscal_year_id=target.pk) for i in old))
    ids = {o.pk: n.pk for o, n in zip(old, new, strict=True)}
    link = Indicator.strategy_nodes.through
    _insert(
        link,
        (
            link(indicator_id=ids[row.indicator_id], strategynode_id=row.strategynode_id)  # type: ignore[attr-defined]
            for row in link.objects.filter(indicator_id__in=ids)  # type: ignore[attr-defined]
        ),
    )
    return ids


def _copy_steps(indicators: dict[int, int], years: int) -> None:
    old = list(MilestoneStep.objects.filter(indicator_id__in=indicators).order_by("id"))
    new = _insert(
        MilestoneStep,
        (
            _clone(
                s,
                indicator_id=indicators[s.indicator_id],
                due_date=same_day_years_later(s.due_date, years) if s.due_date else None,
            )
            for s in old
        ),
    )
    steps = {o.pk: n.pk for o, n in zip(old, new, strict=True)}
    _insert(
        MilestoneSubItem,
        (
            _clone(item, step_id=steps[item.step_id])
            for item in MilestoneSubItem.objects.filter(step_id__in=steps).order_by("id")
        ),
    )
    _insert(
        ValidationRule,
        (
            _clone(rule, indicator_id=indicators[rule.indicator_id])
            for rule in ValidationRule.objects.filter(indicator_id__in=indicators).order_by("id")
        ),
    )


def _copy_assignments(indicators: dict[int, int]) -> None:
    old = list(Assignment.objects.filter(indicator_id__in=indicators).order_by("id"))
    # One successor per predecessor: an assignment already followed by a later year's
    # (linked by hand) keeps that one.
    followed = set(
        Assignment.objects.filter(previous__in=old).values_list("previous_id", flat=True)
    )
    # Codes are issued per year and unique per district across years: the import fills
    # them, so the new year's assignment is linked to its source by ``previous``.
    new = _insert(
        Assignment,
        (
            _clone(
                a,
                indicator_id=indicators[a.indicator_id],
                code="",
                previous_id=None if a.pk in followed else a.pk,
            )
            for a in old
        ),
    )
    assignments = {o.pk: n.pk for o, n in zip(old, new, strict=True)}
    _insert(
        QuarterTarget,
        (
            _clone(t, assignment_id=assignments[t.assignment_id])
            for t in QuarterTarget.objects.filter(assignment_id__in=assignments).order_by("id")
        ),
    )


@audited
@transaction.atomic
def fiscal_year_rollover(*, source: FiscalYear, target_year: int, actor: Any) -> FiscalYear:
    """Create ``target_year``'s configuration from ``source``'s (administrators only).

    Refused, with nothing written, when the target is not the next year, the source
    has no indicators, or the target has indicators or assignments already; an
    empty target year is reused, its settings and quarters kept.
    """
    if not is_administrator(actor):
        raise ActionRefused(_("เฉพาะผู้ดูแลระบบของ สยป. เท่านั้นที่สร้างปีงบประมาณใหม่จากปีเดิมได้"))
    # Checked again under the target's lock: another administrator may have just done it.
    plan = rollover_plan(source, target_year)
    if plan.problems:
        raise ActionRefused(plan.problems[0])
    target = _target_year(source, target_year)
    plan = rollover_plan(source, target_year)
    if plan.problems:
        raise ActionRefused(plan.problems[0])
    _copy_periods(source, target)
    indicators = _copy_indicators(source, target)
    _copy_steps(indicators, target.year - source.year)
    _copy_assignments(indicators)
    return target
