"""Every change to a print job goes through here: asking for one, the worker's
progress through it, its end, and recovering the jobs of a worker that died."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.access import sees_every_district, works_for
from indicators.fiscal import QUARTERS
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused
from printing.models import PENDING, SHEET_KINDS, PrintJob

LOGGER = logging.getLogger(__name__)


class PrintRefused(ActionRefused):
    """A print request that cannot be taken; the message says why in Thai."""


#: The order in which the worker takes tasks (django-tasks-db: highest priority
#: first, then the oldest): a sheet someone is waiting for on screen, then the
#: public's sheets, then single jobs (one booklet, a summary, bundling the parts
#: of a finished set, queuing the sheets of a set), the sheets of a set of booklets
#: (every worker renders them), then the set's parts, which join them; last, sheets
#: rendered ahead because their data changed (printing.ahead), when nothing waits.
PRIORITY_SHEET = 30
PRIORITY_PUBLIC_SHEET = 20
PRIORITY_SINGLE = 10
PRIORITY_BOOKLET_SHEET = 5
PRIORITY_PART = 0
PRIORITY_AHEAD = -10

# pg_advisory_xact_lock's first key: a person's print requests, one at a time.
_PERSON_LOCK = 17_017


def request_key(*parts: object) -> str:
    """What identifies a request, short enough for PrintJob.key."""
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()


def _one_request_at_a_time(actor: Any) -> None:
    """Two requests of one person are counted and compared one after the other."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_PERSON_LOCK, actor.pk])


def _refuse_over_limit(actor: Any, *, sheets: bool) -> None:
    limit = settings.PRINT_PENDING_PER_PERSON
    kinds = SHEET_KINDS if sheets else (PrintJob.Kind.BOOKLET, PrintJob.Kind.SUMMARY)
    pending = PrintJob.objects.filter(
        requested_by=actor, parent=None, kind__in=kinds, status__in=PENDING
    ).count()
    if pending >= limit:
        raise PrintRefused(
            _(
                "คุณมีงานพิมพ์ที่ยังไม่เสร็จ %(pending)s งาน ซึ่งเท่ากับจำนวนสูงสุดที่สั่งพร้อมกันได้ "
                "(%(limit)s งาน) กรุณารอให้งานเสร็จก่อน แล้วจึงสั่งพิมพ์ใหม่"
            )
            % {"pending": pending, "limit": limit}
        )


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
    codes = sorted(d.code for d in districts or [])
    key = request_key(kind, fiscal_year.pk, quarter, ",".join(codes), actor.pk)
    _one_request_at_a_time(actor)
    pending = PrintJob.objects.filter(key=key, status__in=PENDING).first()
    if pending is not None:
        pending.reused = True
        return pending
    _refuse_over_limit(actor, sheets=False)
    job = PrintJob.objects.create(
        kind=kind,
        fiscal_year=fiscal_year,
        quarter=quarter,
        requested_by=actor,
        key=key,
        total=max(len(districts or []), 1) if kind == PrintJob.Kind.BOOKLET else 1,
    )
    job.districts.set(districts or [])
    if kind == PrintJob.Kind.BOOKLET and len(districts or []) > 1:
        # One part per district: every worker takes parts, instead of one worker
        # printing fifty booklets in a row. The job's own task first queues the
        # sheets to render, then the parts (printing.tasks._prepare); the last part
        # to finish bundles them.
        for district in sorted(districts or [], key=lambda d: d.code):
            part = PrintJob.objects.create(
                kind=kind, fiscal_year=fiscal_year, requested_by=actor, total=1, parent=job
            )
            part.districts.set([district])
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


