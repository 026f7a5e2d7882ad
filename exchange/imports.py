"""Reading an import workbook and deciding what it would change: the dry run.

``open_workbook`` refuses what is not a readable .xlsx (a PDF or CSV renamed, an
encrypted or truncated file, a zip bomb); ``read_sheets`` checks the sheets and
headers and refuses formulas and merged cells; ``plan_import`` validates every row
through the models (``full_clean``, so ``rule_problems`` for the scoring rule),
``weights_problem`` for steps and the district-year weights, and returns a
``Plan``: counts per sheet, every problem, and the rows to write. ``apply_plan``
writes them; it is called inside the apply service's transaction.

Decisions: Thai digits are accepted and converted (๑๒๓ → 123) in numbers, codes
and dates, text is kept as typed. A blank quarter target removes that quarter's
target; nothing else is ever deleted (rows missing from the file stay as they are).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.workbook.workbook import Workbook

from districts.models import DISTRICT_ROLES, District, Division, Membership
from exchange.sheets import (
    ASSIGNMENTS,
    CHOICE,
    CODE,
    DATE,
    DECIMAL,
    INDICATORS,
    INT,
    QUARTER_COLUMNS,
    SHEETS,
    STEPS,
    USERS,
    Column,
    Sheet,
    choice_value,
)
from indicators.models import (
    Assignment,
    FiscalYear,
    Indicator,
    MilestoneStep,
    QuarterTarget,
    StrategyNode,
)
from indicators.steps import FULL_WEIGHT, weights_problem
from kpi_portal.errors import ActionRefused
from kpi_portal.thaidate import parse_thai_date
from kpi_portal.thaidigits import format_amount, parse_decimal, to_arabic_digits

Tick = Callable[[int], None]
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_CELL_ROW = re.compile(r"[A-Z]+([0-9]+)")
PROGRESS_EVERY = 100


class FileRefused(ActionRefused):
    """The file cannot be read as an import workbook; the message says why, in Thai."""


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Row:
    number: int
    cells: dict[str, Any]


@dataclass
class Counts:
    create: int = 0
    update: int = 0
    unchanged: int = 0

    def count(self, *, new: bool, changed: bool) -> None:
        if new:
            self.create += 1
        elif changed:
            self.update += 1
        else:
            self.unchanged += 1


@dataclass
class Plan:
    """What an import would do. Only changed or new rows are kept to be written."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    rows: int = 0
    indicators: list[tuple[Indicator, list[StrategyNode]]] = field(default_factory=list)
    steps: list[MilestoneStep] = field(default_factory=list)
    assignments: list[tuple[Assignment, dict[int, Decimal | None]]] = field(default_factory=list)
    users: list[tuple[User, Membership]] = field(default_factory=list)

    def counts_json(self) -> list[dict[str, Any]]:
        """In the sheets' order: a list, since PostgreSQL's jsonb reorders an object's keys."""
        return [
            {"sheet": sheet, "create": c.create, "update": c.update, "unchanged": c.unchanged}
            for sheet, c in self.counts.items()
        ]


# -- The file ---------------------------------------------------------------------------


