"""Load the seed pages as demo data, plus the current fiscal year ready to report.

Idempotent: reference rows are matched on their natural keys, and a quarter's
report is only filled the first time it is created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo import seed
from districts.models import District, Division, Membership, Role, ZoneGroup
from districts.reference import load_districts
from evaluation import services as evaluation_services
from indicators.fiscal import QUARTERS, current_fiscal_year
from indicators.models import (
    Assignment,
    CheckKind,
    FiscalYear,
    Indicator,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    ScoringRule,
    Severity,
    StrategyNode,
    ValidationRule,
)
from reports import services
from reports.measures import equal_weights
from reports.models import Report, Status, YearSummary
from reports.scoring import suggested_score

# Published on purpose: demo users exist only on machines loaded with `manage.py demo`.
# Published demo credential.
DEMO_PASSWORD = "kpi-demo-2564"  # noqa: S105  # nosec B105

PHRA_NAKHON = "1001"
HUAI_KHWANG = "1017"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    district_code: str | None
    division: str | None
    description: str


DEMO_USERS = [
    DemoUser(
        "phranakhon",
        "สมชาย",
        "ใจดี",
        Role.OFFICER,
        PHRA_NAKHON,
        "ฝ่ายการคลัง",
        "เจ้าหน้าที่ สำนักงานเขตพระนคร",
    ),
    DemoUser(
        "huaikhwang",
        "สุนีย์",
        "รักงาน",
        Role.OFFICER,
        HUAI_KHWANG,
        "ฝ่ายปกครอง",
        "เจ้าหน้าที่ สำนักงานเขตห้วยขวาง",
    ),
    DemoUser(
        "huaikhwang_head", "ประเสริฐ", "มั่นคง", Role.HEAD, HUAI_KHWANG, None, "ผู้อำนวยการเขตห้วยขวาง"
    ),
    DemoUser("evaluator", "วิภา", "ประเมินดี", Role.EVALUATOR, None, None, "เจ้าหน้าที่ สยป."),
    DemoUser(
        "admin", "ผู้ดูแล", "ระบบ", Role.ADMINISTRATOR, None, None, "ผู้ดูแลระบบ สยป. (เข้า /admin/ ได้)"
    ),
    DemoUser(
        "reader", "มาลี", "อ่านผล", Role.READER, None, None, "ผู้อ่าน (ผู้บริหาร): แดชบอร์ดผลที่ประกาศแล้ว"
    ),
]

# Not in the seeds (the replaced system scored the disbursement by proportion): the
# current year shows the five-level rule and weights, so the admin's rule form, its
# preview and the sheets' เกณฑ์การให้คะแนน have something to show.
CURRENT_WEIGHTS = (Decimal(50), Decimal(50))  # budget, data governance
HUAI_KHWANG_WEIGHTS = (Decimal(40), Decimal(60))
CURRENT_BUDGET_RULE = {
    "scoring_rule": ScoringRule.FIVE_LEVELS,
    "weight": CURRENT_WEIGHTS[0],
    **{
        f"level_{level}": Decimal(threshold)
        for level, threshold in enumerate((80, 85, 90, 95, 100), start=1)
    },
}


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _shift(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year + years)


def load_users() -> list[DemoUser]:
    User = get_user_model()
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                # example.com is reserved for examples: demo mail reaches nobody.
                "email": f"{demo.username}@example.com",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if demo.role == Role.ADMINISTRATOR:
                user.is_staff = True
                user.is_superuser = True
            user.save()
        district = District.objects.get(code=demo.district_code) if demo.district_code else None
        division = (
            Division.objects.get(district=district, name=demo.division) if demo.division else None
        )
        Membership.objects.update_or_create(
            user=user,
            defaults={
                "role": demo.role,
                "district": district,
                "division": division,
                "position_title": demo.description,
            },
        )
    return DEMO_USERS


def _strategy() -> dict[str, StrategyNode]:
    nodes: dict[str, StrategyNode] = {}
    for code, title, title_en, parent in seed.STRATEGY:
        nodes[code], _ = StrategyNode.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "title_en": title_en,
                "parent": nodes[parent] if parent else None,
            },
        )
    return nodes


def _fiscal_year(year: int) -> FiscalYear:
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    shift = year - seed.FISCAL_YEAR
    for quarter, deadline, published in seed.PERIODS:
        ReportingPeriod.objects.get_or_create(
            fiscal_year=fiscal_year,
            quarter=quarter,
            defaults={
                "deadline": _shift(deadline, shift),
                "assessment_published_on": published if shift == 0 else None,
            },
        )
    return fiscal_year


def _indicator(
    fiscal_year: FiscalYear, spec: dict[str, Any], nodes: dict[str, StrategyNode]
) -> Indicator:
    fields = {k: v for k, v in spec.items() if k not in ("code", "strategy")}
    indicator, _ = Indicator.objects.update_or_create(
        fiscal_year=fiscal_year, code=spec["code"], defaults=fields
    )
    indicator.strategy_nodes.set([nodes[code] for code in spec["strategy"]])
    return indicator


def _steps(indicator: Indicator) -> dict[int, MilestoneStep]:
    shift = indicator.fiscal_year.year - seed.FISCAL_YEAR
    weights = equal_weights(len(seed.DATA_GOVERNANCE_STEPS))
    steps: dict[int, MilestoneStep] = {}
    for (number, title, due, due_note, items), weight in zip(
        seed.DATA_GOVERNANCE_STEPS, weights, strict=True
    ):
        steps[number], _ = MilestoneStep.objects.update_or_create(
            indicator=indicator,
            number=number,
            defaults={
                "title": title,
                "weight": weight,
                "due_date": _shift(due, shift) if due else None,
                "due_note": due_note,
            },
        )
        for item_number, text in enumerate(items, start=1):
            MilestoneSubItem.objects.update_or_create(
                step=steps[number], number=item_number, defaults={"text": text}
            )
    return steps


def _assignment(
    indicator: Indicator, district: District, *, code: str, division: str, quarter_targets: bool
) -> Assignment:
    assignment, _ = Assignment.objects.update_or_create(
        indicator=indicator,
        district=district,
        defaults={
            "code": code,
            "division": Division.objects.get(district=district, name=division),
            "annual_target": Decimal("100.00"),
        },
    )
    if quarter_targets:
        for quarter in QUARTERS:
            QuarterTarget.objects.get_or_create(
                assignment=assignment, quarter=quarter, defaults={"target": Decimal("100.00")}
            )
    return assignment


def _new_report(assignment: Assignment, quarter: int, at: dt.datetime) -> Report | None:
    """Start a quarter's report, or None if an earlier run already loaded it."""
    if Report.objects.filter(assignment=assignment, quarter=quarter).exists():
        return None
    return services.report_start(assignment=assignment, quarter=quarter, actor=None, now=at)


