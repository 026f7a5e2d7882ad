"""Every change to a print job goes through here: asking for one, the worker's
progress through it, its end, and recovering the jobs of a worker that died."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import sees_every_district, works_for
from indicators.fiscal import QUARTERS
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused
from printing.models import PrintJob

LOGGER = logging.getLogger(__name__)


class PrintRefused(ActionRefused):
    """A print request that cannot be taken; the message says why in Thai."""


@audited
@transaction.atomic
def print_job_request(
    *,
    actor: Any,
    kind: str,
    fiscal_year: Any,
    districts: list[Any] | None = None,
    quarter: int | None = None,
) -> PrintJob:
    """Queue a booklet (one or many districts) or a quarter summary for the worker."""
    from printing.tasks import enqueue

    office = sees_every_district(actor)
    if kind == PrintJob.Kind.SUMMARY:
        if not office:
            raise PrintRefused(_("เฉพาะเจ้าหน้าที่ สยป. เท่านั้นที่พิมพ์สรุปผลรายไตรมาสได้"))
        if quarter not in QUARTERS:
            raise PrintRefused(_("กรุณาเลือกไตรมาส"))
        districts = []
    elif kind == PrintJob.Kind.BOOKLET:
        quarter = None  # a booklet covers the whole year
        if not districts:
            raise PrintRefused(_("กรุณาเลือกสำนักงานเขตอย่างน้อย 1 เขต"))
        if not office and not all(works_for(actor, d.pk) for d in districts):
            raise PrintRefused(_("พิมพ์ได้เฉพาะเล่มรายงานของสำนักงานเขตของคุณ"))
    else:
        raise PrintRefused(_("ไม่รู้จักชนิดงานพิมพ์นี้"))
    job = PrintJob.objects.create(
        kind=kind,
        fiscal_year=fiscal_year,
        quarter=quarter,
        requested_by=actor,
        total=max(len(districts or []), 1) if kind == PrintJob.Kind.BOOKLET else 1,
    )
    job.districts.set(districts or [])
    if kind == PrintJob.Kind.BOOKLET and len(districts or []) > 1:
        # One part per district: every worker takes parts, instead of one worker
        # printing fifty booklets in a row. The last part to finish bundles them.
        for district in sorted(districts or [], key=lambda d: d.code):
            part = PrintJob.objects.create(
                kind=kind, fiscal_year=fiscal_year, requested_by=actor, total=1, parent=job
            )
            part.districts.set([district])
            transaction.on_commit(partial(enqueue, part.pk))
        return job
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


@audited
@transaction.atomic
def print_jobs_recover(
    *, now: dt.datetime | None = None, stale_after: int | None = None, job_id: int | None = None
) -> int:
    """Queue again the running jobs whose worker died (their heartbeat stopped).

    django-tasks-db's worker takes only READY tasks and keeps no lease, so a task
    whose process was killed stays RUNNING for ever; its print job is failed
    over to a fresh task here. Returns how many jobs were queued again.
    """
    from django_tasks_db.models import DBTaskResult

    from printing.tasks import enqueue, enqueue_bundle

    limit = (now or timezone.now()) - dt.timedelta(
        seconds=stale_after if stale_after is not None else settings.PRINT_JOB_STALE_SECONDS
    )
    stale = PrintJob.objects.select_for_update(skip_locked=True).filter(
        status=PrintJob.JobStatus.RUNNING, heartbeat_at__lt=limit
    )
    if job_id is not None:
        stale = stale.filter(Q(pk=job_id) | Q(parent_id=job_id))
    recovered = 0
    for job in stale:
        has_parts = job.parts.exists()
        if has_parts and job.parts.exclude(status=PrintJob.JobStatus.DONE).exists():
            continue  # its parts are still printing, and recover on their own
        if job.task_id:
            DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
                status="FAILED",
                finished_at=(now or timezone.now()),
                exception_class_path="printing.services.WorkerLost",
                traceback="The worker running this task stopped without finishing it.",
            )
        lost = _("เครื่องที่พิมพ์งานนี้หยุดทำงานกลางคัน")
        if job.attempts >= settings.PRINT_JOB_ATTEMPTS:
            PrintJob.objects.filter(pk=job.pk).update(
                status=PrintJob.JobStatus.FAILED, error=lost, finished_at=(now or timezone.now())
            )
            continue
        PrintJob.objects.filter(pk=job.pk).update(status=PrintJob.JobStatus.QUEUED, error=lost)
        # A job with parts only has its bundling left to do.
        transaction.on_commit(partial(enqueue_bundle if has_parts else enqueue, job.pk))
        recovered += 1
    return recovered


def print_job_start(job: PrintJob) -> None:
    """The worker took the job: running, one more attempt, progress from zero."""
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


def print_job_advance(job: PrintJob, step: int = 1) -> None:
    """Count work done, and show the job is alive (its heartbeat)."""
    job.progress = min(job.progress + step, job.total)
    PrintJob.objects.filter(pk=job.pk).update(progress=job.progress, heartbeat_at=timezone.now())


def print_job_done(job: PrintJob) -> None:
    """The job's file is saved: done, and a part counts towards its whole."""
    PrintJob.objects.filter(pk=job.pk).update(
        status=PrintJob.JobStatus.DONE,
        file=job.file.name,
        progress=job.total,
        finished_at=timezone.now(),
    )
    if job.parent_id is not None:
        _part_done(job)


def print_job_failed(job: PrintJob, error: Exception, retry: Callable[[int], None]) -> None:
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
    from printing.tasks import enqueue_bundle  # the tasks call these services

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


def print_job_parts_bundled(job: PrintJob) -> None:
    """The zip holds the parts' booklets now: their own files go."""
    for part in job.parts.all():
        if part.file.name:
            part.file.storage.delete(part.file.name)
    PrintJob.objects.filter(parent=job).update(file="")


def print_job_remember_task(job_id: int, task_id: str) -> None:
    """The queued task that runs the job, so recovery can fail it over."""
    PrintJob.objects.filter(pk=job_id).update(task_id=task_id)
