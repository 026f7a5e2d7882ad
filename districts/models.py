"""District offices, their divisions, and who works for which."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _english() -> bool:
    return (get_language() or "th").startswith("en")


class ZoneGroup(models.Model):
    """กลุ่มเขต: the six groups the evaluation office compares districts within."""

    code = models.SlugField(_("รหัส"), max_length=32, unique=True)
    name_th = models.CharField(_("ชื่อภาษาไทย"), max_length=100)
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("กลุ่มเขต")
        verbose_name_plural = _("กลุ่มเขต")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The zone's name in the active language (the Thai one where no English one)."""
        return self.name_en if _english() and self.name_en else self.name_th


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class District(models.Model):
    """One of Bangkok's 50 district offices (สำนักงานเขต)."""

    code = models.CharField(
        _("รหัสเขต"), max_length=8, unique=True, help_text=_("รหัสเขตตามทะเบียนราษฎร์ เช่น 1001")
    )
    # Thai dictionary order (leading vowels ignored) via an ICU collation.
    name_th = models.CharField(_("ชื่อเขต"), max_length=100, unique=True, db_collation="thai")
    name_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=100, unique=True)
    zone_group = models.ForeignKey(
        ZoneGroup, on_delete=models.PROTECT, related_name="districts", verbose_name=_("กลุ่มเขต")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("สำนักงานเขต")
        verbose_name_plural = _("สำนักงานเขต")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The district's name in the active language: "ห้วยขวาง", "Huai Khwang".

        Every page, PDF and email names a district through this (or ``office_name``),
        so the English interface never shows a Thai name the data has in English.
        """
        return self.name_en if _english() and self.name_en else self.name_th

    @property
    def office_name(self) -> str:
        """ "สำนักงานเขตห้วยขวาง", "Huai Khwang District Office"."""
        if _english() and self.name_en:
            return f"{self.name_en} District Office"
        return f"สำนักงานเขต{self.name_th}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Division(models.Model):
    """ฝ่าย: a division inside one district office (ฝ่ายปกครอง, ฝ่ายการคลัง …)."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="divisions", verbose_name=_("สำนักงานเขต")
    )
    name = models.CharField(_("ชื่อฝ่าย"), max_length=200)

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("ฝ่าย")
        verbose_name_plural = _("ฝ่าย")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="division_unique_per_district"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.district.display_name})"


class Role(models.TextChoices):
    OFFICER = "officer", _("เจ้าหน้าที่เขต")
    HEAD = "head", _("ผู้อำนวยการเขต / ผู้ช่วย")
    EVALUATOR = "evaluator", _("เจ้าหน้าที่ สยป.")
    ADMINISTRATOR = "administrator", _("ผู้ดูแลระบบ สยป.")
    READER = "reader", _("ผู้อ่าน")


DISTRICT_ROLES = (Role.OFFICER, Role.HEAD)
OFFICE_ROLES = (Role.EVALUATOR, Role.ADMINISTRATOR)


# Who may see and do what: every change of a role or a district is kept.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Membership(models.Model):
    """What a user is in the portal: their role and, for district staff, their district."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("ผู้ใช้"),
    )
    role = models.CharField(_("บทบาท"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("สำนักงานเขต"),
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("ฝ่าย"),
    )
    position_title = models.CharField(_("ตำแหน่ง"), max_length=200, blank=True)
    # The language of the interface and of their emails, once they chose one with
    # the switch while signed in; blank until then (the switch's cookie decides).
    # It lives here rather than on notifications.Preference because every page
    # uses it, and every app may read districts; only notifications' own emails
    # would reach a field there.
    language = models.CharField(
        _("ภาษาที่ใช้"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta:
        verbose_name = _("สิทธิ์ผู้ใช้")
        verbose_name_plural = _("สิทธิ์ผู้ใช้")
        constraints = [
            # District staff belong to exactly one district; evaluation-office
            # staff and readers belong to none, so scoping can never leak.
            models.CheckConstraint(
                condition=(
                    Q(role__in=DISTRICT_ROLES, district__isnull=False)
                    | (~Q(role__in=DISTRICT_ROLES) & Q(district__isnull=True))
                ),
                name="membership_district_matches_role",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        where = f" · {self.district.display_name}" if self.district is not None else ""
        return f"{self.user} · {self.get_role_display()}{where}"

    @property
    def language_or_default(self) -> str:
        """The language chosen, else the portal's (Thai)."""
        return self.language or settings.LANGUAGE_CODE

    @property
    def is_district_staff(self) -> bool:
        return self.role in DISTRICT_ROLES

    @property
    def is_evaluation_office(self) -> bool:
        return self.role in OFFICE_ROLES
