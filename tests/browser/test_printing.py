"""Printing in the background, watched in a real browser (issue: printable PDFs)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from printing.models import PrintJob
from tests.personas import HUAI_KHWANG, PHRA_NAKHON

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def worker_in_background() -> subprocess.Popen[bytes]:
    """`manage.py db_worker` in its own process, as in production, on the test database."""
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=Path(__file__).parents[2],
        env={**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    )


def test_evaluator_watches_booklets_print_and_downloads_them(open_browser: OpenBrowser) -> None:
    evaluator = open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto("/prints/")
    evaluator.page.select_option("#booklet-year", "2564")
    evaluator.page.select_option("#booklet-district", [PHRA_NAKHON, HUAI_KHWANG, "1050"])
    evaluator.page.click("form:has(#booklet-district) button[type=submit]")
    evaluator.page.wait_for_selector(".job-queued progress")
    job = PrintJob.objects.get(parent=None)  # the parts, one per district, are not listed
    assert job.total == 3
    evaluator.screenshot("prints-queued")

    worker = worker_in_background()
    evaluator.page.wait_for_selector(f"#job-{job.pk}.job-done a", timeout=60_000)
    assert worker.wait(timeout=60) == 0
    assert evaluator.page.get_attribute(f"#job-{job.pk} progress", "value") == "3"
    evaluator.screenshot("prints-done")
    with evaluator.page.expect_download() as download:
        evaluator.page.click(f"#job-{job.pk} a")
    data = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [
        "booklet-2564-1001.pdf",
        "booklet-2564-1017.pdf",
        "booklet-2564-1050.pdf",
    ]
    assert evaluator.console_errors == []


def test_the_preparing_page_turns_into_the_sheet_pdf(open_browser: OpenBrowser) -> None:
    """A sheet not printed yet: the page says it is being prepared (Thai first), and
    once the worker has printed it the same tab opens the PDF by itself."""
    from indicators.models import Assignment
    from tests.personas import HK_SEED_ASSIGNMENT

    sheet = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    url = f"/assignments/{sheet.pk}/sheet.pdf"
    officer = open_browser()
    officer.log_in("huaikhwang")
    officer.goto(url)
    officer.page.wait_for_selector("#preparing[hx-trigger]")
    assert "กำลังเตรียม PDF" in officer.text()
    assert "รอคิวพิมพ์" in officer.text()
    officer.assert_accessible("sheet-preparing")
    officer.screenshot("sheet-preparing")
    assert officer.console_errors == []
    # Chromium's PDF viewer asks for /favicon.ico, which the portal does not serve
    # (its pages name favicon.svg): that 404 is the viewer's, not the page's.
    viewer: list[str] = []
    officer.page.on("console", lambda m: viewer.append(m.location["url"]))

    with officer.page.expect_response(
        lambda r: r.url.endswith(url) and r.headers.get("content-type") == "application/pdf",
        timeout=60_000,
    ) as opened:
        worker = worker_in_background()
    assert worker.wait(timeout=60) == 0
    assert opened.value.request.resource_type == "document"  # the tab itself, not htmx
    officer.page.wait_for_url(f"**{url}")  # Chromium's PDF viewer shows it
    officer.screenshot("sheet-pdf-opened")
    again = officer.context.request.get(officer.base_url + url)  # now served at once
    assert again.headers["content-type"] == "application/pdf"
    assert again.body().startswith(b"%PDF")
    job = PrintJob.objects.get(kind=PrintJob.Kind.SHEET)
    assert job.status == PrintJob.JobStatus.DONE
    assert {u.rsplit("/", 1)[-1] for u in viewer} <= {"favicon.ico"}
