"""What stands between a report and its submission: the validation rules.

One list of problems for the report page (beside each field), the submission
(which refuses on any error and on any warning not explained), and the
evaluator's score page and queue (warnings with the district's explanations).
Built-in checks — the content every report needs, milestone weights adding up
to 100 — are always errors; the rules the office turns on per indicator
(``indicators.models.ValidationRule``) are errors or warnings as it chose.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from indicators.models import CheckKind, Direction, MeasurementKind, Severity
from indicators.steps import weights_problem
from kpi_portal.thaidate import format_date
from kpi_portal.thaidigits import format_amount
from reports.models import RatioUpdate, Report

HUNDRED = Decimal(100)

#: Codes of the built-in checks (rule kinds are the others).
MISSING_ENTRY = "missing_entry"
MISSING_NARRATIVE = "missing_narrative"
MISSING_EVIDENCE = "missing_evidence"
STEP_WEIGHTS = "step_weights"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a report, said where it is."""

    code: str  # a built-in code or a CheckKind value
    severity: str  # Severity.ERROR or Severity.WARNING
    message: str
    section: str  # the page section it belongs to: main, ratio, steps, evidence
    explanation: str = ""  # the district's explanation of a warning, if written

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def blocks(self) -> bool:
        """Whether it stops the submission: an error, or a warning not yet explained."""
        return self.is_error or not self.explanation.strip()

    @property
    def anchor(self) -> str:
        return f"problem-{self.code}"


def _entry_section(kind: str) -> str:
    sections: dict[str, str] = {MeasurementKind.RATIO: "ratio", MeasurementKind.MILESTONES: "steps"}
    return sections.get(kind, "main")


def _content_problems(report: Report, kind: str) -> Iterable[Problem]:
    required = settings.REPORT_REQUIRED_CONTENT.get(kind, ("entry", "narrative"))
    if "entry" in required:
        entries: dict[str, tuple[bool, str]] = {
            MeasurementKind.RATIO: (
                not report.ratio_updates.all(),
                _("ยังไม่มีข้อมูลความก้าวหน้า (ตัวตั้ง/ตัวหาร) ของไตรมาสนี้ กรุณาเพิ่มอย่างน้อย 1 รายการ"),
            ),
            MeasurementKind.MILESTONES: (
                not report.step_progress.all(),
                _("ยังไม่ได้บันทึกขั้นตอนที่ดำเนินการแล้วเสร็จ กรุณาบันทึกอย่างน้อย 1 ขั้นตอน"),
            ),
            MeasurementKind.VALUE: (report.result is None, _("ยังไม่ได้กรอกผลงานของไตรมาสนี้")),
        }
        missing = entries.get(kind)
        if missing and missing[0]:
            yield Problem(MISSING_ENTRY, Severity.ERROR, missing[1], _entry_section(kind))
    if "narrative" in required and not report.narrative.strip():
        yield Problem(
            MISSING_NARRATIVE,
            Severity.ERROR,
            _("ยังไม่ได้เขียนรายงานผลการดำเนินงานของไตรมาสนี้"),
            "main",
        )
    if "evidence" in required and not (report.evidence_files.all() or report.letters.all()):
        yield Problem(
            MISSING_EVIDENCE,
            Severity.ERROR,
            _("ยังไม่มีหลักฐาน กรุณาแนบไฟล์หรืออ้างอิงหนังสือราชการอย่างน้อย 1 รายการ"),
            "evidence",
        )


def _prefetched_reports(report: Report) -> list[Report] | None:
    """The assignment's reports when a list page prefetched them (none: ask the database)."""
    cache = getattr(report.assignment, "_prefetched_objects_cache", {})
    return list(report.assignment.reports.all()) if "reports" in cache else None


def _previous_result(report: Report) -> Decimal | None:
    if report.quarter == 1:
        return None
    reports = _prefetched_reports(report)
    if reports is not None:
        return next((r.result for r in reports if r.quarter == report.quarter - 1), None)
    return (
        Report.objects.filter(assignment_id=report.assignment_id, quarter=report.quarter - 1)
        .values_list("result", flat=True)
        .first()
    )


def _updates_so_far(report: Report) -> list[RatioUpdate]:
    """The assignment's ratio updates up to this quarter, in date order."""
    reports = _prefetched_reports(report)
    if reports is not None:
        updates = [u for r in reports if r.quarter <= report.quarter for u in r.ratio_updates.all()]
        return sorted(updates, key=lambda u: (u.as_of, u.pk))
    return list(
        RatioUpdate.objects.filter(
            report__assignment_id=report.assignment_id, report__quarter__lte=report.quarter
        ).order_by("as_of", "id")
    )


