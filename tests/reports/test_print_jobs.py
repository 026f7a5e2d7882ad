"""Booklets and quarter summaries printed in the background by the database worker."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from districts.models import District
from indicators.models import FiscalYear
from reports import services
from reports.models import PrintJob
from tests.conftest import Personas


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", re.sub(r"(?<=[\u0e00-\u0e7f])\n(?=[\u0e00-\u0e7f])", "", text))


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestPrintJobs:
    def test_officer_prints_own_booklet_with_a_contents_page(self, personas: Personas) -> None:
        client = personas.client(personas.officer_hk)
        response = client.post(reverse("prints"), {"kind": "booklet", "year": "2564"})
        assert response.status_code == 302
        job = PrintJob.objects.get()
        assert (job.status, job.progress) == (PrintJob.JobStatus.QUEUED, 0)
        status = client.get(reverse("print_job", args=[job.pk]), headers={"HX-Request": "true"})
        assert 'hx-trigger="every 1s"' in status.content.decode()  # the page keeps polling

        run_worker()
        job.refresh_from_db()
        assert (job.status, job.progress, job.total) == (PrintJob.JobStatus.DONE, 1, 1)
        done = client.get(reverse("print_job", args=[job.pk]), headers={"HX-Request": "true"})
        assert "every 1s" not in done.content.decode()
        pdf = client.get(reverse("print_job_download", args=[job.pk]))
        data = b"".join(pdf.streaming_content)
        text = text_of(data)
        assert "รายงานผลการดำเนินงานตามตัวชี้วัด" in text and "สำนักงานเขตห้วยขวาง" in text
        assert "สารบัญ" in text
        # The contents page gives the page on which the sheet starts (after cover and contents).
        assert re.search(r"5\.2 ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูลหรือการให้บริการ 3", text)
        assert "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 3: 100" in text

    def test_officer_cannot_print_another_district(self, personas: Personas) -> None:
        with pytest.raises(services.ReportError):
            services.print_job_request(
                actor=personas.officer_pn,
                kind=PrintJob.Kind.BOOKLET,
                fiscal_year=FiscalYear.objects.get(year=2564),
                districts=[District.objects.get(code="1017")],
            )
        refused = personas.client(personas.officer_pn).post(
            reverse("prints"), {"kind": "summary", "year": "2564", "quarter": "2"}
        )
        assert refused.status_code == 422
        assert not PrintJob.objects.exists()

    def test_office_prints_booklets_of_several_districts_as_a_zip(self, personas: Personas) -> None:
        client = personas.client(personas.evaluator)
        client.post(
            reverse("prints"),
            {"kind": "booklet", "year": "2564", "district": ["1001", "1017", "1050"]},
        )
        run_worker()
        job = PrintJob.objects.get()
        assert (job.status, job.progress, job.total) == (PrintJob.JobStatus.DONE, 3, 3)
        data = b"".join(client.get(reverse("print_job_download", args=[job.pk])).streaming_content)
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert names == ["booklet-2564-1001.pdf", "booklet-2564-1017.pdf", "booklet-2564-1050.pdf"]
        bang_bon = text_of(zipfile.ZipFile(io.BytesIO(data)).read("booklet-2564-1050.pdf"))
        assert "ไม่มีตัวชี้วัดที่มอบหมายในปีงบประมาณนี้" in bang_bon

    def test_quarter_summary_is_landscape(self, personas: Personas) -> None:
        client = personas.client(personas.evaluator)
        client.post(reverse("prints"), {"kind": "summary", "year": "2564", "quarter": "2"})
        run_worker()
        job = PrintJob.objects.get()
        data = b"".join(client.get(reverse("print_job_download", args=[job.pk])).streaming_content)
        reader = PdfReader(io.BytesIO(data))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 595)
        text = text_of(data)
        assert "ปีงบประมาณ 2564 ไตรมาสที่ 2" in text
        assert "ห้วยขวาง" in text and "95/100" in text
        assert "กลุ่มเขตกรุงเทพกลาง" in text

    def test_a_failing_job_is_retried_then_reported(
        self, personas: Personas, settings: object
    ) -> None:
        settings.PRINT_JOB_ATTEMPTS = 2  # type: ignore[attr-defined]
        job = services.print_job_request(
            actor=personas.evaluator,
            kind=PrintJob.Kind.SUMMARY,
            fiscal_year=FiscalYear.objects.get(year=2564),
            quarter=2,
        )
        from reports import pdf

        original = pdf.summary_pdf
        pdf.summary_pdf = lambda matrix: (_ for _ in ()).throw(RuntimeError("ฟอนต์หาย"))  # type: ignore[assignment]
        try:
            run_worker()
        finally:
            pdf.summary_pdf = original  # type: ignore[assignment]
        job.refresh_from_db()
        assert (job.status, job.attempts) == (PrintJob.JobStatus.FAILED, 2)
        assert "ฟอนต์หาย" in job.error
        page = personas.client(personas.evaluator).get(reverse("prints")).content.decode()
        assert "พิมพ์ไม่สำเร็จหลังพยายามหลายครั้ง" in page and "ฟอนต์หาย" in page
