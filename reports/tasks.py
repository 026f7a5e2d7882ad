"""Background printing through Django's tasks framework (worker: manage.py db_worker)."""

from __future__ import annotations

import io
import logging
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from districts.models import District
from indicators.models import Assignment
from reports import pdf
from reports.models import PrintJob
from reports.office_selectors import office_matrix
from reports.selectors import assignment_sheet

LOGGER = logging.getLogger(__name__)


def _advance(job: PrintJob, step: int = 1) -> None:
    job.progress = min(job.progress + step, job.total)
    PrintJob.objects.filter(pk=job.pk).update(progress=job.progress, heartbeat_at=timezone.now())


def _booklet(job: PrintJob, district: District) -> bytes:
    assignments = Assignment.objects.filter(
        district=district, indicator__fiscal_year=job.fiscal_year
    ).order_by("indicator__code")
    sheets = [assignment_sheet(a) for a in assignments]
    return pdf.booklet_pdf(sheets, district=district, fiscal_year=job.fiscal_year)


def _run(job: PrintJob) -> None:
    year = job.fiscal_year.year
    if job.kind == PrintJob.Kind.SUMMARY:
        content = pdf.summary_pdf(office_matrix(job.fiscal_year, job.quarter or 4))
        _advance(job)
        job.file.save(f"summary-{year}-q{job.quarter}.pdf", ContentFile(content), save=False)
        return
    districts = list(job.districts.order_by("code"))
    if len(districts) == 1:
        content = _booklet(job, districts[0])
        _advance(job)
        job.file.save(f"booklet-{year}-{districts[0].code}.pdf", ContentFile(content), save=False)
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for district in districts:
            archive.writestr(f"booklet-{year}-{district.code}.pdf", _booklet(job, district))
            _advance(job)
    job.file.save(f"booklets-{year}.zip", ContentFile(buffer.getvalue()), save=False)


@task()
def print_job_run(job_id: int) -> None:
    """Render a print job; a failure is retried, then reported to whoever asked."""
    job = PrintJob.objects.select_related("fiscal_year").get(pk=job_id)
    if job.finished:
        return
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.RUNNING,
        attempts=job.attempts + 1,
        progress=0,
        error="",
        heartbeat_at=timezone.now(),
    )
    job.attempts += 1
    job.progress = 0
    try:
        _run(job)
    except Exception as error:
        LOGGER.exception("print job %s failed (attempt %s)", job.pk, job.attempts)
        if job.attempts < settings.PRINT_JOB_ATTEMPTS:
            PrintJob.objects.filter(pk=job.pk).update(
                status=PrintJob.JobStatus.QUEUED, error=f"{type(error).__name__}: {error}"
            )
            transaction.on_commit(lambda: enqueue(job.pk))
            return
        PrintJob.objects.filter(pk=job.pk).update(
            status=PrintJob.JobStatus.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        return
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.DONE,
        file=job.file.name,
        progress=job.total,
        finished_at=timezone.now(),
    )


def enqueue(job_id: int) -> None:
    """Queue a print job for the worker and remember its task, for recovery."""
    result = print_job_run.enqueue(job_id)
    PrintJob.objects.filter(pk=job_id).update(task_id=str(result.id))
