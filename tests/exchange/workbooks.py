"""Workbooks for import tests: the template, filled in as an administrator would."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

from exchange.workbook import config_workbook
from indicators.models import FiscalYear


def template(year: FiscalYear | None = None) -> Workbook:
    return load_workbook(io.BytesIO(config_workbook(year)))


def fill(book: Workbook, sheet: str, rows: list[list[Any]]) -> Workbook:
    for row in rows:
        book[sheet].append(row)
    return book


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def values(book: Workbook) -> dict[str, list[tuple[Any, ...]]]:
    """Every data sheet's cells, for comparing two workbooks."""
    return {
        name: [tuple(r) for r in book[name].iter_rows(values_only=True)]
        for name in ("ตัวชี้วัด", "ขั้นตอน", "การมอบหมาย", "ผู้ใช้")
    }


INDICATOR = [
    2599,
    "1.1",
    1,
    "ร้อยละของคำร้องที่ดำเนินการแล้วเสร็จ",
    "ร้อยละ",
    "ตัวชี้วัดตามภารกิจ",
    "ตัวชี้วัดระดับผลผลิต (output)",
    "ยิ่งมากยิ่งดี",
    "กรอกผลงาน",
    "ผลรวมน้ำหนักขั้นตอนที่ทำแล้ว",
    "",
    "",
    100,
    "ผลงาน ÷ เป้าหมาย × คะแนนเต็ม (ไม่เกินคะแนนเต็ม)",
    None,
    None,
    None,
    None,
    None,
    100,
    "นิยาม",
    "วิธีคำนวณ",
    "แหล่งข้อมูล",
    "",
    "",
]
