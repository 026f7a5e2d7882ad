"""With STORAGE_BACKEND=s3, in a real browser: an officer attaches evidence on the
report page and downloads it again; the evaluator prints booklets for three
districts, which a worker process (another host: its own, empty media folder)
prints part by part into the bucket and zips from there. The bucket is moto's S3
HTTP API in a process of its own (tests/s3.py); nothing lands on a local disk."""

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
from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.fiscal import current_fiscal_year, quarter_of
from indicators.models import Assignment
from printing.models import PrintJob
from reports import services
from reports.models import EvidenceFile
from tests.personas import HUAI_KHWANG, PHRA_NAKHON
from tests.s3 import PREFIX, S3Bucket

if TYPE_CHECKING:
    from tests.browser.conftest import OpenBrowser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def worker_elsewhere(s3_bucket: S3Bucket, media: Path) -> subprocess.Popen[bytes]:
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=Path(__file__).parents[2],
        env={
            **os.environ,
            **s3_bucket.environment,
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(media),
            "LOG_LEVEL": "WARNING",
        },
    )


def test_evidence_goes_to_the_bucket_and_downloads_back(
    open_browser: OpenBrowser, s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    officer_user = get_user_model().objects.get(username="phranakhon")
    assignment = Assignment.objects.get(
        district__code=PHRA_NAKHON,
        indicator__code="7.4.1",
        indicator__fiscal_year__year=current_fiscal_year(),
    )
    quarter = quarter_of(timezone.localdate())
    services.report_start(assignment=assignment, quarter=quarter, actor=officer_user)
    officer = open_browser()
    officer.log_in("phranakhon")
    officer.goto(f"/assignments/{assignment.pk}/q{quarter}/")

    chosen = tmp_path / "ใบเสร็จค่าวัสดุ.pdf"
    chosen.write_bytes(PDF)
    officer.page.set_input_files("#id_file", str(chosen))
    officer.page.fill("#id_description", "ใบเสร็จไตรมาสนี้")
    officer.page.click("#evidence form[enctype] button[type=submit]")
    link = officer.page.locator("#evidence a", has_text="ใบเสร็จค่าวัสดุ.pdf")
    link.wait_for()

    evidence = EvidenceFile.objects.get(report__assignment=assignment, report__quarter=quarter)
    assert s3_bucket.objects() == {f"{PREFIX}/{evidence.file.name}": PDF}
    assert list(s3_bucket.media.rglob("*")) == []

    with officer.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "ใบเสร็จค่าวัสดุ.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    assert officer.console_errors == []


def test_booklets_printed_elsewhere_are_zipped_from_the_bucket(
    open_browser: OpenBrowser, s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    evaluator = open_browser()
    evaluator.log_in("evaluator")
    evaluator.goto("/prints/")
    evaluator.page.select_option("#booklet-year", "2564")
    evaluator.page.select_option("#booklet-district", [PHRA_NAKHON, HUAI_KHWANG, "1050"])
    evaluator.page.click("form:has(#booklet-district) button[type=submit]")
    evaluator.page.wait_for_selector(".job-queued progress")
    job = PrintJob.objects.get(parent=None)

    worker_media = tmp_path / "worker-media"
    worker_media.mkdir()
    worker = worker_elsewhere(s3_bucket, worker_media)
    evaluator.page.wait_for_selector(f"#job-{job.pk}.job-done a", timeout=90_000)
    assert worker.wait(timeout=60) == 0

    job.refresh_from_db()
    # The parts were bundled from the bucket and removed: only the zip is left.
    assert list(s3_bucket.objects()) == [f"{PREFIX}/{job.file.name}"]
    assert list(worker_media.rglob("*")) == [] and list(s3_bucket.media.rglob("*")) == []
    with evaluator.page.expect_download() as download:
        evaluator.page.click(f"#job-{job.pk} a")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert archive.namelist() == [
        "booklet-2564-1001.pdf",
        "booklet-2564-1017.pdf",
        "booklet-2564-1050.pdf",
    ]
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
    assert evaluator.console_errors == []
