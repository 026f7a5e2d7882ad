"""Every write to a quarterly report goes through here.

Functions are keyword-only and atomic; each validates, saves, and leaves a
trace (a transition row, or the report's version and updated_by). ``actor`` is
the signed-in user; ``None`` means the system itself (the demo loader, an
import), which is not held to reporting deadlines. ``now`` can be given so
imports and tests can state when something happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import membership_of, sees_every_district
from districts.models import Role
from indicators.fiscal import QUARTERS, fiscal_year_bounds, quarter_bounds
from indicators.models import Assignment, MeasurementKind, MilestoneBasis, MilestoneStep
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused
from kpi_portal.text import tidy
from reports.editing import edit_check, is_district_staff
from reports.measures import milestone_result, milestone_result_to_date, ratio_percent
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    Status,
    StepProgress,
)
from reports.uploads import EvidenceRejected, check_evidence


class ReportError(ActionRefused):
    """A refused change to a report; the message is shown to the user as it is."""


@dataclass(frozen=True)
class VersionConflict(ReportError):
    """Someone else saved the report since the user opened it."""

    report: Report
    expected_version: int

    def __str__(self) -> str:
        return _("มีผู้อื่นบันทึกรายงานนี้ไปแล้วระหว่างที่คุณแก้ไข")


#: The report lifecycle: from each status, the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.SUBMITTED,),
    Status.SUBMITTED: (Status.EVALUATED, Status.RETURNED),
    Status.RETURNED: (Status.DRAFT, Status.SUBMITTED),
    Status.EVALUATED: (Status.REOPENED,),
    Status.REOPENED: (Status.SUBMITTED,),
}

#: Who may cause each target status (besides the system itself).
_ACTOR_ROLES: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (Role.OFFICER, Role.HEAD),
    Status.DRAFT: (Role.OFFICER, Role.HEAD),
    Status.EVALUATED: (Role.EVALUATOR, Role.ADMINISTRATOR),
    Status.RETURNED: (Role.EVALUATOR, Role.ADMINISTRATOR),
    Status.REOPENED: (Role.EVALUATOR, Role.ADMINISTRATOR),
}

_REASON_REQUIRED = (Status.RETURNED, Status.REOPENED)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def report_assert_editable(*, report: Report, actor: Any, now: dt.datetime | None = None) -> None:
    """Refuse unless ``actor`` may still change this report (``reports.editing``)."""
    check = edit_check(
        assignment=report.assignment,
        quarter=report.quarter,
        status=report.status,
        actor=actor,
        today=timezone.localdate(_now(now)),
    )
    if not check.allowed:
        raise ReportError(check.reason)


@audited
@transaction.atomic
def report_start(
    *, assignment: Assignment, quarter: int, actor: Any, now: dt.datetime | None = None
) -> Report:
    """The report of a quarter, created as a draft the first time anyone opens it.

    A milestone report starts with the steps already done in the latest earlier
    quarter, so the district only ticks what is new.
    """
    if quarter not in QUARTERS:
        raise ReportError(_("ไตรมาสต้องเป็น 1 ถึง 4"))
    existing = Report.objects.filter(assignment=assignment, quarter=quarter).first()
    if existing is not None:
        return existing
    # Nothing is started in a quarter the district may not report (a closed year,
    # past the deadline): the write that follows would be refused anyway.
    check = edit_check(
        assignment=assignment,
        quarter=quarter,
        status=None,
        actor=actor,
        today=timezone.localdate(_now(now)),
    )
    if not check.allowed:
        raise ReportError(check.reason)
    report, created = Report.objects.get_or_create(
        assignment=assignment,
        quarter=quarter,
        defaults={"full_score": assignment.indicator.full_score, "updated_by": actor},
    )
    if not created:
        return report
    ReportTransition.objects.create(
        report=report, from_status="", to_status=Status.DRAFT, actor=actor, at=_now(now)
    )
    if assignment.indicator.kind == MeasurementKind.MILESTONES:
        earlier = (
            Report.objects.filter(assignment=assignment, quarter__lt=quarter)
            .order_by("-quarter")
            .first()
        )
        if earlier is not None:
            StepProgress.objects.bulk_create(
                StepProgress(report=report, step_id=p.step_id, done_on=p.done_on, note=p.note)
                for p in earlier.step_progress.all()
            )
            report_recompute(report=report)
    return report


def _bump(report: Report, actor: Any, expected_version: int | None) -> None:
    """Claim the next version, refusing if someone saved since ``expected_version``."""
    if expected_version is not None:
        updated = Report.objects.filter(pk=report.pk, version=expected_version).update(
            version=expected_version + 1, updated_by=actor, updated_at=timezone.now()
        )
        if not updated:
            report.refresh_from_db()
            raise VersionConflict(report=report, expected_version=expected_version)
        report.version = expected_version + 1
    else:
        report.version += 1
        Report.objects.filter(pk=report.pk).update(
            version=report.version, updated_by=actor, updated_at=timezone.now()
        )
    report.updated_by = actor


def report_recompute(*, report: Report) -> Decimal | None:
    """Store the result that follows from the report's ratio updates or steps."""
    indicator = report.assignment.indicator
    if indicator.kind == MeasurementKind.RATIO:
        latest = report.ratio_updates.order_by("-as_of", "-id").first()
        result = ratio_percent(latest.numerator, latest.denominator) if latest else None
    elif indicator.kind == MeasurementKind.MILESTONES:
        done = dict(report.step_progress.values_list("step_id", "done_on"))
        steps = list(indicator.steps.all())
        if indicator.milestone_basis == MilestoneBasis.TO_DATE:
            quarter_end = quarter_bounds(indicator.fiscal_year.year, report.quarter)[1]
            year_end = fiscal_year_bounds(indicator.fiscal_year.year)[1]
            result = milestone_result_to_date(
                ((s.weight, s.pk in done, s.due_date or year_end) for s in steps), quarter_end
            )
        else:
            result = milestone_result((s.weight, s.pk in done) for s in steps)
    else:
        return report.result
    Report.objects.filter(pk=report.pk).update(result=result)
    report.result = result
    return result


