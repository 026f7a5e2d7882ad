"""Quarterly reports, their figures and evidence, evaluation, and lifecycle history."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Round
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import QUARTER_CHOICES, quarter_check


class Status(models.TextChoices):
    """The report's lifecycle: the one vocabulary of every chip, legend, filter,
    PDF and history line (through ``status_label``)."""

    DRAFT = "draft", _("ร่าง")
    AWAITING_CERTIFICATION = "awaiting_certification", _("รอผู้อำนวยการเขตรับรอง")
    SUBMITTED = "submitted", _("ส่งแล้ว")
    RETURNED = "returned", _("ส่งกลับให้แก้ไข")
    EVALUATED = "evaluated", _("ประเมินแล้ว")
    REOPENED = "reopened", _("เปิดให้แก้ไขอีกครั้ง")


#: A quarter whose report nobody has opened yet: no report, so no status of its own.
NOT_STARTED = "not_started"

#: Statuses in which the district may change the report.
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED, Status.REOPENED)

#: Statuses in which the report has reached the office.
HANDED_IN_STATUSES = (Status.SUBMITTED, Status.EVALUATED)


def status_label(status: str) -> str:
    """The label of a status, or of a quarter not started, in the active language."""
    if status == NOT_STARTED:
        return str(_("ยังไม่เริ่ม"))
    return str(Status(status).label)


def status_legend() -> list[tuple[str, str]]:
    """Every status a quarter can show, not started first, with its label."""
    return [(NOT_STARTED, status_label(NOT_STARTED)), *((s.value, str(s.label)) for s in Status)]


# History of every figure, text, status and score, written by PostgreSQL
# triggers so that no write path (page, admin, command, raw update) escapes it.
# The version counter and timestamps change on every save and say nothing new.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["version", "updated_at", "created_at", "fiscal_year_number"],
)
class Report(models.Model):
    """One assignment in one quarter: the district's figures and the office's evaluation."""

    assignment = models.ForeignKey(
        "indicators.Assignment",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("การมอบหมายตัวชี้วัด"),
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาส"), choices=QUARTER_CHOICES)
    status = models.CharField(
        _("สถานะ"), max_length=30, choices=Status.choices, default=Status.DRAFT
    )
    result = models.DecimalField(_("ผลงาน"), max_digits=18, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("รายงานผลการดำเนินงาน"), blank=True)
    # Optimistic locking: a save names the version it started from and is
    # refused if someone else saved in between.
    version = models.PositiveIntegerField(_("ฉบับที่"), default=1)
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุดเมื่อ"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("แก้ไขล่าสุดโดย"),
    )
    submitted_at = models.DateTimeField(_("ส่งเมื่อ"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ส่งโดย"),
    )
    score = models.DecimalField(_("คะแนน"), max_digits=6, decimal_places=2, null=True, blank=True)
    # The district's own assessment, recorded when it submits (prefilled from its
    # result by the indicator's rule) and printed beside the office's.
    self_score = models.DecimalField(
        _("คะแนนประเมินตนเอง"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    full_score = models.DecimalField(
        _("คะแนนเต็ม"), max_digits=6, decimal_places=2, default=Decimal("100")
    )
    suggested_score = models.DecimalField(
        _("คะแนนที่ระบบเสนอ"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    score_reason = models.TextField(_("เหตุผลที่ให้คะแนนต่างจากที่ระบบเสนอ"), blank=True)
    evaluator_comment = models.TextField(_("ความเห็นผู้ประเมิน"), blank=True)
    evaluated_at = models.DateTimeField(_("ประเมินเมื่อ"), null=True, blank=True)
    # The fiscal year (พ.ศ.) of the report's indicator, a copy kept by database
    # triggers (reports/migrations/0010_report_fiscal_year_number.py) whatever
    # writes the row: the review queue is ordered and counted by it from one
    # index, not through three joins (95,000 waiting reports at national scale
    # took 600 ms to sort). Never set it from Python; a new instance holds None.
    fiscal_year_number = models.PositiveSmallIntegerField(null=True, editable=False)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ประเมิน"),
    )

    class Meta:
        ordering = ["assignment", "quarter"]
        verbose_name = _("รายงานรายไตรมาส")
        verbose_name_plural = _("รายงานรายไตรมาส")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "quarter"], name="report_once_per_quarter"
            ),
            quarter_check("quarter", "report_quarter_1_to_4"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(full_score__gt=0), name="report_full_score_positive"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=F("full_score")),
                name="report_score_within_full_score",
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True)
                | Q(self_score__gte=0, self_score__lte=F("full_score")),
                name="report_self_score_within_full_score",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.EVALUATED) | Q(score__isnull=False),
                name="report_evaluated_has_score",
            ),
        ]
        indexes = [
            # The evaluator's review queue: submitted reports, oldest first.
            models.Index(fields=["status", "submitted_at"], name="report_status_submitted"),
            # Its order: newest fiscal year first, then oldest submission first.
            models.Index(
                fields=["status", "-fiscal_year_number", "submitted_at", "id"],
                name="report_queue_order",
            ),
            # The same for one quarter (its reports come last in the order above).
            models.Index(
                fields=["status", "quarter", "-fiscal_year_number", "submitted_at", "id"],
                name="report_queue_quarter_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · " + gettext("ไตรมาสที่ %(q)s") % {"q": self.quarter}

    @property
    def is_editable_status(self) -> bool:
        return self.status in EDITABLE_STATUSES


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RatioUpdate(models.Model):
    """A dated update of numerator and denominator (disbursed / allocated budget)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="ratio_updates", verbose_name=_("รายงาน")
    )
    as_of = models.DateField(_("ข้อมูล ณ วันที่"))
    numerator = models.DecimalField(_("ตัวตั้ง"), max_digits=18, decimal_places=2)
    denominator = models.DecimalField(_("ตัวหาร"), max_digits=18, decimal_places=2)
    # Computed by PostgreSQL itself, so the percentage can never be typed in.
    # The same arithmetic as reports.measures.ratio_percent: DIV truncates the
    # exact quotient to thousandths of a percent, and ROUND on numeric then
    # rounds half away from zero (half-up for amounts >= 0).
    percent = models.GeneratedField(
        expression=Case(
            When(
                denominator__gt=0,
                then=Round(
                    Func(
                        F("numerator") * 100_000,
                        F("denominator"),
                        function="DIV",
                        output_field=models.DecimalField(max_digits=30, decimal_places=0),
                    )
                    / Value(Decimal(1000)),
                    2,
                ),
            ),
            default=None,
        ),
        output_field=models.DecimalField(max_digits=12, decimal_places=2),
        db_persist=True,
        verbose_name=_("ร้อยละ"),
    )
    note = models.TextField(_("หมายเหตุ"), blank=True, help_text=_("เช่น หลังปรับโอน"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        # By the parent's id, not the parent: ordering by the relation follows the
        # parent's own ordering, joining assignments, districts and indicators into
        # every prefetch of these rows only to sort them.
        ordering = ["report_id", "as_of", "id"]
        verbose_name = _("ข้อมูลความก้าวหน้า (ตัวตั้ง/ตัวหาร)")
        verbose_name_plural = _("ข้อมูลความก้าวหน้า (ตัวตั้ง/ตัวหาร)")
        constraints = [
            models.CheckConstraint(condition=Q(numerator__gte=0), name="ratio_numerator_gte_0"),
            models.CheckConstraint(condition=Q(denominator__gt=0), name="ratio_denominator_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of}: {self.numerator} / {self.denominator}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class StepProgress(models.Model):
    """A milestone step marked done, as stated in one quarterly report.

    Each report holds the state of every step as of its quarter (done steps are
    carried forward when the next quarter's report is started), so a submitted
    quarter stays exactly as it was submitted.
    """

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="step_progress", verbose_name=_("รายงาน")
    )
    step = models.ForeignKey(
        "indicators.MilestoneStep",
        on_delete=models.PROTECT,
        related_name="progress",
        verbose_name=_("ขั้นตอน"),
    )
    done_on = models.DateField(_("วันที่ดำเนินการแล้วเสร็จ"))
    note = models.TextField(_("ผลการดำเนินงาน"), blank=True)

    class Meta:
        ordering = ["report_id", "step__number"]
        verbose_name = _("ความก้าวหน้าของขั้นตอน")
        verbose_name_plural = _("ความก้าวหน้าของขั้นตอน")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "step"], name="step_progress_once_per_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.done_on})"


def evidence_upload_to(instance: EvidenceFile, filename: str) -> str:
    # Stored names are random: the user's file name is kept only as data, so
    # nothing they type ends up in a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.report_id}/{uuid.uuid4().hex}{suffix}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class EvidenceFile(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="evidence_files", verbose_name=_("รายงาน")
    )
    step = models.ForeignKey(
        "indicators.MilestoneStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_files",
        verbose_name=_("หลักฐานของขั้นตอน"),
    )
    file = models.FileField(_("ไฟล์"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    content_type = models.CharField(_("ชนิดไฟล์"), max_length=100)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"))
    description = models.CharField(_("คำอธิบาย"), max_length=500, blank=True)
    uploaded_at = models.DateTimeField(_("อัปโหลดเมื่อ"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report_id", "uploaded_at", "id"]
        verbose_name = _("ไฟล์หลักฐาน")
        verbose_name_plural = _("ไฟล์หลักฐาน")
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=0), name="evidence_size_gte_0"),
        ]

    def __str__(self) -> str:
        return self.original_name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class LetterReference(models.Model):
    """An official letter cited as evidence: กท 4810/3336 ลงวันที่ 25 มิถุนายน 2564 เรื่อง …"""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="letters", verbose_name=_("รายงาน")
    )
    step = models.ForeignKey(
        "indicators.MilestoneStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("หลักฐานของขั้นตอน"),
    )
    number = models.CharField(_("เลขที่หนังสือ"), max_length=100)
    dated = models.DateField(_("ลงวันที่"))
    title = models.TextField(_("เรื่อง"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report_id", "dated", "id"]
        verbose_name = _("หนังสือราชการอ้างอิง")
        verbose_name_plural = _("หนังสือราชการอ้างอิง")

    def __str__(self) -> str:
        return f"{self.number} ({self.dated})"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Explanation(models.Model):
    """The district's explanation of a warning (``reports.validation``) in one report."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="explanations", verbose_name=_("รายงาน")
    )
    # The rule's kind rather than the rule: an explanation given stays on record
    # even if the office later turns the rule off.
    rule = models.CharField(_("เรื่องที่ชี้แจง"), max_length=20)
    text = models.TextField(_("คำชี้แจง"))
    written_at = models.DateTimeField(_("ชี้แจงเมื่อ"), auto_now=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report_id", "rule"]
        verbose_name = _("คำชี้แจง")
        verbose_name_plural = _("คำชี้แจง")
        constraints = [
            models.UniqueConstraint(fields=["report", "rule"], name="explanation_once_per_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.text[:60]}"


class ReportTransition(models.Model):
    """One step of a report's lifecycle: who moved it, when, from what, to what and why."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("รายงาน")
    )
    from_status = models.CharField(_("จากสถานะ"), max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(_("เป็นสถานะ"), max_length=30, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ดำเนินการ"),
    )
    at = models.DateTimeField(_("เมื่อ"))
    reason = models.TextField(_("เหตุผล/ความเห็น"), blank=True)

    class Meta:
        ordering = ["report_id", "at", "id"]
        verbose_name = _("ประวัติสถานะรายงาน")
        verbose_name_plural = _("ประวัติสถานะรายงาน")

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class YearSummary(models.Model):
    """สรุปผลการดำเนินงาน: the district's year-end summary of one assignment."""

    assignment = models.OneToOneField(
        "indicators.Assignment",
        on_delete=models.CASCADE,
        related_name="year_summary",
        verbose_name=_("การมอบหมายตัวชี้วัด"),
    )
    text = models.TextField(_("สรุปผลการดำเนินงาน"), blank=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุดเมื่อ"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("สรุปผลการดำเนินงานประจำปี")
        verbose_name_plural = _("สรุปผลการดำเนินงานประจำปี")

    def __str__(self) -> str:
        return gettext("สรุปผล %(assignment)s") % {"assignment": self.assignment}
