"""The rollover page as administrators use it: choose, preview, confirm, the result;
refusals beside what caused them; who may use it; queries that do not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from districts.models import District
from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, FiscalYear, Indicator, QuarterTarget
from tests.helpers import visible_text
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def preview_url(year: int) -> str:
    return reverse("rollover_page") + f"?year={year}"


def test_preview_names_the_counts_and_writes_nothing(personas: Personas) -> None:
    year = current_fiscal_year()
    before = (FiscalYear.objects.count(), Indicator.objects.count())
    response = personas.client(personas.admin).get(preview_url(year))
    assert response.status_code == 200
    text = visible_text(response)
    assert f"จะสร้างปีงบประมาณ {year + 1}: ตัวชี้วัด 2 ตัว การมอบหมาย 100 รายการ" in text
    assert (FiscalYear.objects.count(), Indicator.objects.count()) == before


def test_confirm_creates_the_year_and_the_result_links_export_and_import(
    personas: Personas,
) -> None:
    year = current_fiscal_year()
    client = personas.client(personas.admin)
    response = client.post(reverse("rollover_apply"), {"year": year})
    assert response.status_code == 302
    assert response["Location"] == reverse("rollover_done", args=[year + 1])
    assert Assignment.objects.filter(indicator__fiscal_year__year=year + 1).count() == 100
    page = client.get(response["Location"])
    html = page.content.decode()
    assert reverse("config_export", args=[year + 1]) in html
    assert reverse("import_page") in html
    assert "แก้ไขต่อด้วยการนำเข้าไฟล์ Excel" in visible_text(page)


def test_a_second_confirm_is_refused_beside_the_preview(personas: Personas) -> None:
    year = current_fiscal_year()
    client = personas.client(personas.admin)
    client.post(reverse("rollover_apply"), {"year": year})
    count = Indicator.objects.count()
    response = client.post(reverse("rollover_apply"), {"year": year})
    assert response.status_code == 422
    assert "มีตัวชี้วัดหรือการมอบหมายอยู่แล้ว" in visible_text(response)
    assert Indicator.objects.count() == count


@pytest.mark.parametrize("value", ["", "abc", "2400"])
def test_an_unknown_source_year_is_refused_beside_the_select(
    personas: Personas, value: str
) -> None:
    response = personas.client(personas.admin).get(reverse("rollover_page") + f"?year={value}")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()
    assert "เลือกปีงบประมาณต้นแบบจากรายการ" in visible_text(response)


def test_evaluators_and_district_staff_get_403_anonymous_signs_in(personas: Personas) -> None:
    year = current_fiscal_year()
    for user in (personas.evaluator, personas.officer_hk, personas.head_hk):
        client = personas.client(user)
        assert client.get(preview_url(year)).status_code == 403
        assert client.post(reverse("rollover_apply"), {"year": year}).status_code == 403
    response = personas.client(None).get(preview_url(year))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not FiscalYear.objects.filter(year=year + 1).exists()


def test_the_nav_and_the_import_page_link_the_rollover(personas: Personas) -> None:
    url = reverse("rollover_page")
    admin = personas.client(personas.admin)
    assert url in admin.get(reverse("import_page")).content.decode()
    assert url in admin.get(reverse("office_home")).content.decode()
    evaluator = personas.client(personas.evaluator)
    assert url not in evaluator.get(reverse("office_home")).content.decode()


def test_preview_queries_do_not_grow_with_assignments(
    personas: Personas, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    year = current_fiscal_year()
    client = personas.client(personas.admin)
    client.get(preview_url(year))  # warm the session
    # Double the year: every district takes both indicators a second time under new ones.
    fiscal_year = FiscalYear.objects.get(year=year)
    for indicator in list(Indicator.objects.filter(fiscal_year=fiscal_year)):
        copy = Indicator.objects.create(
            fiscal_year=fiscal_year,
            code=f"9.{indicator.pk}",
            name=indicator.name,
            unit=indicator.unit,
            indicator_type=indicator.indicator_type,
            level=indicator.level,
            kind=indicator.kind,
        )
        for district in District.objects.all():
            assignment = Assignment.objects.create(
                indicator=copy, district=district, annual_target=1
            )
            QuarterTarget.objects.create(assignment=assignment, quarter=1, target=1)
    with django_assert_max_num_queries(20):
        response = client.get(preview_url(year))
    assert "การมอบหมาย 200 รายการ" in visible_text(response)
