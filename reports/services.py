"""Every write to a quarterly report goes through here.

Functions are keyword-only and atomic; each validates, saves, and leaves a
trace (a transition row, or the report's version and updated_by). ``actor`` is
the signed-in user; ``None`` means the system itself (the demo loader, an
import), which is not held to reporting deadlines. ``now`` can be given so
imports and tests can state when something happened.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import membership_of, sees_every_district
from districts.models import District, Role
from indicators.fiscal import QUARTERS, fiscal_year_bounds, quarter_bounds
from indicators.models import Assignment, MeasurementKind, MilestoneBasis, MilestoneStep
from indicators.services import deadline_grace
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused
from kpi_portal.text import tidy
from kpi_portal.thaidate import format_date
from kpi_portal.thaidigits import format_score
from reports.editing import edit_check, is_district_staff
from reports.measures import milestone_result, milestone_result_to_date, ratio_percent
from reports.models import (
    EvidenceFile,
    Explanation,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    Status,
    StepProgress,
)
from reports.scoring import suggested_score
from reports.uploads import EvidenceRejected, check_evidence
from reports.validation import Problem, blocking, report_problems

#: The largest percentage a ratio update may produce (its stored column's limit).
MAX_PERCENT = Decimal("9999999999.99")


class ReportError(ActionRefused):
    """A refused change to a report; the message is shown to the user as it is.

    ``field`` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class VersionConflict(ReportError):
    """Someone else changed the report (any part of it) since the user opened it."""

    def __init__(self, *, report: Report, expected_version: int) -> None:
        super().__init__(_("มีผู้อื่นบันทึกรายงานนี้ไปแล้วระหว่างที่คุณแก้ไข"))
        self.report = report
        self.expected_version = expected_version


class SubmissionRefused(ReportError):
    """The report breaks rules that stop its submission; every problem is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            _("ยังส่งรายงานไม่ได้ มี %(count)s เรื่องที่ต้องแก้ไขหรือชี้แจงก่อน") % {"count": len(problems)}
        )
        self.problems = problems


#: The report lifecycle: from each status, the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.SUBMITTED, Status.AWAITING_CERTIFICATION),
    Status.AWAITING_CERTIFICATION: (Status.SUBMITTED, Status.DRAFT),
    Status.SUBMITTED: (Status.EVALUATED, Status.RETURNED),
    Status.RETURNED: (Status.DRAFT, Status.SUBMITTED, Status.AWAITING_CERTIFICATION),
    Status.EVALUATED: (Status.REOPENED,),
    Status.REOPENED: (Status.SUBMITTED, Status.AWAITING_CERTIFICATION),
}

#: Who may cause each target status (besides the system itself).
_ACTOR_ROLES: dict[str, tuple[str, ...]] = {
    Status.AWAITING_CERTIFICATION: (Role.OFFICER, Role.HEAD),
    Status.SUBMITTED: (Role.OFFICER, Role.HEAD),
    Status.DRAFT: (Role.OFFICER, Role.HEAD),
    Status.EVALUATED: (Role.EVALUATOR, Role.ADMINISTRATOR),
    Status.RETURNED: (Role.EVALUATOR, Role.ADMINISTRATOR),
    Status.REOPENED: (Role.EVALUATOR, Role.ADMINISTRATOR),
}

_REASON_REQUIRED = (Status.RETURNED, Status.REOPENED)
_DISTRICT_TARGETS = (Status.AWAITING_CERTIFICATION, Status.SUBMITTED, Status.DRAFT)


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
            raise ReportError(_("ผลงานของตัวชี้วัดนี้คำนวณจากข้อมูลที่กรอก พิมพ์เองไม่ได้"), field="result")
        fields["result"] = result
    if fields:
        Report.objects.filter(pk=report.pk).update(**fields)
        for name, value in fields.items():
            setattr(report, name, value)
    return report


def _check_date(day: dt.date, low: dt.date, high: dt.date, *, rule: str, field: str) -> None:
    """Refuse ``day`` outside [low, high], saying the range allowed."""
    if low <= day <= high:
        return
    if high < low:
        # A quarter opened ahead of time: nothing can be dated in it before it begins.
        raise ReportError(
            _("%(rule)s จึงยังกรอกไม่ได้จนถึง %(low)s") % {"rule": rule, "low": format_date(low)},
            field=field,
        )
    raise ReportError(
        _("%(rule)s: ระหว่าง %(low)s ถึง %(high)s")
        % {
            "rule": rule,
            "low": format_date(low),
            "high": format_date(high),
        },
        field=field,
    )


def _check_as_of(report: Report, as_of: dt.date, now: dt.datetime | None) -> None:
    """A ratio update is dated inside its report's quarter, and not after today."""
    start, end = quarter_bounds(report.assignment.indicator.fiscal_year.year, report.quarter)
    _check_date(
        as_of,
        start,
        min(end, timezone.localdate(_now(now))),
        rule=_("วันที่ของข้อมูลต้องอยู่ในไตรมาสที่ %(q)s และไม่เกินวันนี้") % {"q": report.quarter},
        field="as_of",
    )


