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
