"""The dashboards' pages: who may open them, what they show, and that nothing
unpublished reaches a reader."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District
from indicators.models import Assignment
from tests.dashboards.world import (
    FUTURE_RESULT,
    NONG_CHOK,
    SECRET_RESULT,
    SECRET_SCORE,
    YEAR,
    build_world,
    indicator,
)
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas

pytestmark = pytest.mark.django_db

CITY = reverse("dashboard_city")


def district_url(code: str) -> str:
    return reverse("dashboard_district", args=[code])


@pytest.fixture
def world(demo: None) -> dict[str, Any]:
    return build_world()


def svgs(html: str) -> list[ET.Element]:
    """The page's charts (not the icons of its header: those hide from readers)."""
    return [
        ET.fromstring(markup)  # noqa: S314 - our own markup
        for markup in re.findall(r"<svg .*?</svg>", html, flags=re.S)
        if 'aria-hidden="true"' not in markup.split(">", 1)[0]
    ]


class TestWhoMaySee:
    def test_a_reader_lands_on_the_city_dashboard(self, personas: Personas) -> None:
        response = personas.client(personas.reader).get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"] == CITY

    def test_anonymous_is_sent_to_sign_in(self, personas: Personas) -> None:
        for url in (CITY, district_url(HUAI_KHWANG)):
            response = personas.client(None).get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_every_role_reads_the_city(self, personas: Personas, world: dict[str, Any]) -> None:
        for user in (
            personas.reader,
            personas.officer_hk,
            personas.head_hk,
            personas.evaluator,
            personas.admin,
        ):
            assert personas.client(user).get(CITY).status_code == 200, user.username

    def test_district_staff_read_only_their_own_district(self, personas: Personas) -> None:
        officer = personas.client(personas.officer_hk)
        assert officer.get(district_url(HUAI_KHWANG)).status_code == 200
        assert officer.get(district_url(PHRA_NAKHON)).status_code == 404
        for user in (personas.reader, personas.evaluator, personas.admin):
            assert personas.client(user).get(district_url(PHRA_NAKHON)).status_code == 200

    def test_nav_links_to_the_dashboards(self, personas: Personas) -> None:
        html = personas.client(personas.officer_hk).get(CITY).content.decode()
        assert f'href="{CITY}">แดชบอร์ด</a>' in html

    def test_district_staff_see_a_link_to_their_own_not_the_list(
        self, personas: Personas, world: dict[str, Any]
    ) -> None:
        html = personas.client(personas.officer_hk).get(f"{CITY}?year={YEAR}").content.decode()
        assert district_url(HUAI_KHWANG) in html
        assert district_url(PHRA_NAKHON) not in html
        reader = personas.client(personas.reader).get(f"{CITY}?year={YEAR}").content.decode()
        assert district_url(PHRA_NAKHON) in reader


class TestCity:
    def test_shows_the_published_quarters_figures(
        self, personas: Personas, world: dict[str, Any]
    ) -> None:
        response = personas.client(personas.reader).get(f"{CITY}?year={YEAR}&quarter=1")
        text = visible_text(response)
        assert "คะแนนเฉลี่ยทุกเขต 3.2833 จาก 3 เขตที่มีคะแนน (ทั้งหมด 3 เขต)" in text
        assert "9.1 ตัวชี้วัดแดชบอร์ด 9.1" in text
        titles = [
            root.findtext("{http://www.w3.org/2000/svg}title")
            for root in svgs(response.content.decode())
        ]
        assert titles == [
            "ความครบถ้วนของการรายงาน",
            "คะแนนถ่วงน้ำหนักเฉลี่ยตามกลุ่มเขต",
            "ตัวชี้วัดที่ไม่บรรลุเป้าหมาย",
            "แนวโน้มคะแนนเฉลี่ยของกรุงเทพมหานคร",
        ]

    def test_an_indicator_lists_its_districts_off_target(
        self, personas: Personas, world: dict[str, Any]
    ) -> None:
        pk = world["assignments"][("1017", "9.2")].indicator_id
        response = personas.client(personas.reader).get(
            f"{CITY}?year={YEAR}&quarter=1&indicator={pk}"
        )
        text = visible_text(response)
        assert "เขตที่ไม่บรรลุเป้าหมาย: 9.2 ตัวชี้วัดแดชบอร์ด 9.2" in text
        assert "ห้วยขวาง 12.00 10.00 ร้อยละ" in text
        assert "พระนคร 8.00" not in text  # met the target (lower is better)

    def test_an_unpublished_quarter_waits_for_publication(
        self, personas: Personas, world: dict[str, Any]
    ) -> None:
        response = personas.client(personas.reader).get(f"{CITY}?year={YEAR}&quarter=2")
        text = visible_text(response)
        assert "รอประกาศผล: คะแนนของไตรมาสนี้จะแสดงเมื่อ สยป. ประกาศผลการประเมิน" in text
        assert len(svgs(response.content.decode())) == 2  # completeness and the trend