def size_problem(size: int) -> str:
    """Why a file of this size is refused ("" when it is not), before reading a byte."""
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        return _(
            "ไฟล์ใหญ่เกินไป (%(size)s MB) รับได้ไม่เกิน %(limit)s MB แบ่งข้อมูลเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์"
        ) % {"size": format_amount(Decimal(size) / 2**20, 1), "limit": limit // 2**20}
    return ""


def open_workbook(data: bytes) -> tuple[Workbook, zipfile.ZipFile]:
    """The workbook (read-only: streamed, never loaded whole) and its zip, or FileRefused."""
    if problem := size_problem(len(data)):
        raise FileRefused(problem)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _(
                "ไฟล์นี้มีรหัสผ่าน หรือเป็นไฟล์ Excel รุ่นเก่า (.xls) เปิดไฟล์ใน Excel "
                "เอารหัสผ่านออก แล้วบันทึกเป็น Excel Workbook (.xlsx) ก่อนอัปโหลด"
            )
        )
    if data.startswith(b"%PDF"):
        raise FileRefused(_("ไฟล์นี้เป็น PDF ไม่ใช่ไฟล์ Excel ใช้แม่แบบ .xlsx ที่ดาวน์โหลดจากหน้านี้"))
    if not data.startswith(b"PK"):
        raise FileRefused(
            _(
                "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) เช่น เป็นไฟล์ .csv หรือ .xls "
                "เปิดใน Excel แล้วบันทึกเป็น Excel Workbook (.xlsx) ก่อนอัปโหลด"
            )
        )
    corrupt = _("ไฟล์เสียหายหรือไม่ครบ (อาจดาวน์โหลดหรือคัดลอกไม่สำเร็จ) เปิดใน Excel แล้วบันทึกใหม่ก่อนอัปโหลด")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRefused(corrupt) from error
    # A zip bomb: a small file that unpacks into gigabytes.
    if sum(m.file_size for m in members) > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise FileRefused(_("ข้อมูลในไฟล์เมื่อคลายออกมีขนาดใหญ่เกินไป แบ่งข้อมูลเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์"))
    if "xl/workbook.xml" not in archive.namelist():
        raise FileRefused(corrupt)
    try:
        if archive.testzip() is not None:
            raise FileRefused(corrupt)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except FileRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise FileRefused(corrupt) from error
    return book, archive


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> list[str]:
    """The merged ranges of one sheet, found by streaming its XML (read-only sheets
    do not expose them)."""
    found: list[str] = []
    tail = b""
    with archive.open(path.lstrip("/")) as handle:
        while chunk := handle.read(1 << 20):
            block = tail + chunk
            found.extend(m.decode() for m in _MERGE.findall(block))
            tail = block[-200:]
            # A match inside the overlap would be seen twice.
            found = list(dict.fromkeys(found))
    return found


def _header_text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _headers_match(spec_column: Column, text: str) -> bool:
    return text in (spec_column.thai_header, _header_text(spec_column.header))


def read_sheets(
    book: Workbook, archive: zipfile.ZipFile, tick: Tick | None = None
) -> tuple[dict[str, list[Row]], list[Problem]]:
    """Every data sheet's rows by sheet key, or the problems that stop reading them."""
    problems: list[Problem] = []
    result: dict[str, list[Row]] = {}
    names = {name.strip(): name for name in book.sheetnames}
    total = 0
    for spec in SHEETS:
        title = spec.thai_title
        name = names.get(title) or names.get(str(spec.title))
        if name is None:
            problems.append(
                Problem(
                    title,
                    None,
                    "",
                    _("ไม่พบแผ่นงาน “%(sheet)s” ใช้แม่แบบที่ดาวน์โหลดจากหน้านี้ และอย่าเปลี่ยนชื่อแผ่นงาน")
                    % {"sheet": title},
                )
            )
            continue
        sheet = book[name]
        for ref in _merged_ranges(archive, sheet._worksheet_path):  # type: ignore[union-attr]
            match = _CELL_ROW.match(ref)
            problems.append(
                Problem(
                    title,
                    int(match[1]) if match else None,
                    ref,
                    _("เซลล์ %(ref)s ผสานกันอยู่ ยกเลิกการผสานเซลล์ แล้วกรอกค่าในทุกแถว") % {"ref": ref},
                )
            )
        rows, sheet_problems, total = _read_rows(sheet, spec, title, total, tick)
        problems.extend(sheet_problems)
        result[spec.key] = rows
    return result, problems


