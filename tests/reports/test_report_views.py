"""The quarterly report page and its actions, by persona."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from indicators.models import Assignment
from reports import services
from reports.models import EvidenceFile, Report, Status
from tests.helpers import streamed, visible_text
from tests.personas import PHRA_NAKHON, Personas
from tests.reports.conftest import fill_budget_q1

if TYPE_CHECKING:
    from tests.helpers import ClientResponse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def urls(assignment: Assignment, quarter: int = 1) -> dict[str, tuple[str, str]]:
    """Every URL of one quarter's report, with the method that uses it."""
    report = Report.objects.filter(assignment=assignment, quarter=quarter).first()
    evidence = EvidenceFile.objects.filter(report=report).first() if report else None
    args = [assignment.pk, quarter]
    found = {
        "page": ("get", reverse("report_page", args=args)),
        "save": ("post", reverse("report_page", args=args)),
        "submit": ("post", reverse("report_submit", args=args)),
        "ratio_add": ("post", reverse("ratio_add", args=args)),
        "ratio_preview": ("post", reverse("ratio_preview", args=args)),
        "ratio_edit": ("post", reverse("ratio_edit", args=[*args, 1])),
        "ratio_delete": ("post", reverse("ratio_delete", args=[*args, 1])),
        "step_save": ("post", reverse("step_save", args=[*args, 1])),
        "evidence_upload": ("post", reverse("evidence_upload", args=args)),
        "letter_add": ("post", reverse("letter_add", args=args)),
        "letter_delete": ("post", reverse("letter_delete", args=[*args, 1])),
    }
    if evidence is not None:
        found["evidence_download"] = (
            "get",
            reverse("evidence_download", args=[*args, evidence.pk]),
        )
        found["evidence_delete"] = ("post", reverse("evidence_delete", args=[*args, evidence.pk]))
    return found


@pytest.fixture
def with_evidence(open_budget: Assignment, personas: Personas) -> Assignment:
    report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
    services.evidence_add(
        report=report,
        actor=personas.officer_pn,
        upload=SimpleUploadedFile("หลักฐาน.pdf", PDF, content_type="application/pdf"),
    )
    return open_budget


def request(client: Client, method: str, url: str, htmx: bool = False) -> ClientResponse:
    headers = {"HX-Request": "true"} if htmx else {}
    return getattr(client, method)(url, headers=headers)


