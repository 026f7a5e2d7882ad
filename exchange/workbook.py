"""The template workbook, empty or filled with a fiscal year's configuration.

Filled, it is the export of that configuration, and importing it into another
year (its year column changed) recreates the same configuration.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from districts.models import Membership
from exchange.sheets import (
    ASSIGNMENTS,
    CHOICE,
    INDICATORS,
    INSTRUCTIONS,
    LISTS,
    SHEETS,
    STEPS,
    USERS,
    Sheet,
    choice_label,
    labels,
)
from indicators.models import Assignment, FiscalYear, Indicator, MilestoneStep
from kpi_portal.thaidate import thai_date_numeric

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _number(value: Decimal | None) -> Decimal | int | None:
    """Whole numbers as integers, so the sheet shows 100 rather than 100.00."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _indicator_rows(year: FiscalYear) -> list[list[Any]]:
    rows = []
    for ind in Indicator.objects.filter(fiscal_year=year).prefetch_related("strategy_nodes"):
        rows.append(
            [
                year.year,
                ind.code,
                ind.component,
                ind.name,
                ind.unit,
                choice_label(INDICATORS.column("indicator_type").choices, ind.indicator_type),  # type: ignore[arg-type]
                choice_label(INDICATORS.column("level").choices, ind.level),  # type: ignore[arg-type]
                choice_label(INDICATORS.column("direction").choices, ind.direction),  # type: ignore[arg-type]
                choice_label(INDICATORS.column("kind").choices, ind.kind),  # type: ignore[arg-type]
                choice_label(INDICATORS.column("milestone_basis").choices, ind.milestone_basis),  # type: ignore[arg-type]
                ind.numerator_label,
                ind.denominator_label,
                _number(ind.full_score),
                choice_label(INDICATORS.column("scoring_rule").choices, ind.scoring_rule),  # type: ignore[arg-type]
                _number(ind.level_1),
                _number(ind.level_2),
                _number(ind.level_3),
                _number(ind.level_4),
                _number(ind.level_5),
                _number(ind.weight),
                ind.definition,
                ind.calculation_method,
                ind.data_collection,
                ind.supporting_projects,
                ", ".join(sorted(n.code for n in ind.strategy_nodes.all())),
            ]
        )
    return rows


def _step_rows(year: FiscalYear) -> list[list[Any]]:
    steps = MilestoneStep.objects.filter(indicator__fiscal_year=year).select_related("indicator")
    return [
        [
            year.year,
            s.indicator.code,
            s.number,
            s.title,
            _number(s.weight),
            thai_date_numeric(s.due_date) if s.due_date else None,
            s.due_note,
        ]
        for s in steps.order_by("indicator__code", "number")
    ]


def _assignment_rows(year: FiscalYear) -> list[list[Any]]:
    assignments = (
        Assignment.objects.filter(indicator__fiscal_year=year)
        .select_related("district", "indicator", "division")
        .prefetch_related("quarter_targets")
        .order_by("district__code", "indicator__code")
    )
    rows = []
    for a in assignments:
        targets = {t.quarter: t.target for t in a.quarter_targets.all()}
        rows.append(
            [
                year.year,
                a.district.code,
                a.indicator.code,
                a.code,
                a.division.name if a.division else None,
                _number(a.annual_target),
                *(_number(targets.get(q)) for q in (1, 2, 3, 4)),
                _number(a.weight),
            ]
        )
    return rows


def _user_rows() -> list[list[Any]]:
    memberships = (
        Membership.objects.select_related("user", "district", "division")
        .filter(user__is_active=True)
        .order_by("user__username")
    )
    return [
        [
            m.user.username,
            m.user.first_name,
            m.user.last_name,
            m.user.email,
            choice_label(USERS.column("role").choices, m.role),  # type: ignore[arg-type]
            m.district.code if m.district else None,
            m.division.name if m.division else None,
            m.position_title,
        ]
        for m in memberships
    ]


