"""Reports, letters and summaries carrying recognisable Thai markers, in two districts
and two quarters (one published, one not), and a reader to look for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from districts.models import Membership, Role
from indicators.models import Assignment, ReportingPeriod
from reports.models import LetterReference, Report, Status, YearSummary
from tests.personas import SEED_YEAR

#: In Huai Khwang's quarter 3 (evaluated, published): inside a run of Thai with no spaces.
HK_PUBLISHED = "ลอกท่อระบายน้ำคลองลาดพร้าวช่วงวัดกลางแล้วเสร็จ"
HK_PUBLISHED_WORD = "วัดกลาง"
#: In Huai Khwang's quarter 4 (evaluated, quarter not published yet).
HK_UNPUBLISHED_WORD = "สวนหย่อมสุทธิสาร"
#: In Phra Nakhon's quarter 1 (submitted), next to markup that must stay text.
PN_WORD = "แผงลอยท่าช้าง"
PN_SCRIPT = "<script>alert('x')</script>"
#: Phra Nakhon's letter and Huai Khwang's year summary.
PN_LETTER_NUMBER = "กท 4801/7777"
PN_LETTER_TITLE = "ขอรับการสนับสนุนเครื่องสูบน้ำเคลื่อนที่"
HK_SUMMARY_WORD = "ศูนย์พัฒนาเด็กเล็กประชาร่วมใจ"
#: Thai digits in a narrative, searched with Arabic ones.
HK_THAI_DIGITS = "จำนวน ๑๒๓๔๗ ราย"


@dataclass
class Marked:
    hk_q3: Report
    hk_q4: Report
    pn_q1: Report
    letter: LetterReference
    reader: User
    stranger: User


@pytest.fixture
def marked(hk_sheet: Assignment, pn_budget: Assignment) -> Marked:
    hk_q3 = Report.objects.get(assignment=hk_sheet, quarter=3)
    hk_q3.narrative = f"ในไตรมาสที่ 3 {HK_PUBLISHED} {HK_THAI_DIGITS}"
    hk_q3.save(update_fields=["narrative"])
    hk_q4 = Report.objects.get(assignment=hk_sheet, quarter=4)
    hk_q4.narrative = f"ปรับปรุง{HK_UNPUBLISHED_WORD}ให้ประชาชนใช้ประโยชน์"
    hk_q4.save(update_fields=["narrative"])
    assert hk_q3.status == hk_q4.status == Status.EVALUATED
    # The seed: quarter 3 of the year is published, quarter 4 is not.
    assert ReportingPeriod.objects.get(
        fiscal_year__year=SEED_YEAR, quarter=3
    ).assessment_published_on
    assert not ReportingPeriod.objects.get(
        fiscal_year__year=SEED_YEAR, quarter=4
    ).assessment_published_on
    pn_q1 = Report.objects.get(assignment=pn_budget, quarter=1)
    pn_q1.narrative = f"จัดระเบียบ{PN_WORD} {PN_SCRIPT} เรียบร้อย"
    pn_q1.save(update_fields=["narrative"])
    letter = LetterReference.objects.create(
        report=pn_q1, number=PN_LETTER_NUMBER, dated=dt.date(2020, 11, 2), title=PN_LETTER_TITLE
    )
    YearSummary.objects.update_or_create(
        assignment=hk_sheet, defaults={"text": f"ทั้งปีได้ปรับปรุง{HK_SUMMARY_WORD}"}
    )
    users = get_user_model().objects
    reader = users.create_user("reader-search", first_name="ผู้อ่าน")
    Membership.objects.create(user=reader, role=Role.READER)
    stranger = users.create_user("no-membership")
    return Marked(hk_q3, hk_q4, pn_q1, letter, reader, stranger)


def many_narratives(count: int, word: str) -> None:
    """``count`` more reports, of any year and district, mentioning ``word``."""
    taken = set(Report.objects.values_list("assignment_id", "quarter"))
    free = [
        (a, q)
        for a in Assignment.objects.order_by("pk")
        for q in (1, 2, 3, 4)
        if (a.pk, q) not in taken
    ]
    assert len(free) >= count
    Report.objects.bulk_create(
        Report(assignment=a, quarter=q, narrative=f"รายงานที่ {n} เรื่อง{word}ในชุมชน")
        for n, (a, q) in enumerate(free[:count])
    )
