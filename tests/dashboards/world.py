"""A small year for the dashboards, with every figure worked out by hand.

Fiscal year 2591; three districts (Huai Khwang and Phra Nakhon in the central
zone group, Nong Chok in the east); two indicators:

    9.1  higher is better, weight 60, quarter-1 target 20 (annual 80)
    9.2  lower is better,  weight 40, quarter-1 target 10 (annual 10)

Quarter 1 is published (yesterday). Scores out of 100, level = score ÷ 20:

    Huai Khwang  9.1 result 25 score 100 (5)  · 9.2 result 12 score 50 (2.5)  → 4.0000
    Phra Nakhon  9.1 result 15 score 75 (3.75) · 9.2 result 8  score 100 (5)  → 4.2500
    Nong Chok    9.1 not reported (0)          · 9.2 result 10 score 80 (4)   → 1.6000

    city mean (4 + 4.25 + 1.6) ÷ 3 = 3.2833; central 4.1250, east 1.6000
    off target: 9.1 Phra Nakhon (15 < 20), 9.2 Huai Khwang (12 > 10)

Quarter 2 is evaluated but not published: Huai Khwang's 9.1 has the result
777.77 and the score 33, which no dashboard may show. Quarter 3 is evaluated and
published from tomorrow (888.88, score 44): not public yet either. Phra Nakhon
has a draft for quarter 2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from districts.models import District
from indicators.models import (
    Assignment,
    Direction,
    FiscalYear,
    Indicator,
    MeasurementKind,
    QuarterTarget,
    ReportingPeriod,
)
from reports.models import Report, Status

YEAR = 2591
NONG_CHOK = "1003"
SECRET_RESULT = "777.77"
SECRET_SCORE = "33"
FUTURE_RESULT = "888.88"


def indicator(year: FiscalYear, code: str, **fields: Any) -> Indicator:
    defaults: dict[str, Any] = {
        "name": f"ตัวชี้วัดแดชบอร์ด {code}",
        "unit": "ร้อยละ",
        "indicator_type": "mission",
        "level": "output",
        "kind": MeasurementKind.VALUE,
    }
    return Indicator.objects.create(fiscal_year=year, code=code, **{**defaults, **fields})


def report(
    assignment: Assignment,
    quarter: int,
    *,
    result: str | None,
    score: str | None = None,
    status: str = Status.EVALUATED,
) -> Report:
    now = timezone.now()
    return Report.objects.create(
        assignment=assignment,
        quarter=quarter,
        status=status,
        result=Decimal(result) if result is not None else None,
        score=Decimal(score) if score is not None else None,
        narrative="ผลการดำเนินงาน",
        submitted_at=now if status != Status.DRAFT else None,
        evaluated_at=now if status == Status.EVALUATED else None,
        full_score=assignment.indicator.full_score,
    )


def build_world() -> dict[str, Any]:
    today = timezone.localdate()
    year = FiscalYear.objects.create(year=YEAR)
    for quarter, published in (
        (1, today - dt.timedelta(days=1)),
        (2, None),
        (3, today + dt.timedelta(days=1)),
        (4, None),
    ):
        ReportingPeriod.objects.create(
            fiscal_year=year,
            quarter=quarter,
            deadline=dt.date(2048, 1, 15),
            assessment_published_on=published,
        )
    higher = indicator(year, "9.1", weight=60, direction=Direction.HIGHER)
    lower = indicator(year, "9.2", weight=40, direction=Direction.LOWER)
    districts = {code: District.objects.get(code=code) for code in ("1017", "1001", NONG_CHOK)}
    assignments: dict[tuple[str, str], Assignment] = {}
    for code, district in districts.items():
        for ind, annual, q1 in ((higher, 80, 20), (lower, 10, 10)):
            assignment = Assignment.objects.create(
                indicator=ind, district=district, annual_target=annual
            )
            QuarterTarget.objects.create(assignment=assignment, quarter=1, target=q1)
            assignments[(code, ind.code)] = assignment
    hk, pn, nc = "1017", "1001", NONG_CHOK
    report(assignments[(hk, "9.1")], 1, result="25", score="100")
    report(assignments[(hk, "9.2")], 1, result="12", score="50")
    report(assignments[(pn, "9.1")], 1, result="15", score="75")
    report(assignments[(pn, "9.2")], 1, result="8", score="100")
    report(assignments[(nc, "9.2")], 1, result="10", score="80")
    report(assignments[(hk, "9.1")], 2, result=SECRET_RESULT, score=SECRET_SCORE)
    report(assignments[(pn, "9.1")], 2, result="5", status=Status.DRAFT)
    report(assignments[(hk, "9.1")], 3, result=FUTURE_RESULT, score="44")
    return {"year": year, "assignments": assignments, "districts": districts}
