"""The import page as administrators use it: upload, dry run, apply, the record, the
background run for large files, and who may use it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from districts.models import District, Membership
from exchange.models import ImportRun
from exchange.tasks import import_run_apply_task, import_run_check_task
from indicators.models import Assignment, FiscalYear
from tests.exchange.workbooks import INDICATOR, fill, saved, template
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, Personas

pytestmark = pytest.mark.django_db

ASSIGNMENT = [2599, HUAI_KHWANG, "1.1", "1017-001", "ฝ่ายปกครอง", 80, 20, 40, 60, 80, 100]
USER = ["somsri", "สมศรี", "ใจดี", "somsri@bangkok.go.th", "เจ้าหน้าที่เขต", HUAI_KHWANG,
        "ฝ่ายปกครอง", "นักวิเคราะห์นโยบายและแผน"]  # fmt: skip


@pytest.fixture
def admin(personas: Personas) -> Client:
    FiscalYear.objects.create(year=2599)
    return personas.client(personas.admin)


def workbook() -> bytes:
    book = fill(template(), "ตัวชี้วัด", [INDICATOR])
    fill(book, "การมอบหมาย", [ASSIGNMENT])
    return saved(fill(book, "ผู้ใช้", [USER]))


def post_file(client: Client, data: bytes) -> ImportRun:
    file = io.BytesIO(data)
    file.name = "ตัวชี้วัด 2599.xlsx"
    response = client.post(reverse("import_page"), {"file": file})
    assert response.status_code == 302
    return ImportRun.objects.latest("id")


def test_upload_previews_then_apply_writes_everything(admin: Client, personas: Personas) -> None:
    data = workbook()
    run = post_file(admin, data)
    text = visible_text(admin.get(reverse("import_run", args=[run.pk])))
    assert "ตรวจสอบแล้ว (ยังไม่บันทึก)" in text
    assert "ตัวชี้วัด 1 0 0 ขั้นตอน 0 0 0 การมอบหมาย 1 0 0 ผู้ใช้ 1 0 0" in text
    assert not Assignment.objects.filter(indicator__fiscal_year__year=2599).exists()
    assert (run.file.name or "").startswith("imports/") and run.size == len(data)
    assert run.actor == personas.admin

    response = admin.post(reverse("import_apply", args=[run.pk]), follow=True)
    assert "บันทึกข้อมูลแล้วเมื่อ" in visible_text(response)
    run.refresh_from_db()
    assert (run.status, run.applied_at is not None) == (ImportRun.Status.APPLIED, True)
    assignment = Assignment.objects.get(indicator__fiscal_year__year=2599)
    assert (assignment.code, assignment.division.name) == ("1017-001", "ฝ่ายปกครอง")  # type: ignore[union-attr]
    targets = [t.target for t in assignment.quarter_targets.order_by("quarter")]
    assert targets == [Decimal(20), Decimal(40), Decimal(60), Decimal(80)]
    user = get_user_model().objects.get(username="somsri")
    hk = District.objects.get(code=HUAI_KHWANG)
    assert not user.has_usable_password()
    membership = Membership.objects.select_related("district").get(user=user)
    assert (membership.role, membership.district_id) == ("officer", hk.pk)

    # Applying twice is refused; the list of past imports shows both states.
    assert admin.post(reverse("import_apply", args=[run.pk])).status_code == 422
    page = visible_text(admin.get(reverse("import_page")))
    assert "ตัวชี้วัด 2599.xlsx" in page and "บันทึกแล้ว" in page


def test_a_preview_with_problems_offers_no_apply(admin: Client) -> None:
    row = list(ASSIGNMENT)
    row[1] = "9999"
    book = fill(fill(template(), "ตัวชี้วัด", [INDICATOR]), "การมอบหมาย", [row])
    run = post_file(admin, saved(book))
    text = visible_text(admin.get(reverse("import_run", args=[run.pk])))
    assert "พบปัญหา 1 รายการ" in text
    assert "การมอบหมาย 2 รหัสเขต ไม่พบเขตรหัส 9999" in text
    assert "ยืนยันบันทึกข้อมูล" not in text
    assert admin.post(reverse("import_apply", args=[run.pk])).status_code == 422


def test_the_database_changing_after_the_preview_fails_the_apply(admin: Client) -> None:
    run = post_file(admin, workbook())
    FiscalYear.objects.filter(year=2599).delete()
    admin.post(reverse("import_apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "ไม่มีปีงบประมาณ 2599 ในระบบ" in run.problems[0]["message"]
    assert not get_user_model().objects.filter(username="somsri").exists()


def test_a_large_file_runs_in_the_background_with_progress(
    admin: Client, settings: Settings, django_capture_on_commit_callbacks: object
) -> None:
    settings.IMPORT_INLINE_MAX_ROWS = 2
    run = post_file(admin, workbook())
    assert (run.background, run.status, run.rows) == (True, ImportRun.Status.CHECKING, 3)
    page = admin.get(reverse("import_run", args=[run.pk]), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in page.content and b"<progress" in page.content
    assert b"<html" not in page.content  # only the partial is swapped

    import_run_check_task.call(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and run.problems == []
    admin.post(reverse("import_apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLYING
    assert not Assignment.objects.filter(indicator__fiscal_year__year=2599).exists()
    import_run_apply_task.call(run.pk, run.actor_id)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
    assert Assignment.objects.filter(indicator__fiscal_year__year=2599).count() == 1
    page = admin.get(reverse("import_run", args=[run.pk]), headers={"HX-Request": "true"})
    assert b"hx-trigger" not in page.content


def test_downloads_are_workbooks(admin: Client) -> None:
    for url in (reverse("import_template"), reverse("config_export", args=[2564])):
        response = admin.get(url)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content.startswith(b"PK")
    assert admin.get(reverse("config_export", args=[2400])).status_code == 404


def test_evaluators_may_not_import(personas: Personas) -> None:
    evaluator = personas.client(personas.evaluator)
    assert evaluator.get(reverse("import_page")).status_code == 403
    assert evaluator.get(reverse("import_template")).status_code == 403


def test_the_office_nav_links_the_import_page_for_administrators_only(
    personas: Personas,
) -> None:
    url = reverse("import_page")
    assert url in personas.client(personas.admin).get(reverse("office_home")).content.decode()
    assert (
        url not in personas.client(personas.evaluator).get(reverse("office_home")).content.decode()
    )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_past_imports(admin: Client, personas: Personas) -> None:
    run = post_file(admin, workbook())
    pages = [reverse("import_page"), reverse("import_run", args=[run.pk])]
    before = [count(admin, url) for url in pages]
    ImportRun.objects.bulk_create(
        ImportRun(actor=personas.admin, original_name=f"{n}.xlsx", problems=[{"message": "x"}] * n)
        for n in range(30)
    )
    assert [count(admin, url) for url in pages] == before
