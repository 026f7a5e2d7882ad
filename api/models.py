"""The agencies' API tokens: who holds one, which districts it may read, until when."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Every token starts with this, so a leaked one is easy to recognise in logs and code.
# A public marker, not a secret.
TOKEN_PREFIX = "kpi_"  # noqa: S105  # nosec B105


# Who may read what leaves the office: every issue, scope and revocation is kept.
# The last-used time changes once a minute and says nothing new; the hash of the
# secret is kept nowhere but the row itself.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["last_used_at", "secret_hash"],
)
class ApiToken(models.Model):
    """One agency's key to the API. Only the SHA-256 of the secret is stored; the
    secret itself is shown once, when the token is issued (``api.services``)."""

    agency = models.CharField(_("หน่วยงาน"), max_length=200)
    contact_email = models.EmailField(_("อีเมลผู้ประสานงาน"))
    all_districts = models.BooleanField(
        _("อ่านได้ทุกเขต"),
        default=False,
        help_text=_("ไม่เลือก: อ่านได้เฉพาะสำนักงานเขตที่เลือกไว้ด้านล่าง"),
    )
    districts = models.ManyToManyField(
        "districts.District",
        blank=True,
        related_name="api_tokens",
        verbose_name=_("สำนักงานเขตที่อ่านได้"),
    )
    prefix = models.CharField(
        _("รหัสอ้างอิงโทเคน"),
        max_length=16,
        unique=True,
        editable=False,
        help_text=_("ส่วนต้นของโทเคน ใช้ระบุโทเคนโดยไม่ต้องเปิดเผยทั้งหมด"),
    )
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("ออกโดย"),
    )
    created_at = models.DateTimeField(_("ออกเมื่อ"), auto_now_add=True)
    expires_on = models.DateField(
        _("ใช้ได้ถึงวันที่"),
        null=True,
        blank=True,
        help_text=_("ใช้ได้ถึงสิ้นวันนี้ (เวลากรุงเทพฯ) เว้นว่างไว้: ไม่มีวันหมดอายุ"),
    )
    revoked_at = models.DateTimeField(_("เพิกถอนเมื่อ"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("ใช้ล่าสุดเมื่อ"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("โทเคน API")
        verbose_name_plural = _("โทเคน API")

    def __str__(self) -> str:
        return f"{self.agency} ({TOKEN_PREFIX}{self.prefix}…)"

    def is_expired(self, today: dt.date | None = None) -> bool:
        return self.expires_on is not None and self.expires_on < (today or timezone.localdate())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
