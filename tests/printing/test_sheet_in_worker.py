"""Sheet PDFs are printed by the print worker, never inside a request (issue 17, item 2):
a sheet not printed yet is a "preparing" page that turns into the PDF; the worker
stops a document at its time or page limit and says so in Thai."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import Settings

from indicators.models import Assignment
from printing.models import PrintJob
from printing.tasks import print_job_run
from reports.models import Report
from tests.helpers import printed, visible_text
from tests.personas import Personas

#: The longest narrative the report form takes (reports.forms.NARRATIVE_MAX is 200,000),
#: one paragraph without a line break: the slowest text WeasyPrint lays out.
LONGEST = 199_000
WORDS = "สำนักงานเขตได้ดำเนินการพัฒนาระบบฐานข้อมูลประกอบตัวชี้วัดร่วมกับหน่วยงานที่เกี่ยวข้อง "


def longest_narratives(assignment: Assignment, length: int = LONGEST) -> None:
    text = (WORDS * (length // len(WORDS) + 1))[:length]
    Report.objects.filter(assignment=assignment, quarter__in=[1, 2, 3]).update(narrative=text)


@pytest.fixture(autouse=True)
def files(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pdf": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pdf-cache"),
        },
        "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }


def run_sheet_jobs() -> None:
    """What the print worker does with the queued sheets (its task, run here)."""
    for pk in PrintJob.objects.filter(status=PrintJob.JobStatus.QUEUED).values_list(
        "pk", flat=True
    ):
        print_job_run.call(pk)


def poll(client: Client, url: str) -> Any:
    return client.get(url, headers={"HX-Request": "true"})


@pytest.mark.django_db
class TestPreparingPage:
    def test_the_longest_sheet_answers_at_once_with_a_preparing_page(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        longest_narratives(hk_sheet)
        officer = personas.client(personas.officer_hk)
        url = reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        started = time.monotonic()
        response = officer.get(url)
        took = time.monotonic() - started
        assert took < 2, f"the request took {took:.1f} s"
        assert response.status_code == 202
        assert response["Content-Type"].startswith("text/html")
        page = visible_text(response)
        assert "กำลังเตรียม PDF" in page and "รอคิวพิมพ์" in page
        body = response.content.decode()
        # htmx polls the same address; without JavaScript the page refreshes itself.
        assert f'hx-get="{url}" hx-trigger="every 1s"' in body
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
        assert response["Cache-Control"] == "private, no-store"
        job = PrintJob.objects.get()
        assert (job.kind, job.assignment_id, job.requested_by) == (
            PrintJob.Kind.SHEET,
            hk_sheet.pk,
            personas.officer_hk,
        )

    def test_the_page_turns_into_the_pdf_and_the_pdf_is_then_served_at_once(
        self, personas: Personas, hk_sheet: Assignment, django_assert_max_num_queries: Any
    ) -> None:
        officer = personas.client(personas.officer_hk)
        head = personas.client(personas.head_hk)
        url = reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        assert officer.get(url).status_code == 202
        # Anyone asking for the same sheet meanwhile waits for the same job.
        assert head.get(url).status_code == 202
        assert poll(officer, url).status_code == 202
        assert PrintJob.objects.count() == 1
        still = poll(officer, url)
        assert "every 1s" in still.content.decode() and "HX-Redirect" not in still

        run_sheet_jobs()
        ready = poll(officer, url)
        assert ready["HX-Redirect"] == url  # the polled page becomes the PDF
        assert "PDF พร้อมแล้ว" in visible_text(ready)
        assert "every 1s" not in ready.content.decode()
        with django_assert_max_num_queries(8):
            pdf = officer.get(url)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert "5.2" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        # Printed once: the cached sheet is served with no new job.
        assert head.get(url).content == pdf.content
        assert PrintJob.objects.count() == 1

    def test_the_preparing_page_costs_a_few_queries(
        self, personas: Personas, hk_sheet: Assignment, django_assert_max_num_queries: Any
    ) -> None:
        officer = personas.client(personas.officer_hk)
        url = reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        with django_assert_max_num_queries(14):
            assert officer.get(url).status_code == 202
        with django_assert_max_num_queries(10):
            assert poll(officer, url).status_code == 202

    def test_a_changed_report_is_printed_again(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        officer = personas.client(personas.officer_hk)
        url = reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        first = printed(officer, url)
        Report.objects.filter(assignment=hk_sheet, quarter=1).update(narrative="ฉบับแก้ไขใหม่")
        assert officer.get(url).status_code == 202
        again = printed(officer, url)
        assert again.content != first.content
        assert PrintJob.objects.count() == 2


@pytest.mark.django_db
class TestLimits:
    def test_a_sheet_over_the_page_limit_fails_at_once_with_a_thai_message(
        self, personas: Personas, hk_sheet: Assignment, settings: Settings
    ) -> None:
        settings.PRINT_SHEET_MAX_PAGES = 3
        longest_narratives(hk_sheet, 20_000)
        officer = personas.client(personas.officer_hk)
        url = reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        officer.get(url)
        started = time.monotonic()
        run_sheet_jobs()
        job = PrintJob.objects.get()
        assert job.status == PrintJob.JobStatus.FAILED
        assert job.attempts == 1  # not tried again: it would be as long again
        assert job.error == "เอกสารนี้ยาวเกิน 3 หน้า จึงพิมพ์ไม่ได้"
        assert time.monotonic() - started < 10  # stopped at page 4, not laid out to the end
        page = officer.get(url)
        assert page.status_code == 200
        text = visible_text(page)
        assert "พิมพ์ PDF ไม่สำเร็จ: เอกสารนี้ยาวเกิน 3 หน้า จึงพิมพ์ไม่ได้" in text
        assert "every 1s" not in page.content.decode()  # nothing left to wait for
        assert f'href="{url}?again=1"' in page.content.decode()
        # Asking again on purpose queues it again.
        assert officer.get(url + "?again=1").status_code == 202
        assert PrintJob.objects.filter(status=PrintJob.JobStatus.QUEUED).count() == 1

    def test_a_sheet_over_the_time_limit_is_stopped(
        self, personas: Personas, hk_sheet: Assignment, settings: Settings
    ) -> None:
        settings.PRINT_SHEET_SECONDS = 1
        longest_narratives(hk_sheet)
        personas.client(personas.officer_hk).get(
            reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        )
        started = time.monotonic()
        run_sheet_jobs()
        took = time.monotonic() - started
        job = PrintJob.objects.get()
        assert (job.status, job.attempts) == (PrintJob.JobStatus.FAILED, 1)
        assert job.error == "เอกสารนี้ใช้เวลาพิมพ์เกิน 1 วินาที จึงหยุดพิมพ์"
        assert took < 5, f"stopped after {took:.1f} s"

    def test_a_person_has_a_few_sheets_waiting_at_most(
        self, personas: Personas, hk_sheet: Assignment, settings: Settings
    ) -> None:
        settings.PRINT_PENDING_PER_PERSON = 1
        officer = personas.client(personas.officer_hk)
        other = Assignment.objects.filter(district=hk_sheet.district).exclude(pk=hk_sheet.pk)[0]
        assert officer.get(reverse("assignment_sheet_pdf", args=[hk_sheet.pk])).status_code == 202
        refused = officer.get(reverse("assignment_sheet_pdf", args=[other.pk]))
        assert refused.status_code == 429
        assert "คุณมีงานพิมพ์ที่ยังไม่เสร็จ 1 งาน" in visible_text(refused)
        assert PrintJob.objects.count() == 1


@pytest.mark.django_db
class TestPublicSheet:
    def test_the_public_pdf_is_printed_by_the_worker_and_the_wait_is_not_cached(
        self, hk_sheet: Assignment
    ) -> None:
        visitor = Client()
        url = reverse("public_sheet_pdf", args=[hk_sheet.pk])
        waiting = visitor.get(url)
        assert waiting.status_code == 202
        assert waiting["Cache-Control"] == "no-store"  # never kept by a CDN
        assert not waiting.cookies
        body = waiting.content.decode()
        assert '<meta http-equiv="refresh" content="3">' in body  # public pages have no script
        assert "กำลังเตรียม PDF" in visible_text(waiting)
        job = PrintJob.objects.get()
        assert (job.kind, job.requested_by) == (PrintJob.Kind.PUBLIC_SHEET, None)

        run_sheet_jobs()
        pdf = visitor.get(url)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf["Cache-Control"].startswith("public, max-age=")
        assert PdfReader(io.BytesIO(pdf.content)).pages

    def test_the_public_waits_in_a_bounded_queue(
        self, settings: Settings, hk_sheet: Assignment
    ) -> None:
        settings.PRINT_PUBLIC_PENDING = 1
        others = Assignment.objects.filter(indicator__fiscal_year=hk_sheet.indicator.fiscal_year)
        other = others.exclude(pk=hk_sheet.pk).first()
        assert other is not None
        assert Client().get(reverse("public_sheet_pdf", args=[hk_sheet.pk])).status_code == 202
        busy = Client().get(reverse("public_sheet_pdf", args=[other.pk]))
        assert busy.status_code == 429
        assert "ขณะนี้มีผู้ขอพิมพ์เอกสารจำนวนมาก" in visible_text(busy)
        assert busy["Cache-Control"] == "no-store"
        assert PrintJob.objects.count() == 1