def _read_rows(
    sheet: Any, spec: Sheet, title: str, total: int, tick: Tick | None
) -> tuple[list[Row], list[Problem], int]:
    problems: list[Problem] = []
    rows: list[Row] = []
    width = len(spec.columns) + 20
    lines = sheet.iter_rows(max_col=width)
    header_cells = next(lines, ())
    headers = [_header_text(c.value) for c in header_cells]
    positions: dict[str, int] = {}
    for index, text in enumerate(headers):
        if not text:
            continue
        column = next((c for c in spec.columns if _headers_match(c, text)), None)
        if column is None:
            problems.append(
                Problem(
                    title,
                    1,
                    text,
                    _("ไม่รู้จักคอลัมน์ “%(header)s” ลบคอลัมน์นี้ หรือแก้หัวตารางให้ตรงกับแม่แบบ")
                    % {"header": text},
                )
            )
        else:
            positions[column.key] = index
    for column in spec.columns:
        if column.key not in positions:
            problems.append(
                Problem(
                    title,
                    1,
                    column.thai_header,
                    _("ไม่พบคอลัมน์ “%(header)s” ในแถวที่ 1 ใช้หัวตารางตามแม่แบบ")
                    % {"header": column.thai_header},
                )
            )
    if problems:
        return [], problems, total
    by_index = {index: spec.column(key) for key, index in positions.items()}
    for cells in lines:
        if not cells or all(c.value is None or str(c.value).strip() == "" for c in cells):
            continue
        number = cells[0].row or 0
        total += 1
        if total > settings.IMPORT_MAX_ROWS:
            problems.append(
                Problem(
                    title,
                    number,
                    "",
                    _("ไฟล์มีข้อมูลเกิน %(limit)s แถว แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์")
                    % {"limit": settings.IMPORT_MAX_ROWS},
                )
            )
            break
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            column = by_index.get(index)
            if column is None:
                continue
            if cell.data_type == "f" or (
                isinstance(cell.value, str) and cell.value.startswith("=")
            ):
                problems.append(
                    Problem(
                        title,
                        number,
                        column.thai_header,
                        _("เซลล์ %(ref)s เป็นสูตร พิมพ์ค่า ไม่ใช่สูตร (คัดลอกแล้ววางแบบค่า)")
                        % {"ref": cell.coordinate},
                    )
                )
                continue
            values[column.key] = cell.value
        rows.append(Row(number, values))
        if tick is not None and total % PROGRESS_EVERY == 0:
            tick(total)
    return rows, problems, total


def count_rows(data: bytes) -> int:
    """About how many data rows a file holds, from its sheets' dimensions (cheap)."""
    try:
        book, _archive = open_workbook(data)
    except FileRefused:
        return 0
    names = {spec.thai_title for spec in SHEETS}
    return sum(max((book[n].max_row or 1) - 1, 0) for n in book.sheetnames if n in names)


# -- Cell values ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        raise ValueError(_("ช่องนี้ต้องเป็นข้อความ ไม่ใช่วันที่"))
    return str(value).strip()


def _code(value: Any) -> str:
    return to_arabic_digits(_text(value)).replace("\u200b", "").strip()


