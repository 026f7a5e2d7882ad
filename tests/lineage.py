"""Earlier years of an assignment, made up for the tests of the lineage, the sheet,
the district page and the printed sheet: the same indicator (same code, or another
code linked by ``previous``) in the fiscal years before the assignment's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from indicators.fiscal import QUARTERS, quarter_bounds
from indicators.models import Assignment, FiscalYear, Indicator, QuarterTarget, ReportingPeriod
from reports.models import Report, Status
from tests.personas import SEED_YEAR


def fiscal_year(year: int, *, published: bool = True) -> FiscalYear:
    """The year with its four quarters; their evaluations published unless told not."""
    found, _created = FiscalYear.objects.get_or_create(year=year, defaults={"is_open": False})
    for quarter in QUARTERS:
        end = quarter_bounds(year, quarter)[1]
        ReportingPeriod.objects.update_or_create(
            fiscal_year=found,
            quarter=quarter,
            defaults={
                "deadline": end + dt.timedelta(days=15),
                "assessment_published_on": end + dt.timedelta(days=45) if published else None,
            },
        )
    return found


def earlier_assignment(
    of: Assignment,
    year: int,
    *,
    code: str | None = None,
    name: str | None = None,
    previous_of: Assignment | None = None,
    target: Decimal = Decimal(100),
    results: tuple[Decimal | None, ...] = (),
    score: Decimal | None = None,
    published: bool = True,
    district_id: int | None = None,
) -> Assignment:
    """A copy of ``of``'s indicator in ``year`` (its code unless ``code``) for the same
    district, with quarter targets a quarter of ``target`` each, evaluated reports of
    ``results`` (quarters 1, 2, …; None: not reported) and ``score`` on the last one.
    ``previous_of`` names this one as that assignment's ``previous``."""
    source = of.indicator
    indicator, _created = Indicator.objects.get_or_create(
        fiscal_year=fiscal_year(year, published=published),
        code=code or source.code,
        defaults={
            "name": name or source.name,
            "unit": source.unit,
            "indicator_type": source.indicator_type,
            "level": source.level,
            "kind": source.kind,
            "direction": source.direction,
            "full_score": source.full_score,
        },
    )
    assignment = Assignment.objects.create(
        indicator=indicator,
        district_id=district_id or of.district_id,
        code=f"{year % 100:02d}{(district_id or of.district_id) % 100:02d}-{indicator.pk:04d}",
        annual_target=target,
    )
    for quarter in QUARTERS:
        QuarterTarget.objects.create(assignment=assignment, quarter=quarter, target=target / 4)
    reported = [(q, r) for q, r in zip(QUARTERS, results, strict=False) if r is not None]
    for quarter, result in reported:
        last = quarter == reported[-1][0]
        Report.objects.create(
            assignment=assignment,
            quarter=quarter,
            status=Status.EVALUATED if last and score is not None else Status.SUBMITTED,
            result=result,
            score=score if last else None,
            full_score=source.full_score,
        )
    if previous_of is not None:
        Assignment.objects.filter(pk=previous_of.pk).update(previous=assignment)
    return assignment


def chain(of: Assignment, years: int) -> list[Assignment]:
    """``years`` earlier years of ``of`` by code, the latest first, each with four
    quarters reported and its last one evaluated and published."""
    made = []
    start = of.indicator.fiscal_year.year
    for back in range(1, years + 1):
        made.append(
            earlier_assignment(
                of,
                start - back,
                target=Decimal(100 + back),
                results=tuple(Decimal(10 * q + back) for q in QUARTERS),
                score=Decimal(4),
            )
        )
    return made


def two_earlier_years(hk_sheet: Assignment) -> tuple[Assignment, Assignment]:
    """5.2 of Huai Khwang in the seed year - 1 (published, scored 88 in Q4) and - 2
    (scored 70 in Q2, its quarters not yet published)."""
    last_year = earlier_assignment(
        hk_sheet,
        SEED_YEAR - 1,
        target=Decimal(90),
        results=(Decimal(20), Decimal(45), Decimal(70), Decimal("91.5")),
        score=Decimal(88),
    )
    before = earlier_assignment(
        hk_sheet,
        SEED_YEAR - 2,
        target=Decimal(80),
        results=(Decimal(15), Decimal(33)),
        score=Decimal(70),
        published=False,
    )
    return last_year, before