def _hand_in(report: Report, at: dt.datetime) -> None:
    """Submitted by the district as the seed says, with the self-assessment its figures
    earn by the indicator's rule (the replaced system had none to copy)."""
    services.report_transition(
        report=report,
        to_status=Status.SUBMITTED,
        actor=None,
        now=at,
        fields={"self_score": suggested_score(report)},
    )


def _load_budget(assignment: Assignment) -> None:
    for quarter, as_of, disbursed, allocated, note, narrative in seed.BUDGET_UPDATES:
        report = _new_report(assignment, quarter, _aware(as_of, 9))
        if report is None:
            continue
        services.ratio_update_add(
            report=report,
            actor=None,
            as_of=as_of,
            numerator=disbursed,
            denominator=allocated,
            note=note,
        )
        services.report_update(
            report=report, actor=None, expected_version=None, narrative=narrative
        )
        _hand_in(report, _aware(as_of, 16))


def _load_phra_nakhon_steps(assignment: Assignment, steps: dict[int, MilestoneStep]) -> None:
    for quarter in QUARTERS:
        entries = [e for e in seed.PHRA_NAKHON_STEPS if e[0] == quarter]
        first_day = entries[0][2]
        report = _new_report(assignment, quarter, _aware(first_day, 9))
        if report is None:
            continue
        for _q, number, done_on, note in entries:
            services.step_mark_done(
                report=report, actor=None, step=steps[number], done_on=done_on, note=note
            )
        _hand_in(report, _aware(entries[-1][2], 16))


