"""Fiscal years, the strategy tree, indicator definitions and their assignments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.fiscal import QUARTERS, fiscal_year_bounds, quarter_bounds

QUARTER_CHOICES = [(q, _("ไตรมาสที่ %(q)s") % {"q": q}) for q in QUARTERS]


def quarter_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": QUARTERS[0], f"{field}__lte": QUARTERS[-1]}), name=name
    )


# Settings and deadlines decide when a district may report: every change is kept.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FiscalYear(models.Model):
    """A Buddhist Era fiscal year: 1 October of the previous CE year to 30 September."""

    year = models.PositiveSmallIntegerField(
        _("ปีงบประมาณ (พ.ศ.)"), unique=True, validators=[MinValueValidator(2500)]
    )
    is_open = models.BooleanField(
        _("เปิดให้รายงาน"), default=True, help_text=_("ปิดเมื่อสิ้นสุดการประเมินประจำปีแล้ว")
    )
    # DHIS2's "open future periods": how many quarters before its own a quarter opens.
    quarters_open_ahead = models.PositiveSmallIntegerField(
        _("เปิดรับรายงานล่วงหน้า (ไตรมาส)"),
        default=0,
        validators=[MaxValueValidator(3)],
        help_text=_(
            "0 = ไตรมาสเปิดรับรายงานในวันแรกของไตรมาส; 1 = เปิดก่อนหนึ่งไตรมาส (เช่น ไตรมาสที่ 2 เปิด 1 ต.ค.)"
        ),
    )
    head_certification = models.BooleanField(
        _("ผู้อำนวยการเขตรับรองก่อนส่ง สยป."),
        default=False,
        help_text=_("เปิดไว้: เจ้าหน้าที่ส่งให้ผู้อำนวยการเขตรับรองก่อน แล้วผู้อำนวยการเขตจึงส่ง สยป."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("ปีงบประมาณ")
        verbose_name_plural = _("ปีงบประมาณ")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2500, year__lte=2700), name="fiscal_year_is_buddhist_era"
            ),
            models.CheckConstraint(
                condition=Q(quarters_open_ahead__lte=3), name="fiscal_year_open_ahead_0_to_3"
            ),
        ]

    def __str__(self) -> str:
        return gettext("ปีงบประมาณ %(year)s") % {"year": self.year}

    @property
    def starts_on(self) -> dt.date:
        return fiscal_year_bounds(self.year)[0]

    @property
    def ends_on(self) -> dt.date:
        return fiscal_year_bounds(self.year)[1]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ReportingPeriod(models.Model):
    """One quarter of a fiscal year, with its reporting deadline."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.CASCADE, related_name="periods", verbose_name=_("ปีงบประมาณ")
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาส"), choices=QUARTER_CHOICES)
    deadline = models.DateField(
        _("กำหนดส่งรายงาน"), help_text=_("รายงานแก้ไขได้ถึงสิ้นวันนี้ (เวลากรุงเทพฯ)")
    )
    assessment_published_on = models.DateField(
        _("วันที่ สยป. ประกาศผลการตรวจประเมิน"),
        null=True,
        blank=True,
        help_text=_("เว้นว่างไว้จนกว่าจะประกาศผลการตรวจประเมินของไตรมาสนี้"),
    )

    class Meta:
        ordering = ["fiscal_year", "quarter"]
        verbose_name = _("ไตรมาสและกำหนดส่ง")
        verbose_name_plural = _("ไตรมาสและกำหนดส่ง")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "quarter"], name="period_unique_quarter"
            ),
            quarter_check("quarter", "period_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} " + gettext("ไตรมาสที่ %(q)s") % {"q": self.quarter}

    def clean(self) -> None:
        """A quarter is reported on once it has ended: its deadline cannot fall inside it."""
        if self.fiscal_year_id is None or self.deadline is None or self.quarter not in QUARTERS:
            return
        if self.deadline < self.ends_on:
            raise ValidationError(
                {"deadline": _("กำหนดส่งต้องไม่ก่อนวันสิ้นไตรมาส กรุณาเลือกวันที่ตั้งแต่วันสิ้นไตรมาสเป็นต้นไป")}
            )

    @property
    def starts_on(self) -> dt.date:
        return quarter_bounds(self.fiscal_year.year, self.quarter)[0]

    @property
    def ends_on(self) -> dt.date:
        return quarter_bounds(self.fiscal_year.year, self.quarter)[1]


class StrategyNode(models.Model):
    """A node of the development plan's hierarchy: ด้านที่ ๗ → ๗.๕ → ๗.๕.๑ → ๗.๕.๑.๓."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("อยู่ภายใต้"),
    )
    code = models.CharField(
        _("รหัส"), max_length=20, unique=True, help_text=_("ใช้เลขอารบิก เช่น 7.5.1.3")
    )
    title = models.TextField(_("ชื่อ"))
    title_en = models.CharField(_("ชื่อภาษาอังกฤษ"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ยุทธศาสตร์")
        verbose_name_plural = _("แผนยุทธศาสตร์")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1


class MeasurementKind(models.TextChoices):
    VALUE = "value", _("กรอกผลงาน")
    RATIO = "ratio", _("สัดส่วน (ตัวตั้ง/ตัวหาร)")
    MILESTONES = "milestones", _("ขั้นตอนความสำเร็จ")


class MilestoneBasis(models.TextChoices):
    # The replaced system reported a five-step indicator as 100.00 in every
    # quarter in which all steps due so far were done; some indicators are
    # judged that way, others by plain cumulative progress.
    CUMULATIVE = "cumulative", _("ผลรวมน้ำหนักขั้นตอนที่ทำแล้ว")
    TO_DATE = "to_date", _("เทียบกับขั้นตอนที่ถึงกำหนดภายในไตรมาส")


class IndicatorType(models.TextChoices):
    STRATEGIC = "strategic", _("ตัวชี้วัดเชิงยุทธศาสตร์")
    MISSION = "mission", _("ตัวชี้วัดตามภารกิจ")
    POLICY = "policy", _("ตัวชี้วัดตามนโยบาย")
    SHARED = "shared", _("ตัวชี้วัดร่วม")


class IndicatorLevel(models.TextChoices):
    OUTCOME = "outcome", _("ตัวชี้วัดระดับผลลัพธ์ (outcome)")
    OUTPUT = "output", _("ตัวชี้วัดระดับผลผลิต (output)")


class Direction(models.TextChoices):
    HIGHER = "higher", _("ยิ่งมากยิ่งดี")
    LOWER = "lower", _("ยิ่งน้อยยิ่งดี")


class ScoringRule(models.TextChoices):
    PROPORTIONAL = "proportional", _("ผลงาน ÷ เป้าหมาย × คะแนนเต็ม (ไม่เกินคะแนนเต็ม)")
    FIVE_LEVELS = "five_levels", _("เกณฑ์ 5 ระดับ เทียบบัญญัติไตรยางศ์ระหว่างระดับ")
    MILESTONES_DUE = "milestones_due", _("ขั้นตอนที่ถึงกำหนดภายในไตรมาสดำเนินการแล้ว")


# Every change to a definition, weight, target or step moves a score: all are kept.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Indicator(models.Model):
    """An indicator defined once per fiscal year and shared by the districts assigned it."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("ปีงบประมาณ")
    )
    code = models.CharField(_("รหัสตัวชี้วัด"), max_length=20, help_text=_("เช่น 5.2 หรือ 7.4.1"))
    component = models.PositiveSmallIntegerField(
        _("องค์ประกอบที่"), null=True, blank=True, help_text=_("เช่น 5 สำหรับองค์ประกอบที่ 5")
    )
    name = models.TextField(_("ชื่อตัวชี้วัด"))
    unit = models.CharField(_("หน่วยนับ"), max_length=50, help_text=_("เช่น ร้อยละ บาท ครั้ง"))
    indicator_type = models.CharField(
        _("ประเภทตัวชี้วัด"), max_length=20, choices=IndicatorType.choices
    )
    level = models.CharField(_("ระดับตัวชี้วัด"), max_length=10, choices=IndicatorLevel.choices)
    direction = models.CharField(
        _("ทิศทาง"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    kind = models.CharField(_("วิธีวัดผล"), max_length=20, choices=MeasurementKind.choices)
    milestone_basis = models.CharField(
        _("วิธีคิดผลงานแบบขั้นตอน"),
        max_length=20,
        choices=MilestoneBasis.choices,
        default=MilestoneBasis.CUMULATIVE,
    )
    numerator_label = models.CharField(
        _("ชื่อตัวตั้ง"), max_length=200, blank=True, help_text=_("เช่น ผลการเบิกจ่ายงบประมาณ (บาท)")
    )
    denominator_label = models.CharField(
        _("ชื่อตัวหาร"), max_length=200, blank=True, help_text=_("เช่น งบประมาณที่ได้รับ (บาท)")
    )
    full_score = models.DecimalField(
        _("คะแนนเต็ม"), max_digits=6, decimal_places=2, default=Decimal("100")
    )
    weight = models.DecimalField(
        _("น้ำหนัก (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("น้ำหนักตั้งต้นของทุกเขตที่ได้รับมอบหมาย เขตใดกำหนดน้ำหนักของตนไว้ ใช้ของเขตนั้น"),
    )
    scoring_rule = models.CharField(
        _("วิธีคิดคะแนนที่ระบบเสนอ"),
        max_length=20,
        choices=ScoringRule.choices,
        default=ScoringRule.PROPORTIONAL,
    )
    # Thresholds of the five-level scale: the result that earns level 1 … 5.
    # Ascending when higher is better, descending when lower is better.
    level_1 = models.DecimalField(
        _("เกณฑ์ระดับ 1"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    level_2 = models.DecimalField(
        _("เกณฑ์ระดับ 2"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    level_3 = models.DecimalField(
        _("เกณฑ์ระดับ 3"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    level_4 = models.DecimalField(
        _("เกณฑ์ระดับ 4"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    level_5 = models.DecimalField(
        _("เกณฑ์ระดับ 5"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    definition = models.TextField(_("นิยาม หรือความหมายของตัวชี้วัด"), blank=True)
    calculation_method = models.TextField(_("วิธีการคำนวณ หรือ เกณฑ์การประเมิน"), blank=True)
    data_collection = models.TextField(_("วิธีการเก็บข้อมูล/แหล่งข้อมูล"), blank=True)
    supporting_projects = models.TextField(_("โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด"), blank=True)
    strategy_nodes = models.ManyToManyField(
        StrategyNode, blank=True, related_name="indicators", verbose_name=_("สนับสนุนยุทธศาสตร์")
    )

    class Meta:
        ordering = ["fiscal_year", "code"]
        verbose_name = _("ตัวชี้วัด")
        verbose_name_plural = _("ตัวชี้วัด")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="indicator_code_per_year"),
            models.CheckConstraint(
                condition=Q(full_score__gt=0), name="indicator_full_score_positive"
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0, weight__lte=100),
                name="indicator_weight_0_to_100",
            ),
            models.CheckConstraint(
                condition=~Q(scoring_rule="five_levels")
                | Q(
                    level_1__isnull=False,
                    level_2__isnull=False,
                    level_3__isnull=False,
                    level_4__isnull=False,
                    level_5__isnull=False,
                ),
                name="indicator_five_levels_need_thresholds",
            ),
        ]
        indexes = [
            # Serves the admin's and the evaluator's name search (ILIKE '%…%' on Thai text).
            GinIndex(name="indicator_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """The scoring rule's checks (``indicators.rules.rule_problems``), next to their fields."""
        # rules imports this module for the choices; asked at validation time only.
        from indicators.rules import Rule, rule_problems

        problems = rule_problems(Rule.of(self))
        if problems:
            raise ValidationError(problems)

    @property
    def level_thresholds(self) -> list[Decimal] | None:
        levels = [self.level_1, self.level_2, self.level_3, self.level_4, self.level_5]
        if any(level is None for level in levels):
            return None
        return [Decimal(level) for level in levels if level is not None]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MilestoneStep(models.Model):
    """ขั้นตอนที่ N of a milestone indicator, with its weight and due date."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="steps", verbose_name=_("ตัวชี้วัด")
    )
    number = models.PositiveSmallIntegerField(_("ขั้นตอนที่"))
    title = models.TextField(_("รายละเอียดขั้นตอน"))
    weight = models.DecimalField(_("น้ำหนัก (ร้อยละ)"), max_digits=5, decimal_places=2)
    due_date = models.DateField(_("กำหนดแล้วเสร็จ"), null=True, blank=True)
    due_note = models.CharField(
        _("หมายเหตุกำหนดเวลา"), max_length=200, blank=True, help_text=_("เช่น อย่างน้อยเดือนละ 1 ครั้ง")
    )

    class Meta:
        ordering = ["indicator_id", "number"]
        verbose_name = _("ขั้นตอน")
        verbose_name_plural = _("ขั้นตอน")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "number"], name="step_number_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100), name="step_weight_0_to_100"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="step_number_positive"),
        ]

    def __str__(self) -> str:
        return gettext("ขั้นตอนที่ %(n)s") % {"n": self.number}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class MilestoneSubItem(models.Model):
    """A numbered item inside a step (ขั้นตอนที่ 1 → 1. แต่งตั้งคณะทำงาน …)."""

    step = models.ForeignKey(
        MilestoneStep, on_delete=models.CASCADE, related_name="sub_items", verbose_name=_("ขั้นตอน")
    )
    number = models.PositiveSmallIntegerField(_("ข้อที่"))
    text = models.TextField(_("รายละเอียด"))

    class Meta:
        ordering = ["step_id", "number"]
        verbose_name = _("ข้อย่อยของขั้นตอน")
        verbose_name_plural = _("ข้อย่อยของขั้นตอน")
        constraints = [
            models.UniqueConstraint(fields=["step", "number"], name="subitem_number_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class CheckKind(models.TextChoices):
    """The built-in validation rules the office can turn on per indicator."""

    WITHIN_100 = "within_100", _("ผลงานไม่เกินร้อยละ 100 / ตัวตั้งไม่เกินตัวหาร")
    CUMULATIVE = "cumulative", _("ยอดสะสมต้องไม่ลดลงระหว่างการรายงาน")
    JUMP = "jump", _("ผลงานเปลี่ยนจากไตรมาสก่อนเกินกำหนด (จุด)")
    BELOW_TARGET = "below_target", _("ผลงานต่ำกว่าเป้าหมายของไตรมาส")


class Severity(models.TextChoices):
    ERROR = "error", _("ข้อผิดพลาด: ส่งรายงานไม่ได้จนกว่าจะแก้")
    WARNING = "warning", _("คำเตือน: ส่งได้เมื่อเขียนคำชี้แจง")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ValidationRule(models.Model):
    """One check a district's report must pass (error) or explain (warning) to be submitted."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="checks", verbose_name=_("ตัวชี้วัด")
    )
    kind = models.CharField(_("กฎการตรวจสอบ"), max_length=20, choices=CheckKind.choices)
    severity = models.CharField(
        _("ความรุนแรง"), max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    threshold = models.DecimalField(
        _("ค่าที่ยอมให้เปลี่ยน (จุด)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("ใช้กับกฎ “เปลี่ยนจากไตรมาสก่อนเกินกำหนด” เท่านั้น เช่น 30"),
    )

    class Meta:
        ordering = ["indicator_id", "kind"]
        verbose_name = _("กฎการตรวจสอบรายงาน")
        verbose_name_plural = _("กฎการตรวจสอบรายงาน")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "kind"], name="check_once_per_indicator"),
            models.CheckConstraint(
                condition=~Q(kind="jump") | Q(threshold__isnull=False, threshold__gte=0),
                name="check_jump_needs_threshold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()})"


# Refuses a ``previous`` of another district or of the same or a later fiscal year,
# however the row is written (the admin, an import, SQL).
PREVIOUS_CHECK_SQL = """
    IF NOT EXISTS (
        SELECT 1
        FROM indicators_assignment p
        JOIN indicators_indicator pi ON pi.id = p.indicator_id
        JOIN indicators_fiscalyear py ON py.id = pi.fiscal_year_id
        JOIN indicators_indicator ni ON ni.id = NEW.indicator_id
        JOIN indicators_fiscalyear ny ON ny.id = ni.fiscal_year_id
        WHERE p.id = NEW.previous_id AND p.district_id = NEW.district_id AND py.year < ny.year
    ) THEN
        RAISE EXCEPTION 'assignment_previous_earlier_same_district: % -> %',
            NEW.id, NEW.previous_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
"""


def previous_problem(assignment: Assignment) -> str:
    """Why ``assignment.previous`` cannot be its earlier year, or ""."""
    previous = assignment.previous
    if previous is None:
        return ""
    if assignment.pk is not None and previous.pk == assignment.pk:
        return str(_("ตัวชี้วัดเป็นปีก่อนหน้าของตัวเองไม่ได้"))
    if assignment.district_id is not None and previous.district_id != assignment.district_id:
        return str(_("ปีก่อนหน้าต้องเป็นตัวชี้วัดของสำนักงานเขตเดียวกัน"))
    if assignment.indicator_id is not None:
        year = assignment.indicator.fiscal_year.year
        if previous.indicator.fiscal_year.year >= year:
            return str(_("ปีก่อนหน้าต้องเป็นตัวชี้วัดของปีงบประมาณก่อนปี %(year)s") % {"year": year})
    return ""


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Assignment(models.Model):
    """One indicator for one district in its fiscal year, with its own code and targets."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("ตัวชี้วัด")
    )
    district = models.ForeignKey(
        "districts.District",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("สำนักงานเขต"),
    )
    division = models.ForeignKey(
        "districts.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("ฝ่ายที่รับผิดชอบ"),
    )
    code = models.CharField(
        _("รหัสตัวชี้วัดของหน่วยงาน"), max_length=20, blank=True, help_text=_("เช่น 5009-0963")
    )
    annual_target = models.DecimalField(
        _("ค่าเป้าหมาย"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    weight = models.DecimalField(
        _("น้ำหนัก (ร้อยละ)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("เว้นว่างไว้เพื่อใช้น้ำหนักตั้งต้นของตัวชี้วัด น้ำหนักทุกตัวชี้วัดของเขตในปีหนึ่งรวมกันต้องเท่ากับ 100"),
    )
    # The same indicator of the district in an earlier year, where the code alone does
    # not say so (indicators.selectors.earlier_years); one successor per predecessor.
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_year",
        verbose_name=_("ปีก่อนหน้า"),
        error_messages={"unique": _("ตัวชี้วัดของปีนั้นเป็นปีก่อนหน้าของตัวชี้วัดอื่นอยู่แล้ว")},
        help_text=_(
            "ตัวชี้วัดเดียวกันของเขตนี้ในปีงบประมาณก่อน ๆ ใช้เมื่อรหัสตัวชี้วัดเปลี่ยน "
            "เว้นว่างไว้เพื่อเชื่อมกับตัวชี้วัดรหัสเดียวกันของปีก่อนหน้าโดยอัตโนมัติ"
        ),
    )

    class Meta:
        ordering = ["district", "indicator__code"]
        verbose_name = _("การมอบหมายตัวชี้วัด")
        verbose_name_plural = _("การมอบหมายตัวชี้วัด")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "district"], name="assignment_once_per_district"
            ),
            models.UniqueConstraint(
                fields=["district", "code"],
                condition=~Q(code=""),
                name="assignment_code_per_district",
            ),
            models.CheckConstraint(
                condition=Q(annual_target__gte=0), name="assignment_target_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0, weight__lte=100),
                name="assignment_weight_0_to_100",
            ),
            models.CheckConstraint(
                condition=~Q(previous=F("pk")), name="assignment_previous_not_itself"
            ),
        ]
        # Same district, an earlier fiscal year: another row's columns, so a trigger,
        # not a check. It makes a cycle of ``previous`` impossible in the database.
        triggers = [
            pgtrigger.Trigger(
                name="assignment_previous_earlier_same_district",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.Condition("NEW.previous_id IS NOT NULL"),
                func=PREVIOUS_CHECK_SQL,
            ),
        ]

    def __str__(self) -> str:
        code = f" ({self.code})" if self.code else ""  # codes are issued per year, later
        return f"{self.indicator.code} · {self.district.display_name}{code}"

    def clean(self) -> None:
        super().clean()
        problem = previous_problem(self)
        if problem:
            raise ValidationError({"previous": problem})

    @property
    def effective_weight(self) -> Decimal | None:
        """The district's own weight, else the indicator's default for the year."""
        return self.weight if self.weight is not None else self.indicator.weight


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class QuarterTarget(models.Model):
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="quarter_targets",
        verbose_name=_("การมอบหมาย"),
    )
    quarter = models.PositiveSmallIntegerField(_("ไตรมาส"), choices=QUARTER_CHOICES)
    target = models.DecimalField(
        _("ค่าเป้าหมาย"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        # By the parent's id, not the parent: ordering by the relation follows the
        # parent's own ordering, joining assignments, districts and indicators into
        # every prefetch of these rows only to sort them.
        ordering = ["assignment_id", "quarter"]
        verbose_name = _("เป้าหมายรายไตรมาส")
        verbose_name_plural = _("เป้าหมายรายไตรมาส")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "quarter"], name="quarter_target_unique"),
            quarter_check("quarter", "quarter_target_quarter_1_to_4"),
            models.CheckConstraint(condition=Q(target__gte=0), name="quarter_target_gte_0"),
        ]

    def __str__(self) -> str:
        return gettext("ไตรมาสที่ %(q)s") % {"q": self.quarter} + f": {self.target}"


# Part of the reporting calendar (indicators.calendar). The table keeps the name it
# had when the model lived in reports.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    meta={"db_table": "reports_deadlineextensionevent"},
)
class DeadlineExtension(models.Model):
    """The evaluation office lets one district report a quarter after its deadline."""

    district = models.ForeignKey(
        "districts.District",
        on_delete=models.CASCADE,
        related_name="deadline_extensions",
        verbose_name=_("สำนักงานเขต"),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("ไตรมาส"),
    )
    deadline = models.DateField(_("ขยายกำหนดส่งถึง"))
    reason = models.TextField(_("เหตุผล"))
    granted_at = models.DateTimeField(_("อนุมัติเมื่อ"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้อนุมัติ"),
    )

    class Meta:
        db_table = "reports_deadlineextension"
        verbose_name = _("การขยายกำหนดส่ง")
        verbose_name_plural = _("การขยายกำหนดส่ง")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "period"], name="extension_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} · {self.period} → {self.deadline}"


class PublicationEvent(models.Model):
    """The evaluation office published, or withdrew, one quarter's evaluations."""

    class Action(models.TextChoices):
        PUBLISHED = "published", _("ประกาศผล")
        WITHDRAWN = "withdrawn", _("ถอนประกาศ")

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="publication_events",
        verbose_name=_("ไตรมาส"),
    )
    action = models.CharField(_("การดำเนินการ"), max_length=10, choices=Action.choices)
    published_on = models.DateField(_("วันที่ประกาศผล"), null=True, blank=True)
    reason = models.TextField(_("เหตุผล"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ผู้ดำเนินการ"),
    )
    at = models.DateTimeField(_("เมื่อ"))

    class Meta:
        ordering = ["period_id", "at", "id"]
        verbose_name = _("การประกาศผลการประเมิน")
        verbose_name_plural = _("การประกาศผลการประเมิน")

    def __str__(self) -> str:
        return f"{self.period} · {self.get_action_display()}"
