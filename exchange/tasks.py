"""Large imports' dry run and apply, and large exports, in the background (the print
worker runs them too: django-tasks' database backend, one queue)."""

from __future__ import annotations

import pghistory
from django.tasks import task

from exchange import services
from exchange.models import ExportJob, ImportRun
from kpi_portal.replica import replica_reads


@task()
def import_run_check_task(run_id: int) -> None:
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.CHECKING:
        return
    try:
        services.import_run_check(run)
    except Exception as error:
        services.import_run_crashed(run_id, error)


@task()
def import_run_apply_task(run_id: int, actor_id: int | None) -> None:
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.APPLYING:
        return
    try:
        with pghistory.context(user=actor_id, service="import_run_apply"):
            services.import_run_write(run)
    except Exception as error:
        services.import_run_crashed(run_id, error)


def enqueue_check(run_id: int) -> None:
    import_run_check_task.enqueue(run_id)


def enqueue_apply(run_id: int, actor_id: int | None) -> None:
    import_run_apply_task.enqueue(run_id, actor_id)


@task()
def export_job_task(job_id: int) -> None:
    job = ExportJob.objects.get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return
    try:
        # Ten years of reports: read from the replica when there is one.
        replica_reads(services.export_job_write)(job)
    except Exception as error:
        services.export_job_crashed(job_id, error)


def enqueue_export(job_id: int) -> None:
    export_job_task.enqueue(job_id)