def _load_huai_khwang(assignment: Assignment, steps: dict[int, MilestoneStep]) -> None:
    letter_quarter, letter_step, number, dated, title = seed.HUAI_KHWANG_LETTER
    for quarter, done, narrative, score, evaluated_on in seed.HUAI_KHWANG_QUARTERS:
        report = _new_report(assignment, quarter, _aware(done[0][1], 9))
        if report is None:
            continue
        for step_number, done_on in done:
            services.step_mark_done(
                report=report, actor=None, step=steps[step_number], done_on=done_on
            )
        services.report_update(
            report=report, actor=None, expected_version=None, narrative=narrative
        )
        if quarter == letter_quarter:
            services.letter_add(
                report=report,
                actor=None,
                number=number,
                dated=dated,
                title=title,
                step=steps[letter_step],
            )
        _hand_in(report, _aware(done[-1][1], 16))
        evaluation_services.report_score(
            report=report, actor=None, score=score, now=_aware(evaluated_on, 14)
        )
    # Seed 001's สรุปผลการดำเนินงาน is empty: the year-end summary was not yet written.
    YearSummary.objects.get_or_create(assignment=assignment)


def _divisions(districts: list[District]) -> None:
    Division.objects.bulk_create(
        [Division(district=d, name=name) for d in districts for name in seed.DIVISIONS],
        ignore_conflicts=True,
    )


@transaction.atomic
def load_demo() -> list[DemoUser]:
    """Load FY2564 from the seeds and the current fiscal year with nothing reported yet."""
    load_districts(ZoneGroup, District)
    phra_nakhon = District.objects.get(code=PHRA_NAKHON)
    huai_khwang = District.objects.get(code=HUAI_KHWANG)
    districts = list(District.objects.all())
    _divisions(districts)
    nodes = _strategy()

    fy2564 = _fiscal_year(seed.FISCAL_YEAR)
    budget = _indicator(fy2564, seed.BUDGET, nodes)
    governance = _indicator(fy2564, seed.DATA_GOVERNANCE, nodes)
    steps = _steps(governance)
    _load_budget(
        _assignment(budget, phra_nakhon, code="", division="ฝ่ายการคลัง", quarter_targets=False)
    )
    _load_phra_nakhon_steps(
        _assignment(governance, phra_nakhon, code="", division="ฝ่ายปกครอง", quarter_targets=True),
        steps,
    )
    _load_huai_khwang(
        _assignment(
            governance,
            huai_khwang,
            code=seed.HUAI_KHWANG_CODE,
            division=seed.HUAI_KHWANG_DIVISION,
            quarter_targets=True,
        ),
        steps,
    )

    # The current fiscal year, so officers can try reporting a quarter that is open.
    current = current_fiscal_year()
    if current != seed.FISCAL_YEAR:
        fiscal_year = _fiscal_year(current)
        budget_now = _indicator(fiscal_year, {**seed.BUDGET, **CURRENT_BUDGET_RULE}, nodes)
        governance_now = _indicator(
            fiscal_year, {**seed.DATA_GOVERNANCE, "weight": CURRENT_WEIGHTS[1]}, nodes
        )
        _steps(governance_now)
        # The checks the office would turn on: a disbursement never exceeds its
        # budget nor falls between updates; being behind plan needs a word of why.
        for indicator, kind, severity in (
            (budget_now, CheckKind.WITHIN_100, Severity.ERROR),
            (budget_now, CheckKind.CUMULATIVE, Severity.WARNING),
            (governance_now, CheckKind.BELOW_TARGET, Severity.WARNING),
        ):
            ValidationRule.objects.get_or_create(
                indicator=indicator, kind=kind, defaults={"severity": severity}
            )
        # Every district reports both indicators this year, so the evaluation
        # office's matrix shows all 50; nothing is reported yet.
        divisions = {
            (d.district_id, d.name): d
            for d in Division.objects.filter(name__in=["ฝ่ายการคลัง", "ฝ่ายปกครอง"])
        }
        Assignment.objects.bulk_create(
            [
                Assignment(
                    indicator=indicator,
                    district=district,
                    code="",
                    division=divisions[(district.pk, division)],
                    annual_target=Decimal("100.00"),
                )
                for indicator, division in (
                    (budget_now, "ฝ่ายการคลัง"),
                    (governance_now, "ฝ่ายปกครอง"),
                )
                for district in districts
            ],
            ignore_conflicts=True,
        )
        # Assignment codes are issued per year; the current year's are not known.
        for district in (phra_nakhon, huai_khwang):
            _assignment(
                governance_now, district, code="", division="ฝ่ายปกครอง", quarter_targets=True
            )
        # Huai Khwang weighs its two indicators itself; every other district keeps
        # the indicators' defaults.
        for indicator, weight in zip(
            (budget_now, governance_now), HUAI_KHWANG_WEIGHTS, strict=True
        ):
            Assignment.objects.filter(indicator=indicator, district=huai_khwang).update(
                weight=weight
            )
    return load_users()
