"""Notifications, the email outbox, each person's choices, and the record of the
daily run and of reminders sent by hand."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RETURNED = "returned", _("ส่งกลับให้แก้ไข")
    SENT_BACK = "sent_back", _("ผู้อำนวยการเขตส่งกลับให้แก้ไข")
    REOPENED = "reopened", _("เปิดให้แก้ไขอีกครั้ง")
    AWAITING_CERTIFICATION = "awaiting_certification", _("รอผู้อำนวยการเขตรับรอง")
    EVALUATED = "evaluated", _("ประกาศผลการประเมินแล้ว")
    PUBLISHED = "published", _("ประกาศผลการประเมินไตรมาส")
    EXTENDED = "extended", _("ขยายกำหนดส่ง")
    DEADLINE = "deadline", _("ใกล้ถึงกำหนดส่ง")
    REMINDER = "reminder", _("สยป. เตือนให้ส่งรายงาน")


class Notification(models.Model):
    """One thing one person should know, shown under the bell until read.

    ``key`` names the event (``transition:17``, ``deadline:4:2026-01-15:7``): one
    person gets one notification per event however often the event is seen.
    The words are made when shown, in the reader's language, from the fields.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("ผู้รับ"),
    )
    kind = models.CharField(_("เรื่อง"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("เหตุการณ์"), max_length=120)
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("สำนักงานเขต"),
    )
    period = models.ForeignKey(
        "indicators.ReportingPeriod",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ไตรมาส"),
    )
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("รายงาน"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ดำเนินการ"),
    )
    reason = models.TextField(_("เหตุผล/ความเห็น"), blank=True)
    deadline = models.DateField(_("กำหนดส่ง"), null=True, blank=True)
    #: Figures the words need: days left, reports missing, reports in all.
    data = models.JSONField(_("ข้อมูลประกอบ"), default=dict, blank=True)
    created_at = models.DateTimeField(_("เมื่อ"))
    read_at = models.DateTimeField(_("อ่านเมื่อ"), null=True, blank=True)

    class Meta:
        verbose_name = _("การแจ้งเตือน")
        verbose_name_plural = _("การแจ้งเตือน")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"


class Preference(models.Model):
    """What one person wants by email; without a row, everything."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("ผู้ใช้"),
    )
    email = models.BooleanField(_("รับการแจ้งเตือนทางอีเมล"), default=True)
    digest = models.BooleanField(_("รับสรุปประจำวันทางอีเมล (สยป.)"), default=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุดเมื่อ"), auto_now=True)

    class Meta:
        verbose_name = _("การตั้งค่าการแจ้งเตือน")
        verbose_name_plural = _("การตั้งค่าการแจ้งเตือน")

    def __str__(self) -> str:
        return str(self.user)


class Email(models.Model):
    """One message for one address in the outbox, sent by the worker.

    ``key`` is unique: the same event is queued once whoever sees it and however
    often. Sending claims a row (``sending``) and commits before talking to the
    server; a row left ``sending`` by a worker that died is marked ``unknown``,
    never sent again — a person may miss one email, but never gets one twice.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("รอส่ง")
        SENDING = "sending", _("กำลังส่ง")
        SENT = "sent", _("ส่งแล้ว")
        FAILED = "failed", _("ส่งไม่สำเร็จ")
        UNKNOWN = "unknown", _("ไม่ทราบผล (ผู้ส่งหยุดทำงานระหว่างส่ง)")

    key = models.CharField(_("เหตุการณ์"), max_length=160, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้รับ"),
    )
    to = models.EmailField(_("ถึง"))
    subject = models.CharField(_("เรื่อง"), max_length=250)
    text = models.TextField(_("ข้อความ"))
    html = models.TextField(_("ข้อความ (HTML)"))
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("การแจ้งเตือน"),
    )
    state = models.CharField(_("สถานะ"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("จำนวนครั้งที่ส่ง"), default=0)
    next_attempt_at = models.DateTimeField(_("ส่งครั้งต่อไปเมื่อ"))
    claimed_at = models.DateTimeField(_("เริ่มส่งเมื่อ"), null=True, blank=True)
    sent_at = models.DateTimeField(_("ส่งสำเร็จเมื่อ"), null=True, blank=True)
    last_error = models.TextField(_("ข้อผิดพลาดล่าสุด"), blank=True)
    created_at = models.DateTimeField(_("สร้างเมื่อ"))

    class Meta:
        verbose_name = _("อีเมล")
        verbose_name_plural = _("อีเมล")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="queued"),
                name="email_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class DailyRun(models.Model):
    """The daily reminders and digest ran for this day (at most once a day)."""

    day = models.DateField(_("วันที่"), unique=True)
    ran_at = models.DateTimeField(_("ทำงานเมื่อ"))
    reminders = models.PositiveIntegerField(_("จำนวนการเตือน"), default=0)
    digests = models.PositiveIntegerField(_("จำนวนสรุปประจำวัน"), default=0)

    class Meta:
        verbose_name = _("งานแจ้งเตือนประจำวัน")
        verbose_name_plural = _("งานแจ้งเตือนประจำวัน")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class ManualReminder(models.Model):
    """The office sent a reminder by hand to one district for one quarter."""

    district = models.ForeignKey(
        "districts.District",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("สำนักงานเขต"),
    )
    period = models.ForeignKey(
        "indicators.ReportingPeriod",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ไตรมาส"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ผู้ส่ง"),
    )
    at = models.DateTimeField(_("เมื่อ"))
    recipients = models.PositiveSmallIntegerField(_("จำนวนผู้รับ"), default=0)

    class Meta:
        verbose_name = _("การเตือนโดย สยป.")
        verbose_name_plural = _("การเตือนโดย สยป.")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["period", "district", "-at"], name="reminder_recent")]

    def __str__(self) -> str:
        return f"{self.district} {self.period} {self.at:%Y-%m-%d %H:%M}"
