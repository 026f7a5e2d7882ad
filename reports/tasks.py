"""Background printing through Django's tasks framework (worker: manage.py db_worker)."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District
from indicators.models import Assignment
from reports import pdf
from reports.models import PrintJob
from reports.office_selectors import office_matrix
from reports.selectors import assignment_sheets

LOGGER = logging.getLogger(__name__)


def _advance(job: PrintJob, step: int = 1) -> None:
    job.progress = min(job.progress + step, job.total)
    PrintJob.objects.filter(pk=job.pk).update(progress=job.progress, heartbeat_at=timezone.now())


def _booklet(job: PrintJob, district: District) -> bytes:
    sheets = assignment_sheets(
        Assignment.objects.filter(
            district=district, indicator__fiscal_year=job.fiscal_year
        ).order_by("indicator__code")
    )
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


def _start(job: PrintJob) -> None:
    now = timezone.now()
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.RUNNING,
        attempts=job.attempts + 1,
        progress=0,
        error="",
        heartbeat_at=now,
        started_at=now,
    )
    job.attempts += 1
    job.progress = 0
    if job.parent_id is not None:
        # The first part to start sets the whole job running.
        PrintJob.objects.filter(pk=job.parent_id, status=PrintJob.JobStatus.QUEUED).update(
            status=PrintJob.JobStatus.RUNNING, started_at=now, heartbeat_at=now
        )


def _failed(job: PrintJob, error: Exception, retry: Callable[[int], None]) -> None:
    """Retry a failed job, or after the last attempt report it (and its parent)."""
    LOGGER.exception("print job %s failed (attempt %s)", job.pk, job.attempts)
    message = f"{type(error).__name__}: {error}"
    if job.attempts < settings.PRINT_JOB_ATTEMPTS:
        PrintJob.objects.filter(pk=job.pk).update(status=PrintJob.JobStatus.QUEUED, error=message)
        transaction.on_commit(partial(retry, job.pk))
        return
    now = timezone.now()
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.FAILED, error=message, finished_at=now
    )
    if job.parent_id is not None:
        district = job.districts.first()
        PrintJob.objects.filter(pk=job.parent_id).exclude(
            status__in=(PrintJob.JobStatus.DONE, PrintJob.JobStatus.FAILED)
        ).update(
            status=PrintJob.JobStatus.FAILED,
            error=_("เล่มของ%(district)s: %(error)s")
            % {"district": district.office_name if district else "", "error": message},
            finished_at=now,
        )


def _part_done(part: PrintJob) -> None:
    """Count a finished part; the one that completes the set queues the bundling."""
    if part.parent_id is None:
        return
    with transaction.atomic():
        parent = PrintJob.objects.select_for_update().get(pk=part.parent_id)
        if parent.finished:
            return
        done = parent.parts.filter(status=PrintJob.JobStatus.DONE).count()
        PrintJob.objects.filter(pk=parent.pk).update(
            progress=min(done, parent.total), heartbeat_at=timezone.now()
        )
        if done == parent.total:  # total is the number of parts
            transaction.on_commit(partial(enqueue_bundle, parent.pk))


@task()
def print_job_run(job_id: int) -> None:
    """Render a print job; a failure is retried, then reported to whoever asked."""
    job = PrintJob.objects.select_related("fiscal_year").get(pk=job_id)
    if job.finished:
        return
    _start(job)
    try:
        _run(job)
    except Exception as error:
        _failed(job, error, enqueue)
        return
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.DONE,
        file=job.file.name,
        progress=job.total,
        finished_at=timezone.now(),
    )
    if job.parent_id is not None:
        _part_done(job)


@task()
def print_job_bundle(job_id: int) -> None:
    """Put the parts' booklets into the job's zip, in district code order."""
    job = PrintJob.objects.select_related("fiscal_year").get(pk=job_id)
    if job.finished:
        return
    _start(job)
    parts = sorted(
        job.parts.prefetch_related("districts"),
        key=lambda part: min((d.code for d in part.districts.all()), default=""),
    )
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in parts:
                with part.file.open("rb") as handle:
                    archive.writestr((part.file.name or "").rsplit("/", 1)[-1], handle.read())
        job.file.save(
            f"booklets-{job.fiscal_year.year}.zip", ContentFile(buffer.getvalue()), save=False
        )
    except Exception as error:
        _failed(job, error, enqueue_bundle)
        return
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.DONE,
        file=job.file.name,
        progress=job.total,
        finished_at=timezone.now(),
    )
    for part in parts:  # the zip holds them now
        part.file.storage.delete(part.file.name or "")
    PrintJob.objects.filter(parent=job).update(file="")


def enqueue(job_id: int) -> None:
    """Queue a print job for the worker and remember its task, for recovery."""
    result = print_job_run.enqueue(job_id)
    PrintJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def enqueue_bundle(job_id: int) -> None:
    """Queue the bundling of a job's finished parts."""
    result = print_job_bundle.enqueue(job_id)
    PrintJob.objects.filter(pk=job_id).update(task_id=str(result.id))
