"""Tables out as CSV or Excel, streamed: memory stays the same whatever the number of rows.

An ``Export`` is one or more ``Part``s (an Excel sheet each), every part a list of
``Column``s and an iterator of rows. Rows are produced while the file is written,
so a part's query runs only when its sheet is reached, and no part is ever held
whole in memory.

- CSV: UTF-8 with a byte-order mark (Excel otherwise reads Thai as mojibake), sent
  row by row by a ``StreamingHttpResponse``. A CSV has no sheets: the parts of an
  export follow one another, each under its title and its own header row, except
  where the parts are slices of one table (``Export.one_table``: one header).
- Excel: openpyxl's write-only workbook (rows go to a temporary file as they
  come), then sent as a ``FileResponse`` from that file. The header row is bold
  and frozen, columns have widths, decimals and percentages number formats.

Dates are real date cells (they sort, filter and compute) displayed in the
Buddhist era with Excel's own Buddhist-year code ``bbbb`` ("25/06/2564"): the
format Thai Excel users pick in Format Cells, the way the portal prints dates
numerically (``thai_date_numeric``). A text column would look the same but sort
as text and refuse date arithmetic; a CE date would be read as a wrong year.
CSV has no formats, so its dates are that text, "25/06/2564".
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import IO, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi_portal.thaidate import thai_date_numeric

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")
BOM = "\ufeff"

#: Excel number formats. ``bbbb`` is the Buddhist-era year (CE + 543).
DATE_FORMAT = "dd/mm/bbbb"
DATETIME_FORMAT = "dd/mm/bbbb hh:mm"
DECIMAL_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00##"  # scores to four places where they have them (weighted scores)
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
HEADER_FONT = Font(bold=True)
#: Excel refuses sheet titles over 31 characters and with any of these.
_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    SCORE = "score"
    PERCENT = "percent"  # a share, 0-1: Excel shows 0.875 as 87.50%
    DATE = "date"
    DATETIME = "datetime"


_NUMBER_FORMATS = {
    Kind.INTEGER: INTEGER_FORMAT,
    Kind.DECIMAL: DECIMAL_FORMAT,
    Kind.SCORE: SCORE_FORMAT,
    Kind.PERCENT: PERCENT_FORMAT,
    Kind.DATE: DATE_FORMAT,
    Kind.DATETIME: DATETIME_FORMAT,
}


@dataclass(frozen=True)
class Column:
    header: str  # Thai, already translated
    kind: Kind = Kind.TEXT
    width: float = 14


@dataclass
class Part:
    """One sheet: its title, columns and rows (an iterator, consumed once)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


@dataclass
class Export:
    name: str  # the file's name without its extension, ASCII
    parts: Callable[[], Iterator[Part]]  # called when the file is written
    #: A single table (one part, or parts with the same columns): the CSV has one
    #: header row and no part titles.
    one_table: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Values


def local_naive(value: dt.datetime) -> dt.datetime:
    """An aware datetime in Bangkok time without its zone: Excel has no time zones."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def csv_value(value: Any, kind: Kind) -> str:
    """A cell as CSV text: BE dates, plain decimals (no thousands separators)."""
    if value is None:
        return ""
    if kind == Kind.DATETIME and isinstance(value, dt.datetime):
        local = local_naive(value)
        return f"{thai_date_numeric(local.date())} {local:%H:%M}"
    if isinstance(value, dt.date):
        return thai_date_numeric(value)
    if isinstance(value, bool):
        return _("ใช่") if value else ""
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        )
    return str(value)


def xlsx_value(value: Any, kind: Kind) -> Any:
    if isinstance(value, bool):
        return _("ใช่") if value else None
    if kind == Kind.DATETIME and isinstance(value, dt.datetime):
        return local_naive(value)
    if kind == Kind.DATE and isinstance(value, dt.datetime):
        return local_naive(value).date()
    return value


# ---------------------------------------------------------------------------
# CSV


class _Echo:
    """A file-like object whose write returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(export: Export) -> Iterator[str]:
    """The export as CSV lines, the first one starting with the byte-order mark."""
    writer = csv.writer(_Echo())
    yield BOM
    first = True
    for part in export.parts():
        kinds = [c.kind for c in part.columns]
        if not export.one_table or first:
            if not export.one_table:
                if not first:
                    yield writer.writerow([])
                yield writer.writerow([part.title])
            yield writer.writerow([c.header for c in part.columns])
        first = False
        for row in part.rows:
            yield writer.writerow([csv_value(v, k) for v, k in zip(row, kinds, strict=True)])


def _attachment(name: str) -> str:
    return f'attachment; filename="{name}"'


def csv_response(export: Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(export)), content_type=CSV
    )
    response["Content-Disposition"] = _attachment(f"{export.name}.csv")
    return response


# ---------------------------------------------------------------------------
# Excel


def sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts (31 characters, no []:*?/\\), unique in the workbook."""
    base = " ".join(title.translate(_TITLE_FORBIDDEN).split())[:31] or "Sheet"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


def _write_part(sheet: Worksheet, part: Part) -> None:
    for index, column in enumerate(part.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in part.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = HEADER_FONT
        header.append(cell)
    sheet.append(header)
    formats = [_NUMBER_FORMATS.get(c.kind) for c in part.columns]
    kinds = [c.kind for c in part.columns]
    # One styled cell per formatted column, reused: openpyxl copies its style into
    # the row as it is written, so no cell outlives its row.
    styled = [WriteOnlyCell(sheet) if f else None for f in formats]
    for template, number_format in zip(styled, formats, strict=True):
        if template is not None and number_format is not None:
            template.number_format = number_format
    for row in part.rows:
        out: list[Any] = []
        for value, kind, template in zip(row, kinds, styled, strict=True):
            value = xlsx_value(value, kind)
            if template is None or value is None or isinstance(value, str):
                out.append(value)
            else:
                template.value = value
                out.append(template)
        sheet.append(out)


def write_xlsx(export: Export, target: IO[bytes]) -> None:
    """Write the export's workbook to ``target``, a sheet per part, row by row."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for part in export.parts():
        _write_part(book.create_sheet(sheet_title(part.title, taken)), part)
    if not taken:
        book.create_sheet(_("ไม่มีข้อมูล"))
    book.save(target)


def xlsx_response(export: Export) -> FileResponse:
    # A spooled file: small workbooks stay in memory, big ones go to disk.
    target = tempfile.SpooledTemporaryFile(max_size=4 * 2**20)  # noqa: SIM115 (FileResponse closes it)
    write_xlsx(export, target)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=f"{export.name}.xlsx", content_type=XLSX
    )


def export_response(export: Export, fmt: str) -> StreamingHttpResponse | FileResponse:
    return xlsx_response(export) if fmt == "xlsx" else csv_response(export)
