"""The print queue cannot be flooded (issue 17, item 3): the same request while one is
pending gets the pending one, a person has a few jobs pending at most, small jobs
pass the parts of bulk booklets, and finished files expire."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

from districts.models import District
from indicators.models import Assignment, FiscalYear
from printing import services, tasks
from printing.models import PrintJob
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, Personas

ALL = {"kind": "booklet", "year": "2564", "district": "all"}


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
class TestFlood:
    def test_the_same_request_while_pending_is_the_pending_job(
        self, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
    ) -> None:
        office = personas.client(personas.evaluator)
        with django_capture_on_commit_callbacks(execute=True):
            first = office.post(reverse("prints"), ALL)
            assert first.status_code == 302
            again = [office.post(reverse("prints"), ALL) for _ in range(19)]
        parent = PrintJob.objects.get(parent=None)
        assert PrintJob.objects.count() == 1 + District.objects.count()
        # One task, the set's (it queues its sheets and parts when it runs): not 20.
        assert DBTaskResult.objects.count() == 1
        assert {r["Location"] for r in again} == {
            f"{reverse('prints')}?pending={parent.pk}#job-{parent.pk}"
        }
        page = office.get(again[0]["Location"])
        assert "งานเดียวกันนี้สั่งไว้แล้วและยังพิมพ์ไม่เสร็จ จึงไม่ได้สั่งซ้ำ" in visible_text(page)

    def test_a_person_has_a_few_jobs_pending_at_most(
        self, personas: Personas, settings: Settings
    ) -> None:
        settings.PRINT_PENDING_PER_PERSON = 2
        office = personas.client(personas.evaluator)
        for code in ("1001", "1002"):
            post = {"kind": "booklet", "year": "2564", "district": code}
            assert office.post(reverse("prints"), post).status_code == 302
        refused = office.post(reverse("prints"), {**ALL, "district": "1003"})
        assert refused.status_code == 422
        said = (
            "คุณมีงานพิมพ์ที่ยังไม่เสร็จ 2 งาน ซึ่งเท่ากับจำนวนสูงสุดที่สั่งพร้อมกันได้ (2 งาน) "
            "กรุณารอให้งานเสร็จก่อน แล้วจึงสั่งพิมพ์ใหม่"
        )
        html = refused.content.decode()
        assert f'<p class="error" role="alert" id="booklet-error">{said}</p>' in html
        summary = office.post(
            reverse("prints"), {"kind": "summary", "year": "2564", "quarter": "2"}
        )
        assert f'id="summary-error">{said}</p>' in summary.content.decode()
        assert PrintJob.objects.filter(parent=None).count() == 2
        # Somebody else may still print.
        officer = personas.client(personas.officer_hk)
        assert (
            officer.post(reverse("prints"), {"kind": "booklet", "year": "2564"}).status_code == 302
        )

    def test_sheets_and_single_jobs_pass_the_parts_of_bulk_booklets(
        self,
        personas: Personas,
        hk_sheet: Any,
        django_capture_on_commit_callbacks: Callable[..., Any],
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            personas.client(personas.evaluator).post(reverse("prints"), ALL)
            officer = personas.client(personas.officer_hk)
            officer.post(reverse("prints"), {"kind": "booklet", "year": "2564"})
            officer.get(reverse("assignment_sheet_pdf", args=[hk_sheet.pk]))
        the_set = PrintJob.objects.get(parent=None, requested_by=personas.evaluator)
        with django_capture_on_commit_callbacks(execute=True):
            # What the worker does first with the set (taking its task off the queue):
            # queue its sheets, then its parts.
            DBTaskResult.objects.filter(pk=the_set.task_id).delete()
            tasks.print_job_run.call(the_set.pk)
        ready = list(DBTaskResult.objects.ready())  # in the order the worker takes them
        jobs = {job.task_id: job for job in PrintJob.objects.exclude(task_id="")}
        order = [
            None if task.task_path.endswith("print_sheet_ahead") else jobs[str(task.pk)]
            for task in ready
        ]  # None: a sheet queued to be rendered for the set
        first, second = order[0], order[1]
        assert first is not None and first.kind == PrintJob.Kind.SHEET
        assert second is not None and second.kind == PrintJob.Kind.BOOKLET
        assert second.parent_id is None and second.requested_by == personas.officer_hk
        sheets = Assignment.objects.filter(indicator__fiscal_year__year=2564).count()
        assert order[2 : 2 + sheets] == [None] * sheets  # every sheet, none cached
        parts = [job for job in order[2 + sheets :] if job is not None]
        assert len(parts) == len(order) - 2 - sheets == District.objects.count()
        assert all(job.parent_id == the_set.pk for job in parts)


@pytest.mark.django_db
class TestExpiry:
    def _done(self, personas: Personas, days_ago: int) -> PrintJob:
        job = PrintJob.objects.create(
            kind=PrintJob.Kind.BOOKLET,
            fiscal_year=FiscalYear.objects.get(year=2564),
            requested_by=personas.officer_hk,
            status=PrintJob.JobStatus.DONE,
            progress=1,
            finished_at=timezone.now() - dt.timedelta(days=days_ago, minutes=1),
        )
        job.districts.set([District.objects.get(code=HUAI_KHWANG)])
        job.file.save(f"booklet-{job.pk}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return job

    def test_finished_files_are_deleted_after_the_days_kept_and_the_job_says_so(
        self, personas: Personas, settings: Settings
    ) -> None:
        settings.PRINT_FILES_KEEP_DAYS = 7
        old, recent = self._done(personas, 7), self._done(personas, 6)
        old_file = Path(old.file.path)
        assert services.print_files_expire() == 1
        old.refresh_from_db()
        recent.refresh_from_db()
        assert (old.status, old.file.name) == (PrintJob.JobStatus.EXPIRED, "")
        assert old.expired_at is not None and not old_file.exists()
        assert recent.status == PrintJob.JobStatus.DONE and Path(recent.file.path).exists()
        officer = personas.client(personas.officer_hk)
        assert officer.get(reverse("print_job_download", args=[old.pk])).status_code == 404
        page = visible_text(officer.get(reverse("prints")))
        assert "ไฟล์หมดอายุ" in page
        assert "เพราะเก็บไว้ครบ 7 วันหลังพิมพ์เสร็จแล้ว หากต้องการอีก กรุณาสั่งพิมพ์ใหม่" in page
        assert services.print_files_expire() == 0  # nothing twice

    def test_the_worker_runs_the_expiry(self) -> None:
        assert "printing.services.print_files_expire" in dict(django_settings.PERIODIC_JOBS)
