"""Background printing through Django's tasks framework (worker: manage.py print_worker).

The tasks render; every change to a job's state is a call to printing.services.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.tasks import task

from districts.models import District
from evaluation.selectors import office_matrix
from indicators.models import Assignment
from printing import pdf, services
from printing.models import PrintJob
from reports.selectors import AssignmentSheet, assignment_sheet, assignment_sheets


def _internal_sheet(assignment_id: int) -> AssignmentSheet:
    return assignment_sheet(Assignment.objects.get(pk=assignment_id))


#: How each kind of sheet job loads its sheet. The public app, above this one, adds
#: the public sheet (public.apps), which only it may read.
SHEET_LOADERS: dict[str, Callable[[int], AssignmentSheet]] = {
    PrintJob.Kind.SHEET: _internal_sheet,
}


def _booklet(job: PrintJob, district: District) -> bytes:
    sheets = assignment_sheets(
        Assignment.objects.filter(
            district=district, indicator__fiscal_year=job.fiscal_year
        ).order_by("indicator__code")
    )
    return pdf.booklet_pdf(
        sheets,
        district=district,
        fiscal_year=job.fiscal_year,
        seconds=settings.PRINT_JOB_SECONDS,
        pages=settings.PRINT_JOB_MAX_PAGES,
    )


def _run(job: PrintJob) -> None:
    year = job.fiscal_year.year
    if job.kind in SHEET_LOADERS and job.assignment_id is not None:
        content = pdf.render_sheet_pdf(
            SHEET_LOADERS[job.kind](job.assignment_id),
            thai_digits=job.thai_digits,
            public=job.kind == PrintJob.Kind.PUBLIC_SHEET,
            language=job.language,
            seconds=settings.PRINT_SHEET_SECONDS,
            pages=settings.PRINT_SHEET_MAX_PAGES,
        )
        services.print_job_advance(job)
        job.file.save(f"sheet-{job.assignment_id}-{job.pk}.pdf", ContentFile(content), save=False)
        return
    if job.kind == PrintJob.Kind.SUMMARY:
        content = pdf.summary_pdf(
            office_matrix(job.fiscal_year, job.quarter or 4),
            seconds=settings.PRINT_JOB_SECONDS,
            pages=settings.PRINT_JOB_MAX_PAGES,
        )
        services.print_job_advance(job)
        job.file.save(f"summary-{year}-q{job.quarter}.pdf", ContentFile(content), save=False)
        return
    districts = list(job.districts.order_by("code"))
    if len(districts) == 1:
        content = _booklet(job, districts[0])
        services.print_job_advance(job)
        job.file.save(f"booklet-{year}-{districts[0].code}.pdf", ContentFile(content), save=False)
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for district in districts:
            archive.writestr(f"booklet-{year}-{district.code}.pdf", _booklet(job, district))
            services.print_job_advance(job)
    job.file.save(f"booklets-{year}.zip", ContentFile(buffer.getvalue()), save=False)


@task()
def print_job_run(job_id: int) -> None:
    """Render a print job; a failure is retried, then reported to whoever asked."""
    job = PrintJob.objects.select_related("fiscal_year").get(pk=job_id)
    if job.finished:
        return
    services.print_job_start(job)
    try:
        _run(job)
    except pdf.PrintTooLarge as error:
        services.print_job_failed(job, error, None)  # it would be too large again
        return
    except Exception as error:
        services.print_job_failed(job, error, enqueue)
        return
    services.print_job_done(job)


@task()
def print_job_bundle(job_id: int) -> None:
    """Put the parts' booklets into the job's zip, in district code order."""
    job = PrintJob.objects.select_related("fiscal_year").get(pk=job_id)
    if job.finished:
        return
    services.print_job_start(job)
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
        services.print_job_failed(job, error, enqueue_bundle)
        return
    services.print_job_done(job)
    services.print_job_parts_bundled(job)


def _priority(job_id: int) -> int:
    kind, parent_id = PrintJob.objects.values_list("kind", "parent_id").get(pk=job_id)
    if kind == PrintJob.Kind.SHEET:
        return services.PRIORITY_SHEET
    if kind == PrintJob.Kind.PUBLIC_SHEET:
        return services.PRIORITY_PUBLIC_SHEET
    return services.PRIORITY_PART if parent_id is not None else services.PRIORITY_SINGLE


def enqueue(job_id: int) -> None:
    """Queue a print job for the worker and remember its task, for recovery."""
    queued = print_job_run.using(priority=_priority(job_id)).enqueue(job_id)
    services.print_job_remember_task(job_id, str(queued.id))


def enqueue_bundle(job_id: int) -> None:
    """Queue the bundling of a job's finished parts (a small job: before other parts)."""
    queued = print_job_bundle.using(priority=services.PRIORITY_SINGLE).enqueue(job_id)
    services.print_job_remember_task(job_id, str(queued.id))
