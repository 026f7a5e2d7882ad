"""Background printing through Django's tasks framework (worker: manage.py print_worker).

The tasks render; every change to a job's state is a call to printing.services.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task

from districts.models import District
from evaluation.selectors import office_matrix
from indicators.models import Assignment
from printing import booklets, pdf, services
from printing.models import PrintJob
from reports.selectors import AssignmentSheet, assignment_sheet, sheet_fingerprints

LOGGER = logging.getLogger(__name__)


def _internal_sheet(assignment_id: int) -> AssignmentSheet:
    return assignment_sheet(Assignment.objects.get(pk=assignment_id))


#: How each kind of sheet job loads its sheet. The public app, above this one, adds
#: the public sheet (public.apps), which only it may read.
SHEET_LOADERS: dict[str, Callable[[int], AssignmentSheet]] = {
    PrintJob.Kind.SHEET: _internal_sheet,
}


def _booklet(job: PrintJob, district: District) -> bytes:
    """A district's booklet from its sheets, rendering only those not printed since
    their rows last changed (counted on the job)."""
    assignments = list(
        Assignment.objects.filter(district=district, indicator__fiscal_year=job.fiscal_year)
        .select_related("indicator")
        .order_by("indicator__code")
    )
    with pdf.within(settings.PRINT_JOB_SECONDS, None):
        sheets, rendered = booklets.sheet_bodies(assignments, pages=settings.PRINT_SHEET_MAX_PAGES)
        content = booklets.assemble(
            sheets,
            district=district,
            fiscal_year=job.fiscal_year,
            max_pages=settings.PRINT_JOB_MAX_PAGES,
        )
    services.print_job_sheets_counted(job, rendered=rendered, reused=len(sheets) - rendered)
    return content


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
    if job.parts.exists():
        _prepare(job)
        return
    try:
        _run(job)
    except pdf.PrintTooLarge as error:
        services.print_job_failed(job, error, None)  # it would be too large again
        return
    except Exception as error:
        services.print_job_failed(job, error, enqueue)
        return
    services.print_job_done(job)


def _prepare(job: PrintJob) -> None:
    """Before the parts of a several-district booklet: queue a task for each of their
    sheets not printed since its rows changed, above the parts, so that every worker
    renders single sheets and the parts then mostly join them; then queue the parts.
    A failure queues the parts all the same (each renders what it misses)."""
    try:
        assignments = list(
            Assignment.objects.filter(
                district__in=District.objects.filter(printjob__parent=job),
                indicator__fiscal_year=job.fiscal_year,
            ).values_list("pk", flat=True)
        )
        fingerprints = sheet_fingerprints(assignments)
        keys = {pk: pdf.sheet_body_key(pk, fingerprints[pk]) for pk in assignments}
        cached = set()
        for start in range(0, len(assignments), 500):
            chunk = [keys[pk] for pk in assignments[start : start + 500]]
            cached |= set(caches["pdf"].get_many(chunk))
        missing = [pk for pk in assignments if keys[pk] not in cached]
        for pk in missing:
            print_sheet_ahead.using(priority=services.PRIORITY_BOOKLET_SHEET).enqueue(pk, False)
        services.print_job_sheets_counted(
            job, rendered=len(missing), reused=len(assignments) - len(missing)
        )
    except Exception:
        LOGGER.exception("print job %s: its sheets were not queued ahead", job.pk)
    # All the parts or none: a worker killed half-way would leave parts no task
    # runs, and a set with some parts queued counts as prepared (print_jobs_recover).
    with transaction.atomic():
        for part in job.parts.order_by("pk"):
            enqueue(part.pk)


@task()
def print_sheet_ahead(assignment_id: int, standalone: bool = True) -> None:
    """Render a sheet before anyone asks: its booklet body and, with ``standalone``,
    the Thai sheet a "print" click is served (pdf.sheet_key); nothing if both are
    cached for its rows as they are now. A sheet over its limits is left to be
    refused when someone asks for it."""
    assignment = Assignment.objects.select_related("indicator").filter(pk=assignment_id).first()
    if assignment is None:
        return
    fingerprint = sheet_fingerprints([assignment_id])[assignment_id]
    wanted = {pdf.sheet_body_key(assignment_id, fingerprint): True}
    if standalone:
        wanted[pdf.sheet_key(assignment_id, fingerprint=fingerprint)] = False
    missing = [key for key in wanted if key not in caches["pdf"].get_many(list(wanted))]
    if not missing:
        return
    sheet = assignment_sheet(assignment)
    for key in missing:
        try:
            if wanted[key]:
                content = pdf.render_sheet_body(
                    sheet,
                    seconds=settings.PRINT_SHEET_SECONDS,
                    pages=settings.PRINT_SHEET_MAX_PAGES,
                )
            else:
                content = pdf.render_sheet_pdf(
                    sheet,
                    seconds=settings.PRINT_SHEET_SECONDS,
                    pages=settings.PRINT_SHEET_MAX_PAGES,
                )
        except pdf.PrintTooLarge:
            LOGGER.warning("sheet %s is over the printing limits", assignment_id)
            return
        pdf.cache_pdf(key, content)


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


def enqueue_ahead(assignment_id: int) -> None:
    """Queue a sheet to be rendered ahead, after everything anyone waits for."""
    print_sheet_ahead.using(priority=services.PRIORITY_AHEAD).enqueue(assignment_id)
