"""One GET cannot stall the site (issue 17, item 2): production's shape — nginx in front
of a real gunicorn with one sync worker (production has two), and a real print
worker — while the largest sheet the forms allow (three narratives of 199,000
characters, one paragraph each) is asked for twice at once and then printed.

Before the fix the sheet was rendered inside the request: over gunicorn's 30 s
timeout, the worker was killed and /healthz/ stopped answering."""

from __future__ import annotations

import io
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from demo.loader import load_demo
from indicators.models import Assignment
from printing.models import PrintJob
from reports.models import Report
from tests.personas import HK_SEED_ASSIGNMENT
from tests.printing.test_sheet_in_worker import longest_narratives
from tests.proxy import Visitor, portal_behind_nginx
from tests.reliability.test_faults import start_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "the-officers-password"


def timed_get(visitor: Visitor, path: str) -> tuple[int, float, str]:
    started = time.monotonic()
    answer = visitor.request("GET", path)
    return answer.status, time.monotonic() - started, answer.headers.get("Content-Type", "")


def test_healthz_answers_while_the_largest_sheet_prints(tmp_path: Path) -> None:
    if not Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists():
        load_demo()
    sheet = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    longest_narratives(sheet)
    lengths = [len(r.narrative) for r in Report.objects.filter(assignment=sheet, quarter__lte=3)]
    assert lengths == [199_000] * 3
    officer = get_user_model().objects.get(username="huaikhwang")
    officer.set_password(PASSWORD)
    officer.save()
    media = tmp_path / "media"
    url = reverse("assignment_sheet_pdf", args=[sheet.pk])
    with (
        tempfile.TemporaryDirectory(prefix="kpi-stall-") as directory,
        portal_behind_nginx(
            Path(directory),
            database_name=connection.settings_dict["NAME"],
            environment={"MEDIA_ROOT": str(media), "PDF_CACHE_DIR": str(tmp_path / "web-cache")},
        ) as portal,
    ):
        visitor = Visitor(portal.tcp)
        assert visitor.sign_in("huaikhwang", PASSWORD).status == 302
        worker = start_worker(media, tmp_path / "worker-cache", command="print_worker")
        try:
            # The attack: two GETs of the sheet at once (it once cost both workers).
            answers: list[tuple[int, float, str]] = []
            threads = [
                threading.Thread(target=lambda: answers.append(timed_get(visitor, url)))
                for _ in range(2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            print("the two sheet GETs:", [(s, f"{t:.1f} s") for s, t, _ in answers])
            # One gunicorn worker answers them in turn: the first waits a second for
            # a quick sheet, the second finds it asked for already and does not.
            assert sorted(s for s, _, _ in answers) == [202, 202]
            assert max(t for _, t, _ in answers) < 2
            assert PrintJob.objects.filter(kind="sheet").count() == 1

            wait_for(lambda: PrintJob.objects.get(kind="sheet").status == "running", 30, "printing")
            slowest = 0.0
            checks = 0
            printing_started = time.monotonic()
            while PrintJob.objects.get(kind="sheet").status == "running":
                status, took, _ = timed_get(Visitor(portal.tcp), "/healthz/")
                assert status == 200, f"/healthz/ answered {status} while the sheet printed"
                slowest, checks = max(slowest, took), checks + 1
                if checks % 10 == 0:  # the preparing page asking again meanwhile
                    status, took, _ = timed_get(visitor, url)
                    # 200 once printed (the job may have finished since the loop looked).
                    assert status in (200, 202) and took < 2, (status, took)
                assert time.monotonic() - printing_started < 300, "the sheet never finished"
                time.sleep(0.5)
            printed_in = time.monotonic() - printing_started
            print(
                f"the sheet printed in {printed_in:.0f} s; /healthz/ answered {checks} times, "
                f"the slowest in {slowest * 1000:.0f} ms"
            )
            assert checks > 5 and slowest < 2

            job = PrintJob.objects.get(kind="sheet")
            assert job.status == PrintJob.JobStatus.DONE, job.error
            answer = visitor.request("GET", url)
            assert answer.status == 200 and answer.headers["Content-Type"] == "application/pdf"
        finally:
            worker.kill()
            worker.wait(timeout=10)
    pages = len(PdfReader(io.BytesIO((media / str(job.file.name)).read_bytes())).pages)
    print(f"{pages} pages")
    assert pages > 150
