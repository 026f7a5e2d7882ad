"""Fixtures for the hostile-input tests: editable reports with something in every table."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django import Settings

from indicators.models import Assignment, DeadlineExtension, ReportingPeriod
from reports import services
from reports.models import Report, Status
from tests.personas import PHRA_NAKHON, Personas

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class OpenQuarter:
    """Phra Nakhon's FY2564 Q1, emptied, re-filled with one row of everything, still open."""

    ratio: Assignment  # 7.4.1 budget disbursement (ratio)
    steps: Assignment  # 5.2 data governance (milestones)
    ratio_report: Report
    steps_report: Report
    update_id: int
    step_id: int
    media: Path


@pytest.fixture
def pn_open(demo: None, personas: Personas, settings: Settings, tmp_path: Path) -> OpenQuarter:
    settings.MEDIA_ROOT = tmp_path
    officer = personas.officer_pn
    ratio = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
    )
    steps = Assignment.objects.get(
        district__code=PHRA_NAKHON, indicator__code="5.2", indicator__fiscal_year__year=2564
    )
    Report.objects.filter(assignment__in=[ratio, steps], quarter=1).delete()
    DeadlineExtension.objects.update_or_create(
        district=ratio.district,
        period=ReportingPeriod.objects.get(fiscal_year__year=2564, quarter=1),
        defaults={
            "deadline": timezone.localdate() + dt.timedelta(days=10),
            "reason": "ทดสอบ",
            "granted_at": timezone.now(),
        },
    )
    ratio_report = services.report_start(assignment=ratio, quarter=1, actor=officer)
    update = services.ratio_update_add(
        report=ratio_report,
        actor=officer,
        as_of=dt.date(2020, 12, 30),
        numerator=Decimal("13048289.81"),
        denominator=Decimal("126392040"),
    )
    services.letter_add(
        report=ratio_report,
        actor=officer,
        number="กท 4810/3336",
        dated=dt.date(2021, 6, 25),
        title="ขอส่งรายงาน",
    )
    services.evidence_add(
        report=ratio_report,
        actor=officer,
        upload=SimpleUploadedFile("หลักฐาน.pdf", PDF, content_type="application/pdf"),
    )
    steps_report = services.report_start(assignment=steps, quarter=1, actor=officer)
    step = steps.indicator.steps.order_by("number").first()
    assert step is not None
    services.step_mark_done(
        report=steps_report, actor=officer, step=step, done_on=dt.date(2020, 11, 2), note="เสร็จ"
    )
    ratio_report.refresh_from_db()
    steps_report.refresh_from_db()
    return OpenQuarter(ratio, steps, ratio_report, steps_report, update.pk, step.pk, tmp_path)


@pytest.fixture
def hk_submitted(hk_sheet: Assignment) -> Report:
    """Huai Khwang's Q2 report of seed 001, put back to submitted so it can be scored."""
    Report.objects.filter(assignment=hk_sheet, quarter=2).update(
        status=Status.SUBMITTED, score=None, evaluated_at=None, evaluated_by=None
    )
    return Report.objects.get(assignment=hk_sheet, quarter=2)


@pytest.fixture
def hk_evaluated(hk_sheet: Assignment) -> Report:
    report = Report.objects.get(assignment=hk_sheet, quarter=1)
    assert report.status == Status.EVALUATED
    return report


@pytest.fixture(scope="session")
def zip_bomb() -> bytes:
    """A .docx-looking zip whose one member claims 210 MB of zeros (about 200 kB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(210):
                member.write(chunk)
    return buffer.getvalue()


ODF_TEXT = b"application/vnd.oasis.opendocument.text"


@pytest.fixture(scope="session")
def odt_bomb() -> bytes:
    """An .odt whose ``mimetype`` member unpacks to about 190 MB (the right type, then
    spaces) while the file is about 200 kB: its declared sizes stay under every limit
    on declared sizes, so only reading the member decides."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w") as member:
            member.write(ODF_TEXT)
            chunk = b" " * (1024 * 1024)
            for _ in range(190):
                member.write(chunk)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()