@audited
@transaction.atomic
def report_update(
    *,
    report: Report,
    actor: Any,
    expected_version: int | None,
    narrative: str | None = None,
    result: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Save the district's narrative and, for value indicators, the typed result."""
    report_assert_editable(report=report, actor=actor, now=now)
    _bump(report, actor, expected_version)
    fields: dict[str, Any] = {}
    if narrative is not None:
        fields["narrative"] = narrative
    if result is not None:
        if report.assignment.indicator.kind != MeasurementKind.VALUE:
            raise ReportError(_("ผลงานของตัวชี้วัดนี้คำนวณจากข้อมูลที่กรอก พิมพ์เองไม่ได้"))
        fields["result"] = result
    if fields:
        Report.objects.filter(pk=report.pk).update(**fields)
        for name, value in fields.items():
            setattr(report, name, value)
    return report


def _check_in_fiscal_year(report: Report, day: dt.date, label: str) -> None:
    start, end = fiscal_year_bounds(report.assignment.indicator.fiscal_year.year)
    if not start <= day <= end:
        raise ReportError(
            _("%(label)s ต้องอยู่ในปีงบประมาณ %(year)s")
            % {"label": label, "year": report.assignment.indicator.fiscal_year.year}
        )


@audited
@transaction.atomic
def ratio_update_add(
    *,
    report: Report,
    actor: Any,
    as_of: dt.date,
    numerator: Decimal,
    denominator: Decimal,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> RatioUpdate:
    """Add a dated numerator/denominator update; the report's result follows the latest."""
    if report.assignment.indicator.kind != MeasurementKind.RATIO:
        raise ReportError(_("ตัวชี้วัดนี้ไม่ได้วัดผลเป็นสัดส่วน"))
    report_assert_editable(report=report, actor=actor, now=now)
    if denominator <= 0:
        raise ReportError(_("ตัวหารต้องมากกว่าศูนย์"))
    if numerator < 0:
        raise ReportError(_("ตัวตั้งต้องไม่ติดลบ"))
    _check_in_fiscal_year(report, as_of, _("วันที่ของข้อมูล"))
    _bump(report, actor, expected_version)
    update = RatioUpdate.objects.create(
        report=report,
        as_of=as_of,
        numerator=numerator,
        denominator=denominator,
        note=note,
        created_by=actor,
    )
    report_recompute(report=report)
    return update


@audited
@transaction.atomic
def step_mark_done(
    *,
    report: Report,
    actor: Any,
    step: MilestoneStep,
    done_on: dt.date,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> StepProgress:
    """Mark a milestone step done (or change its date and note) in this quarter's report."""
    if step.indicator_id != report.assignment.indicator_id:
        raise ReportError(_("ขั้นตอนนี้ไม่ได้เป็นของตัวชี้วัดนี้"))
    report_assert_editable(report=report, actor=actor, now=now)
    _check_in_fiscal_year(report, done_on, _("วันที่ดำเนินการแล้วเสร็จ"))
    _bump(report, actor, expected_version)
    progress, _created = StepProgress.objects.update_or_create(
        report=report, step=step, defaults={"done_on": done_on, "note": note}
    )
    report_recompute(report=report)
    return progress


@audited
@transaction.atomic
def letter_add(
    *,
    report: Report,
    actor: Any,
    number: str,
    dated: dt.date,
    title: str,
    step: MilestoneStep | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> LetterReference:
    """Cite an official letter as evidence."""
    report_assert_editable(report=report, actor=actor, now=now)
    number, title = tidy(number), tidy(title)
    if not number or not title:
        raise ReportError(_("กรุณากรอกเลขที่หนังสือและเรื่อง"))
    _bump(report, actor, expected_version)
    return LetterReference.objects.create(
        report=report,
        number=number.strip(),
        dated=dated,
        title=title.strip(),
        step=step,
        created_by=actor,
    )


def _check_transition_actor(report: Report, to_status: str, actor: Any) -> None:
    if actor is None:
        return
    membership = membership_of(actor)
    role = membership.role if membership else None
    if to_status in (Status.SUBMITTED, Status.DRAFT):
        if not is_district_staff(actor, report.assignment):
            raise ReportError(_("คุณไม่มีสิทธิ์แก้ไขรายงานของสำนักงานเขตนี้"))
    elif not sees_every_district(actor):
        raise ReportError(_("เฉพาะเจ้าหน้าที่ สยป. เท่านั้นที่ทำรายการนี้ได้"))
    if role is not None and role not in _ACTOR_ROLES[to_status] and not actor.is_superuser:
        raise ReportError(_("บทบาทของคุณทำรายการนี้ไม่ได้"))


@audited
@transaction.atomic
def report_transition(
    *,
    report: Report,
    to_status: str,
    actor: Any,
    reason: str = "",
    now: dt.datetime | None = None,
    fields: dict[str, Any] | None = None,
) -> ReportTransition:
    """Move a report along its lifecycle, refusing any move the pipeline does not allow."""
    report = (
        Report.objects.select_for_update()
        .select_related("assignment__indicator__fiscal_year")
        .get(pk=report.pk)
    )
    if to_status not in TRANSITIONS.get(report.status, ()):
        raise ReportError(
            _("เปลี่ยนสถานะจาก “%(from)s” เป็น “%(to)s” ไม่ได้")
            % {"from": report.get_status_display(), "to": Status(to_status).label}
        )
    _check_transition_actor(report, to_status, actor)
    reason = tidy(reason)
    if to_status in _REASON_REQUIRED and not reason:
        raise ReportError(_("กรุณาระบุเหตุผล"))
    at = _now(now)
    if to_status == Status.SUBMITTED:
        report_assert_editable(report=report, actor=actor, now=now)
        fields = {**(fields or {}), "submitted_at": at, "submitted_by": actor}
    transition = ReportTransition.objects.create(
        report=report,
        from_status=report.status,
        to_status=to_status,
        actor=actor,
        at=at,
        reason=reason.strip(),
    )
    # Extra fields (a score) change in the same statement as the status, so the
    # database's "evaluated has a score" rule holds at every moment.
    Report.objects.filter(pk=report.pk).update(
        status=to_status, version=report.version + 1, **(fields or {})
    )
    return transition


def _ratio_update_for(report: Report, pk: int) -> RatioUpdate:
    try:
        return report.ratio_updates.get(pk=pk)
    except RatioUpdate.DoesNotExist:
        raise ReportError(_("ไม่พบข้อมูลนี้ อาจถูกลบไปแล้ว")) from None


@audited
@transaction.atomic
def ratio_update_edit(
    *,
    report: Report,
    actor: Any,
    update_id: int,
    as_of: dt.date,
    numerator: Decimal,
    denominator: Decimal,
    note: str = "",
    now: dt.datetime | None = None,
) -> RatioUpdate:
    """Correct an earlier update; the result follows the latest update again."""
    report_assert_editable(report=report, actor=actor, now=now)
    update = _ratio_update_for(report, update_id)
    if denominator <= 0:
        raise ReportError(_("ตัวหารต้องมากกว่าศูนย์"))
    if numerator < 0:
        raise ReportError(_("ตัวตั้งต้องไม่ติดลบ"))
    _check_in_fiscal_year(report, as_of, _("วันที่ของข้อมูล"))
    _bump(report, actor, None)
    RatioUpdate.objects.filter(pk=update.pk).update(
        as_of=as_of, numerator=numerator, denominator=denominator, note=note
    )
    report_recompute(report=report)
    update.refresh_from_db()
    return update


@audited
@transaction.atomic
def ratio_update_delete(
    *, report: Report, actor: Any, update_id: int, now: dt.datetime | None = None
) -> None:
    report_assert_editable(report=report, actor=actor, now=now)
    update = _ratio_update_for(report, update_id)
    _bump(report, actor, None)
    update.delete()
    report_recompute(report=report)


@audited
@transaction.atomic
def step_unmark(
    *, report: Report, actor: Any, step: MilestoneStep, now: dt.datetime | None = None
) -> None:
    """Take back a step marked done in this quarter's report."""
    report_assert_editable(report=report, actor=actor, now=now)
    _bump(report, actor, None)
    StepProgress.objects.filter(report=report, step=step).delete()
    report_recompute(report=report)


@audited
@transaction.atomic
def evidence_add(
    *,
    report: Report,
    actor: Any,
    upload: UploadedFile,
    step: MilestoneStep | None = None,
    description: str = "",
    now: dt.datetime | None = None,
) -> EvidenceFile:
    """Attach a file after checking what it really is and how big it is."""
    report_assert_editable(report=report, actor=actor, now=now)
    if step is not None and step.indicator_id != report.assignment.indicator_id:
        raise ReportError(_("ขั้นตอนนี้ไม่ได้เป็นของตัวชี้วัดนี้"))
    try:
        content_type = check_evidence(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    except EvidenceRejected as rejected:
        raise ReportError(str(rejected)) from None
    _bump(report, actor, None)
    original_name = PurePath(upload.name or "evidence").name[:255]
    return EvidenceFile.objects.create(
        report=report,
        step=step,
        file=upload,
        original_name=original_name,
        content_type=content_type,
        size=upload.size or 0,
        description=description.strip()[:500],
        uploaded_by=actor,
    )


@audited
@transaction.atomic
def evidence_delete(
    *, report: Report, actor: Any, evidence_id: int, now: dt.datetime | None = None
) -> None:
    report_assert_editable(report=report, actor=actor, now=now)
    evidence = report.evidence_files.filter(pk=evidence_id).first()
    if evidence is None:
        raise ReportError(_("ไม่พบไฟล์นี้ อาจถูกลบไปแล้ว"))
    _bump(report, actor, None)
    stored = evidence.file
    evidence.delete()
    # Remove the stored bytes only once the row is gone for good.
    if stored.name:
        name = stored.name
        transaction.on_commit(lambda: stored.storage.delete(name))


@audited
@transaction.atomic
def letter_delete(
    *, report: Report, actor: Any, letter_id: int, now: dt.datetime | None = None
) -> None:
    report_assert_editable(report=report, actor=actor, now=now)
    deleted, _rows = report.letters.filter(pk=letter_id).delete()
    if not deleted:
        raise ReportError(_("ไม่พบหนังสือนี้ อาจถูกลบไปแล้ว"))
    _bump(report, actor, None)
