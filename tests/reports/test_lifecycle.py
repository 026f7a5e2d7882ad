"""The whole transitions table, walked for every persona.

For every status a report can be in, every status it could be moved to, and
every persona (and the system itself), the pipeline either moves the report and
writes a transition row saying who, when, from what and to what — or refuses
with a Thai reason and leaves the report and its history untouched. The table
the test expects is written out here again, independently of reports.services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from indicators.models import Assignment, DeadlineExtension, FiscalYear, ReportingPeriod
from reports import services
from reports.models import Report, ReportTransition, Status
from tests.personas import Personas

#: The product's lifecycle (docs/design.md): from each status, where it may go.
AWAITING = Status.AWAITING_CERTIFICATION
ALLOWED = {
    Status.DRAFT: {Status.SUBMITTED, AWAITING},
    AWAITING: {Status.SUBMITTED, Status.DRAFT},
    Status.SUBMITTED: {Status.EVALUATED, Status.RETURNED},
    Status.RETURNED: {Status.DRAFT, Status.SUBMITTED, AWAITING},
    Status.EVALUATED: {Status.REOPENED},
    Status.REOPENED: {Status.SUBMITTED, AWAITING},
}
#: Who may cause each move: the report's own district, or the evaluation office.
BY_DISTRICT = {Status.SUBMITTED, Status.DRAFT, AWAITING}
DISTRICT_OF_THE_REPORT = {"officer_hk", "head_hk"}
OFFICE = {"evaluator", "admin"}


def _may(persona: str, from_status: str, to_status: str, certification: bool) -> bool:
    if to_status not in ALLOWED[Status(from_status)]:
        return False
    if persona == "system":
        return True
    if to_status not in BY_DISTRICT:
        return persona in OFFICE
    if persona not in DISTRICT_OF_THE_REPORT:
        return False
    if to_status == AWAITING and not certification:
        return False  # nothing to certify in a year without certification
    if from_status == AWAITING or (to_status == Status.SUBMITTED and certification):
        return persona == "head_hk"  # only the head certifies
    return True


@pytest.fixture
def open_report_of(hk_sheet: Assignment) -> Any:
    """Huai Khwang's FY2564 Q3 report, put into a given status, its quarter kept open."""
    DeadlineExtension.objects.update_or_create(
        district=hk_sheet.district,
        period=ReportingPeriod.objects.get(fiscal_year=hk_sheet.indicator.fiscal_year, quarter=3),
        defaults={
            "deadline": timezone.localdate() + dt.timedelta(days=30),
            "reason": "ทดสอบวงจรสถานะ",
            "granted_at": timezone.now(),
        },
    )

    def make(status: str) -> Report:
        report = services.report_start(assignment=hk_sheet, quarter=3, actor=None)
        Report.objects.filter(pk=report.pk).update(
            status=status,
            score=Decimal(80) if status == Status.EVALUATED else None,
            narrative="ดำเนินการตามแผนครบทุกขั้นตอนที่ถึงกำหนด",
        )
        report.refresh_from_db()
        return report

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("certification", [False, True], ids=["no-certification", "certification"])
@pytest.mark.parametrize(
    "persona", ["officer_hk", "head_hk", "officer_pn", "evaluator", "admin", "system"]
)
def test_every_transition_for_every_persona(
    persona: str, certification: bool, personas: Personas, open_report_of: Any, hk_sheet: Assignment
) -> None:
    FiscalYear.objects.filter(pk=hk_sheet.indicator.fiscal_year_id).update(
        head_certification=certification
    )
    actor = None if persona == "system" else getattr(personas, persona)
    for from_status in Status:
        for to_status in Status:
            report = open_report_of(from_status)
            before = ReportTransition.objects.filter(report=report).count()
            at = timezone.now().replace(microsecond=0)
            case = f"{persona}: {from_status} → {to_status}"
            if _may(persona, from_status, to_status, certification):
                services.report_transition(
                    report=report,
                    to_status=to_status,
                    actor=actor,
                    reason="เหตุผลของการเปลี่ยนสถานะ",
                    now=at,
                    fields={"score": Decimal(75)} if to_status == Status.EVALUATED else None,
                )
                report.refresh_from_db()
                assert report.status == to_status, case
                row = ReportTransition.objects.filter(report=report).latest("id")
                assert (row.from_status, row.to_status, row.actor, row.at) == (
                    from_status,
                    to_status,
                    actor,
                    at,
                ), case
            else:
                with pytest.raises(services.ReportError) as refused:
                    services.report_transition(
                        report=report,
                        to_status=to_status,
                        actor=actor,
                        reason="เหตุผลของการเปลี่ยนสถานะ",
                        fields={"score": Decimal(75)} if to_status == Status.EVALUATED else None,
                    )
                assert str(refused.value), case  # a reason the user can read
                report.refresh_from_db()
                assert report.status == from_status, case
                assert ReportTransition.objects.filter(report=report).count() == before, case