class TestNothingUnpublished:
    """An evaluated report of an unpublished quarter (777.77, score 33) and one of a
    quarter published only from tomorrow (888.88) never reach a dashboard."""

    @pytest.mark.parametrize("persona", ["reader", "officer_hk", "evaluator"])
    def test_neither_dashboard_shows_them(
        self, personas: Personas, world: dict[str, Any], persona: str
    ) -> None:
        client = personas.client(getattr(personas, persona))
        pages = [f"{CITY}?year={YEAR}&quarter={q}" for q in (1, 2, 3, 4)]
        pages += [f"{district_url(HUAI_KHWANG)}?year={YEAR}&quarter={q}" for q in (1, 2, 3, 4)]
        pk = world["assignments"][("1017", "9.1")].indicator_id
        pages += [f"{CITY}?year={YEAR}&quarter={q}&indicator={pk}" for q in (2, 3)]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for secret in (SECRET_RESULT, FUTURE_RESULT, "777", "888"):
                assert secret not in html, (url, secret)
            assert f"{SECRET_SCORE}/100" not in html and "44/100" not in html, url
            assert f"{SECRET_SCORE}.00" not in html, url

    def test_the_district_trend_leaves_the_quarters_blank(
        self, personas: Personas, world: dict[str, Any]
    ) -> None:
        response = personas.client(personas.reader).get(
            f"{district_url(HUAI_KHWANG)}?year={YEAR}&quarter=1"
        )
        html = response.content.decode()
        first = html.index('id="indicator-')
        table = html[first : html.index("</table>", first)]
        cells = re.findall(r'<td class="num">(.*?)</td>', table)
        assert cells == ["25", "20", "–", "80", "–", "80", "–", "80"]


class TestDistrict:
    def test_the_scorecard_of_a_published_quarter(
        self, personas: Personas, world: dict[str, Any]
    ) -> None:
        response = personas.client(personas.reader).get(
            f"{district_url(HUAI_KHWANG)}?year={YEAR}&quarter=1"
        )
        text = visible_text(response)
        assert "คะแนนถ่วงน้ำหนัก (เต็ม 5) 4.0000 คิดเป็นร้อยละ 80.00" in text
        assert "9.2 ตัวชี้วัดแดชบอร์ด 9.2 40 10.00 ร้อยละ 12.00 50/100 2.5000 1.0000" in text
        # Nothing of the office's file: no evaluator, no self-assessment.
        assert "ประเมินตนเอง" not in text
        assert "วิภา" not in text

    def test_one_chart_per_indicator(self, personas: Personas, world: dict[str, Any]) -> None:
        response = personas.client(personas.reader).get(
            f"{district_url(NONG_CHOK)}?year={YEAR}&quarter=1"
        )
        titles = [
            root.findtext("{http://www.w3.org/2000/svg}title")
            for root in svgs(response.content.decode())
        ]
        assert titles == ["9.1 ตัวชี้วัดแดชบอร์ด 9.1", "9.2 ตัวชี้วัดแดชบอร์ด 9.2"]
        ids = re.findall(r' id="([^"]+)"', response.content.decode())
        assert len(ids) == len(set(ids))


def _grow(world: dict[str, Any], n: int) -> None:
    year = world["year"]
    more = list(District.objects.exclude(code__in=world["districts"]).order_by("code")[:12])
    for number in range(n):
        ind = indicator(year, f"8.{number + 1}", weight=1)
        for district in [*world["districts"].values(), *more]:
            Assignment.objects.create(indicator=ind, district=district, annual_target=10)


def test_page_queries_stay_the_same_as_districts_and_indicators_grow(
    personas: Personas, world: dict[str, Any]
) -> None:
    client = personas.client(personas.reader)
    urls = [f"{CITY}?year={YEAR}&quarter=1", f"{district_url(HUAI_KHWANG)}?year={YEAR}&quarter=1"]

    def count() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as page:
                assert client.get(url).status_code == 200
            counts.append(len(page))
        return counts

    before = count()
    _grow(world, 8)
    after = count()
    assert after == before
    # The city page: one read more since the rankings' sums are kept for the quarter's
    # version (evaluation.scorecard._ranking_sums).
    assert before[0] <= 21 and before[1] <= 16, before
