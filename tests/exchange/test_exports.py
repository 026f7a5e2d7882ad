"""The exports of the pages: the files as a spreadsheet user opens them (Thai headers,
the byte-order mark, the frozen header, number formats, BE dates), their figures
against the pages' selectors, the pages' filters and access, and bounded queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from districts.models import District, ZoneGroup
from evaluation.scorecard import district_ranking, district_scorecard
from evaluation.selectors import QueueFilter, indicator_summary, office_matrix, review_queue
from exchange import services
from exchange.exports.writers import BOM, DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT
from exchange.models import ExportJob
from indicators.models import Assignment, FiscalYear, Indicator, ReportingPeriod
from reports.models import Report, Status
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, SEED_YEAR, Personas

pytestmark = pytest.mark.django_db


def body(response: HttpResponseBase) -> bytes:
    assert response.status_code == 200, response.status_code
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def workbook(response: HttpResponseBase) -> Workbook:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(body(response)))


def csv_rows(response: HttpResponseBase) -> list[list[str]]:
    data = body(response)
    assert data.startswith(BOM.encode("utf-8")), "Excel needs the BOM to read Thai"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8").removeprefix(BOM))))


def values(book: Workbook, title: str) -> list[list[Any]]:
    return [list(row) for row in book[title].iter_rows(values_only=True)]


@pytest.fixture
def office(personas: Personas) -> Client:
    return personas.client(personas.evaluator)


def seed_year() -> FiscalYear:
    return FiscalYear.objects.get(year=SEED_YEAR)


# ---------------------------------------------------------------------------
# The files


def test_matrix_xlsx_has_thai_frozen_headers_and_the_pages_figures(office: Client) -> None:
    fy = seed_year()
    response = office.get(
        reverse("export_matrix", args=["xlsx"]), {"year": SEED_YEAR, "quarter": 2}
    )
    book = workbook(response)
    assert book.sheetnames == ["สถานะ", "ผลงาน", "คะแนน", "ตัวชี้วัด"]
    sheet = book["คะแนน"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "สำนักงานเขต" and sheet["A1"].font.bold
    matrix = office_matrix(fy, 2)
    codes = [i.code for i in matrix.indicators]
    rows = values(book, "คะแนน")
    assert rows[0][2 : 2 + len(codes)] == codes
    assert [r[0] for r in rows[1:]] == [row.district.name_th for row in matrix.rows]
    scored = [
        (row.district.name_th, codes[j], cell.score)
        for row in matrix.rows
        for j, cell in enumerate(row.cells)
        if cell is not None and cell.score is not None
    ]
    assert scored, "the demo has evaluated reports"
    by_name = {r[0]: r for r in rows[1:]}
    for name, code, score in scored:
        assert Decimal(str(by_name[name][2 + codes.index(code)])) == score
    statuses = {r[0]: r for r in values(book, "สถานะ")[1:]}
    for row in matrix.rows:
        for j, cell in enumerate(row.cells):
            if cell is not None:
                assert statuses[row.district.name_th][2 + j].startswith(cell.status_label)
    # Completeness as a real percentage cell.
    at, first = next(
        (i, r.completeness) for i, r in enumerate(matrix.rows) if r.completeness.assigned
    )
    completeness = sheet.cell(row=2 + at, column=2 + len(codes) + 4)
    assert completeness.number_format == PERCENT_FORMAT
    assert completeness.value == pytest.approx(first.submitted / first.assigned)


def test_matrix_export_keeps_the_pages_filters(office: Client) -> None:
    zone = ZoneGroup.objects.order_by("position").first()
    assert zone is not None
    query: dict[str, str | int] = {"year": SEED_YEAR, "quarter": 2, "zone": zone.code}
    response = office.get(reverse("export_matrix", args=["csv"]), query)
    rows = csv_rows(response)
    assert rows[0] == ["สถานะ"] and rows[1][:2] == ["สำนักงานเขต", "กลุ่มเขต"]
    names = set(District.objects.filter(zone_group=zone).values_list("name_th", flat=True))
    first_part = rows[2 : rows.index([])]
    assert first_part and {r[0] for r in first_part} == names
    assert {r[1] for r in first_part} == {zone.name_th}


def test_queue_csv_is_every_report_of_the_filter_with_be_dates(office: Client) -> None:
    response = office.get(reverse("export_queue", args=["csv"]), {"year": SEED_YEAR})
    rows = csv_rows(response)
    assert rows[0][:4] == ["ส่งเมื่อ", "ปีงบประมาณ", "ไตรมาส", "สำนักงานเขต"]
    expected = list(review_queue(QueueFilter(year=SEED_YEAR)))
    assert len(rows) - 1 == len(expected) > 0
    for line, report in zip(rows[1:], expected, strict=True):
        assert line[4] == report.assignment.indicator.code
        local = report.submitted_at.astimezone(dt.UTC).astimezone()  # type: ignore[union-attr]
        assert line[0].split(" ")[0].endswith(str(local.year + 543))
        assert line[0][2] == "/" and line[0][5] == "/"
    evaluated = csv_rows(
        office.get(reverse("export_queue", args=["csv"]), {"status": Status.EVALUATED})
    )
    assert len(evaluated) - 1 == Report.objects.filter(status=Status.EVALUATED).count()
    assert {r[6] for r in evaluated[1:]} == {"ประเมินแล้ว"}


def test_queue_xlsx_dates_are_date_cells_shown_in_the_buddhist_era(office: Client) -> None:
    book = workbook(office.get(reverse("export_queue", args=["xlsx"])))
    sheet = book["รายงานรอประเมิน"]
    cell = sheet["A2"]
    assert isinstance(cell.value, dt.datetime)
    assert cell.number_format == DATETIME_FORMAT and "bbbb" in DATE_FORMAT
    assert sheet.freeze_panes == "A2"


def test_summary_export_has_the_pages_ranks_and_zone_averages(office: Client) -> None:
    fy = seed_year()
    indicator = Indicator.objects.filter(fiscal_year=fy).order_by("code").first()
    assert indicator is not None
    query: dict[str, int] = {"year": SEED_YEAR, "quarter": 2, "indicator": indicator.pk}
    book = workbook(office.get(reverse("export_summary", args=["xlsx"]), query))
    assert book.sheetnames == ["อันดับตามคะแนน", "ค่าเฉลี่ยรายกลุ่มเขต"]
    summary = indicator_summary(indicator, 2)
    rows = values(book, "อันดับตามคะแนน")
    assert rows[0][:3] == ["อันดับ", "สำนักงานเขต", "กลุ่มเขต"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (row.rank, row.district.name_th) for row in summary.ranked
    ]
    averages = values(book, "ค่าเฉลี่ยรายกลุ่มเขต")[1:]
    assert [(r[0], r[2]) for r in averages] == [
        (g.name_th, n) for g, _a, n in summary.zone_averages
    ]


def test_rankings_export_overall_and_by_zone(office: Client) -> None:
    fy = seed_year()
    book = workbook(
        office.get(reverse("export_rankings", args=["xlsx"]), {"year": SEED_YEAR, "quarter": 2})
    )
    ranking = district_ranking(fy, 2)
    overall = values(book, "อันดับภาพรวม")[1:]
    assert [(r[0], r[1]) for r in overall] == [(e.rank, e.district.name_th) for e in ranking.ranked]
    scores = [Decimal(str(r[3])) if r[3] is not None else None for r in overall]
    assert scores == [e.score.score for e in ranking.ranked]
    by_zone = values(book, "อันดับในกลุ่มเขต")[1:]
    assert len(by_zone) == sum(len(members) for _g, members in ranking.zone_groups)
    zone = ranking.zone_groups[0][0]
    query: dict[str, str | int] = {"year": SEED_YEAR, "zone": zone.code}
    filtered = csv_rows(office.get(reverse("export_rankings", args=["csv"]), query))
    assert {r[2] for r in filtered[2 : filtered.index([])]} == {zone.name_th}


def test_scorecard_export_is_the_scorecard(personas: Personas) -> None:
    fy = seed_year()
    hk = District.objects.get(code=HUAI_KHWANG)
    client = personas.client(personas.officer_hk)
    url = reverse("export_scorecard", args=[HUAI_KHWANG, SEED_YEAR, "xlsx"])
    book = workbook(client.get(url, {"quarter": 2}))
    card = district_scorecard(hk, fy, 2, office_view=False)
    lines = values(book, "คะแนนรายตัวชี้วัด")
    assert lines[0][:3] == ["รหัสตัวชี้วัด", "ตัวชี้วัด", "น้ำหนัก"]
    assert [(r[0], r[7]) for r in lines[1:]] == [
        (ln.assignment.indicator.code, None if ln.score is None else float(ln.score))
        for ln in card.lines
    ]
    totals = values(book, "สรุปคะแนน")
    assert totals[0] == ["คะแนน", "ไตรมาส", "ประกาศผลแล้ว", "คะแนนถ่วงน้ำหนัก (เต็ม 5)", "ร้อยละ"]


# ---------------------------------------------------------------------------
# A district's year, and what a district may not see yet


def _unpublished_evaluation() -> Report:
    report = (
        Report.objects.filter(
            status=Status.EVALUATED,
            score__isnull=False,
            assignment__district__code=HUAI_KHWANG,
            assignment__indicator__fiscal_year__year=SEED_YEAR,
        )
        .select_related("assignment__indicator")
        .first()
    )
    assert report is not None
    ReportingPeriod.objects.filter(fiscal_year__year=SEED_YEAR, quarter=report.quarter).update(
        assessment_published_on=None
    )
    return report


def _line(rows: list[list[str]], code: str, quarter: int) -> list[str]:
    header = rows[0]
    return next(
        r
        for r in rows[1:]
        if r[header.index("รหัสตัวชี้วัด")] == code and r[header.index("ไตรมาส")] == str(quarter)
    )


def test_district_year_hides_unpublished_scores_from_the_district(personas: Personas) -> None:
    report = _unpublished_evaluation()
    url = reverse("export_district_year", args=[HUAI_KHWANG, SEED_YEAR, "csv"])
    rows = csv_rows(personas.client(personas.officer_hk).get(url))
    header = rows[0]
    assert header[:3] == ["ปีงบประมาณ", "รหัสตัวชี้วัด", "ตัวชี้วัด"]
    assignments = Assignment.objects.filter(
        district__code=HUAI_KHWANG, indicator__fiscal_year__year=SEED_YEAR
    ).count()
    assert len(rows) - 1 == 4 * assignments
    line = _line(rows, report.assignment.indicator.code, report.quarter)
    assert line[header.index("คะแนนจาก สยป.")] == ""
    assert line[header.index("หมายเหตุ")] == "รอประกาศผล"
    assert line[header.index("สถานะ")] == "ประเมินแล้ว"
    office_rows = csv_rows(personas.client(personas.evaluator).get(url))
    office_line = _line(office_rows, report.assignment.indicator.code, report.quarter)
    assert Decimal(office_line[header.index("คะแนนจาก สยป.")]) == report.score


def test_scorecard_export_hides_unpublished_scores_from_the_district(personas: Personas) -> None:
    report = _unpublished_evaluation()
    url = reverse("export_scorecard", args=[HUAI_KHWANG, SEED_YEAR, "csv"])
    rows = csv_rows(personas.client(personas.officer_hk).get(url, {"quarter": report.quarter}))
    line = next(r for r in rows[2:] if r[:1] == [report.assignment.indicator.code])
    assert line[7] == ""
    assert "คะแนนจาก สยป." not in [r[0] for r in rows if r]  # the office's total is not shown
    office = csv_rows(personas.client(personas.evaluator).get(url, {"quarter": report.quarter}))
    office_line = next(r for r in office[2:] if r[:1] == [report.assignment.indicator.code])
    assert Decimal(office_line[7]) == report.score


# ---------------------------------------------------------------------------
# Access: the page's


OFFICE_EXPORTS = ["export_matrix", "export_queue", "export_summary", "export_rankings",
                  "export_reports"]  # fmt: skip


@pytest.mark.parametrize("name", OFFICE_EXPORTS)
def test_office_exports_refuse_district_staff_and_send_anonymous_to_login(
    personas: Personas, name: str
) -> None:
    url = reverse(name, args=["csv"])
    assert personas.client(personas.officer_hk).get(url).status_code == 403
    response = personas.client(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert personas.client(personas.admin).get(url).status_code == 200


@pytest.mark.parametrize("name", ["export_district_year", "export_scorecard"])
def test_district_exports_are_for_the_district_and_the_office(
    personas: Personas, name: str
) -> None:
    url = reverse(name, args=[HUAI_KHWANG, SEED_YEAR, "xlsx"])
    assert personas.client(personas.officer_hk).get(url).status_code == 200
    assert personas.client(personas.evaluator).get(url).status_code == 200
    # Another district's officer: not found, as on the page (its existence is not told).
    assert personas.client(personas.officer_pn).get(url).status_code == 404
    response = personas.client(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    own = reverse(name, args=[PHRA_NAKHON, SEED_YEAR, "csv"])
    assert personas.client(personas.officer_pn).get(own).status_code == 200


def test_an_unknown_format_is_not_found(office: Client) -> None:
    assert office.get("/exchange/export/matrix.pdf").status_code == 404


# ---------------------------------------------------------------------------
# Every report, and the background export


def test_all_reports_csv_has_one_header_and_every_report(office: Client) -> None:
    rows = csv_rows(office.get(reverse("export_reports", args=["csv"])))
    assert rows[0][:3] == ["ปีงบประมาณ", "รหัสเขต", "สำนักงานเขต"]
    assert rows.count(rows[0]) == 1
    assert len(rows) - 1 == Report.objects.count()
    year = csv_rows(office.get(reverse("export_reports", args=["csv"]), {"year": SEED_YEAR}))
    assert {r[0] for r in year[1:]} == {str(SEED_YEAR)}


def test_all_reports_xlsx_one_sheet_per_year(office: Client) -> None:
    book = workbook(office.get(reverse("export_reports", args=["xlsx"])))
    years = list(FiscalYear.objects.order_by("-year").values_list("year", flat=True))
    assert book.sheetnames == [f"ปีงบประมาณ {y}" for y in years]
    sheet = book[f"ปีงบประมาณ {SEED_YEAR}"]
    assert sheet.freeze_panes == "A2"
    assert (
        sheet.max_row - 1
        == Report.objects.filter(assignment__indicator__fiscal_year__year=SEED_YEAR).count()
    )


def test_a_big_excel_export_is_written_in_the_background(
    office: Client, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "XLSX_INLINE_MAX_ROWS", 2)
    url = reverse("export_reports", args=["xlsx"])
    page = office.get(url)
    assert page.status_code == 200 and "สร้างไฟล์ Excel ในเบื้องหลัง" in page.content.decode()
    response = office.post(url)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "export_job", args=[job.pk]
    )
    assert (job.requested_by, job.rows) == (personas.evaluator, Report.objects.count())
    waiting = office.get(reverse("export_job", args=[job.pk])).content.decode()
    assert "รอคิว" in waiting and "<progress" in waiting
    assert office.get(reverse("export_job_download", args=[job.pk])).status_code == 404
    services.export_job_write(job)  # what the worker does
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == job.rows
    done = office.get(reverse("export_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "ดาวน์โหลด Excel" in done.content.decode()
    book = workbook(office.get(reverse("export_job_download", args=[job.pk])))
    assert sum(book[name].max_row - 1 for name in book.sheetnames) == job.rows
    assert (
        personas.client(personas.officer_hk).get(reverse("export_job", args=[job.pk])).status_code
        == 403
    )


# ---------------------------------------------------------------------------
# Queries: bounded, whatever the number of rows


def _queries(client: Client, url: str, query: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        body(client.get(url, query or {}))
    return len(captured)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_matrix_export_queries_do_not_grow_with_districts(office: Client, fmt: str) -> None:
    zone = ZoneGroup.objects.order_by("position").first()
    assert zone is not None
    url = reverse("export_matrix", args=[fmt])
    few = _queries(office, url, {"year": SEED_YEAR, "zone": zone.code})
    every = _queries(office, url, {"year": SEED_YEAR})
    assert few == every <= 12


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queue_export_queries_do_not_grow_with_reports(office: Client, fmt: str) -> None:
    url = reverse("export_queue", args=[fmt])
    one = _queries(office, url, {"status": Status.EVALUATED, "quarter": 1})
    many = _queries(office, url, {"status": Status.SUBMITTED})
    assert one == many <= 6


def test_district_year_and_reports_queries_are_bounded(office: Client) -> None:
    small = _queries(office, reverse("export_district_year", args=[PHRA_NAKHON, SEED_YEAR, "csv"]))
    big = _queries(office, reverse("export_district_year", args=[HUAI_KHWANG, SEED_YEAR, "csv"]))
    assert small == big <= 10
    one_year = _queries(office, reverse("export_reports", args=["csv"]), {"year": SEED_YEAR})
    every = _queries(office, reverse("export_reports", args=["csv"]))
    assert every - one_year == FiscalYear.objects.count() - 1  # one query a year, not a row


def test_rankings_summary_scorecard_queries_are_bounded(office: Client) -> None:
    assert _queries(office, reverse("export_rankings", args=["xlsx"]), {"year": SEED_YEAR}) <= 10
    assert _queries(office, reverse("export_summary", args=["xlsx"]), {"year": SEED_YEAR}) <= 14
    url = reverse("export_scorecard", args=[HUAI_KHWANG, SEED_YEAR, "xlsx"])
    assert _queries(office, url) <= 10


# ---------------------------------------------------------------------------
# The links on the pages


@pytest.mark.parametrize(
    ("page", "export"),
    [
        (reverse("office_home") + f"?year={SEED_YEAR}&zone=x", "export_matrix"),
        (reverse("office_queue") + f"?year={SEED_YEAR}", "export_queue"),
        (reverse("office_summary"), "export_summary"),
        (reverse("office_rankings"), "export_rankings"),
    ],
)
def test_office_pages_link_their_exports(office: Client, page: str, export: str) -> None:
    html = office.get(page).content.decode()
    assert "ดาวน์โหลด Excel / CSV" in html
    assert reverse(export, args=["xlsx"]) in html and reverse(export, args=["csv"]) in html


def test_the_matrix_link_keeps_the_filters(office: Client) -> None:
    html = office.get(reverse("office_home"), {"year": SEED_YEAR, "quarter": 3}).content.decode()
    assert reverse("export_matrix", args=["csv"]) + f"?year={SEED_YEAR}&amp;quarter=3" in html
    assert reverse("export_reports", args=["xlsx"]) + f"?year={SEED_YEAR}" in html


def test_district_pages_link_their_exports(personas: Personas) -> None:
    client = personas.client(personas.officer_hk)
    home = client.get(reverse("district_home", args=[HUAI_KHWANG]), {"year": SEED_YEAR})
    assert (
        reverse("export_district_year", args=[HUAI_KHWANG, SEED_YEAR, "xlsx"])
        in home.content.decode()
    )
    card = client.get(reverse("scorecard", args=[HUAI_KHWANG, SEED_YEAR]))
    assert (
        reverse("export_scorecard", args=[HUAI_KHWANG, SEED_YEAR, "csv"]) in card.content.decode()
    )


# ---------------------------------------------------------------------------
# The writers' small rules


def test_sheet_titles_are_what_excel_accepts_and_unique() -> None:
    from exchange.exports.writers import sheet_title

    taken: set[str] = set()
    assert sheet_title("ผล/คะแนน: ไตรมาส [1]", taken) == "ผล คะแนน ไตรมาส 1"
    long = "ก" * 40
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) == len(second) == 31 and first != second and second.endswith("(2)")


def test_csv_values_are_plain_text_with_be_dates() -> None:
    from exchange.exports.writers import Kind, csv_value

    assert csv_value(Decimal("100.00"), Kind.DECIMAL) == "100"
    assert csv_value(Decimal("87.50"), Kind.DECIMAL) == "87.50"
    assert csv_value(Decimal("1E+2"), Kind.DECIMAL) == "100"
    assert csv_value(dt.date(2021, 6, 25), Kind.DATE) == "25/06/2564"
    # 30 September 2021 at 17:30 UTC is 1 October 2564 in Bangkok: a new fiscal year.
    moment = dt.datetime(2021, 9, 30, 17, 30, tzinfo=dt.UTC)
    assert csv_value(moment, Kind.DATETIME) == "01/10/2564 00:30"
    assert csv_value(None, Kind.TEXT) == "" and csv_value(True, Kind.TEXT) == "ใช่"
