"""Booklets and quarter summaries printed in the background by the database worker."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import Settings

from districts.models import District
from indicators.models import Assignment, FiscalYear
from printing import services as print_services
from printing import tasks
from printing.models import PrintJob
from tests.helpers import streamed
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", re.sub(r"(?<=[\u0e00-\u0e7f])\n(?=[\u0e00-\u0e7f])", "", text))


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


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
        data = streamed(pdf)
        text = text_of(data)
        assert "รายงานผลการดำเนินงานตามตัวชี้วัด" in text and "สำนักงานเขตห้วยขวาง" in text
        assert "สารบัญ" in text
        # The contents page gives the page on which the sheet starts (after cover and contents).
        assert re.search(r"5\.2 ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูลหรือการให้บริการ 3", text)
        assert "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 3: 100" in text

    def test_officer_cannot_print_another_district(self, personas: Personas) -> None:
        with pytest.raises(print_services.PrintRefused):
            print_services.print_job_request(
                actor=personas.officer_pn,
                kind=PrintJob.Kind.BOOKLET,
                fiscal_year=FiscalYear.objects.get(year=2564),
                districts=[District.objects.get(code=HUAI_KHWANG)],
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
            {"kind": "booklet", "year": "2564", "district": [PHRA_NAKHON, HUAI_KHWANG, "1050"]},
        )
        job = PrintJob.objects.get(parent=None)
        # One part per district, so that every worker can take one.
        assert sorted(job.parts.values_list("districts__code", flat=True)) == [
            PHRA_NAKHON,
            HUAI_KHWANG,
            "1050",
        ]
        page = client.get(reverse("prints")).content.decode()
        assert page.count('class="job job-') == 1  # the parts are not listed
        run_worker()
        job.refresh_from_db()
        assert (job.status, job.progress, job.total) == (PrintJob.JobStatus.DONE, 3, 3)
        assert job.started_at is not None and job.finished_at is not None
        data = streamed(client.get(reverse("print_job_download", args=[job.pk])))
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert names == ["booklet-2564-1001.pdf", "booklet-2564-1017.pdf", "booklet-2564-1050.pdf"]
        bang_bon = text_of(zipfile.ZipFile(io.BytesIO(data)).read("booklet-2564-1050.pdf"))
        assert "ไม่มีตัวชี้วัดที่มอบหมายในปีงบประมาณนี้" in bang_bon
        assert not job.parts.exclude(file="").exists()  # their files now live in the zip

    def test_a_failing_part_fails_the_whole_job_naming_its_district(
        self, personas: Personas, settings: Settings
    ) -> None:
        settings.PRINT_JOB_ATTEMPTS = 1
        job = print_services.print_job_request(
            actor=personas.evaluator,
            kind=PrintJob.Kind.BOOKLET,
            fiscal_year=FiscalYear.objects.get(year=2564),
            districts=list(District.objects.filter(code__in=[PHRA_NAKHON, HUAI_KHWANG])),
        )
        from printing import booklets

        original = booklets.assemble

        def broken_for_huai_khwang(sheets: list, *, district: District, **kwargs: object) -> bytes:
            if district.code == HUAI_KHWANG:
                raise RuntimeError("กระดาษหมด")
            return original(sheets, district=district, **kwargs)  # type: ignore[arg-type]

        booklets.assemble = broken_for_huai_khwang  # type: ignore[assignment]
        try:
            run_worker()
        finally:
            booklets.assemble = original  # type: ignore[assignment]
        job.refresh_from_db()
        assert job.status == PrintJob.JobStatus.FAILED
        assert "สำนักงานเขตห้วยขวาง" in job.error and "กระดาษหมด" in job.error
        page = personas.client(personas.evaluator).get(reverse("prints")).content.decode()
        assert "พิมพ์ไม่สำเร็จหลังพยายามหลายครั้ง" in page and "กระดาษหมด" in page

    def test_quarter_summary_is_landscape(self, personas: Personas) -> None:
        client = personas.client(personas.evaluator)
        client.post(reverse("prints"), {"kind": "summary", "year": "2564", "quarter": "2"})
        run_worker()
        job = PrintJob.objects.get()
        data = streamed(client.get(reverse("print_job_download", args=[job.pk])))
        reader = PdfReader(io.BytesIO(data))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (842, 595)
        text = text_of(data)
        assert "ปีงบประมาณ 2564 ไตรมาสที่ 2" in text
        assert "ห้วยขวาง" in text and "95/100" in text
        assert "กลุ่มเขตกรุงเทพกลาง" in text

    def test_a_failing_job_is_retried_then_reported(
        self, personas: Personas, settings: Settings
    ) -> None:
        settings.PRINT_JOB_ATTEMPTS = 2
        job = print_services.print_job_request(
            actor=personas.evaluator,
            kind=PrintJob.Kind.SUMMARY,
            fiscal_year=FiscalYear.objects.get(year=2564),
            quarter=2,
        )
        from printing import pdf

        original = pdf.summary_pdf
        pdf.summary_pdf = lambda matrix, **limits: (_ for _ in ()).throw(RuntimeError("ฟอนต์หาย"))  # type: ignore[assignment]
        try:
            run_worker()
        finally:
            pdf.summary_pdf = original  # type: ignore[assignment]
        job.refresh_from_db()
        assert (job.status, job.attempts) == (PrintJob.JobStatus.FAILED, 2)
        assert "ฟอนต์หาย" in job.error
        page = personas.client(personas.evaluator).get(reverse("prints")).content.decode()
        assert "พิมพ์ไม่สำเร็จหลังพยายามหลายครั้ง" in page and "ฟอนต์หาย" in page


@pytest.mark.django_db
def test_recovery_requeues_a_lost_part_and_a_lost_bundling(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """A dead worker's part is printed again; the job itself is not (its other
    parts are fine); once every part is done, only the bundling is queued again."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):  # the enqueues run on commit
        job = print_services.print_job_request(
            actor=personas.evaluator,
            kind=PrintJob.Kind.BOOKLET,
            fiscal_year=FiscalYear.objects.get(year=2564),
            districts=list(District.objects.filter(code__in=[PHRA_NAKHON, HUAI_KHWANG])),
        )
        tasks.print_job_run.call(job.pk)  # the set queues its sheets and parts
    first, _second = job.parts.order_by("pk")
    long_ago = timezone.now() - dt.timedelta(hours=1)
    PrintJob.objects.filter(pk__in=[job.pk, first.pk]).update(
        status=PrintJob.JobStatus.RUNNING, heartbeat_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert print_services.print_jobs_recover(stale_after=60) == 1
    first.refresh_from_db()
    job.refresh_from_db()
    assert first.status == PrintJob.JobStatus.QUEUED
    assert job.status == PrintJob.JobStatus.RUNNING  # not printed again as a whole

    PrintJob.objects.filter(parent=job).update(status=PrintJob.JobStatus.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert print_services.print_jobs_recover(stale_after=60) == 1
    newest = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert newest is not None and newest.task_path.endswith("print_job_bundle")
    assert newest.args_kwargs["args"] == [job.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_set_whose_worker_died_preparing_it_prepares_again(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """The set's own task queues its parts; a worker lost before it did leaves parts
    that no task would ever run: recovery queues the set's task again."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        job = print_services.print_job_request(
            actor=personas.evaluator,
            kind=PrintJob.Kind.BOOKLET,
            fiscal_year=FiscalYear.objects.get(year=2564),
            districts=list(District.objects.filter(code__in=[PHRA_NAKHON, HUAI_KHWANG])),
        )
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert print_services.print_jobs_recover(stale_after=60) == 1
    newest = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert newest is not None and newest.task_path.endswith("print_job_run")
    assert newest.args_kwargs["args"] == [job.pk]
    run_worker()
    job.refresh_from_db()
    assert job.status == PrintJob.JobStatus.DONE
    sheets = Assignment.objects.filter(
        district__code__in=[PHRA_NAKHON, HUAI_KHWANG], indicator__fiscal_year__year=2564
    ).count()
    # The set's own task found none printed: it queued them all to be rendered.
    assert (job.sheets_rendered, job.sheets_reused) == (sheets, 0)
