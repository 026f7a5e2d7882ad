"""The public page cache: one rendering for everyone, replaced the moment anything public
changes (publication, withdrawal, a reopening, a new score), no cookies, CDN headers,
and no stampede when a page is missing."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluation.services import report_score
from indicators.models import Assignment, FiscalYear, ReportingPeriod
from indicators.services import period_publish, period_withdraw
from kpi_portal.thaidigits import format_score
from public.cache import cached_render, public_version
from reports.models import Report, Status
from reports.services import report_transition
from tests.personas import HUAI_KHWANG, SEED_YEAR, Personas

pytestmark = pytest.mark.django_db


def sheet_url(assignment: Assignment) -> str:
    return reverse("public_sheet", args=[assignment.pk])


def district_url() -> str:
    return reverse("public_district", args=[HUAI_KHWANG]) + f"?year={SEED_YEAR}&quarter=3"


def q3_period() -> ReportingPeriod:
    return ReportingPeriod.objects.get(fiscal_year__year=SEED_YEAR, quarter=3)


def test_a_cached_page_costs_one_query_and_is_the_same_page(hk_sheet: Assignment) -> None:
    client = Client()
    first = client.get(sheet_url(hk_sheet))
    with CaptureQueriesContext(connection) as captured:
        again = client.get(sheet_url(hk_sheet))
    assert again.content == first.content
    assert len(captured) == 1  # the public version


def test_public_responses_carry_no_cookie_and_say_public(
    personas: Personas, hk_sheet: Assignment
) -> None:
    for client in (Client(), personas.client(personas.evaluator)):
        for url in (reverse("public_home"), district_url(), sheet_url(hk_sheet)):
            response = client.get(url)
            assert response.status_code == 200
            assert response.cookies == {} or all(
                not morsel.value for morsel in response.cookies.values()
            ), (url, response.cookies)
            assert "Set-Cookie" not in str(response.serialize_headers())
            assert response["Cache-Control"].startswith("public, max-age=")
            assert "Cookie" not in response.get("Vary", "")


def test_a_signed_in_evaluator_gets_the_anonymous_page(
    personas: Personas, hk_sheet: Assignment
) -> None:
    office = personas.client(personas.evaluator)
    as_office = office.get(sheet_url(hk_sheet)).content
    caches["public"].clear()
    as_anyone = Client().get(sheet_url(hk_sheet)).content
    assert as_office == as_anyone
    assert "ออกจากระบบ".encode() not in as_office  # no sign-out form: not the portal's page


def test_the_language_is_part_of_the_url_and_of_the_key(hk_sheet: Assignment) -> None:
    client = Client()
    thai = client.get(sheet_url(hk_sheet))
    english = client.get(sheet_url(hk_sheet) + "?lang=en")
    assert thai["Content-Language"] == "th" and english["Content-Language"] == "en"
    assert b'<html lang="th">' in thai.content and b'<html lang="en">' in english.content
    # A language cookie from the portal changes nothing here: the URL decides.
    client.cookies["django_language"] = "en"
    assert client.get(sheet_url(hk_sheet)).content == thai.content


def test_publishing_and_withdrawing_change_the_page_at_once(
    personas: Personas, hk_sheet: Assignment
) -> None:
    client = Client()
    period = q3_period()
    q3 = Report.objects.get(assignment=hk_sheet, quarter=3)
    shown = f"{format_score(q3.score)} / {format_score(q3.full_score)}"  # type: ignore[arg-type]
    page = client.get(district_url()).content.decode()
    assert f"ปีงบประมาณ {SEED_YEAR} ไตรมาสที่ 3" in page and shown in page
    period_withdraw(period=period, actor=personas.evaluator, reason="ตรวจทานใหม่")
    # Q3 is no longer published: the page shows the latest quarter that is.
    page = client.get(district_url()).content.decode()
    assert f"ปีงบประมาณ {SEED_YEAR} ไตรมาสที่ 2" in page
    assert client.get(sheet_url(hk_sheet)).content.decode().count("ยังไม่ประกาศผล") == 2
    period_publish(period=period, actor=personas.evaluator)
    page = client.get(district_url()).content.decode()
    assert f"ปีงบประมาณ {SEED_YEAR} ไตรมาสที่ 3" in page and shown in page


def test_a_quarter_published_from_tomorrow_is_public_tomorrow(
    personas: Personas, hk_sheet: Assignment
) -> None:
    client = Client()
    period = ReportingPeriod.objects.get(fiscal_year__year=SEED_YEAR, quarter=4)
    q4 = Report.objects.get(assignment=hk_sheet, quarter=4)
    assert q4.status == Status.EVALUATED
    period_publish(
        period=period, actor=personas.evaluator, on=timezone.localdate() + dt.timedelta(days=1)
    )
    assert client.get(sheet_url(hk_sheet)).content.decode().count("ยังไม่ประกาศผล") == 1
    version_today = public_version()
    ReportingPeriod.objects.filter(pk=period.pk).update(
        assessment_published_on=timezone.localdate()
    )  # what tomorrow looks like, today
    assert public_version() != version_today
    assert "ยังไม่ประกาศผล" not in client.get(sheet_url(hk_sheet)).content.decode()


def test_reopening_an_evaluated_report_takes_its_score_off_at_once(
    personas: Personas, hk_sheet: Assignment
) -> None:
    client = Client()
    before = client.get(sheet_url(hk_sheet)).content.decode()
    assert before.count("ยังไม่ประกาศผล") == 1
    assert (
        "ยังไม่ประกาศผล"
        not in client.get(district_url()).content.decode().split('class="public-lines"')[1]
    )
    q3 = Report.objects.get(assignment=hk_sheet, quarter=3)
    report_transition(
        report=q3, to_status=Status.REOPENED, actor=personas.evaluator, reason="แก้ไขผลงาน"
    )
    assert client.get(sheet_url(hk_sheet)).content.decode().count("ยังไม่ประกาศผล") == 2
    lines = client.get(district_url()).content.decode().split('class="public-lines"')[1]
    assert "ยังไม่ประกาศผล" in lines


def test_scoring_in_a_published_quarter_shows_the_score_at_once(
    personas: Personas, hk_sheet: Assignment
) -> None:
    client = Client()
    q3 = Report.objects.get(assignment=hk_sheet, quarter=3)
    report_transition(
        report=q3, to_status=Status.REOPENED, actor=personas.evaluator, reason="แก้ไขผลงาน"
    )
    Report.objects.filter(pk=q3.pk).update(status=Status.SUBMITTED)  # handed in again
    assert "87.5 / 100" not in client.get(sheet_url(hk_sheet)).content.decode()
    q3.refresh_from_db()
    report_score(report=q3, actor=personas.evaluator, score=Decimal("87.5"), reason="ทดสอบ")
    assert "87.5 / 100" in client.get(sheet_url(hk_sheet)).content.decode()


def test_a_draft_being_typed_does_not_empty_the_cache(hk_sheet: Assignment) -> None:
    current = FiscalYear.objects.order_by("-year").first()
    assignment = Assignment.objects.filter(indicator__fiscal_year=current).first()
    assert assignment is not None
    version = public_version()
    report = Report.objects.create(assignment=assignment, quarter=1, full_score=100)
    Report.objects.filter(pk=report.pk).update(narrative="กำลังพิมพ์")
    assert public_version() == version


def test_an_admin_edit_of_an_indicator_name_reaches_the_page(hk_sheet: Assignment) -> None:
    client = Client()
    assert "ชื่อใหม่ของตัวชี้วัด" not in client.get(sheet_url(hk_sheet)).content.decode()
    type(hk_sheet.indicator).objects.filter(pk=hk_sheet.indicator_id).update(name="ชื่อใหม่ของตัวชี้วัด")
    assert "ชื่อใหม่ของตัวชี้วัด" in client.get(sheet_url(hk_sheet)).content.decode()


def test_one_request_renders_while_the_others_wait_for_it() -> None:
    renders: list[int] = []
    answers: list[bytes] = []

    def slow_render() -> HttpResponse:
        renders.append(1)
        time.sleep(0.3)
        return HttpResponse(b"rendered once")

    def ask() -> None:
        answers.append(cached_render("public-page:test-stampede", slow_render).content)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert renders == [1]
    assert answers == [b"rendered once"] * 8


def test_a_missing_page_is_not_kept_and_others_do_not_wait_for_it() -> None:
    calls: list[int] = []

    def not_found() -> HttpResponse:
        calls.append(1)
        return HttpResponse(b"no", status=404)

    assert cached_render("public-page:test-404", not_found).status_code == 404
    assert cached_render("public-page:test-404", not_found).status_code == 404
    assert calls == [1, 1]
    assert caches["public"].get("public-page:test-404:lock") is None
