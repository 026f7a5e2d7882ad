"""The printed detail sheet: a real PDF, its text extracted with pypdf."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import Settings

from indicators.models import Assignment
from reports.models import Report
from tests.helpers import printed
from tests.personas import HK_SEED_ASSIGNMENT, HUAI_KHWANG, Personas


@pytest.fixture(autouse=True)
def pdf_cache(settings: Settings, tmp_path: Path) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pdf": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }


def fetch(personas: Personas, assignment: Assignment, query: str = "") -> tuple[bytes, str]:
    response = printed(
        personas.client(
            personas.officer_hk if assignment.district.code == HUAI_KHWANG else personas.officer_pn
        ),
        reverse("assignment_sheet_pdf", args=[assignment.pk]) + query,
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return response.content, text


def flat(text: str) -> str:
    """Extracted text as one line: a line wrap between two Thai letters joins them
    (Thai puts no space between words), any other run of whitespace is one space."""
    joined = re.sub(r"(?<=[\u0e00-\u0e7f])\n(?=[\u0e00-\u0e7f])", "", text)
    return re.sub(r"\s+", " ", joined)


@pytest.mark.django_db
class TestSheetPdf:
    def test_seed_001_text_survives_copying(self, personas: Personas, hk_sheet: Assignment) -> None:
        content, text = fetch(personas, hk_sheet)
        page = flat(text)
        for expected in [
            "5.2 (องค์ประกอบที่ 5) ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูลหรือการให้บริการ",
            HK_SEED_ASSIGNMENT,
            "สำนักงานเขตห้วยขวาง",
            "ตัวชี้วัดเชิงยุทธศาสตร์",
            "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 3: 100",
            "95 / 100",
            "กท 4810/3336 ลงวันที่ 25 มิถุนายน 2564",
            "ด้านที่ ๗ – การบริหารจัดการเมืองมหานคร : Management Strategy",
            "๗.๕.๑.๓ โครงสร้างพื้นฐานด้านเทคโนโลยีสารสนเทศและการสื่อสารมีประสิทธิภาพ",
            "ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง",
        ]:
            assert expected in page, expected
        assert "สานัก" not in page  # SARA AM is not lost
        reader = PdfReader(io.BytesIO(content))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
        pages = len(reader.pages)
        assert f"หน้า 1/{pages}" in flat(reader.pages[0].extract_text())
        assert "พิมพ์เมื่อ" in page

    def test_arabic_digits_on_request(self, personas: Personas, hk_sheet: Assignment) -> None:
        _content, text = fetch(personas, hk_sheet, "?digits=arabic")
        assert "7.5.1.3 โครงสร้างพื้นฐาน" in flat(text)

    def test_budget_amounts_with_separators(
        self, personas: Personas, pn_budget: Assignment
    ) -> None:
        _content, text = fetch(personas, pn_budget)
        assert "126,392,040.00" in text and "13,048,289.81" in text and "76.17" in text

    def test_cached_until_the_data_changes(self, personas: Personas, hk_sheet: Assignment) -> None:
        first, _ = fetch(personas, hk_sheet)
        again, _ = fetch(personas, hk_sheet)
        assert again == first  # served from the cache: the very same bytes
        Report.objects.filter(assignment=hk_sheet, quarter=1).update(
            narrative="ข้อความใหม่ของไตรมาสที่ 1"
        )
        changed, text = fetch(personas, hk_sheet)
        assert changed != first
        assert "ข้อความใหม่ของไตรมาสที่ 1" in flat(text)

    def test_prints_the_scoring_rule(self, personas: Personas) -> None:
        from indicators.fiscal import current_fiscal_year
        from tests.personas import PHRA_NAKHON, PN_BUDGET_INDICATOR

        budget = Assignment.objects.get(
            district__code=PHRA_NAKHON,
            indicator__code=PN_BUDGET_INDICATOR,
            indicator__fiscal_year__year=current_fiscal_year(),
        )
        _content, text = fetch(personas, budget)
        page = flat(text)
        for expected in [
            "เกณฑ์การให้คะแนน",
            "เกณฑ์ 5 ระดับ เทียบบัญญัติไตรยางศ์ระหว่างระดับ",
            "ผลงานถึงเกณฑ์ของระดับใดได้คะแนนของระดับนั้น (ระดับละ 20 คะแนน คะแนนเต็ม 100 คะแนน)",
            "ระดับ เกณฑ์ผลงาน (ร้อยละ) คะแนน (เต็ม 100)",
            "ระดับ 1 80.00 20",
            "ระดับ 3 90.00 60",
            "ระดับ 5 100.00 100",
        ]:
            assert expected in page, expected

    def test_a_new_threshold_is_printed_not_the_cached_sheet(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        from indicators.models import Indicator

        first, _ = fetch(personas, hk_sheet)
        Indicator.objects.filter(pk=hk_sheet.indicator_id).update(
            scoring_rule="five_levels", level_1=10, level_2=20, level_3=30, level_4=40, level_5=50
        )
        changed, text = fetch(personas, hk_sheet)
        assert changed != first
        assert "ระดับ 4 40.00 80" in flat(text)

    def test_other_district_gets_404(self, personas: Personas, hk_sheet: Assignment) -> None:
        response = personas.client(personas.officer_pn).get(
            reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        )
        assert response.status_code == 404


@pytest.mark.django_db
def test_prints_with_the_production_static_manifest(
    settings: Settings, tmp_path: Path, hk_sheet: Assignment
) -> None:
    """Production links hashed static files (collectstatic + manifest); printing must
    still find the stylesheets and the fonts they name."""
    from django.core.management import call_command

    from printing import pdf
    from reports.selectors import assignment_sheet

    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    html = pdf._print_html(
        "print/sheet.html", {"sheet": assignment_sheet(hk_sheet), "thai_digits": True}
    )
    assert re.search(r"css/fonts\.[0-9a-f]{12}\.css", html)  # really the hashed names
    text = flat(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.html_to_pdf(html))).pages)
    )
    assert "สำนักงานเขตห้วยขวาง" in text


@pytest.mark.django_db
class TestSheetFingerprint:
    """The cached PDF's key: a digest of every row the sheet is printed from."""

    @pytest.mark.parametrize(
        "edit",
        [
            "assignment",
            "indicator",
            "scoring rule",
            "threshold",
            "weight",
            "fiscal year",
            "district",
            "zone group",
            "quarter target",
            "reporting period",
            "strategy node",
            "milestone step",
            "milestone sub-item",
            "report",
            "step progress",
            "letter",
            "evidence",
        ],
    )
    def test_any_edit_outside_the_services_changes_it(
        self, hk_sheet: Assignment, edit: str
    ) -> None:
        """Edits made in the admin or in SQL do not bump the report's version: the
        digest must see them anyway, or an old PDF would be printed."""
        from districts.models import District, ZoneGroup
        from indicators.models import (
            FiscalYear,
            Indicator,
            MilestoneStep,
            MilestoneSubItem,
            QuarterTarget,
            ReportingPeriod,
            StrategyNode,
        )
        from reports.models import EvidenceFile, LetterReference, StepProgress
        from reports.selectors import sheet_fingerprint

        indicator = hk_sheet.indicator
        reports = Report.objects.filter(assignment=hk_sheet)
        edits: dict[str, Callable[[], int]] = {
            "assignment": lambda: Assignment.objects.filter(pk=hk_sheet.pk).update(code="X-1"),
            "indicator": lambda: Indicator.objects.filter(pk=indicator.pk).update(unit="ครั้ง"),
            "scoring rule": lambda: Indicator.objects.filter(pk=indicator.pk).update(
                scoring_rule="milestones_due"
            ),
            # Kept while another rule applies, and printed once the five levels do.
            "threshold": lambda: Indicator.objects.filter(pk=indicator.pk).update(level_3=42),
            "weight": lambda: Assignment.objects.filter(pk=hk_sheet.pk).update(weight=30),
            "fiscal year": lambda: FiscalYear.objects.filter(pk=indicator.fiscal_year_id).update(
                is_open=False
            ),
            "district": lambda: District.objects.filter(pk=hk_sheet.district_id).update(
                name_th="ห้วยขวางใหม่"
            ),
            "zone group": lambda: ZoneGroup.objects.filter(districts=hk_sheet.district_id).update(
                name_th="กลุ่มใหม่"
            ),
            "quarter target": lambda: QuarterTarget.objects.filter(
                assignment=hk_sheet, quarter=2
            ).update(target=42),
            "reporting period": lambda: (
                ReportingPeriod.objects.filter(
                    fiscal_year=indicator.fiscal_year_id, quarter=4
                ).update(assessment_published_on=None)
                + ReportingPeriod.objects.filter(
                    fiscal_year=indicator.fiscal_year_id, quarter=3
                ).update(assessment_published_on=None)
            ),
            "strategy node": lambda: StrategyNode.objects.filter(code="7").update(
                title_en="Changed"
            ),
            "milestone step": lambda: MilestoneStep.objects.filter(
                indicator=indicator, number=1
            ).update(title="ขั้นตอนใหม่"),
            "milestone sub-item": lambda: MilestoneSubItem.objects.filter(
                step__indicator=indicator
            ).update(text="รายการย่อยใหม่"),
            "report": lambda: reports.filter(quarter=3).update(score=1),
            "step progress": lambda: StepProgress.objects.filter(report__in=reports).update(
                note="หมายเหตุใหม่"
            ),
            "letter": lambda: LetterReference.objects.filter(report__in=reports).update(
                title="หนังสือใหม่"
            ),
            # The demo has no evidence files: one new row is the edit.
            # A model instance is always truthy, so this is 1.
            "evidence": lambda: cast(
                int,
                EvidenceFile.objects.create(
                    report=reports.get(quarter=1),
                    file="evidence/x.pdf",
                    original_name="ใหม่.pdf",
                    content_type="application/pdf",
                    size=1,
                )
                and 1,
            ),
        }
        before = sheet_fingerprint(hk_sheet.pk)
        assert edits[edit]() >= 1, "the edit must touch a row, or the test proves nothing"
        assert sheet_fingerprint(hk_sheet.pk) != before

    def test_other_assignments_leave_it_alone(
        self, hk_sheet: Assignment, pn_budget: Assignment
    ) -> None:
        from reports.selectors import sheet_fingerprint

        before = sheet_fingerprint(hk_sheet.pk)
        Report.objects.filter(assignment=pn_budget).update(narrative="อีกเขตหนึ่ง")
        Assignment.objects.filter(pk=pn_budget.pk).update(code="PN-9")
        assert sheet_fingerprint(hk_sheet.pk) == before


@pytest.mark.django_db
def test_a_sheet_printed_from_an_english_session_is_the_thai_document(
    personas: Personas, pn_budget: Assignment
) -> None:
    """The print templates are Thai: the rule's sentences, labels and status words are
    Thai too, whatever language the reader chose (and the cached copy is the same)."""
    client = personas.client(personas.officer_pn)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("assignment_sheet", args=[pn_budget.pk]))
    assert "Scoring criteria" in page.content.decode()  # the web page is in English
    response = printed(
        client, reverse("assignment_sheet_pdf", args=[pn_budget.pk]) + "?digits=arabic"
    )
    text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    assert "เกณฑ์การให้คะแนน" in text
    assert "Scoring criteria" not in text and "Score =" not in text
