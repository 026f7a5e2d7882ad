"""A district's weighted score, its scorecard page and PDF, and the ranking of districts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pytest_django import Settings

from districts.models import District
from evaluation import services as evaluation_services
from evaluation.scorecard import (
    Weighed,
    district_ranking,
    district_scorecard,
    rank_by_score,
    weighted_score,
)
from indicators import services as indicator_services
from indicators.models import (
    Assignment,
    Direction,
    FiscalYear,
    Indicator,
    MeasurementKind,
    MilestoneStep,
    ReportingPeriod,
    ScoringRule,
)
from reports.models import Report, Status, StepProgress
from reports.scoring import suggested_score
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas

YEAR = 2590  # a year of its own, far from the demo's


def _indicator(year: FiscalYear, code: str, **fields: Any) -> Indicator:
    defaults: dict[str, Any] = {
        "name": f"ตัวชี้วัดทดสอบ {code}",
        "unit": "ร้อยละ",
        "indicator_type": "mission",
        "level": "output",
        "kind": MeasurementKind.VALUE,
    }
    return Indicator.objects.create(fiscal_year=year, code=code, **{**defaults, **fields})


def _submitted(assignment: Assignment, result: Decimal | None) -> Report:
    return Report.objects.create(
        assignment=assignment,
        quarter=4,
        status=Status.SUBMITTED,
        result=result,
        narrative="ผลการดำเนินงาน",
        submitted_at=timezone.now(),
        full_score=assignment.indicator.full_score,
    )


def _score_as_suggested(report: Report, evaluator: Any) -> Decimal:
    report = Report.objects.select_related("assignment__indicator__fiscal_year").get(pk=report.pk)
    suggested = suggested_score(report)
    assert suggested is not None
    evaluation_services.report_score(
        report=report, actor=evaluator, score=suggested, suggested=suggested
    )
    return suggested


@pytest.fixture
def worked_example(personas: Personas) -> dict[str, Any]:
    """Huai Khwang's year 2590, fourth quarter, five indicators with unequal weights:

    A  weight 30, five levels 60/70/80/90/100, result 84  → level 3 + 4/10 = 3.4
    B  weight 25, proportional, target 50, result 45      → 45/50 × 100 = 90 → level 4.5
    C  weight 20, milestones: steps 20 + 30 of 20/30/50 done by the quarter's end
                                                          → 50 of 100 → level 2.5
    D  weight 15, five levels, lower is better 20/15/10/5/0, result 12
                                                          → level 2 + 3/5 = 2.6
    E  weight 10, not reported
    """
    year = FiscalYear.objects.create(year=YEAR)
    period = ReportingPeriod.objects.create(
        fiscal_year=year, quarter=4, deadline=dt.date(2047, 10, 15)
    )
    hk = District.objects.get(code=HUAI_KHWANG)
    ladder = {f"level_{n}": Decimal(t) for n, t in enumerate([60, 70, 80, 90, 100], start=1)}
    lower = {f"level_{n}": Decimal(t) for n, t in enumerate([20, 15, 10, 5, 0], start=1)}
    a = _indicator(year, "1.1", scoring_rule=ScoringRule.FIVE_LEVELS, weight=30, **ladder)
    b = _indicator(year, "1.2", weight=25)
    c = _indicator(
        year, "1.3", kind=MeasurementKind.MILESTONES, scoring_rule=ScoringRule.MILESTONES_DUE
    )
    d = _indicator(
        year,
        "1.4",
        scoring_rule=ScoringRule.FIVE_LEVELS,
        direction=Direction.LOWER,
        weight=15,
        **lower,
    )
    e = _indicator(year, "1.5", weight=10)
    steps = [
        MilestoneStep.objects.create(
            indicator=c, number=n, title=f"ขั้นตอนที่ {n}", weight=w, due_date=dt.date(2047, 9, 1)
        )
        for n, w in [(1, 20), (2, 30), (3, 50)]
    ]
    assignments = {
        ind.code: Assignment.objects.create(indicator=ind, district=hk, annual_target=target)
        for ind, target in [(a, 100), (b, 50), (c, 100), (d, 0), (e, 100)]
    }
    # C's weight is the district's own (the indicator has no default).
    Assignment.objects.filter(pk=assignments["1.3"].pk).update(weight=20)
    reports = {
        "1.1": _submitted(assignments["1.1"], Decimal(84)),
        "1.2": _submitted(assignments["1.2"], Decimal(45)),
        "1.3": _submitted(assignments["1.3"], Decimal(50)),
        "1.4": _submitted(assignments["1.4"], Decimal(12)),
    }
    for step in steps[:2]:
        StepProgress.objects.create(report=reports["1.3"], step=step, done_on=dt.date(2047, 8, 1))
    scores = {code: _score_as_suggested(r, personas.evaluator) for code, r in reports.items()}
    return {"year": year, "period": period, "district": hk, "scores": scores}


@pytest.mark.django_db
def test_the_worked_example_gives_the_district_score_to_four_decimals(
    worked_example: dict[str, Any], settings: Settings
) -> None:
    # Each rule's score, by hand (out of 100).
    assert worked_example["scores"] == {
        "1.1": Decimal("68.00"),
        "1.2": Decimal("90.00"),
        "1.3": Decimal("50.00"),
        "1.4": Decimal("52.00"),
    }
    year, hk = worked_example["year"], worked_example["district"]

    # Unreported counts as 0: (30×3.4 + 25×4.5 + 20×2.5 + 15×2.6 + 10×0) ÷ 100 = 303.5 ÷ 100.
    settings.SCORECARD_UNREPORTED = "zero"
    card = district_scorecard(hk, year, 4, office_view=True)
    assert card.office.score == Decimal("3.0350")
    assert card.office.percent == Decimal("60.70")
    assert [line.state for line in card.lines][-1] == "not_reported"

    # Left out: 303.5 ÷ 90 = 3.37222… → 3.3722, 67.44 %.
    settings.SCORECARD_UNREPORTED = "omit"
    card = district_scorecard(hk, year, 4, office_view=True)
    assert card.office.score == Decimal("3.3722")
    assert card.office.percent == Decimal("67.44")
    # Each line's share adds up to the total.
    assert sum(line.office_weighted or 0 for line in card.lines) == Decimal("3.3722")


def test_weighted_score_arithmetic_without_the_database() -> None:
    lines = [
        Weighed(Decimal(60), Decimal("2.5"), Decimal(5)),  # level 2.5
        Weighed(Decimal(40), Decimal(75), Decimal(100)),  # level 3.75
        Weighed(None, Decimal(100), Decimal(100)),  # no weight: weighs nothing
    ]
    # (60 × 2.5 + 40 × 3.75) ÷ 100 = 3.0
    assert weighted_score(lines, unreported="zero").score == Decimal("3.0000")
    assert weighted_score([], unreported="zero").score is None
    nothing_scored = [Weighed(Decimal(100), None, Decimal(100))]
    assert weighted_score(nothing_scored, unreported="zero").score is None


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    ranked = rank_by_score(
        [(Decimal("4.1"), "ก"), (Decimal("3.9"), "ข"), (Decimal("4.1"), "ค"), (Decimal(3), "ง")]
    )
    assert [(rank, item) for rank, _score, item in ranked] == [
        (1, "ก"),
        (1, "ค"),
        (3, "ข"),
        (4, "ง"),
    ]


@pytest.fixture
def two_districts(worked_example: dict[str, Any], personas: Personas) -> dict[str, Any]:
    """Phra Nakhon gets the same five indicators, and exactly Huai Khwang's scores."""
    pn = District.objects.get(code=PHRA_NAKHON)
    for hk_assignment in Assignment.objects.filter(
        district=worked_example["district"], indicator__fiscal_year=worked_example["year"]
    ).select_related("indicator"):
        twin = Assignment.objects.create(
            indicator=hk_assignment.indicator,
            district=pn,
            annual_target=hk_assignment.annual_target,
            weight=hk_assignment.weight,
        )
        original = hk_assignment.reports.filter(quarter=4).first()
        if original is not None:
            Report.objects.create(
                assignment=twin,
                quarter=4,
                status=Status.EVALUATED,
                result=original.result,
                score=original.score,
                full_score=original.full_score,
                evaluated_at=timezone.now(),
            )
    return worked_example


