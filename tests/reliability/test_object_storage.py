"""Files on S3-compatible object storage (STORAGE_BACKEND=s3), against a real S3 API:
moto's server in a process of its own on a free port, spoken to over HTTP by boto3.

The web side (this process, through the real pages) and a print worker (another
process, as on another host) share nothing but the database and the bucket: the
local media folders they are given stay empty.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.loader import load_demo
from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
from printing.models import PrintJob
from reports.models import EvidenceFile, Report
from tests.personas import HK_SEED_ASSIGNMENT, PHRA_NAKHON, SEED_YEAR
from tests.s3 import BUCKET, S3Bucket, objects

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def run_print_worker(environment: dict[str, str], media: Path) -> None:
    """The worker command of docker-compose.yml, as on another host: same database
    and bucket, a media folder of its own."""
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    done = subprocess.run(
        [sys.executable, "manage.py", "print_worker", "--batch", "--interval", "0.2"],
        cwd=ROOT,
        env={
            **os.environ,
            **environment,
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(media),
            "LOG_LEVEL": "WARNING",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture
def demo_committed(transactional_db: None) -> None:
    if not Assignment.objects.filter(code=HK_SEED_ASSIGNMENT).exists():
        load_demo()


@pytest.fixture
def open_budget(demo_committed: None) -> Assignment:
    """Phra Nakhon's FY2564 budget indicator, Q1 emptied, its deadline extended."""
    assignment = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=SEED_YEAR
    )
    Report.objects.filter(assignment=assignment, quarter=1).delete()
    DeadlineExtension.objects.create(
        district=assignment.district,
        period=ReportingPeriod.objects.get(fiscal_year__year=SEED_YEAR, quarter=1),
        deadline=timezone.localdate() + dt.timedelta(days=10),
        reason="ทดสอบ",
        granted_at=timezone.now(),
    )
    return assignment


def test_evidence_uploaded_on_the_report_page_goes_to_the_bucket_and_comes_back(
    s3_bucket: S3Bucket, open_budget: Assignment
) -> None:
    client_s3, media = s3_bucket.client, s3_bucket.media
    officer = signed_in("phranakhon")
    response = officer.post(
        reverse("evidence_upload", args=[open_budget.pk, 1]),
        {
            "file": SimpleUploadedFile("หนังสือเบิกจ่าย.pdf", PDF, content_type="application/pdf"),
            "description": "หลักฐานการเบิกจ่าย",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    evidence = EvidenceFile.objects.get(report__assignment=open_budget, report__quarter=1)
    assert (
        "หนังสือเบิกจ่าย.pdf"
        in officer.get(reverse("report_page", args=[open_budget.pk, 1])).content.decode()
    )

    stored = objects(client_s3)
    assert stored == {f"portal/{evidence.file.name}": PDF}
    assert list(media.rglob("*")) == []

    download = officer.get(reverse("evidence_download", args=[open_budget.pk, 1, evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert "หนังสือเบิกจ่าย.pdf" in download["Content-Disposition"] or (
        "filename*=" in download["Content-Disposition"]
    )

    # Deleting it removes the object once the row is gone.
    deleted = officer.post(
        reverse("evidence_delete", args=[open_budget.pk, 1, evidence.pk]),
        headers={"HX-Request": "true"},
    )
    assert deleted.status_code == 200
    assert objects(client_s3) == {}


def test_an_evidence_object_missing_from_the_bucket_is_a_404(
    s3_bucket: S3Bucket, open_budget: Assignment
) -> None:
    client_s3 = s3_bucket.client
    officer = signed_in("phranakhon")
    officer.post(
        reverse("evidence_upload", args=[open_budget.pk, 1]),
        {"file": SimpleUploadedFile("ก.pdf", PDF, content_type="application/pdf")},
        headers={"HX-Request": "true"},
    )
    evidence = EvidenceFile.objects.get(report__assignment=open_budget, report__quarter=1)
    client_s3.delete_object(Bucket=BUCKET, Key=f"portal/{evidence.file.name}")
    download = officer.get(reverse("evidence_download", args=[open_budget.pk, 1, evidence.pk]))
    assert download.status_code == 404


def test_a_print_job_rendered_by_a_worker_elsewhere_is_downloaded_from_the_bucket(
    s3_bucket: S3Bucket, demo_committed: None, tmp_path: Path
) -> None:
    client_s3, environment, media = s3_bucket.client, s3_bucket.environment, s3_bucket.media
    evaluator = signed_in("evaluator")
    requested = evaluator.post(
        reverse("prints"), {"kind": PrintJob.Kind.SUMMARY, "year": SEED_YEAR, "quarter": 1}
    )
    assert requested.status_code == 302
    job = PrintJob.objects.get()
    assert job.status == PrintJob.JobStatus.QUEUED

    worker_media = tmp_path / "worker-media"
    worker_media.mkdir()
    run_print_worker(environment, worker_media)

    job.refresh_from_db()
    assert job.status == PrintJob.JobStatus.DONE, job.error
    assert list(worker_media.rglob("*")) == [] and list(media.rglob("*")) == []
    stored = objects(client_s3)
    assert list(stored) == [f"portal/{job.file.name}"]

    download = evaluator.get(reverse("print_job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF") and body == stored[f"portal/{job.file.name}"]


def test_a_sheet_pdf_rendered_on_one_host_is_served_from_the_cache_on_another(
    demo_committed: None, tmp_path: Path
) -> None:
    """The PDF cache is a table: a sheet another process rendered (another host,
    with a cache directory of its own) is answered here without rendering again."""
    caches["pdf"].clear()
    assignment = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    elsewhere = subprocess.run(  # noqa: S603 (fixed arguments)
        [
            sys.executable,
            "-c",
            "import django, sys; django.setup(); "
            "from indicators.models import Assignment; from printing.pdf import sheet_pdf; "
            f"sys.stdout.buffer.write(sheet_pdf(Assignment.objects.get(pk={assignment.pk})))",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kpi_portal.settings",
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(tmp_path / "other-host"),
            "PDF_CACHE_DIR": str(tmp_path / "other-host-pdf-cache"),
        },
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout
    assert elsewhere.startswith(b"%PDF")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM printing_pdf_cache")
        assert cursor.fetchone() == (1,)

    response = signed_in("huaikhwang").get(reverse("assignment_sheet_pdf", args=[assignment.pk]))
    assert response.status_code == 200
    # The same bytes, printing time included: this process did not render it.
    assert response.content == elsewhere