def _lists_sheet(book: Workbook) -> dict[str, str]:
    """Every drop-down's labels in a hidden sheet; the ranges by column key."""
    sheet = book.create_sheet(LISTS)
    sheet.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    column = 0
    for spec in SHEETS:
        for col in spec.columns:
            if col.kind != CHOICE or col.choices is None or col.key in ranges:
                continue
            column += 1
            letter = get_column_letter(column)
            for row, label in enumerate(labels(col.choices), start=1):
                sheet.cell(row=row, column=column, value=label)
            ranges[col.key] = f"'{LISTS}'!${letter}$1:${letter}${len(col.choices.labels)}"
    return ranges


def _data_sheet(
    book: Workbook, spec: Sheet, rows: list[list[Any]], ranges: dict[str, str]
) -> Worksheet:
    sheet = book.create_sheet(spec.thai_title)
    for index, col in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=col.thai_header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = col.width
        if col.kind == CHOICE and col.key in ranges:
            validation = DataValidation(
                type="list",
                formula1=ranges[col.key],
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle=_("ค่าไม่อยู่ในรายการ"),
                error=_("เลือกจากรายการที่กำหนด"),
            )
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return sheet


def _instructions(book: Workbook) -> None:
    sheet = book.create_sheet(str(INSTRUCTIONS))
    sheet.column_dimensions["A"].width = 110
    lines = [
        _("วิธีใช้แม่แบบนำเข้าข้อมูลตัวชี้วัด"),
        _("1. กรอกข้อมูลในแผ่นงาน ตัวชี้วัด ขั้นตอน การมอบหมาย และผู้ใช้ ห้ามแก้ไขหัวตาราง (แถวที่ 1)"),
        _(
            "2. แต่ละแถวคือหนึ่งรายการ: ตัวชี้วัดระบุด้วยปีงบประมาณและรหัส ขั้นตอนระบุด้วยรหัสตัวชี้วัดและเลขขั้นตอน "
            "การมอบหมายระบุด้วยรหัสตัวชี้วัดและรหัสเขต ผู้ใช้ระบุด้วยชื่อผู้ใช้"
        ),
        _("3. รายการที่มีอยู่แล้วจะถูกปรับตามไฟล์ รายการที่ไม่มีในไฟล์คงเดิม ระบบไม่ลบข้อมูล"),
        _("4. คอลัมน์ที่มีรายการให้เลือก (ประเภท ระดับ ทิศทาง วิธีวัดผล วิธีคิดคะแนน บทบาท) เลือกจากรายการเท่านั้น"),
        _("5. พิมพ์ค่า ไม่ใช่สูตร และไม่ผสานเซลล์ ตัวเลขไทย (๑๒๓) ระบบแปลงเป็นเลขอารบิกให้"),
        _("6. วันที่ใช้รูปแบบ วว/ดด/ปปปป เป็นปีพุทธศักราช เช่น 15/01/2570 หรือเซลล์วันที่ของ Excel"),
        _(
            "7. น้ำหนักของขั้นตอนของตัวชี้วัดหนึ่งรวมกันต้องเท่ากับ 100 "
            "และน้ำหนักตัวชี้วัดทุกตัวของเขตในปีหนึ่งรวมกันต้องเท่ากับ 100"
        ),
        _("8. ผู้ใช้ใหม่ยังไม่มีรหัสผ่าน ให้ผู้ใช้ตั้งรหัสผ่านเองผ่านการรีเซ็ตรหัสผ่าน"),
        _("9. อัปโหลดไฟล์แล้วระบบจะตรวจสอบก่อน (ยังไม่บันทึก) แก้ไขปัญหาที่แจ้งแล้วอัปโหลดใหม่ จึงกดบันทึก"),
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=14)


def config_workbook(year: FiscalYear | None = None) -> bytes:
    """The template (``year`` None) or the export of a year's configuration, as .xlsx."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    ranges = _lists_sheet(book)
    _data_sheet(book, INDICATORS, _indicator_rows(year) if year else [], ranges)
    _data_sheet(book, STEPS, _step_rows(year) if year else [], ranges)
    _data_sheet(book, ASSIGNMENTS, _assignment_rows(year) if year else [], ranges)
    _data_sheet(book, USERS, _user_rows() if year else [], ranges)
    _instructions(book)
    book.move_sheet(LISTS, offset=len(book.sheetnames) - 1)
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
