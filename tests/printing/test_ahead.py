"""Sheets ready before anyone asks, booklets joined from them (issue 18, item 1): a
changed sheet is rendered by the worker once its data is still, a "print" click is
then served from the cache, and a booklet printed again renders only the sheets
whose rows changed, its pages numbered through as its contents say."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader
from pytest_django import Settings

from indicators.models import Assignment, FiscalYear
from printing import ahead, pdf
from printing.models import PrintJob, SheetChange
from reports.models import Report
from reports.selectors import _sheet_sources, sheet_fingerprint, sheet_fingerprints
from tests.helpers import streamed
from tests.personas import PHRA_NAKHON, Personas


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def pages_of(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fresh_cache(transactional_db: None) -> None:
    caches["pdf"].clear()  # the cache table outlives a transactional test's rows


def print_booklet(personas: Personas) -> PrintJob:
    client = personas.client(personas.officer_pn)
    assert client.post(reverse("prints"), {"kind": "booklet", "year": "2564"}).status_code == 302
    run_worker()
    job = PrintJob.objects.filter(parent=None).latest("created_at")
    assert job.status == PrintJob.JobStatus.DONE, job.error
    return job


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_booklet_printed_again_renders_only_the_sheets_that_changed(
    personas: Personas, fresh_cache: None
) -> None:
    sheets = Assignment.objects.filter(
        district__code=PHRA_NAKHON, indicator__fiscal_year__year=2564
    ).order_by("indicator__code")
    assert sheets.count() >= 2
    first = print_booklet(personas)
    assert (first.sheets_rendered, first.sheets_reused) == (sheets.count(), 0)

    changed = sheets.first()
    assert changed is not None
    Report.objects.filter(assignment=changed, quarter=1).update(
        narrative="ลอกท่อระบายน้ำคลองลาดพร้าวแล้วเสร็จ ๑๒ กิโลเมตร"
    )
    again = print_booklet(personas)
    assert (again.sheets_rendered, again.sheets_reused) == (1, sheets.count() - 1)

    client = personas.client(personas.officer_pn)
    pages = pages_of(streamed(client.get(reverse("print_job_download", args=[again.pk]))))
    assert any("ลอกท่อระบายน้ำคลองลาดพร้าวแล้วเสร็จ ๑๒ กิโลเมตร" in page for page in pages)
    # Every page numbered through the booklet, with the booklet's printing time.
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert page.rstrip().endswith(f"หน้า {number}/{total}"), (number, page[-60:])
        assert "พิมพ์เมื่อ" in page
    # The prints page says what was reused.
    listing = client.get(reverse("prints")).content.decode()
    assert f"พิมพ์ใหม่ 1 แผ่น ใช้แผ่นที่พิมพ์ไว้แล้ว {sheets.count() - 1} แผ่น" in listing


@pytest.mark.django_db
def test_the_contents_link_to_where_each_sheet_starts(personas: Personas) -> None:
    from printing import booklets
    from reports.selectors import assignment_sheets

    year = FiscalYear.objects.get(year=2564)
    assignments = Assignment.objects.filter(
        district__code=PHRA_NAKHON, indicator__fiscal_year=year
    ).order_by("indicator__code")
    district = assignments[0].district
    data = booklets.booklet_pdf(assignment_sheets(assignments), district=district, fiscal_year=year)
    reader = PdfReader(io.BytesIO(data))
    contents = reader.pages[1]
    targets = sorted(
        {
            page_number
            for annotation in contents.get("/Annots") or []
            if (
                page_number := reader.get_page_number(
                    annotation.get_object()["/Dest"][0].get_object()
                )
            )
            is not None
        }
    )
    outline = [
        (item.title, reader.get_destination_page_number(item))
        for item in reader.outline
        if not isinstance(item, list)
    ]
    assert outline[0] == ("สารบัญ", 1)
    starts = [page for _title, page in outline[1:]]
    assert [title for title, _page in outline[1:]] == [
        f"{a.indicator.code} {a.indicator.name}" for a in assignments
    ]
    assert targets == starts and len(starts) == assignments.count()
    listed = [int(n) for n in re.findall(r" (\d+)\n", contents.extract_text() + "\n")]
    assert [(start or 0) + 1 for start in starts] == listed[-len(starts) :]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_changed_sheet_is_printed_ahead_and_a_click_is_served_from_the_cache(
    personas: Personas, hk_sheet: Assignment, settings: Settings, fresh_cache: None
) -> None:
    settings.PRINT_AHEAD_DELAY_SECONDS = 60
    SheetChange.objects.all().delete()
    report = Report.objects.filter(assignment=hk_sheet).order_by("quarter").first()
    assert report is not None
    Report.objects.filter(pk=report.pk).update(narrative="รายงานใหม่")
    change = SheetChange.objects.get(assignment=hk_sheet)
    assert change.queued_version is None

    # Still being typed: nothing yet.
    assert ahead.sheets_ahead() == 0
    # A minute later, still: the sheet is queued, once.
    later = timezone.now() + dt.timedelta(seconds=61)
    assert ahead.sheets_ahead(now=later) >= 1
    assert ahead.sheets_ahead(now=later) == 0
    assert DBTaskResult.objects.filter(task_path__endswith="print_sheet_ahead").exists()
    run_worker()

    fingerprint = sheet_fingerprint(hk_sheet.pk)
    assert pdf.cached_pdf(pdf.sheet_body_key(hk_sheet.pk, fingerprint)) is not None
    assert pdf.cached_pdf(pdf.sheet_key(hk_sheet.pk)) is not None
    response = personas.client(personas.officer_hk).get(
        reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert "รายงานใหม่" in " ".join(pages_of(response.content))
    assert not PrintJob.objects.exists()  # served without a print job


@pytest.mark.django_db
def test_only_the_newest_change_of_a_busy_sheet_is_rendered(
    hk_sheet: Assignment, settings: Settings, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    settings.PRINT_AHEAD_DELAY_SECONDS = 60
    SheetChange.objects.all().delete()
    start = timezone.now()
    for n in range(3):  # saved three times within the minute
        Report.objects.filter(assignment=hk_sheet, quarter=1).update(narrative=f"ร่าง {n}")
    assert ahead.sheets_ahead(now=start + dt.timedelta(seconds=30)) == 0
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert ahead.sheets_ahead(now=start + dt.timedelta(seconds=61)) == 1
    assert len(queued) == 1
    # Saved again after it was queued (say, while it rendered): queued again later.
    Report.objects.filter(assignment=hk_sheet, quarter=1).update(narrative="ฉบับจริง")
    assert ahead.sheets_ahead(now=timezone.now() + dt.timedelta(seconds=30)) == 0
    assert ahead.sheets_ahead(now=timezone.now() + dt.timedelta(seconds=61)) == 1


@pytest.mark.django_db
def test_changes_anywhere_a_sheet_is_printed_from_mark_it(
    hk_sheet: Assignment, personas: Personas
) -> None:
    SheetChange.objects.all().delete()
    hk_sheet.indicator.name = hk_sheet.indicator.name + " (แก้ไข)"
    hk_sheet.indicator.save()
    marked = set(SheetChange.objects.values_list("assignment_id", flat=True))
    assert marked == set(
        Assignment.objects.filter(indicator=hk_sheet.indicator).values_list("pk", flat=True)
    )
    SheetChange.objects.all().delete()
    hk_sheet.district.name_en = "Huai Khwang District"
    hk_sheet.district.save()
    assert (
        SheetChange.objects.count() == Assignment.objects.filter(district=hk_sheet.district).count()
    )


def test_every_table_a_sheet_is_printed_from_is_followed_or_said_not_to_be() -> None:
    migration = importlib.import_module("printing.migrations.0004_sheets_ahead")
    not_followed = {
        "indicators_strategynode",
        "indicators_fiscalyear",
        "districts_zonegroup",
        "districts_division",
    }
    tables = {model._meta.db_table for model, _condition in _sheet_sources()}
    assert tables - not_followed == set(migration.CHANGED)


@pytest.mark.django_db
def test_the_prepared_fingerprint_is_the_sheets_digest(hk_sheet: Assignment) -> None:
    others = list(Assignment.objects.values_list("pk", flat=True)[:5])
    found = sheet_fingerprints([hk_sheet.pk, *others])
    before = found[hk_sheet.pk]
    assert len(set(found.values())) == len(found)
    Report.objects.filter(assignment=hk_sheet, quarter=1).update(narrative="เปลี่ยน")
    assert sheet_fingerprint(hk_sheet.pk) != before
    assert {pk: sheet_fingerprint(pk) for pk in others} == {pk: found[pk] for pk in others}