@pytest.mark.django_db
def test_rankings_count_only_published_quarters_and_ties_share_a_rank(
    two_districts: dict[str, Any], personas: Personas, settings: Settings
) -> None:
    settings.SCORECARD_UNREPORTED = "zero"
    year = two_districts["year"]
    before = district_ranking(year, 4)
    assert not before.published
    assert all(entry.rank is None for entry in before.ranked)  # listed, never numbered

    indicator_services.period_publish(period=two_districts["period"], actor=personas.evaluator)
    after = district_ranking(year, 4)
    numbered = {e.district.code: (e.rank, e.score.score) for e in after.ranked if e.rank}
    assert numbered == {HUAI_KHWANG: (1, Decimal("3.0350")), PHRA_NAKHON: (1, Decimal("3.0350"))}
    # Districts with no assignment in the year are not listed at all.
    assert len(after.ranked) == 2


@pytest.mark.django_db
def test_the_kept_sums_of_a_ranking_follow_every_change_at_once(
    two_districts: dict[str, Any], personas: Personas, settings: Settings
) -> None:
    """The rankings' sums are kept for the quarter's version: a score, a weight and a
    district's zone group each change the next ranking, with no wait."""
    settings.SCORECARD_UNREPORTED = "zero"
    year = two_districts["year"]
    indicator_services.period_publish(period=two_districts["period"], actor=personas.evaluator)

    def numbered() -> dict[str, tuple[int | None, Decimal | None]]:
        return {e.district.code: (e.rank, e.score.score) for e in district_ranking(year, 4).ranked}

    assert numbered() == {HUAI_KHWANG: (1, Decimal("3.0350")), PHRA_NAKHON: (1, Decimal("3.0350"))}
    report = (
        Report.objects.filter(assignment__district__code=PHRA_NAKHON, quarter=4, score__gt=0)
        .order_by("pk")
        .first()
    )
    assert report is not None
    Report.objects.filter(pk=report.pk).update(score=0)
    after_score = numbered()
    assert after_score[HUAI_KHWANG][0] == 1 and after_score[PHRA_NAKHON][0] == 2
    Assignment.objects.filter(pk=report.assignment_id).update(weight=0)
    after_weight = numbered()[PHRA_NAKHON][1]
    assert after_weight is not None and after_weight != after_score[PHRA_NAKHON][1]
    # Listed by zone group: only its districts, each with its rank among all.
    zone = District.objects.get(code=PHRA_NAKHON).zone_group
    in_zone = district_ranking(year, 4, zone_code=zone.code)
    assert {e.district.code for e in in_zone.ranked} == {PHRA_NAKHON} | (
        {HUAI_KHWANG} if District.objects.get(code=HUAI_KHWANG).zone_group == zone else set()
    )
    assert [g for g, _members in in_zone.zone_groups] == [zone]


