"""Files the import refuses: each gets a clear Thai message and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from openpyxl.utils.datetime import to_excel
from pytest_django import Settings

from exchange import views
from exchange.models import ImportRun
from indicators.models import Assignment, FiscalYear, Indicator, MilestoneStep, QuarterTarget
from tests.exchange.workbooks import INDICATOR, fill, saved, template
from tests.helpers import visible_text
from tests.personas import HK_SEED_ASSIGNMENT, HUAI_KHWANG, Personas

pytestmark = pytest.mark.django_db

STEPS_INDICATOR = [2599, "2.1", *INDICATOR[2:8], "ขั้นตอนความสำเร็จ", *INDICATOR[9:]]


def configuration() -> tuple[object, ...]:
    return (
        list(Indicator.objects.values_list("pk", "code", "name", "full_score")),
        list(MilestoneStep.objects.values_list("pk", "weight", "due_date")),
        list(Assignment.objects.values_list("pk", "code", "weight", "annual_target")),
        QuarterTarget.objects.count(),
    )


@pytest.fixture
def admin(personas: Personas) -> Client:
    FiscalYear.objects.create(year=2599)
    return personas.client(personas.admin)


def upload(client: Client, data: bytes, name: str = "kpi.xlsx") -> tuple[int, str]:
    file = io.BytesIO(data)
    file.name = name
    response = client.post(reverse("import_page"), {"file": file}, follow=True)
    return response.status_code, visible_text(response)


def refused(client: Client, data: bytes, message: str, name: str = "kpi.xlsx") -> ImportRun:
    """Uploading ``data`` shows ``message`` and leaves the configuration as it was."""
    before = configuration()
    _status, text = upload(client, data, name)
    assert message in text
    assert "ยืนยันบันทึกข้อมูล" not in text
    assert configuration() == before
    return ImportRun.objects.latest("id")


def test_a_pdf_renamed_xlsx(admin: Client) -> None:
    run = refused(admin, b"%PDF-1.7\n1 0 obj\n", "ไฟล์นี้เป็น PDF ไม่ใช่ไฟล์ Excel")
    assert run.status == ImportRun.Status.FAILED


def test_a_csv(admin: Client) -> None:
    refused(admin, "ปีงบประมาณ,รหัส\n2599,1.1\n".encode(), "ไม่ใช่ไฟล์ Excel (.xlsx)", "kpi.csv")


def test_an_encrypted_workbook(admin: Client) -> None:
    # Excel saves a password-protected .xlsx inside an OLE compound file.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    refused(admin, ole, "ไฟล์นี้มีรหัสผ่าน")


def test_a_truncated_file(admin: Client) -> None:
    data = saved(fill(template(), "ตัวชี้วัด", [INDICATOR]))
    refused(admin, data[: len(data) // 2], "ไฟล์เสียหายหรือไม่ครบ")


def test_a_renamed_and_a_missing_header_are_named(admin: Client) -> None:
    book = template()
    book["ตัวชี้วัด"]["B1"] = "รหัส"
    fill(book, "ตัวชี้วัด", [INDICATOR])
    refused(admin, saved(book), "ไม่พบคอลัมน์ “รหัสตัวชี้วัด” ในแถวที่ 1")
    assert "ไม่รู้จักคอลัมน์ “รหัส”" in upload(admin, saved(book))[1]


def test_a_missing_sheet_is_named(admin: Client) -> None:
    book = template()
    del book["ผู้ใช้"]
    refused(admin, saved(book), "ไม่พบแผ่นงาน “ผู้ใช้”")


def test_a_file_over_the_limit(admin: Client, settings: Settings) -> None:
    settings.IMPORT_MAX_BYTES = 2 * 2**20
    data = saved(fill(template(), "ตัวชี้วัด", [INDICATOR])) + bytes(3 * 2**20)
    run = refused(admin, data, "ไฟล์ใหญ่เกินไป")
    assert run.status == ImportRun.Status.FAILED
    assert not run.file


class Unreadable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the upload was read")


def test_a_50_mb_upload_is_refused_from_its_content_length(personas: Personas) -> None:
    request = RequestFactory().post(
        reverse("import_page"), data=b"", content_type="multipart/form-data; boundary=x"
    )
    request.META["CONTENT_LENGTH"] = str(50 * 2**20)
    request._stream = Unreadable()  # type: ignore[assignment]
    request.user = personas.admin
    before = configuration()
    response = views.import_page(request)
    assert response.status_code == 413
    assert "ไฟล์ใหญ่เกินไป (50.0 MB) รับได้ไม่เกิน 10 MB" in visible_text(response)
    assert configuration() == before


def test_a_zip_bomb(admin: Client, settings: Settings) -> None:
    settings.IMPORT_MAX_UNPACKED_BYTES = 2**20
    book = io.BytesIO(saved(template()))
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bomb.bin", bytes(5 * 2**20))  # 5 MB of zeros, 5 kB packed
    refused(admin, book.getvalue(), "ข้อมูลในไฟล์เมื่อคลายออกมีขนาดใหญ่เกินไป")


def test_too_many_rows(admin: Client, settings: Settings) -> None:
    settings.IMPORT_MAX_ROWS = 2
    rows = [[2599, f"1.{n}", *INDICATOR[2:]] for n in range(3)]
    refused(admin, saved(fill(template(), "ตัวชี้วัด", rows)), "ไฟล์มีข้อมูลเกิน 2 แถว")


def test_a_formula(admin: Client) -> None:
    row = list(INDICATOR)
    row[12] = "=50*2"
    refused(admin, saved(fill(template(), "ตัวชี้วัด", [row])), "พิมพ์ค่า ไม่ใช่สูตร")


def test_merged_cells(admin: Client) -> None:
    book = fill(template(), "ตัวชี้วัด", [INDICATOR, [2599, "1.2", *INDICATOR[2:]]])
    book["ตัวชี้วัด"].merge_cells("D2:D3")
    refused(admin, saved(book), "เซลล์ D2:D3 ผสานกันอยู่")


def test_thai_digits_are_converted(admin: Client) -> None:
    row = ["๒๕๙๙", "๑.๑", "๑", *INDICATOR[3:12], "๑๐๐", *INDICATOR[13:]]
    _status, text = upload(admin, saved(fill(template(), "ตัวชี้วัด", [row])))
    assert "ไม่พบปัญหา" in text
    admin.post(reverse("import_apply", args=[ImportRun.objects.latest("id").pk]))
    indicator = Indicator.objects.get(fiscal_year__year=2599, code="1.1")
    assert (indicator.component, indicator.full_score) == (1, Decimal(100))


def steps_file(*due: object) -> bytes:
    steps = [[2599, "2.1", n, f"ขั้นตอนที่ {n}", 50, when, ""] for n, when in enumerate(due, start=1)]
    return saved(fill(fill(template(), "ตัวชี้วัด", [STEPS_INDICATOR]), "ขั้นตอน", steps))


def test_dates_as_be_text_real_date_cells_and_serial_numbers(admin: Client) -> None:
    serial = to_excel(dt.date(2027, 1, 15))
    _status, text = upload(admin, steps_file("15/01/2570", dt.date(2027, 1, 15)))
    assert "ไม่พบปัญหา" in text
    admin.post(reverse("import_apply", args=[ImportRun.objects.latest("id").pk]))
    due = set(
        MilestoneStep.objects.filter(indicator__code="2.1").values_list("due_date", flat=True)
    )
    assert due == {dt.date(2027, 1, 15)}
    _status, text = upload(admin, steps_file(serial, "๑๕/๐๑/๒๕๗๐"))
    assert "ไม่พบปัญหา" in text
    assert "ไม่เปลี่ยนแปลง" in text


def test_a_date_that_is_not_one(admin: Client) -> None:
    refused(admin, steps_file("15/01/2570", "สิ้นเดือนมกรา"), "“สิ้นเดือนมกรา” ไม่ใช่วันที่")


def test_step_weights_must_add_up_to_100(admin: Client) -> None:
    steps = [[2599, "2.1", 1, "ก", 50, None, ""], [2599, "2.1", 2, "ข", 40, None, ""]]
    book = fill(fill(template(), "ตัวชี้วัด", [STEPS_INDICATOR]), "ขั้นตอน", steps)
    refused(admin, saved(book), "น้ำหนักของขั้นตอนรวมกันได้ 90.00 ต้องรวมกันได้ 100 พอดี")


def test_the_scoring_rule_is_checked_by_rule_problems(admin: Client) -> None:
    row = list(INDICATOR)
    row[13] = "เกณฑ์ 5 ระดับ เทียบบัญญัติไตรยางศ์ระหว่างระดับ"
    row[14:17] = [60, 70, 80]
    refused(admin, saved(fill(template(), "ตัวชี้วัด", [row])), "กรอกผลงานที่ได้ระดับ 4")


def test_a_value_not_in_the_drop_down(admin: Client) -> None:
    row = list(INDICATOR)
    row[5] = "ตัวชี้วัดพิเศษ"
    refused(admin, saved(fill(template(), "ตัวชี้วัด", [row])), "“ตัวชี้วัดพิเศษ” ไม่อยู่ในรายการ")


def test_duplicate_codes_in_the_file(admin: Client) -> None:
    book = fill(template(), "ตัวชี้วัด", [INDICATOR, INDICATOR])
    refused(admin, saved(book), "รหัสตัวชี้วัด 1.1 ปี 2599 ซ้ำกับแถวที่ 2")


def assignment(district: str = HUAI_KHWANG, **changes: object) -> list[object]:
    row: dict[str, object] = {
        "year": 2599,
        "district": district,
        "indicator": "1.1",
        "code": "",
        "division": "",
        "target": 80,
        "q1": 20,
        "q2": 40,
        "q3": 60,
        "q4": 80,
        "weight": 100,
    }
    row.update(changes)
    return list(row.values())


def assignments_file(*rows: list[object]) -> bytes:
    return saved(fill(fill(template(), "ตัวชี้วัด", [INDICATOR]), "การมอบหมาย", list(rows)))


def test_an_assignment_code_used_by_another_assignment_of_the_district(admin: Client) -> None:
    refused(
        admin,
        assignments_file(assignment(code=HK_SEED_ASSIGNMENT)),
        f"รหัส {HK_SEED_ASSIGNMENT} ใช้กับตัวชี้วัด 5.2 ปี 2564 ของเขตนี้อยู่แล้ว",
    )


def test_a_district_or_division_that_does_not_exist(admin: Client) -> None:
    refused(admin, assignments_file(assignment("9999")), "ไม่พบเขตรหัส 9999")
    refused(
        admin,
        assignments_file(assignment(division="ฝ่ายที่ไม่มีจริง")),
        "ไม่พบ “ฝ่ายที่ไม่มีจริง” ในสำนักงานเขตห้วยขวาง",
    )


def test_a_district_year_whose_weights_do_not_add_up_to_100(admin: Client) -> None:
    refused(
        admin,
        assignments_file(assignment(weight=60)),
        f"น้ำหนักตัวชี้วัดของเขต {HUAI_KHWANG} ปี 2599 รวมกันได้ 60.00 ต้องรวมกันได้ 100 พอดี",
    )
