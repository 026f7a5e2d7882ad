"""Evidence and letter quotas: past one, the upload is refused beside its field and
nothing is saved (issue 17: 5 × 20 MB into one report took 0.9 s, 200 letters
into another)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django import Settings

from indicators.models import Assignment
from reports.models import EvidenceFile, LetterReference, Report
from tests.personas import Personas

if TYPE_CHECKING:
    from tests.helpers import ClientResponse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILE_ERROR = re.compile(r'<p class="field-error" id="file-error"[^>]*>(.*?)</p>', re.S)


def upload(personas: Personas, assignment: Assignment, size: int = 0) -> ClientResponse:
    return personas.client(personas.officer_pn).post(
        reverse("evidence_upload", args=[assignment.pk, 1]),
        {
            "file": SimpleUploadedFile("หลักฐาน.pdf", PDF + b"0" * size),
            "description": "สำเนาที่พิมพ์ไว้",
        },
        headers={"HX-Request": "true"},
    )


def file_error(response: ClientResponse) -> str:
    found = FILE_ERROR.search(response.content.decode())
    return found[1] if found else ""


@pytest.mark.django_db
class TestEvidenceQuotas:
    def test_files_per_report(
        self, personas: Personas, open_budget: Assignment, settings: Settings
    ) -> None:
        settings.EVIDENCE_MAX_FILES_PER_REPORT = 3
        assert [upload(personas, open_budget).status_code for _ in range(3)] == [200] * 3
        refused = upload(personas, open_budget)
        assert refused.status_code == 422
        assert "มีไฟล์หลักฐานครบ 3 ไฟล์แล้ว" in file_error(refused)
        assert "สำเนาที่พิมพ์ไว้" in refused.content.decode()  # what was typed stays
        assert EvidenceFile.objects.filter(report__assignment=open_budget).count() == 3

    def test_bytes_per_report(
        self, personas: Personas, open_budget: Assignment, settings: Settings
    ) -> None:
        settings.EVIDENCE_MAX_BYTES_PER_REPORT = 3 * 1024 * 1024
        assert upload(personas, open_budget, 2 * 1024 * 1024).status_code == 200
        refused = upload(personas, open_budget, 2 * 1024 * 1024)
        assert refused.status_code == 422
        assert "รวมกันจะเกิน 3 เมกะไบต์" in file_error(refused)
        assert EvidenceFile.objects.filter(report__assignment=open_budget).count() == 1
        stored = list(settings.MEDIA_ROOT.rglob("*.pdf"))
        assert len(stored) == 1  # the refused file's bytes were not kept either

    def test_files_per_district_and_year(
        self, personas: Personas, open_budget: Assignment, settings: Settings
    ) -> None:
        settings.EVIDENCE_MAX_FILES_PER_DISTRICT_YEAR = 2
        assert [upload(personas, open_budget).status_code for _ in range(2)] == [200] * 2
        # Another report of the same district and year: the district's quota is used up.
        steps = Assignment.objects.get(
            district=open_budget.district,
            indicator__code="5.2",
            indicator__fiscal_year=open_budget.indicator.fiscal_year,
        )
        Report.objects.filter(assignment=steps, quarter=1).delete()
        refused = upload(personas, steps)
        assert refused.status_code == 422
        assert "ไฟล์หลักฐานของเขตในปีงบประมาณนี้ถึงขีดจำกัดแล้ว (2 ไฟล์" in file_error(refused)
        assert not EvidenceFile.objects.filter(report__assignment=steps).exists()

    def test_bytes_per_district_and_year(
        self, personas: Personas, open_budget: Assignment, settings: Settings
    ) -> None:
        settings.EVIDENCE_MAX_BYTES_PER_DISTRICT_YEAR = 1024 * 1024
        assert upload(personas, open_budget, 600 * 1024).status_code == 200
        refused = upload(personas, open_budget, 600 * 1024)
        assert refused.status_code == 422
        assert "ไฟล์หลักฐานของเขตในปีงบประมาณนี้ถึงขีดจำกัดแล้ว" in file_error(refused)
        assert EvidenceFile.objects.filter(report__assignment=open_budget).count() == 1

    def test_defaults_are_set(self) -> None:
        from django.conf import settings

        assert settings.EVIDENCE_MAX_FILES_PER_REPORT == 20
        assert settings.EVIDENCE_MAX_BYTES_PER_REPORT == 100 * 1024 * 1024
        assert settings.LETTERS_MAX_PER_REPORT == 50


@pytest.mark.django_db
def test_letters_per_report(
    personas: Personas, open_budget: Assignment, settings: Settings
) -> None:
    settings.LETTERS_MAX_PER_REPORT = 2
    client = personas.client(personas.officer_pn)

    def cite(number: str) -> ClientResponse:
        return client.post(
            reverse("letter_add", args=[open_budget.pk, 1]),
            {"number": number, "dated": "25/12/2563", "title": "ขอส่งรายงาน"},
            headers={"HX-Request": "true"},
        )

    assert [cite(f"กท 4810/{n}").status_code for n in (1, 2)] == [200, 200]
    refused = cite("กท 4810/3")
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "อ้างอิงหนังสือครบ 2 ฉบับแล้ว" in html
    assert "กท 4810/3" in html  # the number typed is still in the form
    assert LetterReference.objects.filter(report__assignment=open_budget).count() == 2
    assert dt.date(2020, 12, 25) in set(
        LetterReference.objects.values_list("dated", flat=True).distinct()
    )