def _quarter_target(report: Report) -> Decimal | None:
    # Through .all(): pages prefetch the targets.
    return next(
        (t.target for t in report.assignment.quarter_targets.all() if t.quarter == report.quarter),
        None,
    )


def _rule_problem(report: Report, kind: str, rule: object) -> str:
    """The message of one office rule that the report breaks ("" when it holds)."""
    indicator = report.assignment.indicator
    result = report.result
    if kind == CheckKind.WITHIN_100:
        if indicator.kind == MeasurementKind.RATIO:
            for update in report.ratio_updates.all():
                if update.numerator > update.denominator:
                    return _(
                        "ข้อมูล ณ วันที่ %(date)s: ตัวตั้ง (%(num)s) มากกว่าตัวหาร (%(den)s) "
                        "ผลงานจึงเกินร้อยละ 100"
                    ) % {
                        "date": format_date(update.as_of),
                        "num": format_amount(update.numerator),
                        "den": format_amount(update.denominator),
                    }
            return ""
        if result is not None and result > HUNDRED:
            return _("ผลงาน %(result)s เกิน 100") % {"result": format_amount(result)}
        return ""
    if kind == CheckKind.CUMULATIVE:
        if indicator.kind == MeasurementKind.RATIO:
            updates = _updates_so_far(report)
            for before, after in itertools.pairwise(updates):
                if after.numerator < before.numerator and after.report_id == report.pk:
                    return _(
                        "ยอดสะสมลดลงจาก %(before)s (ณ %(d1)s) เป็น %(after)s (ณ %(d2)s) "
                        "ยอดสะสมไม่ควรลดลง"
                    ) % {
                        "before": format_amount(before.numerator),
                        "d1": format_date(before.as_of),
                        "after": format_amount(after.numerator),
                        "d2": format_date(after.as_of),
                    }
            return ""
        previous = _previous_result(report)
        if result is not None and previous is not None and result < previous:
            return _("ผลงานลดลงจากไตรมาสก่อน (%(before)s) เป็น %(after)s ยอดสะสมไม่ควรลดลง") % {
                "before": format_amount(previous),
                "after": format_amount(result),
            }
        return ""
    if kind == CheckKind.JUMP:
        previous = _previous_result(report)
        limit = getattr(rule, "threshold", None)
        if result is None or previous is None or limit is None:
            return ""
        change = abs(result - previous)
        if change > limit:
            return _(
                "ผลงานเปลี่ยนจากไตรมาสก่อน (%(before)s) เป็น %(after)s ต่างกัน %(change)s "
                "เกินกว่าที่กำหนด (%(limit)s)"
            ) % {
                "before": format_amount(previous),
                "after": format_amount(result),
                "change": format_amount(change),
                "limit": format_amount(limit),
            }
        return ""
    if kind == CheckKind.BELOW_TARGET:
        target = _quarter_target(report)
        if result is None or target is None:
            return ""
        if indicator.direction == Direction.LOWER and result > target:
            return _("ผลงาน (%(result)s) สูงกว่าเป้าหมายของไตรมาส (%(target)s) ซึ่งยิ่งน้อยยิ่งดี") % {
                "result": format_amount(result),
                "target": format_amount(target),
            }
        if indicator.direction != Direction.LOWER and result < target:
            return _("ผลงาน (%(result)s) ต่ำกว่าเป้าหมายของไตรมาส (%(target)s)") % {
                "result": format_amount(result),
                "target": format_amount(target),
            }
    return ""


def report_problems(report: Report) -> list[Problem]:
    """Every problem of the report as it is now, errors first."""
    indicator = report.assignment.indicator
    problems = list(_content_problems(report, indicator.kind))
    if indicator.kind == MeasurementKind.MILESTONES:
        message = weights_problem(step.weight for step in indicator.steps.all())
        if message:
            problems.append(
                Problem(
                    STEP_WEIGHTS,
                    Severity.ERROR,
                    message + " " + _("กรุณาแจ้ง สยป. ให้แก้ไขน้ำหนักขั้นตอน"),
                    "steps",
                )
            )
    explanations = {e.rule: e.text for e in report.explanations.all()}
    section = _entry_section(indicator.kind)
    for rule in indicator.checks.all():
        message = _rule_problem(report, rule.kind, rule)
        if message:
            problems.append(
                Problem(
                    rule.kind,
                    rule.severity,
                    message,
                    section,
                    explanation=explanations.get(rule.kind, "")
                    if rule.severity == Severity.WARNING
                    else "",
                )
            )
    problems.sort(key=lambda p: not p.is_error)
    return problems


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocks]
