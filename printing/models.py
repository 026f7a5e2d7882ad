"""Print jobs: booklets and quarter summaries printed in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from indicators.fiscal import QUARTERS


class PrintJob(models.Model):
    """A booklet or quarter summary being printed in the background."""

    class Kind(models.TextChoices):
        BOOKLET = "booklet", _("เล่มรายงานของสำนักงานเขต")
        SUMMARY = "summary", _("สรุปผลรายไตรมาสของ สยป.")
        # A sheet PDF asked for on the sheet page, printed by the worker so that
        # no request renders one (issue 17): not listed on the prints page.
        SHEET = "sheet", _("รายละเอียดตัวชี้วัด (PDF)")
        PUBLIC_SHEET = "public_sheet", _("รายละเอียดตัวชี้วัดฉบับเผยแพร่ (PDF)")

    class JobStatus(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังพิมพ์")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")
        # Done, and its file deleted after PRINT_FILES_KEEP_DAYS; the row stays.
        EXPIRED = "expired", _("ไฟล์หมดอายุ")

    kind = models.CharField(_("ชนิด"), max_length=20, choices=Kind.choices)
    fiscal_year = models.ForeignKey(
        "indicators.FiscalYear", on_delete=models.CASCADE, verbose_name=_("ปีงบประมาณ")
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาส"), null=True, blank=True)
    districts = models.ManyToManyField(
        "districts.District", blank=True, verbose_name=_("สำนักงานเขต")
    )
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveIntegerField(_("ทำแล้ว"), default=0)
    total = models.PositiveIntegerField(_("ทั้งหมด"), default=1)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่พยายาม"), default=0)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)
    file = models.FileField(_("ไฟล์"), upload_to="prints/", blank=True, max_length=255)
    # Nobody for a public sheet: anyone may ask for one without signing in.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้สั่งพิมพ์"),
    )
    assignment = models.ForeignKey(
        "indicators.Assignment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("การมอบหมายตัวชี้วัด"),
    )
    thai_digits = models.BooleanField(_("ตัวเลขไทย"), default=True)
    language = models.CharField(
        _("ภาษา"), max_length=2, choices=[("th", "ไทย"), ("en", "English")], default="th"
    )
    # What was asked for (kind, year, quarter, districts, who; a sheet's data
    # digest): the same request while one is pending gets the pending job.
    key = models.CharField(_("คำขอ"), max_length=100, blank=True)
    expired_at = models.DateTimeField(_("ลบไฟล์เมื่อ"), null=True, blank=True)
    created_at = models.DateTimeField(_("สั่งพิมพ์เมื่อ"), auto_now_add=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    # The worker touches the heartbeat as it goes; a running job whose heartbeat
    # stopped belongs to a worker that died, and is queued again.
    heartbeat_at = models.DateTimeField(_("ทำงานล่าสุดเมื่อ"), null=True, blank=True)
    task_id = models.CharField(_("รหัสงานในคิว"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("เริ่มพิมพ์เมื่อ"), null=True, blank=True)
    # A booklet's sheets: how many were rendered for it, and how many were already
    # printed (printing.booklets keeps each sheet's PDF while its rows are unchanged).
    sheets_rendered = models.PositiveIntegerField(_("แผ่นที่พิมพ์ใหม่"), default=0)
    sheets_reused = models.PositiveIntegerField(_("แผ่นที่พิมพ์ไว้แล้ว"), default=0)
    # Booklets of several districts are printed as one part per district, so that
    # every worker shares the work; the parent collects the parts into one zip.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("เป็นส่วนหนึ่งของงาน"),
    )

    class Meta:
        # The table keeps the name it had when printing was part of reports.
        db_table = "reports_printjob"
        ordering = ["-created_at"]
        verbose_name = _("งานพิมพ์")
        verbose_name_plural = _("งานพิมพ์")
        indexes = [
            # A person's pending jobs, counted against PRINT_PENDING_PER_PERSON.
            models.Index(fields=["requested_by", "status"], name="print_job_by_person"),
            # The finished files print_files_expire deletes.
            models.Index(fields=["status", "finished_at"], name="print_job_by_end"),
        ]
        constraints = [
            # At most one pending job per request, however many ask at once.
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=("queued", "running")) & ~Q(key=""),
                name="print_job_one_pending_per_request",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=F("total")), name="print_job_progress_within_total"
            ),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True)
                | Q(quarter__gte=QUARTERS[0], quarter__lte=QUARTERS[-1]),
                name="print_job_quarter_1_to_4",
            ),
        ]

    #: Set by printing.services.print_job_request when the same request was pending.
    reused: bool = False

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fiscal_year} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.progress / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


PENDING = (PrintJob.JobStatus.QUEUED, PrintJob.JobStatus.RUNNING)
FINISHED = (PrintJob.JobStatus.DONE, PrintJob.JobStatus.FAILED, PrintJob.JobStatus.EXPIRED)
SHEET_KINDS = (PrintJob.Kind.SHEET, PrintJob.Kind.PUBLIC_SHEET)


class SheetChange(models.Model):
    """When the rows an assignment's sheet is printed from last changed, so that the
    print worker renders the sheet ahead, once its data has been still for
    PRINT_AHEAD_DELAY_SECONDS (printing.ahead). Written by triggers of the tables the
    sheet is printed from (migration 0004), whatever changed them. ``version`` counts
    the changes and ``queued_version`` is the one last queued: a change committed
    while the sheet renders queues it again, and a busy sheet renders once it is still.
    """

    assignment = models.OneToOneField(
        "indicators.Assignment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        db_constraint=False,  # the triggers write it; a deleted assignment's row is cleared
    )
    changed_at = models.DateTimeField()
    version = models.PositiveBigIntegerField(default=1)
    queued_version = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["changed_at"], name="sheet_change_by_time")]

    def __str__(self) -> str:
        return f"sheet {self.assignment_id} changed {self.changed_at:%Y-%m-%d %H:%M:%S}"
