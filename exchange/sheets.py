"""The import workbook's sheets and columns, named once for the template, the export
of a year's configuration and the import that reads both back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import TextChoices
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from districts.models import Role
from indicators.models import (
    Direction,
    IndicatorLevel,
    IndicatorType,
    MeasurementKind,
    MilestoneBasis,
    ScoringRule,
)

TEXT = "text"
CODE = "code"  # an identifier: Thai digits become Arabic, spaces trimmed
INT = "int"
DECIMAL = "decimal"
DATE = "date"
CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    kind: str = TEXT
    width: int = 16
    required: bool = False
    choices: type[TextChoices] | None = None

    @property
    def thai_header(self) -> str:
        with translation.override("th"):
            return str(self.header)


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Promise
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...] = field(default=())

    @property
    def thai_title(self) -> str:
        with translation.override("th"):
            return str(self.title)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def labels(choices: type[TextChoices]) -> list[str]:
    """The Thai labels a drop-down offers, in the choices' order."""
    with translation.override("th"):
        return [str(label) for label in choices.labels]


def choice_value(choices: type[TextChoices], text: str) -> str | None:
    """The stored value for a label (Thai or the current language) or the value itself."""
    for value, label in choices.choices:
        with translation.override("th"):
            thai = str(label)
        if text in (value, thai, str(label)):
            return str(value)
    return None


def choice_label(choices: type[TextChoices], value: str) -> str:
    with translation.override("th"):
        return str(dict(choices.choices).get(value, value))


YEAR = Column("year", _("ปีงบประมาณ (พ.ศ.)"), INT, 12, required=True)

INDICATORS = Sheet(
    "indicators",
    _("ตัวชี้วัด"),
    (
        YEAR,
        Column("code", _("รหัสตัวชี้วัด"), CODE, 12, required=True),
        Column("component", _("องค์ประกอบที่"), INT, 10),
        Column("name", _("ชื่อตัวชี้วัด"), TEXT, 50, required=True),
        Column("unit", _("หน่วยนับ"), TEXT, 12, required=True),
        Column("indicator_type", _("ประเภทตัวชี้วัด"), CHOICE, 26, True, IndicatorType),
        Column("level", _("ระดับตัวชี้วัด"), CHOICE, 30, True, IndicatorLevel),
        Column("direction", _("ทิศทาง"), CHOICE, 16, True, Direction),
        Column("kind", _("วิธีวัดผล"), CHOICE, 24, True, MeasurementKind),
        Column("milestone_basis", _("วิธีคิดผลงานแบบขั้นตอน"), CHOICE, 30, True, MilestoneBasis),
        Column("numerator_label", _("ชื่อตัวตั้ง"), TEXT, 30),
        Column("denominator_label", _("ชื่อตัวหาร"), TEXT, 30),
        Column("full_score", _("คะแนนเต็ม"), DECIMAL, 10, required=True),
        Column("scoring_rule", _("วิธีคิดคะแนนที่ระบบเสนอ"), CHOICE, 40, True, ScoringRule),
        Column("level_1", _("เกณฑ์ระดับ 1"), DECIMAL, 10),
        Column("level_2", _("เกณฑ์ระดับ 2"), DECIMAL, 10),
        Column("level_3", _("เกณฑ์ระดับ 3"), DECIMAL, 10),
        Column("level_4", _("เกณฑ์ระดับ 4"), DECIMAL, 10),
        Column("level_5", _("เกณฑ์ระดับ 5"), DECIMAL, 10),
        Column("weight", _("น้ำหนัก (ร้อยละ)"), DECIMAL, 10),
        Column("definition", _("นิยาม หรือความหมายของตัวชี้วัด"), TEXT, 40),
        Column("calculation_method", _("วิธีการคำนวณ หรือ เกณฑ์การประเมิน"), TEXT, 40),
        Column("data_collection", _("วิธีการเก็บข้อมูล/แหล่งข้อมูล"), TEXT, 40),
        Column("supporting_projects", _("โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด"), TEXT, 40),
        Column("strategy_nodes", _("รหัสยุทธศาสตร์ (คั่นด้วยจุลภาค)"), TEXT, 24),
    ),
    ("year", "code"),
)

STEPS = Sheet(
    "steps",
    _("ขั้นตอน"),
    (
        YEAR,
        Column("indicator", _("รหัสตัวชี้วัด"), CODE, 12, required=True),
        Column("number", _("ขั้นตอนที่"), INT, 10, required=True),
        Column("title", _("รายละเอียดขั้นตอน"), TEXT, 60, required=True),
        Column("weight", _("น้ำหนัก (ร้อยละ)"), DECIMAL, 10, required=True),
        Column("due_date", _("กำหนดแล้วเสร็จ (วว/ดด/ปปปป พ.ศ.)"), DATE, 16),
        Column("due_note", _("หมายเหตุกำหนดเวลา"), TEXT, 30),
    ),
    ("year", "indicator", "number"),
)

ASSIGNMENTS = Sheet(
    "assignments",
    _("การมอบหมาย"),
    (
        YEAR,
        Column("district", _("รหัสเขต"), CODE, 10, required=True),
        Column("indicator", _("รหัสตัวชี้วัด"), CODE, 12, required=True),
        Column("code", _("รหัสตัวชี้วัดของหน่วยงาน"), CODE, 16),
        Column("division", _("ฝ่ายที่รับผิดชอบ"), TEXT, 24),
        Column("annual_target", _("ค่าเป้าหมายทั้งปี"), DECIMAL, 14, required=True),
        Column("q1", _("เป้าหมายไตรมาสที่ 1"), DECIMAL, 12),
        Column("q2", _("เป้าหมายไตรมาสที่ 2"), DECIMAL, 12),
        Column("q3", _("เป้าหมายไตรมาสที่ 3"), DECIMAL, 12),
        Column("q4", _("เป้าหมายไตรมาสที่ 4"), DECIMAL, 12),
        Column("weight", _("น้ำหนัก (ร้อยละ)"), DECIMAL, 10),
    ),
    ("year", "district", "indicator"),
)

USERS = Sheet(
    "users",
    _("ผู้ใช้"),
    (
        Column("username", _("ชื่อผู้ใช้"), CODE, 18, required=True),
        Column("first_name", _("ชื่อ"), TEXT, 16),
        Column("last_name", _("นามสกุล"), TEXT, 16),
        Column("email", _("อีเมล"), TEXT, 26),
        Column("role", _("บทบาท"), CHOICE, 24, True, Role),
        Column("district", _("รหัสเขต"), CODE, 10),
        Column("division", _("ฝ่าย"), TEXT, 24),
        Column("position_title", _("ตำแหน่ง"), TEXT, 30),
    ),
    ("username",),
)

SHEETS = (INDICATORS, STEPS, ASSIGNMENTS, USERS)
INSTRUCTIONS = _("คำอธิบาย")
LISTS = "รายการเลือก"  # the hidden sheet the drop-downs take their labels from
QUARTER_COLUMNS = ("q1", "q2", "q3", "q4")

Formatter = Callable[[object], object]
