"""The record of every Excel import: who, when, the file, what it would change, and its end."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One uploaded workbook, from its dry run to its application (or refusal)."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("กำลังตรวจสอบ")
        PREVIEWED = "previewed", _("ตรวจสอบแล้ว (ยังไม่บันทึก)")
        APPLYING = "applying", _("กำลังบันทึก")
        APPLIED = "applied", _("บันทึกแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("ผู้นำเข้า"),
    )
    created_at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    file = models.FileField(_("ไฟล์"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("ชื่อไฟล์"), max_length=255)
    size = models.PositiveBigIntegerField(_("ขนาด (ไบต์)"), default=0)
    status = models.CharField(
        _("สถานะ"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    # [{"sheet": "ตัวชี้วัด", "create": 1, "update": 0, "unchanged": 3}, …] in the sheets' order.
    counts = models.JSONField(_("จำนวนแถว"), default=list)
    # [{"sheet": …, "row": …, "column": …, "message": …}, …]
    problems = models.JSONField(_("ปัญหาที่พบ"), default=list)
    rows = models.PositiveIntegerField(_("จำนวนแถวข้อมูล"), default=0)
    progress = models.PositiveIntegerField(_("ตรวจแล้ว (แถว)"), default=0)
    background = models.BooleanField(_("ทำงานเบื้องหลัง"), default=False)
    applied_at = models.DateTimeField(_("บันทึกเมื่อ"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("การนำเข้าข้อมูล")
        verbose_name_plural = _("การนำเข้าข้อมูล")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.PREVIEWED, self.Status.APPLIED, self.Status.FAILED)

    @property
    def may_apply(self) -> bool:
        return self.status == self.Status.PREVIEWED and not self.problems

    def counts_of(self, sheet: str) -> dict[str, int]:
        return next((c for c in self.counts if c["sheet"] == sheet), {})

    @property
    def percent(self) -> int:
        return min(100, self.progress * 100 // self.rows) if self.rows else 0


class ExportJob(models.Model):
    """An export too big to send while the browser waits (every report of several
    years as Excel): written by a background task to storage, then downloaded."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("รอคิว")
        RUNNING = "running", _("กำลังสร้างไฟล์")
        DONE = "done", _("เสร็จแล้ว")
        FAILED = "failed", _("ไม่สำเร็จ")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ผู้ขอ"),
    )
    created_at = models.DateTimeField(_("เมื่อ"), auto_now_add=True)
    years = models.JSONField(_("ปีงบประมาณ"), default=list)
    fmt = models.CharField(_("รูปแบบ"), max_length=4, default="xlsx")
    status = models.CharField(
        _("สถานะ"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    rows = models.PositiveIntegerField(_("จำนวนแถว"), default=0)
    progress = models.PositiveIntegerField(_("เขียนแล้ว (แถว)"), default=0)
    file = models.FileField(_("ไฟล์"), upload_to="exports/%Y/%m/", blank=True)
    finished_at = models.DateTimeField(_("เสร็จเมื่อ"), null=True, blank=True)
    error = models.TextField(_("ข้อผิดพลาด"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("การส่งออกข้อมูล")
        verbose_name_plural = _("การส่งออกข้อมูล")

    def __str__(self) -> str:
        return f"{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.rows)) if self.rows else 0