def _check_done_on(report: Report, done_on: dt.date, now: dt.datetime | None) -> None:
    """A step is done inside the fiscal year, and not after today."""
    year = report.assignment.indicator.fiscal_year.year
    start, end = fiscal_year_bounds(year)
    _check_date(
        done_on,
        start,
        min(end, timezone.localdate(_now(now))),
        rule=_("วันที่ดำเนินการแล้วเสร็จต้องอยู่ในปีงบประมาณ %(year)s และไม่เกินวันนี้") % {"year": year},
        field="done_on",
    )


def _check_letter_date(report: Report, dated: dt.date, now: dt.datetime | None) -> None:
    """A letter cited is dated from the start of the previous fiscal year to today."""
    year = report.assignment.indicator.fiscal_year.year
    _check_date(
        dated,
        fiscal_year_bounds(year - 1)[0],
        timezone.localdate(_now(now)),
        rule=_("วันที่ของหนังสือต้องอยู่ตั้งแต่ต้นปีงบประมาณ %(year)s ถึงวันนี้") % {"year": year - 1},
        field="dated",
    )


def _check_amounts(numerator: Decimal, denominator: Decimal) -> None:
    if denominator <= 0:
        raise ReportError(_("ตัวหารต้องมากกว่าศูนย์"), field="denominator")
    if numerator < 0:
        raise ReportError(_("ตัวตั้งต้องไม่ติดลบ"), field="numerator")
    if ratio_percent(numerator, denominator) > MAX_PERCENT:
        raise ReportError(
            _("ตัวตั้งมากกว่าตัวหารเกินกว่าที่ระบบเก็บได้ (ร้อยละเกิน 9,999,999,999.99) กรุณาตรวจสอบตัวเลข"),
            field="numerator",
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
    _check_amounts(numerator, denominator)
    _check_as_of(report, as_of, now)
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
    _check_done_on(report, done_on, now)
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
    if not number:
        raise ReportError(_("กรุณากรอกเลขที่หนังสือ"), field="number")
    if not title:
        raise ReportError(_("กรุณากรอกชื่อเรื่องของหนังสือ"), field="title")
    _check_letter_date(report, dated, now)
    if step is not None and step.indicator_id != report.assignment.indicator_id:
        raise ReportError(_("ขั้นตอนนี้ไม่ได้เป็นของตัวชี้วัดนี้"))
    _bump(report, actor, expected_version)  # locks the report: one letter at a time
    limit = settings.LETTERS_MAX_PER_REPORT
    if report.letters.count() >= limit:
        raise ReportError(
            _("รายงานนี้อ้างอิงหนังสือครบ %(limit)s ฉบับแล้ว กรุณาลบหนังสือที่ไม่ใช้ก่อนเพิ่มฉบับใหม่")
            % {"limit": f"{limit:,}"},
            field="number",
        )
    return LetterReference.objects.create(
        report=report,
        number=number.strip(),
        dated=dated,
        title=title.strip(),
        step=step,
        created_by=actor,
    )


def _check_transition_actor(report: Report, from_status: str, to_status: str, actor: Any) -> None:
    if actor is None:
        return
    membership = membership_of(actor)
    role = membership.role if membership else None
    if to_status in _DISTRICT_TARGETS:
        if not is_district_staff(actor, report.assignment):
            raise ReportError(_("คุณไม่มีสิทธิ์แก้ไขรายงานของสำนักงานเขตนี้"))
    elif not sees_every_district(actor):
        raise ReportError(_("เฉพาะเจ้าหน้าที่ สยป. เท่านั้นที่ทำรายการนี้ได้"))
    if role is not None and role not in _ACTOR_ROLES[to_status] and not actor.is_superuser:
        raise ReportError(_("บทบาทของคุณทำรายการนี้ไม่ได้"))
    certifies = report.assignment.indicator.fiscal_year.head_certification
    is_head = role == Role.HEAD or actor.is_superuser
    if to_status == Status.AWAITING_CERTIFICATION and not certifies:
        raise ReportError(_("ปีงบประมาณนี้ไม่ต้องให้ผู้อำนวยการเขตรับรองก่อนส่ง"))
    if from_status == Status.AWAITING_CERTIFICATION and not is_head:
        raise ReportError(_("เฉพาะผู้อำนวยการเขตเท่านั้นที่รับรองหรือส่งกลับรายงานที่รอรับรองได้"))
    if to_status == Status.SUBMITTED and certifies and not is_head:
        raise ReportError(_("ปีงบประมาณนี้ต้องให้ผู้อำนวยการเขตรับรองก่อนส่ง สยป."))


def _assert_may_hand_in(report: Report, actor: Any, now: dt.datetime | None) -> None:
    """The district hands a report in (for certification or to the office) only while it
    may still report the quarter, and only when nothing stops the submission."""
    if actor is None:
        return  # the system (imports, the demo) is held to neither the calendar nor the rules
    today = timezone.localdate(_now(now))
    status: str | None = report.status
    if report.status == Status.AWAITING_CERTIFICATION:
        # The head's certification is judged by the day the officer handed the report
        # in: one handed in on time is not made late by the head's reading of it.
        status = None
        handed = (
            report.transitions.filter(to_status=Status.AWAITING_CERTIFICATION)
            .order_by("-at", "-id")
            .values_list("at", flat=True)
            .first()
        )
        if handed is not None:
            today = timezone.localdate(handed)
    check = edit_check(
        assignment=report.assignment,
        quarter=report.quarter,
        status=status,
        actor=actor,
        today=today,
    )
    if not check.allowed:
        raise ReportError(check.reason)
    problems = report_problems(_with_parts(report))
    stopping = blocking(problems)
    if stopping:
        raise SubmissionRefused(stopping)
    # An explanation of a warning that no longer applies is not handed in with it.
    Explanation.objects.filter(report=report).exclude(
        rule__in=[p.code for p in problems if not p.is_error]
    ).delete()


def _with_parts(report: Report) -> Report:
    """The report with everything the validation rules read, in a handful of queries."""
    return (
        Report.objects.select_related("assignment__indicator__fiscal_year")
        .prefetch_related(
            "ratio_updates",
            "step_progress",
            "evidence_files",
            "letters",
            "explanations",
            "assignment__indicator__steps",
            "assignment__indicator__checks",
        )
        .get(pk=report.pk)
    )


def _grant_grace(report: Report, to_status: str, actor: Any, now: dt.datetime | None) -> None:
    """A report sent back late gets a few days to be corrected, on record with its reason."""
    days = settings.REPORT_GRACE_DAYS
    reasons: dict[str, str] = {
        Status.RETURNED: _("ขยายอัตโนมัติ %(days)s วัน เพราะ สยป. ส่งรายงานกลับให้แก้ไข"),
        Status.REOPENED: _("ขยายอัตโนมัติ %(days)s วัน เพราะ สยป. เปิดรายงานให้แก้ไขอีกครั้ง"),
    }
    reason = reasons[to_status] % {"days": days}
    deadline_grace(
        district_id=report.assignment.district_id,
        fiscal_year_id=report.assignment.indicator.fiscal_year_id,
        quarter=report.quarter,
        today=timezone.localdate(_now(now)),
        days=days,
        reason=reason,
        actor=actor,
        now=now,
    )


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
    expected_version: int | None = None,
) -> ReportTransition:
    """Move a report along its lifecycle, refusing any move the pipeline does not allow.

    With ``expected_version`` the move is refused if anyone changed the report since
    (checked under the row's lock): a head certifies, a district submits, exactly
    what they read.
    """
    report = (
        Report.objects.select_for_update()
        .select_related("assignment__indicator__fiscal_year")
        .get(pk=report.pk)
    )
    if expected_version is not None and report.version != expected_version:
        raise VersionConflict(report=report, expected_version=expected_version)
    from_status = report.status
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise ReportError(
            _("เปลี่ยนสถานะจาก “%(from)s” เป็น “%(to)s” ไม่ได้")
            % {"from": report.get_status_display(), "to": Status(to_status).label}
        )
    _check_transition_actor(report, from_status, to_status, actor)
    reason = tidy(reason)
    if (
        to_status in _REASON_REQUIRED
        or (from_status == Status.AWAITING_CERTIFICATION and to_status == Status.DRAFT)
    ) and not reason:
        raise ReportError(_("กรุณาระบุเหตุผล"), field="reason")
    at = _now(now)
    if to_status in (Status.SUBMITTED, Status.AWAITING_CERTIFICATION):
        _assert_may_hand_in(report, actor, now)
    if to_status == Status.SUBMITTED:
        fields = {**(fields or {}), "submitted_at": at, "submitted_by": actor}
    transition = ReportTransition.objects.create(
        report=report,
        from_status=from_status,
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
    if to_status in (Status.RETURNED, Status.REOPENED):
        _grant_grace(report, to_status, actor, now)
    return transition


def hand_in_status(report: Report, actor: Any) -> str:
    """Where the district's "submit" takes this report: to the head for certification
    (when the fiscal year asks for it and the actor is not the head) or to the office."""
    fiscal_year = report.assignment.indicator.fiscal_year
    if report.status == Status.AWAITING_CERTIFICATION or not fiscal_year.head_certification:
        return Status.SUBMITTED
    membership = membership_of(actor) if actor is not None else None
    if actor is None or actor.is_superuser or (membership and membership.role == Role.HEAD):
        return Status.SUBMITTED
    return Status.AWAITING_CERTIFICATION


def _save_explanations(report: Report, actor: Any, explanations: dict[str, str]) -> bool:
    """Store the district's explanations of warnings; True when any changed."""
    changed = False
    current = {e.rule: e for e in report.explanations.all()}
    for rule, text in explanations.items():
        text = tidy(text).strip()
        existing = current.get(rule)
        if existing is None and text:
            Explanation.objects.create(report=report, rule=rule, text=text, written_by=actor)
            changed = True
        elif existing is not None and existing.text != text:
            if text:
                existing.text, existing.written_by = text, actor
                existing.save(update_fields=["text", "written_by", "written_at"])
            else:
                existing.delete()
            changed = True
    return changed


@audited
@transaction.atomic
def report_save(
    *,
    report: Report,
    actor: Any,
    expected_version: int | None,
    narrative: str | None = None,
    result: Decimal | None = None,
    explanations: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Save the report's own fields (narrative, typed result, explanations) if any changed.

    Unchanged input costs no new version, so a submission that carries the page's
    fields as they were is not refused as a conflict with itself.
    """
    report_assert_editable(report=report, actor=actor, now=now)
    changed = (narrative is not None and narrative != report.narrative) or (
        result is not None and result != report.result
    )
    if explanations:
        current = {e.rule: e.text for e in report.explanations.all()}
        changed = changed or any(
            tidy(text).strip() != current.get(rule, "") for rule, text in explanations.items()
        )
    if not changed:
        if expected_version is not None and expected_version != report.version:
            report.refresh_from_db()
            if expected_version != report.version:
                raise VersionConflict(report=report, expected_version=expected_version)
        return report
    report_update(
        report=report,
        actor=actor,
        expected_version=expected_version,
        narrative=narrative,
        result=result,
        now=now,
    )
    if explanations:
        _save_explanations(report, actor, explanations)
    return report


def self_score_range_message(full_score: Decimal) -> str:
    """What a self-assessment outside 0..full score is told, in the form and the service."""
    return _("คะแนนประเมินตนเองต้องอยู่ระหว่าง 0 ถึง %(full)s คะแนน") % {"full": format_score(full_score)}


def _check_self_score(
    report: Report, self_score: Decimal | None, *, required: bool, suggested: Decimal | None
) -> None:
    """A self-assessment lies within 0..the full score; it is required when the
    indicator's rule gives a score for the report (there is something to assess)."""
    if self_score is None:
        if required and suggested is not None:
            raise ReportError(
                _("กรุณากรอกคะแนนประเมินตนเอง (ตามเกณฑ์ของตัวชี้วัด ผลงานนี้ได้ %(s)s คะแนน)")
                % {"s": format_score(suggested)},
                field="self_score",
            )
        return
    if not Decimal(0) <= self_score <= report.full_score:
        raise ReportError(self_score_range_message(report.full_score), field="self_score")


def _suggestion_with(report: Report, result: Decimal | None) -> Decimal | None:
    """The rule's score for the report as it will be once ``result`` (typed on the
    page, for value indicators) is saved, without saving anything."""
    if result is None or report.assignment.indicator.kind != MeasurementKind.VALUE:
        return suggested_score(report)
    probe = copy.copy(report)
    probe.result = result
    return suggested_score(probe)


@audited
def report_submit(
    *,
    report: Report,
    actor: Any,
    expected_version: int | None,
    self_score: Decimal | None = None,
    narrative: str | None = None,
    result: Decimal | None = None,
    explanations: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> ReportTransition:
    """The district's "submit": what the page holds is saved, every rule is checked, and
    the report goes to the head for certification or to the office.

    ``self_score`` is the district's own assessment (คะแนนประเมินตนเอง), stored with the
    move in one statement. It must lie within 0..the full score and may be left out
    only when the indicator's rule gives the report no score; the system (``actor``
    None) may leave it out. A self-assessment refused changes nothing at all.

    The page's own fields are saved first and stay saved when a rule then stops the
    submission (``SubmissionRefused`` lists every problem), so nothing typed is lost.
    """
    _check_self_score(
        report,
        self_score,
        required=actor is not None,
        suggested=_suggestion_with(report, result) if self_score is None else None,
    )
    report_save(
        report=report,
        actor=actor,
        expected_version=expected_version,
        narrative=narrative,
        result=result,
        explanations=explanations,
        now=now,
    )
    # What was just saved is what goes: a write by someone else in between refuses it.
    return report_transition(
        report=report,
        to_status=hand_in_status(report, actor),
        actor=actor,
        now=now,
        expected_version=report.version if expected_version is not None else None,
        fields={"self_score": self_score},
    )


@audited
@transaction.atomic
def report_certify(
    *,
    report: Report,
    actor: Any,
    expected_version: int | None = None,
    self_score: Decimal | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The district head certifies a report, as read: it goes to the evaluation office.

    The head may adjust the officer's self-assessment (``self_score``; None keeps the
    officer's); it changes with the move, so the history shows both.
    """
    if report.status != Status.AWAITING_CERTIFICATION:
        raise ReportError(_("รายงานนี้ไม่ได้รอการรับรองแล้ว"))
    _check_self_score(report, self_score, required=False, suggested=None)
    report_transition(
        report=report,
        to_status=Status.SUBMITTED,
        actor=actor,
        now=now,
        expected_version=expected_version,
        fields=None if self_score is None else {"self_score": self_score},
    )


@audited
@transaction.atomic
def report_send_back(
    *,
    report: Report,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The district head sends a report back to the officer, saying why."""
    if report.status != Status.AWAITING_CERTIFICATION:
        raise ReportError(_("รายงานนี้ไม่ได้รอการรับรองแล้ว"))
    report_transition(
        report=report,
        to_status=Status.DRAFT,
        actor=actor,
        reason=reason,
        now=now,
        expected_version=expected_version,
    )


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
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> RatioUpdate:
    """Correct an earlier update; the result follows the latest update again."""
    report_assert_editable(report=report, actor=actor, now=now)
    _bump(report, actor, expected_version)
    update = _ratio_update_for(report, update_id)
    _check_amounts(numerator, denominator)
    _check_as_of(report, as_of, now)
    RatioUpdate.objects.filter(pk=update.pk).update(
        as_of=as_of, numerator=numerator, denominator=denominator, note=note
    )
    report_recompute(report=report)
    update.refresh_from_db()
    return update


@audited
@transaction.atomic
def ratio_update_delete(
    *,
    report: Report,
    actor: Any,
    update_id: int,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    report_assert_editable(report=report, actor=actor, now=now)
    _bump(report, actor, expected_version)
    update = _ratio_update_for(report, update_id)
    update.delete()
    report_recompute(report=report)


@audited
@transaction.atomic
def step_unmark(
    *,
    report: Report,
    actor: Any,
    step: MilestoneStep,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Take back a step marked done in this quarter's report."""
    report_assert_editable(report=report, actor=actor, now=now)
    _bump(report, actor, expected_version)
    StepProgress.objects.filter(report=report, step=step).delete()
    report_recompute(report=report)


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024):,}"


def _check_evidence_quota(report: Report, size: int) -> None:
    """Refuse a file that would take the report, or its district's fiscal year, past
    its quota of evidence files or bytes (settings.EVIDENCE_MAX_*)."""
    here = report.evidence_files.aggregate(files=Count("id"), size=Sum("size"))
    if here["files"] >= settings.EVIDENCE_MAX_FILES_PER_REPORT:
        raise ReportError(
            _("รายงานนี้มีไฟล์หลักฐานครบ %(limit)s ไฟล์แล้ว กรุณาลบไฟล์ที่ไม่ใช้ หรือรวมหลายไฟล์เป็นไฟล์เดียว")
            % {"limit": f"{settings.EVIDENCE_MAX_FILES_PER_REPORT:,}"},
            field="file",
        )
    if (here["size"] or 0) + size > settings.EVIDENCE_MAX_BYTES_PER_REPORT:
        raise ReportError(
            _("ไฟล์หลักฐานของรายงานนี้รวมกันจะเกิน %(limit)s เมกะไบต์ กรุณาลบไฟล์ที่ไม่ใช้หรือย่อขนาดไฟล์")
            % {"limit": _megabytes(settings.EVIDENCE_MAX_BYTES_PER_REPORT)},
            field="file",
        )
    assignment = report.assignment
    # One district's uploads at a time, so two at once cannot both pass the quota.
    District.objects.select_for_update().filter(pk=assignment.district_id).first()
    year = EvidenceFile.objects.filter(
        report__assignment__district_id=assignment.district_id,
        report__assignment__indicator__fiscal_year_id=assignment.indicator.fiscal_year_id,
    ).aggregate(files=Count("id"), size=Sum("size"))
    if (
        year["files"] >= settings.EVIDENCE_MAX_FILES_PER_DISTRICT_YEAR
        or (year["size"] or 0) + size > settings.EVIDENCE_MAX_BYTES_PER_DISTRICT_YEAR
    ):
        raise ReportError(
            _(
                "ไฟล์หลักฐานของเขตในปีงบประมาณนี้ถึงขีดจำกัดแล้ว (%(files)s ไฟล์ หรือ %(size)s เมกะไบต์) "
                "กรุณาลบไฟล์ที่ไม่ใช้ หรือติดต่อ สยป."
            )
            % {
                "files": f"{settings.EVIDENCE_MAX_FILES_PER_DISTRICT_YEAR:,}",
                "size": _megabytes(settings.EVIDENCE_MAX_BYTES_PER_DISTRICT_YEAR),
            },
            field="file",
        )


@audited
@transaction.atomic
def evidence_add(
    *,
    report: Report,
    actor: Any,
    upload: UploadedFile,
    step: MilestoneStep | None = None,
    description: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> EvidenceFile:
    """Attach a file after checking what it really is and how big it is."""
    report_assert_editable(report=report, actor=actor, now=now)
    if step is not None and step.indicator_id != report.assignment.indicator_id:
        raise ReportError(_("ขั้นตอนนี้ไม่ได้เป็นของตัวชี้วัดนี้"))
    try:
        content_type = check_evidence(upload, max_bytes=settings.EVIDENCE_MAX_BYTES)
    except EvidenceRejected as rejected:
        raise ReportError(str(rejected), field="file") from None
    _bump(report, actor, expected_version)  # locks the report: one upload at a time
    _check_evidence_quota(report, upload.size or 0)
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
    *,
    report: Report,
    actor: Any,
    evidence_id: int,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    report_assert_editable(report=report, actor=actor, now=now)
    _bump(report, actor, expected_version)
    evidence = report.evidence_files.filter(pk=evidence_id).first()
    if evidence is None:
        raise ReportError(_("ไม่พบไฟล์นี้ อาจถูกลบไปแล้ว"))
    stored = evidence.file
    evidence.delete()
    # Remove the stored bytes only once the row is gone for good.
    if stored.name:
        name = stored.name
        transaction.on_commit(lambda: stored.storage.delete(name))


@audited
@transaction.atomic
def letter_delete(
    *,
    report: Report,
    actor: Any,
    letter_id: int,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    report_assert_editable(report=report, actor=actor, now=now)
    _bump(report, actor, expected_version)
    deleted, _rows = report.letters.filter(pk=letter_id).delete()
    if not deleted:
        raise ReportError(_("ไม่พบหนังสือนี้ อาจถูกลบไปแล้ว"))
