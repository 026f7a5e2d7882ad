"""Every change to an import run (the upload and its dry run, applying it) and to a
background export."""

from __future__ import annotations

import logging
import tempfile
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.imports import FileRefused, Plan, Problem, apply_plan, count_rows, plan_import
from exchange.models import ExportJob, ImportRun
from indicators.models import FiscalYear
from kpi_portal.audit import audited
from kpi_portal.errors import ActionRefused

LOGGER = logging.getLogger(__name__)


class ImportRefused(ActionRefused):
    """An apply that cannot go ahead; the message says why, in Thai."""


class _PlanHasProblems(Exception):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan


def _file_problem(message: str) -> list[dict[str, Any]]:
    return [Problem("", None, "", message).as_dict()]


def import_run_refuse(*, actor: Any, name: str, size: int, message: str) -> ImportRun:
    """Record an upload refused before it was read (too large), keeping no file."""
    return ImportRun.objects.create(
        actor=actor,
        original_name=name[:255],
        size=size,
        status=ImportRun.Status.FAILED,
        problems=_file_problem(message),
    )


def import_run_upload(*, actor: Any, name: str, data: bytes) -> ImportRun:
    """Keep the file and check it: inline when small, in the background when large."""
    run = ImportRun(actor=actor, original_name=name[:255], size=len(data))
    # Stored under a plain name (storage makes it unique); the upload's name is kept as typed.
    suffix = PurePath(name).suffix.lower()[:10] or ".xlsx"
    run.file.save(f"import{suffix}", ContentFile(data), save=False)
    run.rows = count_rows(data)
    run.background = run.rows > settings.IMPORT_INLINE_MAX_ROWS
    run.save()
    if run.background:
        from exchange.tasks import enqueue_check

        transaction.on_commit(partial(enqueue_check, run.pk))
        return run
    import_run_check(run)
    return run


def _read(run: ImportRun) -> bytes:
    with run.file.open("rb") as handle:
        return bytes(handle.read())


def _ticker(run: ImportRun) -> Any:
    def tick(done: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=done)

    return tick


def import_run_check(run: ImportRun) -> ImportRun:
    """The dry run: counts and problems on the run; nothing else is written."""
    try:
        plan = plan_import(_read(run), _ticker(run) if run.background else None)
    except FileRefused as refused:
        run.status = ImportRun.Status.FAILED
        run.problems = _file_problem(str(refused))
    else:
        run.status = ImportRun.Status.PREVIEWED
        run.counts = plan.counts_json()
        run.problems = [p.as_dict() for p in plan.problems]
        run.rows = plan.rows
    run.progress = run.rows
    run.save(update_fields=["status", "counts", "problems", "rows", "progress"])
    return run


@audited
def import_run_apply(*, actor: Any, run: ImportRun) -> ImportRun:
    """Apply a previewed run without problems: inline, or queued when it is large."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not locked.may_apply:
            raise ImportRefused(_("บันทึกไม่ได้: การนำเข้านี้บันทึกแล้ว หรือยังมีปัญหา แก้ไฟล์แล้วอัปโหลดใหม่"))
        if locked.background:
            locked.status = ImportRun.Status.APPLYING
            locked.progress = 0
            locked.save(update_fields=["status", "progress"])
            from exchange.tasks import enqueue_apply

            transaction.on_commit(partial(enqueue_apply, locked.pk, getattr(actor, "pk", None)))
            return locked
    return import_run_write(locked)


def import_run_write(run: ImportRun) -> ImportRun:
    """Check the file again and write it, all or nothing, in one transaction.

    The database may have changed since the dry run, so the plan is made again
    inside the transaction; any problem now fails the run and writes nothing.
    """
    try:
        with transaction.atomic():
            plan = plan_import(_read(run))
            if plan.problems:
                raise _PlanHasProblems(plan)
            apply_plan(plan)
    except _PlanHasProblems as failed:
        run.status = ImportRun.Status.FAILED
        run.problems = [p.as_dict() for p in failed.plan.problems]
    except FileRefused as refused:
        run.status = ImportRun.Status.FAILED
        run.problems = _file_problem(str(refused))
    else:
        run.status = ImportRun.Status.APPLIED
        run.counts = plan.counts_json()
        run.applied_at = timezone.now()
    run.progress = run.rows
    run.save(update_fields=["status", "counts", "problems", "applied_at", "progress"])
    return run


def import_run_crashed(run_id: int, error: Exception) -> None:
    """A background step raised: the run fails with the error, for the office to see."""
    LOGGER.exception("import run %s failed", run_id)
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.FAILED,
        problems=_file_problem(
            _("ระบบทำงานไม่สำเร็จ กรุณาแจ้งผู้ดูแลระบบ: %(error)s") % {"error": type(error).__name__}
        ),
    )


# ---------------------------------------------------------------------------
# Exports written in the background

#: Rows of an Excel export written while the browser waits; more go to a background
#: task. Excel is written at about 3,600 report rows a second (bench/exports.py:
#: 185,000 rows in 51 s), so this is about ten seconds; CSV (19,000 rows a
#: second) is always streamed.
XLSX_INLINE_MAX_ROWS = 40_000
#: How often (rows) a background export records its progress.
EXPORT_TICK_ROWS = 5_000


def export_job_request(*, actor: Any, years: list[int], rows: int) -> ExportJob:
    """Queue the Excel export of every report of ``years`` (``rows`` of them)."""
    job = ExportJob.objects.create(requested_by=actor, years=years, fmt="xlsx", rows=rows)
    from exchange.tasks import enqueue_export

    transaction.on_commit(partial(enqueue_export, job.pk))
    return job


def export_job_write(job: ExportJob) -> ExportJob:
    """Write the job's workbook to a temporary file, then to storage; progress as it goes."""
    from exchange.exports import tables
    from exchange.exports.writers import write_xlsx

    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)

    def tick(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=done)

    years = list(FiscalYear.objects.filter(year__in=job.years).order_by("-year"))
    export = tables.all_reports(years, tick=tick, every=EXPORT_TICK_ROWS)
    with tempfile.TemporaryFile() as target:
        write_xlsx(export, target)
        target.seek(0)
        job.file.save(f"{export.name}.xlsx", File(target), save=False)
    job.status = ExportJob.Status.DONE
    job.progress = job.rows
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])
    return job


def export_job_crashed(job_id: int, error: BaseException) -> None:
    LOGGER.exception("export job %s failed", job_id, exc_info=error)
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_("สร้างไฟล์ไม่สำเร็จ กรุณาลองใหม่หรือแจ้งผู้ดูแลระบบ"),
    )