@pytest.mark.django_db
class TestAccessByPersona:
    @pytest.mark.parametrize("htmx", [False, True])
    def test_officer_of_another_district_gets_404_everywhere(
        self, personas: Personas, with_evidence: Assignment, htmx: bool
    ) -> None:
        client = personas.client(personas.officer_hk)
        before = Report.objects.get(assignment=with_evidence, quarter=1).version
        for name, (method, url) in urls(with_evidence).items():
            assert request(client, method, url, htmx).status_code == 404, name
        assert Report.objects.get(assignment=with_evidence, quarter=1).version == before

    def test_anonymous_is_sent_to_login_and_htmx_gets_401(
        self, personas: Personas, with_evidence: Assignment
    ) -> None:
        client = personas.client(None)
        for name, (method, url) in urls(with_evidence).items():
            response = request(client, method, url)
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login")), name
            assert request(client, method, url, htmx=True).status_code == 401, name

    def test_evaluator_reads_but_cannot_write(
        self, personas: Personas, with_evidence: Assignment
    ) -> None:
        client = personas.client(personas.evaluator)
        before = Report.objects.get(assignment=with_evidence, quarter=1).version
        for name, (method, url) in urls(with_evidence).items():
            expected = 200 if method == "get" else 403
            assert request(client, method, url).status_code == expected, name
        assert Report.objects.get(assignment=with_evidence, quarter=1).version == before
        page = client.get(urls(with_evidence)["page"][1])
        assert "คุณดูรายงานนี้ได้อย่างเดียว" in visible_text(page)
        assert 'id="main-form"' not in page.content.decode()

    def test_download_is_an_attachment_with_nosniff(
        self, personas: Personas, with_evidence: Assignment
    ) -> None:
        response = personas.client(personas.officer_pn).get(
            urls(with_evidence)["evidence_download"][1]
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert streamed(response) == PDF


@pytest.mark.django_db
class TestReportingFlow:
    def post(
        self, personas: Personas, url: str, data: Mapping[str, object], htmx: bool = True
    ) -> ClientResponse:
        headers = {"HX-Request": "true"} if htmx else {}
        return personas.client(personas.officer_pn).post(url, data, headers=headers)

    def test_ratio_update_with_thai_digits_sets_the_result(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        response = self.post(
            personas,
            reverse("ratio_add", args=[open_budget.pk, 1]),
            {
                "as_of": "๓๐/๑๒/๒๕๖๓",
                "denominator": "๑๒๖,๓๙๒,๐๔๐",
                "numerator": "13,048,289.81",
                "note": "หลังปรับโอน",
            },
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith('<section id="ratio"')  # only the fragment
        assert 'id="status-bar"' in html and 'hx-swap-oob="true"' in html
        report = Report.objects.get(assignment=open_budget, quarter=1)
        assert report.result == Decimal("10.32")
        assert report.ratio_updates.get().as_of == dt.date(2020, 12, 30)

    def test_preview_is_computed_by_the_server(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        response = self.post(
            personas,
            reverse("ratio_preview", args=[open_budget.pk, 1]),
            {
                "denominator": "124,903,691",
                "numerator": "95,136,211.13",
            },
        )
        assert response.content.decode() == "76.17"
        assert not Report.objects.filter(assignment=open_budget, quarter=1).exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("denominator", "0", "ตัวหารต้องมากกว่าศูนย์"),
            ("numerator", "-5", "ตัวเลขต้องไม่ติดลบ"),
            ("numerator", "NaN", "เช่น 1,234,567.89"),
            ("numerator", "1e308", "เช่น 1,234,567.89"),
            ("as_of", "29/02/2566", "กุมภาพันธ์"),
            ("as_of", "01/10/2564", "ระหว่าง 1 ตุลาคม 2563 ถึง 31 ธันวาคม 2563"),
            ("as_of", "15/03/2564", "วันที่ของข้อมูลต้องอยู่ในไตรมาสที่ 1 และไม่เกินวันนี้"),
            ("as_of", "30/09/2563", "ระหว่าง 1 ตุลาคม 2563 ถึง 31 ธันวาคม 2563"),
            ("numerator", "100000000000", "เกินกว่าที่ระบบเก็บได้"),
        ],
    )
    def test_bad_input_changes_nothing_and_says_why_in_thai(
        self, personas: Personas, open_budget: Assignment, field: str, value: str, message: str
    ) -> None:
        data = {"as_of": "30/12/2563", "denominator": "1", "numerator": "1", field: value}
        response = self.post(personas, reverse("ratio_add", args=[open_budget.pk, 1]), data)
        assert response.status_code == 422
        assert message in visible_text(response)
        assert value in response.content.decode()
        report = Report.objects.filter(assignment=open_budget, quarter=1).first()
        assert report is None or not report.ratio_updates.exists()

    def test_value_typed_into_a_ratio_indicator_is_ignored(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        self.post(
            personas,
            reverse("report_page", args=[open_budget.pk, 1]),
            {
                "narrative": "รายงาน",
                "result": "99",
                "version": "1",
            },
        )
        report = Report.objects.get(assignment=open_budget, quarter=1)
        assert report.narrative == "รายงาน"
        assert report.result is None

    def test_fifty_thousand_character_narrative_is_kept_whole(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        narrative = ("สำนักงานเขตพระนครได้ดำเนินการตามแผน " * 1600)[:50_000]
        response = self.post(
            personas,
            reverse("report_page", args=[open_budget.pk, 1]),
            {
                "narrative": narrative,
                "version": "1",
            },
            htmx=False,
        )
        assert response.status_code == 302
        assert Report.objects.get(assignment=open_budget, quarter=1).narrative == narrative

    def test_stale_version_is_refused_and_shows_the_other_text(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        url = reverse("report_page", args=[open_budget.pk, 1])
        self.post(personas, url, {"narrative": "ฉบับแรก", "version": "1"})
        response = self.post(personas, url, {"narrative": "ฉบับของฉัน", "version": "1"})
        assert response.status_code == 422
        text = visible_text(response)
        assert "มีผู้อื่นบันทึกรายงานนี้ระหว่างที่คุณแก้ไข" in text and "ฉบับแรก" in text
        assert "ฉบับของฉัน" in response.content.decode()
        assert Report.objects.get(assignment=open_budget, quarter=1).narrative == "ฉบับแรก"

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("โปรแกรม.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "เนื้อไฟล์ไม่ตรงกับนามสกุล"),
            ("ภาพ.svg", b"<svg><script>alert(1)</script></svg>", "รับเฉพาะไฟล์"),
            ("ว่าง.pdf", b"", "ไฟล์ว่างเปล่า"),
        ],
    )
    def test_lying_files_are_refused(
        self,
        personas: Personas,
        open_budget: Assignment,
        name: str,
        content: bytes,
        message: str,
    ) -> None:
        response = self.post(
            personas,
            reverse("evidence_upload", args=[open_budget.pk, 1]),
            {
                "file": SimpleUploadedFile(name, content),
                "description": "คำอธิบายที่พิมพ์ไว้",
            },
        )
        assert response.status_code == 422
        assert message in visible_text(response)
        assert "คำอธิบายที่พิมพ์ไว้" in response.content.decode()
        assert not EvidenceFile.objects.exists()

    def test_oversized_file_is_refused(
        self, personas: Personas, open_budget: Assignment, settings: Settings
    ) -> None:
        settings.EVIDENCE_MAX_BYTES = 1024
        response = self.post(
            personas,
            reverse("evidence_upload", args=[open_budget.pk, 1]),
            {
                "file": SimpleUploadedFile("ใหญ่.pdf", PDF + b"0" * 2048),
            },
        )
        assert "ไฟล์ใหญ่เกิน" in visible_text(response)
        assert not EvidenceFile.objects.exists()

    def test_submit_saves_the_typed_narrative_and_makes_the_report_read_only(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
        fill_budget_q1(report, personas.officer_pn, narrative="ร่างแรก")
        # The narrative was changed on the page but not saved: it goes with the submission.
        response = self.post(
            personas,
            reverse("report_submit", args=[open_budget.pk, 1]),
            {"narrative": "พร้อมส่ง", "version": str(report.version), "self_score": "80"},
            htmx=False,
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("report_page", args=[open_budget.pk, 1])
        report = Report.objects.get(assignment=open_budget, quarter=1)
        assert (report.status, report.submitted_by) == (Status.SUBMITTED, personas.officer_pn)
        assert report.narrative == "พร้อมส่ง"
        again = self.post(
            personas,
            reverse("report_page", args=[open_budget.pk, 1]),
            {"narrative": "แก้หลังส่ง", "version": str(report.version)},
        )
        assert again.status_code == 422
        assert "แก้ไขไม่ได้" in visible_text(again)
        assert Report.objects.get(pk=report.pk).narrative == "พร้อมส่ง"

    def test_an_empty_report_is_refused_saying_what_is_missing(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        response = self.post(
            personas,
            reverse("report_submit", args=[open_budget.pk, 1]),
            {"narrative": "", "version": "1"},
            htmx=False,
        )
        assert response.status_code == 422
        text = visible_text(response)
        assert "ยังส่งรายงานไม่ได้ มี 2 เรื่องที่ต้องแก้ไขหรือชี้แจงก่อน" in text
        assert "ยังไม่มีข้อมูลความก้าวหน้า (ตัวตั้ง/ตัวหาร) ของไตรมาสนี้" in text
        assert "ยังไม่ได้เขียนรายงานผลการดำเนินงานของไตรมาสนี้" in text
        assert Report.objects.get(assignment=open_budget, quarter=1).status == Status.DRAFT

    def test_a_refused_submission_keeps_the_narrative_typed(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        response = self.post(
            personas,
            reverse("report_submit", args=[open_budget.pk, 1]),
            {"narrative": "ข้อความที่พิมพ์ไว้ก่อนกดส่ง", "version": "1"},
            htmx=False,
        )
        assert response.status_code == 422
        report = Report.objects.get(assignment=open_budget, quarter=1)
        assert (report.status, report.narrative) == (Status.DRAFT, "ข้อความที่พิมพ์ไว้ก่อนกดส่ง")
        assert "ข้อความที่พิมพ์ไว้ก่อนกดส่ง" in response.content.decode()
        assert "ยังไม่ได้เขียนรายงานผลการดำเนินงาน" not in visible_text(response)


@pytest.mark.django_db
class TestDeadlines:
    def test_closed_after_deadline_says_why_and_who_can_reopen(
        self, personas: Personas, demo: None
    ) -> None:
        assignment = Assignment.objects.get(
            district__code=PHRA_NAKHON, indicator__code="7.4.1", indicator__fiscal_year__year=2564
        )
        Report.objects.filter(assignment=assignment, quarter=2).update(status=Status.DRAFT)
        client = personas.client(personas.officer_pn)
        page = client.get(reverse("report_page", args=[assignment.pk, 2]))
        text = visible_text(page)
        assert "เลยกำหนดส่งรายงานไตรมาสนี้แล้ว (15 เมษายน 2564)" in text
        assert "สำนักยุทธศาสตร์และประเมินผล (สยป.) เพื่อขอขยายกำหนดส่ง" in text
        assert 'id="main-form"' not in page.content.decode()
        refused = client.post(
            reverse("ratio_add", args=[assignment.pk, 2]),
            {
                "as_of": "31/03/2564",
                "denominator": "100",
                "numerator": "1",
            },
        )
        assert refused.status_code == 422
        assert "เลยกำหนดส่ง" in visible_text(refused)

    def test_extension_reopens_the_form_until_the_new_date(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        page = personas.client(personas.officer_pn).get(
            reverse("report_page", args=[open_budget.pk, 1])
        )
        assert 'id="main-form"' in page.content.decode()
        assert "ขยายเวลาแล้ว" in visible_text(page)


@pytest.mark.django_db
def test_earlier_quarters_updates_are_listed_like_seed_000(
    personas: Personas, pn_budget: Assignment
) -> None:
    text = visible_text(
        personas.client(personas.officer_pn).get(reverse("report_page", args=[pn_budget.pk, 4]))
    )
    assert "ข้อมูลไตรมาสก่อนหน้า" in text
    assert (
        "ไตรมาสที่ 1: ณ วันที่ 30 ธันวาคม 2563 งบประมาณที่ได้รับ (บาท) 126,392,040.00 "
        "ผลการเบิกจ่ายงบประมาณ (บาท) 13,048,289.81 คิดเป็นร้อยละ 10.32"
    ) in text
    assert "คิดเป็นร้อยละ 46.81" in text


@pytest.mark.django_db
def test_returned_report_shows_the_comment_and_is_editable_again(
    personas: Personas, open_budget: Assignment
) -> None:
    report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
    fill_budget_q1(report, personas.officer_pn)
    services.report_transition(report=report, to_status=Status.SUBMITTED, actor=personas.officer_pn)
    services.report_transition(
        report=report,
        to_status=Status.RETURNED,
        actor=personas.evaluator,
        reason="กรุณาแนบหนังสือยืนยันยอด",
    )
    client = personas.client(personas.officer_pn)
    page = client.get(reverse("report_page", args=[open_budget.pk, 1]))
    text = visible_text(page)
    assert "สยป. ส่งกลับให้แก้ไข: กรุณาแนบหนังสือยืนยันยอด" in text
    assert 'id="main-form"' in page.content.decode()
    report.refresh_from_db()
    saved = client.post(
        reverse("report_page", args=[open_budget.pk, 1]),
        {"narrative": "แนบหนังสือแล้ว", "version": str(report.version)},
    )
    assert saved.status_code == 302
    assert Report.objects.get(pk=report.pk).narrative == "แนบหนังสือแล้ว"


@pytest.mark.django_db
def test_district_head_may_submit(personas: Personas, open_budget: Assignment) -> None:
    personas.head_hk.membership.district = open_budget.district
    personas.head_hk.membership.save()
    report = services.report_start(assignment=open_budget, quarter=1, actor=personas.head_hk)
    fill_budget_q1(report, personas.head_hk)
    response = personas.client(personas.head_hk).post(
        reverse("report_submit", args=[open_budget.pk, 1]),
        {"narrative": report.narrative, "version": str(report.version), "self_score": "80"},
    )
    assert response.status_code == 302
    report = Report.objects.get(assignment=open_budget, quarter=1)
    assert (report.status, report.submitted_by) == (Status.SUBMITTED, personas.head_hk)


@pytest.mark.django_db
def test_report_page_links_to_its_history(personas: Personas, pn_budget: Assignment) -> None:
    page = personas.client(personas.officer_pn).get(reverse("report_page", args=[pn_budget.pk, 1]))
    assert reverse("report_history", args=[pn_budget.pk, 1]) in page.content.decode()
