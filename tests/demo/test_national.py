"""`manage.py synth --national`: the country's local administrations by province, at a
tiny scale here; the pages that grow with the number of agencies answer in as many
queries with a province of 3 agencies as with one of 43 (bench/national.py times
them at 7,900)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from urllib.parse import urlencode

import pgtrigger
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from demo.national import PROVINCES
from districts.models import District, Membership, Role, ZoneGroup
from evaluation.models import MatrixVersion
from indicators.models import Assignment, FiscalYear, Indicator, QuarterTarget
from reports.models import Report
from tests.demo.test_synthetic import _clear
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

AGENCIES = 90  # outside Bangkok: one or two per province
INDICATORS = 3


def _load(*more: str) -> str:
    _clear()
    with pgtrigger.ignore():
        District.objects.filter(zone_group__code__startswith="province-").delete()
        ZoneGroup.objects.filter(code__startswith="province-").delete()
    out = StringIO()
    call_command(
        "synth",
        "--national",
        "--agencies",
        str(AGENCIES),
        "--indicators",
        str(INDICATORS),
        "--force",  # DEBUG is off in tests
        *more,
        stdout=out,
    )
    return out.getvalue()


def _office() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="evaluator-1"))
    return client


def test_a_national_load_has_every_province_and_a_whole_year() -> None:
    out = _load()
    assert "synth --national: seed 1 loaded" in out and " s (password" in out
    provinces = ZoneGroup.objects.filter(code__startswith="province-")
    assert provinces.count() == len(PROVINCES) == 76
    assert District.objects.count() == AGENCIES + 50
    assert District.objects.filter(zone_group__in=provinces).count() == AGENCIES
    # Each province's own administration first, its code the province's and five zeros.
    nakhon_ratchasima = District.objects.get(code="3000000")
    assert nakhon_ratchasima.name_th == "องค์การบริหารส่วนจังหวัดนครราชสีมา"
    assert nakhon_ratchasima.zone_group.name_th == "จังหวัดนครราชสีมา"
    assert all(len(code) == 7 for code in provinces.values_list("districts__code", flat=True))
    # One officer per agency, of that agency.
    assert Membership.objects.filter(role=Role.OFFICER).count() == AGENCIES + 50
    # The last complete fiscal year, every quarter reported.
    year = FiscalYear.objects.get()
    assert year.year == 2569  # today is in fiscal year 2570
    assert Indicator.objects.count() == INDICATORS
    assignments = Assignment.objects.count()
    assert assignments == (AGENCIES + 50) * INDICATORS
    assert QuarterTarget.objects.count() == Report.objects.count() == 4 * assignments
    # The weights add up to 100 for everyone; the matrices know there is new data.
    assert Indicator.objects.aggregate(total=Sum("weight"))["total"] == Decimal(100)
    versions = set(MatrixVersion.objects.values_list("fiscal_year_id", "quarter"))
    assert {(year.pk, q) for q in range(5)} | {(0, 0)} <= versions


def test_a_national_load_refuses_a_database_already_loaded() -> None:
    _load()
    with pytest.raises(CommandError, match="database of its own"):
        call_command("synth", "--national", "--force", "--agencies", "80", stdout=StringIO())


def test_the_same_seed_loads_the_same_country() -> None:
    def snapshot() -> list[tuple[object, ...]]:
        return list(
            Report.objects.order_by("assignment__code", "quarter").values_list(
                "assignment__code", "assignment__district__name_th", "status", "result", "score"
            )
        )

    _load()
    first = snapshot()
    _load()
    assert snapshot() == first


def test_the_matrix_opens_on_one_zone_when_agencies_are_too_many(settings: Settings) -> None:
    _load()
    office = _office()
    url = "/office/?" + urlencode({"year": 2569, "quarter": 4})
    settings.MATRIX_MAX_ROWS = 1000
    text = visible_text(office.get(url))
    assert "ทุกกลุ่มเขต" in text and "หน่วยงานมีมากเกินกว่าจะแสดงในตารางเดียว" not in text
    settings.MATRIX_MAX_ROWS = 100
    response = office.get(url)
    text = visible_text(response)
    assert "หน่วยงานมีมากเกินกว่าจะแสดงในตารางเดียว" in text
    assert "ทุกกลุ่มเขต" not in text
    # The first zone group, Bangkok's central districts, and only them.
    assert "ดุสิต" in text and "องค์การบริหารส่วนจังหวัด" not in text
    province = visible_text(office.get(url + "&zone=province-30"))
    assert "องค์การบริหารส่วนจังหวัดนครราชสีมา" in province and "ดุสิต" not in province
    # The rankings too: one zone group at a time, each agency with its rank in the country.
    ranked = visible_text(office.get("/office/rankings/?year=2569&quarter=4&zone=province-30"))
    assert "องค์การบริหารส่วนจังหวัดนครราชสีมา" in ranked and "ดุสิต" not in ranked
    assert "ทุกกลุ่มเขต" not in ranked


def _grow(code: str, more: int) -> None:
    """``more`` agencies in a province, each with every indicator reported in every
    quarter as the load does."""
    group = ZoneGroup.objects.get(code=code)
    made = District.objects.bulk_create(
        District(
            code=f"{code[-2:]}9{n:04d}",
            name_th=f"เทศบาลตำบลทดสอบ{n} {group.name_th}",
            name_en=f"Test {n} Subdistrict Municipality",
            zone_group=group,
        )
        for n in range(more)
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(indicator=i, district=d, annual_target=Decimal(100), code=f"g{d.code}-{i.pk}")
        for i in Indicator.objects.all()
        for d in made
    )
    Report.objects.bulk_create(
        Report(
            assignment=a,
            quarter=q,
            status=status,
            result=Decimal(80),
            full_score=Decimal(100),
            score=Decimal(80) if status == "evaluated" else None,
            submitted_at=dt.datetime(2026, 7, 10, tzinfo=dt.UTC),
        )
        for a in assignments
        for q, status in enumerate(("evaluated", "evaluated", "submitted", "evaluated"), start=1)
    )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200, url
    return len(queries)


def test_pages_by_province_answer_in_as_many_queries_whatever_its_size(
    settings: Settings,
) -> None:
    _load()
    settings.MATRIX_MAX_ROWS = 100
    province = "province-30"
    office = _office()
    agency = District.objects.filter(zone_group__code=province).order_by("code").first()
    assert agency is not None
    officer = Client()
    officer.force_login(get_user_model().objects.get(username=f"officer-{agency.code}"))
    query = urlencode({"year": 2569, "quarter": 4, "zone": province})
    pages = [
        (office, f"/office/?{query}"),
        (office, f"/office/?{query}&sort=zone"),
        (office, "/office/?year=2569&quarter=4"),
        (office, f"/office/rankings/?{query}"),
        (office, "/office/rankings/?year=2569&quarter=4&view=zones"),
        (office, "/office/queue/"),
        (office, "/office/queue/?year=2569&quarter=3"),
        (office, "/search/?" + urlencode({"q": "ดำเนินการ"})),
        (office, "/search/?" + urlencode({"q": "เทศบาลตำบล"})),
        (officer, f"/districts/{agency.code}/?year=2569"),
        (office, f"/exchange/export/matrix.csv?{query}"),
        (office, f"/exchange/export/rankings.xlsx?{query}"),
        (office, "/exchange/export/queue.csv"),
    ]
    before = {url: _count(client, url) for client, url in pages}
    small = District.objects.filter(zone_group__code=province).count()
    _grow(province, 40)
    grown = District.objects.filter(zone_group__code=province).aggregate(n=Count("id"))["n"]
    assert grown == small + 40
    after = {url: _count(client, url) for client, url in pages}
    assert after == before