def _integer(value: Any) -> int | None:
    message = _("กรอกเป็นจำนวนเต็ม เช่น 3")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(message)
    text = to_arabic_digits(str(value)).strip()
    if not text.isdigit():
        raise ValueError(message)
    return int(text)


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (bool, dt.datetime, dt.date)):
        raise ValueError(_("กรอกเป็นตัวเลข เช่น 1,234.50"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return parse_decimal(str(value))


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # A date cell whose format was lost: Excel's serial number of a CE date.
        converted = from_excel(value)
        if isinstance(converted, dt.datetime):
            return converted.date()
        if isinstance(converted, dt.date):
            return converted
        raise ValueError(_("วันที่ไม่ถูกต้อง กรอกเป็น วว/ดด/ปปปป พ.ศ. เช่น 15/01/2570"))
    try:
        return parse_thai_date(str(value))
    except ValueError as error:
        raise ValueError(
            _("“%(text)s” ไม่ใช่วันที่: %(why)s") % {"text": value, "why": error}
        ) from error


def _convert(column: Column, value: Any) -> Any:
    if column.kind == INT:
        return _integer(value)
    if column.kind == DECIMAL:
        return _decimal(value)
    if column.kind == DATE:
        return _date(value)
    if column.kind == CODE:
        return _code(value)
    if column.kind == CHOICE and column.choices is not None:
        text = _text(value)
        if not text:
            return ""
        chosen = choice_value(column.choices, text)
        if chosen is None:
            raise ValueError(_("“%(text)s” ไม่อยู่ในรายการ เลือกจากรายการในช่องนี้") % {"text": text})
        return chosen
    return _text(value)


# -- The plan ------------------------------------------------------------------------------


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, Decimal) or isinstance(after, Decimal):
        if before is None or after is None:
            return before is after
        return Decimal(before) == Decimal(after)
    return bool(before == after)


class Planner:
    """Validates every row against the file and the database, without writing."""

    def __init__(self, sheets: dict[str, list[Row]]) -> None:
        self.sheets = sheets
        self.plan = Plan()
        self.plan.rows = sum(len(rows) for rows in sheets.values())
        years = {
            year
            for key in ("indicators", "steps", "assignments")
            for row in sheets.get(key, [])
            if isinstance(year := _safe(_integer, row.cells.get("year")), int)
        }
        self.years = {fy.year: fy for fy in FiscalYear.objects.filter(year__in=years)}
        self.indicators: dict[tuple[int, str], Indicator] = {
            (i.fiscal_year.year, i.code): i
            for i in Indicator.objects.filter(fiscal_year__year__in=years)
            .select_related("fiscal_year")
            .prefetch_related("strategy_nodes")
        }
        self.weight_changed: set[int] = set()  # indicators whose default weight changes

    # Helpers

    def problem(self, sheet: Sheet, row: int | None, column: str, message: str) -> None:
        self.plan.problems.append(Problem(sheet.thai_title, row, column, message))

    def values(self, sheet: Sheet, row: Row) -> dict[str, Any] | None:
        """The row's converted values, or None after reporting what is wrong."""
        converted: dict[str, Any] = {}
        ok = True
        for column in sheet.columns:
            try:
                value = _convert(column, row.cells.get(column.key))
            except ValueError as error:
                self.problem(sheet, row.number, column.thai_header, str(error))
                ok = False
                continue
            if column.required and value in (None, ""):
                self.problem(
                    sheet,
                    row.number,
                    column.thai_header,
                    _("กรอก “%(header)s” ช่องนี้เว้นว่างไม่ได้") % {"header": column.thai_header},
                )
                ok = False
            converted[column.key] = value
        return converted if ok else None

    def year(self, sheet: Sheet, row: Row, year: int) -> FiscalYear | None:
        found = self.years.get(year)
        if found is None:
            self.problem(
                sheet,
                row.number,
                sheet.column("year").thai_header,
                _("ไม่มีปีงบประมาณ %(year)s ในระบบ สร้างปีงบประมาณก่อน หรือแก้ปีในไฟล์") % {"year": year},
            )
        return found

    def clean(
        self, sheet: Sheet, row: Row, obj: Model, exclude: Iterable[str], fields: dict[str, str]
    ) -> bool:
        """The model's own validation; its messages placed on the sheet's columns."""
        try:
            obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                header = sheet.column(fields[name]).thai_header if name in fields else ""
                for message in messages:
                    self.problem(sheet, row.number, header, message)
            return False
        return True

    def duplicate(self, sheet: Sheet, row: Row, seen: dict[Any, int], key: Any, what: str) -> bool:
        if key in seen:
            self.problem(
                sheet,
                row.number,
                "",
                _("%(what)s ซ้ำกับแถวที่ %(row)s ลบแถวใดแถวหนึ่ง") % {"what": what, "row": seen[key]},
            )
            return True
        seen[key] = row.number
        return False

    # Sheets

    def run(self, tick: Tick | None = None) -> Plan:
        self.done = 0
        self.tick = tick
        self.plan_indicators()
        self.plan_steps()
        self.plan_assignments()
        self.plan_users()
        return self.plan

    def advance(self) -> None:
        self.done += 1
        if self.tick is not None and self.done % PROGRESS_EVERY == 0:
            self.tick(self.done)

    def plan_indicators(self) -> None:
        sheet = INDICATORS
        counts = self.plan.counts.setdefault(sheet.thai_title, Counts())
        nodes = {n.code: n for n in StrategyNode.objects.all()}
        fields = [c.key for c in sheet.columns if c.key not in ("year", "code", "strategy_nodes")]
        seen: dict[Any, int] = {}
        for row in self.sheets.get("indicators", []):
            self.advance()
            values = self.values(sheet, row)
            if values is None:
                continue
            key = (values["year"], values["code"])
            if self.duplicate(
                sheet,
                row,
                seen,
                key,
                _("รหัสตัวชี้วัด %(code)s ปี %(year)s") % {"code": key[1], "year": key[0]},
            ):
                continue
            year = self.year(sheet, row, values["year"])
            if year is None:
                continue
            codes = [c.strip() for c in to_arabic_digits(values["strategy_nodes"]).split(",")]
            chosen = []
            for code in filter(None, codes):
                if code not in nodes:
                    self.problem(
                        sheet,
                        row.number,
                        sheet.column("strategy_nodes").thai_header,
                        _(
                            "ไม่พบยุทธศาสตร์รหัส %(code)s ตรวจรหัสอีกครั้ง "
                            "(คั่นหลายรหัสด้วยจุลภาค เช่น 7.5.1, 7.5.2)"
                        )
                        % {"code": code},
                    )
                else:
                    chosen.append(nodes[code])
            existing = self.indicators.get(key)
            indicator = existing or Indicator(fiscal_year=year, code=values["code"])
            before = {name: getattr(indicator, name) for name in fields}
            for name in fields:
                value = values[name]
                if name == "milestone_basis" and not value:
                    continue
                setattr(indicator, name, value)
            if not self.clean(sheet, row, indicator, ["fiscal_year"], {f: f for f in fields}):
                continue
            old_nodes = {n.pk for n in indicator.strategy_nodes.all()} if existing else set()
            changed = existing is None or old_nodes != {n.pk for n in chosen}
            changed = changed or any(not _same(before[n], getattr(indicator, n)) for n in fields)
            if existing is not None and not _same(before["weight"], indicator.weight):
                self.weight_changed.add(existing.pk)
            counts.count(new=existing is None, changed=changed)
            self.indicators[key] = indicator
            if changed:
                self.plan.indicators.append((indicator, chosen))

    def indicator(self, sheet: Sheet, row: Row, year: int, code: str) -> Indicator | None:
        found = self.indicators.get((year, code))
        if found is None:
            self.problem(
                sheet,
                row.number,
                sheet.column("indicator").thai_header,
                _("ไม่พบตัวชี้วัดรหัส %(code)s ของปี %(year)s ในแผ่นงานตัวชี้วัดหรือในระบบ เพิ่มตัวชี้วัดก่อน หรือแก้รหัส")
                % {"code": code, "year": year},
            )
        return found

    def plan_steps(self) -> None:
        sheet = STEPS
        counts = self.plan.counts.setdefault(sheet.thai_title, Counts())
        existing = {
            (s.indicator.fiscal_year.year, s.indicator.code, s.number): s
            for s in MilestoneStep.objects.filter(
                indicator__fiscal_year__year__in=self.years
            ).select_related("indicator__fiscal_year")
        }
        fields = ["title", "weight", "due_date", "due_note"]
        seen: dict[Any, int] = {}
        first_row: dict[tuple[int, str], int] = {}
        final: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
        for (year, code, number), step in existing.items():
            final[(year, code)][number] = step.weight
        touched: set[tuple[int, str]] = set()
        for row in self.sheets.get("steps", []):
            self.advance()
            values = self.values(sheet, row)
            if values is None:
                continue
            key = (values["year"], values["indicator"], values["number"])
            what = _("ขั้นตอนที่ %(number)s ของตัวชี้วัด %(code)s") % {
                "number": key[2],
                "code": key[1],
            }
            if self.duplicate(sheet, row, seen, key, what):
                continue
            if self.year(sheet, row, values["year"]) is None:
                continue
            indicator = self.indicator(sheet, row, values["year"], values["indicator"])
            if indicator is None:
                continue
            step = existing.get(key) or MilestoneStep(indicator=indicator, number=key[2])
            before = {name: getattr(step, name) for name in fields}
            for name in fields:
                setattr(step, name, values[name])
            headers = {
                "title": "title",
                "weight": "weight",
                "due_date": "due_date",
                "due_note": "due_note",
                "number": "number",
            }
            if not self.clean(sheet, row, step, ["indicator"], headers):
                continue
            changed = step.pk is None or any(not _same(before[n], getattr(step, n)) for n in fields)
            counts.count(new=step.pk is None, changed=changed)
            first_row.setdefault(key[:2], row.number)
            final[key[:2]][key[2]] = step.weight
            touched.add(key[:2])
            if changed:
                self.plan.steps.append(step)
        for indicator_key in sorted(touched):
            problem = weights_problem(final[indicator_key].values())
            if problem:
                self.problem(
                    sheet,
                    first_row[indicator_key],
                    sheet.column("weight").thai_header,
                    _("ตัวชี้วัด %(code)s: %(problem)s แก้น้ำหนักในแผ่นงานขั้นตอน")
                    % {"code": indicator_key[1], "problem": problem},
                )

    def plan_assignments(self) -> None:
        sheet = ASSIGNMENTS
        counts = self.plan.counts.setdefault(sheet.thai_title, Counts())
        rows = self.sheets.get("assignments", [])
        district_codes = {_safe(_code, r.cells.get("district")) for r in rows}
        districts = {d.code: d for d in District.objects.filter(code__in=district_codes)}
        divisions = {
            (d.district_id, d.name): d
            for d in Division.objects.filter(district__in=districts.values())
        }
        existing = {
            (a.indicator.fiscal_year.year, a.district.code, a.indicator.code): a
            for a in Assignment.objects.filter(indicator__fiscal_year__year__in=self.years)
            .select_related("indicator__fiscal_year", "district")
            .prefetch_related("quarter_targets")
        }
        fields = ["code", "annual_target", "weight", "division_id"]
        seen: dict[Any, int] = {}
        planned: dict[tuple[int, str, str], tuple[Row, Assignment]] = {}
        for row in rows:
            self.advance()
            values = self.values(sheet, row)
            if values is None:
                continue
            key = (values["year"], values["district"], values["indicator"])
            what = _("การมอบหมายตัวชี้วัด %(code)s ให้เขต %(district)s") % {
                "code": key[2],
                "district": key[1],
            }
            if self.duplicate(sheet, row, seen, key, what):
                continue
            if self.year(sheet, row, values["year"]) is None:
                continue
            district = districts.get(values["district"])
            if district is None:
                self.problem(
                    sheet,
                    row.number,
                    sheet.column("district").thai_header,
                    _("ไม่พบเขตรหัส %(code)s ใช้รหัสเขต 4 หลัก เช่น 1017") % {"code": values["district"]},
                )
                continue
            indicator = self.indicator(sheet, row, values["year"], values["indicator"])
            if indicator is None:
                continue
            division = None
            if values["division"]:
                division = divisions.get((district.pk, values["division"]))
                if division is None:
                    self.problem(
                        sheet,
                        row.number,
                        sheet.column("division").thai_header,
                        _("ไม่พบ “%(name)s” ในสำนักงานเขต%(district)s พิมพ์ชื่อฝ่ายให้ตรงกับในระบบ")
                        % {"name": values["division"], "district": district.name_th},
                    )
                    continue
            assignment = existing.get(key) or Assignment(indicator=indicator, district=district)
            before = {name: getattr(assignment, name) for name in fields}
            assignment.code = values["code"]
            assignment.annual_target = values["annual_target"]
            assignment.weight = values["weight"]
            assignment.division = division
            headers = {"code": "code", "annual_target": "annual_target", "weight": "weight"}
            if not self.clean(
                sheet, row, assignment, ["indicator", "district", "division"], headers
            ):
                continue
            bad_target = False
            for quarter, column in enumerate(QUARTER_COLUMNS, start=1):
                target = values[column]
                if target is not None and target < 0:
                    self.problem(
                        sheet,
                        row.number,
                        sheet.column(column).thai_header,
                        _("เป้าหมายไตรมาสที่ %(q)s ต้องไม่ติดลบ") % {"q": quarter},
                    )
                    bad_target = True
            if bad_target:
                continue
            targets: dict[int, Decimal | None] = {
                q: values[column] for q, column in enumerate(QUARTER_COLUMNS, start=1)
            }
            old_targets = (
                {t.quarter: t.target for t in assignment.quarter_targets.all()}
                if assignment.pk
                else {}
            )
            changed = assignment.pk is None or any(
                not _same(before[n], getattr(assignment, n)) for n in fields
            )
            changed = changed or any(not _same(old_targets.get(q), t) for q, t in targets.items())
            counts.count(new=assignment.pk is None, changed=changed)
            planned[key] = (row, assignment)
            if changed:
                self.plan.assignments.append((assignment, targets))
        self.check_codes(planned, districts)
        self.check_weights(planned, existing)

    def check_codes(
        self,
        planned: dict[tuple[int, str, str], tuple[Row, Assignment]],
        districts: dict[str, District],
    ) -> None:
        """An assignment's code is unique within its district, across every year."""
        sheet = ASSIGNMENTS
        header = sheet.column("code").thai_header
        final: dict[tuple[int, str], list[tuple[Row, Assignment]]] = defaultdict(list)
        for row, assignment in planned.values():
            if assignment.code:
                final[(assignment.district_id, assignment.code)].append((row, assignment))
        for (_district, code), holders in final.items():
            for row, _assignment in holders[1:]:
                self.problem(
                    sheet,
                    row.number,
                    header,
                    _("รหัส %(code)s ซ้ำกับแถวที่ %(row)s ของเขตเดียวกัน รหัสของหน่วยงานต้องไม่ซ้ำกันในเขต")
                    % {"code": code, "row": holders[0][0].number},
                )
        planned_ids = {a.pk for _row, a in planned.values() if a.pk}
        taken = (
            Assignment.objects.filter(
                district__in=districts.values(), code__in={code for _d, code in final}
            )
            .exclude(pk__in=planned_ids)
            .select_related("indicator__fiscal_year")
        )
        for other in taken:
            for row, _assignment in final.get((other.district_id, other.code), [])[:1]:
                self.problem(
                    sheet,
                    row.number,
                    header,
                    _("รหัส %(code)s ใช้กับตัวชี้วัด %(other)s ปี %(year)s ของเขตนี้อยู่แล้ว ใช้รหัสอื่น")
                    % {
                        "code": other.code,
                        "other": other.indicator.code,
                        "year": other.indicator.fiscal_year.year,
                    },
                )

    def check_weights(
        self,
        planned: dict[tuple[int, str, str], tuple[Row, Assignment]],
        existing: dict[tuple[int, str, str], Assignment],
    ) -> None:
        """The weights of a district's indicators in a year add up to 100, where the
        district-year is touched by the file and uses weights at all."""
        sheet = ASSIGNMENTS
        final = dict(existing)
        final.update({key: assignment for key, (_row, assignment) in planned.items()})
        touched = {key[:2] for key in planned}
        touched |= {key[:2] for key, a in existing.items() if a.indicator_id in self.weight_changed}
        first_row: dict[tuple[int, str], int] = {}
        for key, (row, _assignment) in planned.items():
            first_row.setdefault(key[:2], row.number)
        by_district: dict[tuple[int, str], list[Decimal | None]] = defaultdict(list)
        for (year, district, code), assignment in final.items():
            if (year, district) not in touched:
                continue
            indicator = self.indicators.get((year, code)) or assignment.indicator
            weight = assignment.weight if assignment.weight is not None else indicator.weight
            by_district[(year, district)].append(weight)
        for (year, district), weights in sorted(by_district.items()):
            if all(w is None for w in weights):
                continue
            total = sum((w or Decimal(0) for w in weights), Decimal(0))
            if total != FULL_WEIGHT:
                self.problem(
                    sheet,
                    first_row.get((year, district)),
                    sheet.column("weight").thai_header,
                    _(
                        "น้ำหนักตัวชี้วัดของเขต %(district)s ปี %(year)s รวมกันได้ %(total)s "
                        "ต้องรวมกันได้ 100 พอดี แก้น้ำหนักของเขตนี้ (ช่องว่างใช้น้ำหนักตั้งต้นของตัวชี้วัด)"
                    )
                    % {"district": district, "year": year, "total": format_amount(total)},
                )

    def plan_users(self) -> None:
        sheet = USERS
        counts = self.plan.counts.setdefault(sheet.thai_title, Counts())
        rows = self.sheets.get("users", [])
        model = get_user_model()
        names = {_safe(_code, r.cells.get("username")) for r in rows}
        users = {
            u.username: u
            for u in model.objects.filter(username__in=names).select_related("membership")
        }
        districts = {d.code: d for d in District.objects.all()}
        divisions = {(d.district_id, d.name): d for d in Division.objects.all()}
        seen: dict[Any, int] = {}
        user_fields = ["first_name", "last_name", "email"]
        member_fields = ["role", "district_id", "division_id", "position_title"]
        for row in rows:
            self.advance()
            values = self.values(sheet, row)
            if values is None:
                continue
            username = values["username"]
            if self.duplicate(sheet, row, seen, username, _("ชื่อผู้ใช้ %(name)s") % {"name": username}):
                continue
            ok = True
            if values["email"]:
                try:
                    validate_email(values["email"])
                except ValidationError:
                    self.problem(
                        sheet,
                        row.number,
                        sheet.column("email").thai_header,
                        _("อีเมลไม่ถูกต้อง เช่น somchai@bangkok.go.th"),
                    )
                    ok = False
            district = None
            if values["district"]:
                district = districts.get(values["district"])
                if district is None:
                    self.problem(
                        sheet,
                        row.number,
                        sheet.column("district").thai_header,
                        _("ไม่พบเขตรหัส %(code)s ใช้รหัสเขต 4 หลัก เช่น 1017")
                        % {"code": values["district"]},
                    )
                    ok = False
            if values["role"] in DISTRICT_ROLES and not values["district"]:
                self.problem(
                    sheet,
                    row.number,
                    sheet.column("district").thai_header,
                    _("เจ้าหน้าที่เขตและผู้อำนวยการเขตต้องมีรหัสเขต กรอกรหัสเขต"),
                )
                ok = False
            if values["role"] not in DISTRICT_ROLES and values["district"]:
                self.problem(
                    sheet,
                    row.number,
                    sheet.column("district").thai_header,
                    _("บทบาทนี้ไม่สังกัดเขต เว้นรหัสเขตและฝ่ายว่างไว้"),
                )
                ok = False
            division = None
            if values["division"] and district is not None:
                division = divisions.get((district.pk, values["division"]))
                if division is None:
                    self.problem(
                        sheet,
                        row.number,
                        sheet.column("division").thai_header,
                        _("ไม่พบ “%(name)s” ในสำนักงานเขต%(district)s พิมพ์ชื่อฝ่ายให้ตรงกับในระบบ")
                        % {"name": values["division"], "district": district.name_th},
                    )
                    ok = False
            if not ok:
                continue
            user = users.get(username) or model(username=username, is_active=True)
            try:
                membership = user.membership if user.pk else None
            except Membership.DoesNotExist:
                membership = None
            membership = membership or Membership(user=user)
            before = {n: getattr(user, n) for n in user_fields}
            before_member = {n: getattr(membership, n) for n in member_fields}
            for name in user_fields:
                setattr(user, name, values[name])
            membership.role = values["role"]
            membership.district = district
            membership.division = division
            membership.position_title = values["position_title"]
            headers = {n: n for n in ("username", "first_name", "last_name", "email")}
            if not self.clean(sheet, row, user, ["password", "last_login", "date_joined"], headers):
                continue
            if not self.clean(
                sheet,
                row,
                membership,
                ["user", "district", "division"],
                {"position_title": "position_title", "role": "role"},
            ):
                continue
            new = user.pk is None
            changed = new or membership.pk is None
            changed = changed or any(before[n] != getattr(user, n) for n in user_fields)
            changed = changed or any(
                before_member[n] != getattr(membership, n) for n in member_fields
            )
            counts.count(new=new, changed=changed)
            if changed:
                self.plan.users.append((user, membership))


def _safe(convert: Callable[[Any], Any], value: Any) -> Any:
    try:
        return convert(value)
    except ValueError:
        return None


def plan_import(data: bytes, tick: Tick | None = None) -> Plan:
    """The dry run: every problem and what would change. Raises FileRefused for a file
    that is not a readable workbook; writes nothing."""
    with translation.override("th"):
        book, archive = open_workbook(data)
        try:
            sheets, problems = read_sheets(book, archive)
        finally:
            book.close()
        if problems:
            plan = Plan(problems=problems)
            return plan
        return Planner(sheets).run(tick)


def apply_plan(plan: Plan) -> None:
    """Write a plan without problems. The caller holds the transaction."""
    if plan.problems:
        raise ActionRefused(_("ไฟล์ยังมีปัญหา แก้ไขแล้วอัปโหลดใหม่"))
    for indicator, nodes in plan.indicators:
        indicator.save()
        indicator.strategy_nodes.set(nodes)
    for step in plan.steps:
        step.indicator = step.indicator  # takes the id of an indicator saved just above
        step.save()
    for assignment, targets in plan.assignments:
        assignment.indicator = assignment.indicator
        assignment.save()
        existing = {t.quarter: t for t in QuarterTarget.objects.filter(assignment=assignment)}
        for quarter, target in targets.items():
            row = existing.get(quarter)
            if target is None:
                if row is not None:
                    row.delete()
            elif row is None:
                QuarterTarget.objects.create(assignment=assignment, quarter=quarter, target=target)
            elif not _same(row.target, target):
                row.target = target
                row.save(update_fields=["target"])
    for user, membership in plan.users:
        if user.pk is None:
            # New people choose their own password through a reset link.
            user.set_unusable_password()
        user.save()
        membership.user = user
        membership.save()