@pytest.mark.django_db
def test_the_district_sees_its_scorecard_only_once_published(
    worked_example: dict[str, Any], personas: Personas, settings: Settings
) -> None:
    settings.SCORECARD_UNREPORTED = "zero"
    url = reverse("scorecard", args=[HUAI_KHWANG, YEAR]) + "?quarter=4"
    pdf_url = reverse("scorecard_pdf", args=[HUAI_KHWANG, YEAR]) + "?quarter=4"
    district = personas.client(personas.officer_hk)
    office = personas.client(personas.evaluator)

    unpublished = visible_text(district.get(url))
    assert "รอประกาศผล" in unpublished
    assert "3.0350" not in unpublished and "68/100" not in unpublished
    assert "3.0350" in visible_text(office.get(url))  # the office sees its draft
    assert "๓.๐๓๕๐" not in _pdf_text(district.get(pdf_url))

    indicator_services.period_publish(period=worked_example["period"], actor=personas.evaluator)
    published = visible_text(district.get(url))
    assert "3.0350" in published and "60.70" in published
    assert "ไม่ได้รายงาน" in published
    text = _pdf_text(district.get(pdf_url))
    assert "๓.๐๓๕๐" in text and "ผลการประเมินตามคำรับรองการปฏิบัติราชการ" in text
    # Who evaluated, and when, on the scorecard and on each indicator's sheet.
    evaluator = personas.evaluator.get_full_name()
    assert evaluator and f"ผู้ประเมิน: {evaluator}" in published
    sheet_page = visible_text(
        district.get(
            reverse(
                "assignment_sheet",
                args=[Assignment.objects.get(district__code=HUAI_KHWANG, indicator__code="1.1").pk],
            )
        )
    )
    assert f"ประเมินโดย {evaluator}" in sheet_page and "น้ำหนัก (ร้อยละ) 30" in sheet_page
    home = visible_text(district.get(reverse("district_home", args=[HUAI_KHWANG])))
    assert "ผลการประเมินตามคำรับรอง (คะแนนถ่วงน้ำหนัก)" in home
    # Another district's staff cannot open it.
    assert personas.client(personas.officer_pn).get(url).status_code == 404


def _pdf_text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.django_db
def test_scorecard_and_ranking_queries_do_not_grow_with_indicators(
    worked_example: dict[str, Any], personas: Personas
) -> None:
    year, hk = worked_example["year"], worked_example["district"]

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as card:
            district_scorecard(hk, year, 4, office_view=True)
        with CaptureQueriesContext(connection) as ranking:
            district_ranking(year, 4)
        return len(card), len(ranking)

    before = count()
    for n in range(6, 16):
        indicator = _indicator(year, f"1.{n}", weight=1)
        for district in District.objects.all()[:10]:
            Assignment.objects.get_or_create(
                indicator=indicator, district=district, defaults={"annual_target": 10}
            )
    assert count() == before
    office = personas.client(personas.evaluator)
    with CaptureQueriesContext(connection) as page:
        assert office.get(reverse("office_rankings") + f"?year={YEAR}&quarter=4").status_code == 200
    rankings_page = len(page)
    with CaptureQueriesContext(connection) as page:
        response = office.get(reverse("scorecard", args=[HUAI_KHWANG, YEAR]) + "?quarter=4")
        assert response.status_code == 200
    assert len(page) <= 14, [q["sql"][:120] for q in page.captured_queries]
    assert rankings_page <= 14
