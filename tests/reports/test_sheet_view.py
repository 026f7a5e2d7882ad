from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Assignment
from reports.models import LetterReference, RatioUpdate
from tests.helpers import visible_text
from tests.personas import Personas


def url(assignment: Assignment) -> str:
    return reverse("assignment_sheet", args=[assignment.pk])


@pytest.mark.django_db
class TestSheetAccess:
    def test_anonymous_is_sent_to_login(self, personas: Personas, hk_sheet: Assignment) -> None:
        response = personas.client(None).get(url(hk_sheet))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_officer_of_another_district_gets_404(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        assert personas.client(personas.officer_pn).get(url(hk_sheet)).status_code == 404

    @pytest.mark.parametrize("who", ["officer_hk", "head_hk", "evaluator", "admin"])
    def test_entitled_users_see_it(
        self, personas: Personas, hk_sheet: Assignment, who: str
    ) -> None:
        assert personas.client(getattr(personas, who)).get(url(hk_sheet)).status_code == 200


@pytest.mark.django_db
class TestSheetContent:
    def test_shows_seed_001(self, personas: Personas, hk_sheet: Assignment) -> None:
        text = visible_text(personas.client(personas.officer_hk).get(url(hk_sheet)))
        for expected in [
            "5.2 (องค์ประกอบที่ 5) ร้อยละความสำเร็จในการพัฒนาและจัดเก็บฐานข้อมูลหรือการให้บริการ "
            "(ฝ่ายปกครอง) : 5009-0963",
            "สำนักงานเขตห้วยขวาง",
            "ค่าเป้าหมาย ร้อยละ 100",
            "ผลงานที่ทำได้ ร้อยละ 100",
            "ตัวชี้วัดเชิงยุทธศาสตร์ (ตัวชี้วัดระดับผลลัพธ์ (outcome))",
            "*** สยป. ตรวจประเมินตัวชี้วัด : ไตรมาสที่ 3: 100",
            "2 100.00 100.00 95 / 100",
            "รายงานผลฯ ไตรมาสที่ 1 ในไตรมาสที่ 1 สำนักงานเขตห้วยขวางได้ดำเนินการขั้นตอนที่ 1",
            "รายงานผลฯ ไตรมาสที่ 4 ไตรมาสที่ 4 สำนักงานเขตห้วยขวางได้ดำเนินการครบแล้ว",
            "กท 4810/3336 ลงวันที่ 25 มิถุนายน 2564",
            "** สรุปผลการดำเนินงาน **",
            "ไม่ว่าการสื่อความหมายนั้นจะทำได้โดยสภาพของสิ่งนั้นเอง",
            ":ด้านที่ ๗ – การบริหารจัดการเมืองมหานคร : Management Strategy",
            ":๗.๕ - เทคโนโลยีสารสนเทศ",
            ":๗.๕.๑.๓ โครงสร้างพื้นฐานด้านเทคโนโลยีสารสนเทศและการสื่อสารมีประสิทธิภาพ",
            "โครงการ/กิจกรรมที่สนับสนุนตัวชี้วัด ฐานข้อมูลประกอบตัวชี้วัดการพัฒนาเมือง",
        ]:
            assert expected in text, expected

    def test_arabic_digits_on_request(self, personas: Personas, hk_sheet: Assignment) -> None:
        response = personas.client(personas.officer_hk).get(url(hk_sheet) + "?digits=arabic")
        text = visible_text(response)
        assert ":7.5.1.3 โครงสร้างพื้นฐาน" in text
        assert "๗" not in text

    def test_ratio_updates_listed_like_seed_000(
        self, personas: Personas, pn_budget: Assignment
    ) -> None:
        text = visible_text(personas.client(personas.officer_pn).get(url(pn_budget)))
        assert "30 ธันวาคม 2563 126,392,040.00 13,048,289.81 10.32" in text
        assert "10 กันยายน 2564 124,903,691.00 95,136,211.13 76.17" in text
        assert "ผลงานที่ทำได้ ร้อยละ 76.17" in text

    def test_query_count_does_not_grow_with_the_data(
        self, personas: Personas, pn_budget: Assignment
    ) -> None:
        client = personas.client(personas.admin)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(pn_budget)).status_code == 200
            return len(queries)

        before = count()
        for report in pn_budget.reports.all():
            for day in range(1, 11):
                RatioUpdate.objects.create(
                    report=report, as_of=dt.date(2021, 9, day), numerator=1, denominator=3
                )
                LetterReference.objects.create(
                    report=report, number=f"กท 1/{day}", dated=dt.date(2021, 9, day), title="ก"
                )
        assert count() == before
        assert before <= 20


@pytest.mark.django_db
class TestSheetScoringRule:
    """เกณฑ์การให้คะแนน: the indicator's rule in words, from indicators.rules.describe_rule."""

    def test_five_levels_as_a_table_with_the_unit(self, personas: Personas) -> None:
        from indicators.fiscal import current_fiscal_year
        from tests.personas import PHRA_NAKHON, PN_BUDGET_INDICATOR

        budget = Assignment.objects.get(
            district__code=PHRA_NAKHON,
            indicator__code=PN_BUDGET_INDICATOR,
            indicator__fiscal_year__year=current_fiscal_year(),
        )
        text = visible_text(personas.client(personas.officer_pn).get(url(budget)))
        assert "เกณฑ์การให้คะแนน เกณฑ์ 5 ระดับ" in text
        assert "(ระดับละ 20 คะแนน คะแนนเต็ม 100 คะแนน)" in text
        assert "ระดับ เกณฑ์ผลงาน (ร้อยละ) คะแนน (เต็ม 100)" in text
        assert "ระดับ 1 80.00 20 ระดับ 2 85.00 40" in text and "ระดับ 5 100.00 100" in text

    def test_proportional_as_a_sentence(self, personas: Personas, hk_sheet: Assignment) -> None:
        text = visible_text(personas.client(personas.officer_hk).get(url(hk_sheet)))
        assert (
            "เกณฑ์การให้คะแนน ผลงาน ÷ เป้าหมาย × คะแนนเต็ม (ไม่เกินคะแนนเต็ม) "
            "คะแนน = ผลงาน ÷ ค่าเป้าหมาย × คะแนนเต็ม 100 คะแนน และไม่เกินคะแนนเต็ม"
        ) in text
        assert "ระดับ 1" not in text