@transaction.atomic
def sheet_job_request(
    *,
    actor: Any | None,
    assignment: Any,
    thai_digits: bool,
    cache_key: str,
    language: str = "th",
    public: bool = False,
    again: bool = False,
) -> PrintJob:
    """The job printing a sheet's PDF (``cache_key``: its data's digest, ``pdf.sheet_key``
    or ``pdf.public_sheet_key``): the pending, finished or failed one asked for before,
    by anyone, else a new one (``again``: not the failed one). A person has at most
    PRINT_PENDING_PER_PERSON sheets waiting; the public (``actor`` None) at most
    PRINT_PUBLIC_PENDING together."""
    from printing.tasks import enqueue

    key = request_key(cache_key)
    if actor is not None:
        _one_request_at_a_time(actor)
    asked = (
        PrintJob.objects.filter(key=key)
        .filter(
            Q(status__in=(*PENDING, PrintJob.JobStatus.FAILED))
            | (Q(status=PrintJob.JobStatus.DONE) & ~Q(file=""))
        )
        .order_by("-created_at")
        .first()
    )
    if asked is not None and not (again and asked.status == PrintJob.JobStatus.FAILED):
        asked.reused = True
        return asked
    if actor is not None:
        _refuse_over_limit(actor, sheets=True)
    elif (
        PrintJob.objects.filter(kind=PrintJob.Kind.PUBLIC_SHEET, status__in=PENDING).count()
        >= settings.PRINT_PUBLIC_PENDING
    ):
        raise PrintRefused(_("ขณะนี้มีผู้ขอพิมพ์เอกสารจำนวนมาก กรุณาลองใหม่อีกครั้งในอีกสักครู่"))
    try:
        with transaction.atomic():
            job = PrintJob.objects.create(
                kind=PrintJob.Kind.PUBLIC_SHEET if public else PrintJob.Kind.SHEET,
                fiscal_year_id=assignment.indicator.fiscal_year_id,
                assignment=assignment,
                thai_digits=thai_digits,
                language=language,
                requested_by=actor,
                key=key,
            )
    except IntegrityError:  # someone else asked for the same sheet at the same moment
        asked = PrintJob.objects.get(key=key, status__in=PENDING)
        asked.reused = True
        return asked
    transaction.on_commit(partial(enqueue, job.pk))
    return job


def print_job_wait(job: PrintJob, seconds: float) -> PrintJob:
    """The job once finished, or as it is after ``seconds`` (a request waits briefly
    so that a quick sheet is served at once instead of a "preparing" page)."""
    deadline = time.monotonic() + seconds
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db(fields=["status", "progress", "file", "error", "finished_at"])
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
        # A set whose parts were never queued died preparing: it prepares again.
        preparing = has_parts and not job.parts.exclude(task_id="").exists()
        if (
            has_parts
            and not preparing
            and job.parts.exclude(status=PrintJob.JobStatus.DONE).exists()
        ):
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
        # A job with parts only has its bundling left to do, or its preparing.
        again = enqueue_bundle if has_parts and not preparing else enqueue
        transaction.on_commit(partial(again, job.pk))
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


def print_job_sheets_counted(job: PrintJob, *, rendered: int, reused: int) -> None:
    """Record how many of a booklet's sheets were rendered for it and how many had been
    printed already (for a set of booklets, by the set's own task: the sheets it
    queued to render, and the rest)."""
    PrintJob.objects.filter(pk=job.pk).update(sheets_rendered=rendered, sheets_reused=reused)


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


def print_job_failed(job: PrintJob, error: Exception, retry: Callable[[int], None] | None) -> None:
    """Retry a failed job, or after the last attempt report it (and its parent).

    ``retry`` None: trying again would fail again (a document over its limits); the
    message is the one for the reader.
    """
    LOGGER.exception("print job %s failed (attempt %s)", job.pk, job.attempts)
    message = str(error) if retry is None else f"{type(error).__name__}: {error}"
    if retry is not None and job.attempts < settings.PRINT_JOB_ATTEMPTS:
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


def print_files_expire(*, now: dt.datetime | None = None, keep_days: int | None = None) -> int:
    """Delete the files of jobs finished more than PRINT_FILES_KEEP_DAYS ago; the rows
    stay, marked expired (a periodic job of the worker). Returns how many expired."""
    now = now or timezone.now()
    days = settings.PRINT_FILES_KEEP_DAYS if keep_days is None else keep_days
    old = PrintJob.objects.filter(
        status=PrintJob.JobStatus.DONE, finished_at__lt=now - dt.timedelta(days=days)
    )
    expired = 0
    for job in old.only("pk", "file").iterator():
        # The row first: a file deleted under a row still saying "done" would be a
        # broken download; a crash in between leaves at worst an orphan file.
        if PrintJob.objects.filter(pk=job.pk, status=PrintJob.JobStatus.DONE).update(
            status=PrintJob.JobStatus.EXPIRED, file="", expired_at=now
        ):
            expired += 1
            if job.file.name:
                job.file.storage.delete(job.file.name)
    return expired
