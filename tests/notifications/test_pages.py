"""The bell, the list, the settings and the office's completeness board, as
their users meet them; each in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import District
from evaluation.services import report_return
from indicators.models import DeadlineExtension
from notifications.models import Email, Kind, ManualReminder, Notification, Preference
from notifications.services import emails_deliver
from tests.helpers import visible_text
from tests.mailbox import Mailbox
from tests.notifications.helpers import current_period, hand_in, staff
from tests.notifications.test_events import _submitted
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas

pytestmark = pytest.mark.django_db


def _notify(personas: Personas, n: int) -> None:
    start = Notification.objects.count()
    for i in range(start, start + n):
        Notification.objects.create(
            recipient=personas.officer_hk,
            kind=Kind.RETURNED,
            key=f"test:{i}",
            report=_submitted(personas),
            district=District.objects.get(code=HUAI_KHWANG),
            reason=f"เหตุผลที่ {i}",
            created_at=timezone.now(),
        )


def test_the_bell_counts_unread_and_the_list_marks_them_read(personas: Personas) -> None:
    client = personas.client(personas.officer_hk)
    assert "badge-unread" not in client.get("/notifications/bell/").content.decode()
    _notify(personas, 3)
    bell = client.get("/notifications/bell/")
    assert "no-store" in bell["Cache-Control"]
    assert 'data-unread="3"' in bell.content.decode()
    page = visible_text(client.get("/notifications/"))
    assert "ยังไม่อ่าน 3 รายการ" in page
    assert "สยป. ส่งรายงานตัวชี้วัด" in page and "เหตุผลที่ 2" in page
    one = Notification.objects.filter(recipient=personas.officer_hk).first()
    assert one is not None
    client.post("/notifications/read/", {"id": one.pk})
    assert 'data-unread="2"' in client.get("/notifications/bell/").content.decode()
    response = client.post("/notifications/read/", headers={"HX-Request": "true"})
    assert response["HX-Trigger"] == "notifications-read"
    assert "badge-unread" not in client.get("/notifications/bell/").content.decode()
    # Another person's bell never counts these.
    other = personas.client(personas.head_hk).get("/notifications/bell/")
    assert "badge-unread" not in other.content.decode()


def test_the_list_is_in_english_for_an_english_session(personas: Personas) -> None:
    _notify(personas, 1)
    client = personas.client(personas.officer_hk)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = visible_text(client.get("/notifications/"))
    assert "returned indicator" in page and "for correction" in page


def test_bell_and_list_take_constant_queries(personas: Personas) -> None:
    client = personas.client(personas.officer_hk)
    counts = []
    for n in (1, 12):
        _notify(personas, n)
        with CaptureQueriesContext(connection) as bell:
            client.get("/notifications/bell/")
        with CaptureQueriesContext(connection) as page:
            client.get("/notifications/")
        counts.append((len(bell), len(page)))
    assert counts[0] == counts[1], counts


def test_turning_email_off_is_kept_and_honoured(personas: Personas, mailbox: Mailbox) -> None:
    client = personas.client(personas.officer_hk)
    page = client.get("/notifications/settings/")
    assert "huaikhwang@example.com" in visible_text(page)
    assert "สรุปประจำวัน" not in visible_text(page)  # the digest is the office's
    response = client.post("/notifications/settings/", {"choices": "1"})
    assert response.status_code == 302
    assert Preference.objects.get(user=personas.officer_hk).email is False
    report_return(report=_submitted(personas), actor=personas.evaluator, comment="แก้ไข")
    emails_deliver()
    assert mailbox.addresses() == ["huaikhwang_head@example.com"]
    # An empty post is not the form's: refused, nothing changed.
    client.post("/notifications/settings/", {"choices": "1", "email": "on"})
    assert client.post("/notifications/settings/", {}).status_code == 422
    assert Preference.objects.get(user=personas.officer_hk).email is True


def test_the_office_settings_offer_the_digest(personas: Personas) -> None:
    client = personas.client(personas.evaluator)
    assert "สรุปประจำวัน" in visible_text(client.get("/notifications/settings/"))
    client.post("/notifications/settings/", {"choices": "1", "email": "on"})
    preference = Preference.objects.get(user=personas.evaluator)
    assert (preference.email, preference.digest) == (True, False)


# --- the completeness board ---------------------------------------------------


@pytest.fixture
def quarter_states(personas: Personas) -> dict[str, District]:
    """Quarter 1 of the current year: Huai Khwang on time, Bang Rak late, Dusit
    extended, Phra Nakhon missing (the deadline moved to yesterday)."""
    period = current_period()
    today = timezone.localdate()
    type(period).objects.filter(pk=period.pk).update(deadline=today - dt.timedelta(days=1))
    period.refresh_from_db()
    named = {
        "hk": District.objects.get(code=HUAI_KHWANG),
        "pn": District.objects.get(code=PHRA_NAKHON),
        "bangrak": District.objects.get(name_th="บางรัก"),
        "dusit": District.objects.get(name_th="ดุสิต"),
    }
    hand_in(named["hk"], period, at=timezone.now() - dt.timedelta(days=3))
    hand_in(named["bangrak"], period, at=timezone.now())
    DeadlineExtension.objects.create(
        district=named["dusit"],
        period=period,
        deadline=today + dt.timedelta(days=5),
        reason="ขยาย",
        granted_at=timezone.now(),
    )
    return named


def _cell(page: str, code: str, quarter: int = 1) -> str:
    start = page.index(f'id="cell-{code}-{quarter}"')
    return page[start : page.index("</td>", start)]


def test_the_board_shows_each_district_on_time_late_missing_or_extended(
    personas: Personas, quarter_states: dict[str, District]
) -> None:
    page = personas.client(personas.evaluator).get("/office/completeness/").content.decode()
    states = {name: _cell(page, district.code) for name, district in quarter_states.items()}
    assert "ส่งครบตามกำหนด" in states["hk"] and "2/2" in states["hk"]
    assert "ส่งครบแต่ล่าช้า" in states["bangrak"]
    assert "ขยายกำหนดส่ง" in states["dusit"] and "เตือนตอนนี้" in states["dusit"]
    assert "เลยกำหนด ยังส่งไม่ครบ" in states["pn"] and "0/2" in states["pn"]
    assert "เตือนตอนนี้" not in states["hk"]
    # Quarter 4 has not opened yet: nothing to remind.
    assert "ยังไม่เปิดให้รายงาน" in _cell(page, quarter_states["hk"].code, 4)


def test_remind_now_tells_one_district_once_within_the_cool_down(
    personas: Personas, quarter_states: dict[str, District], mailbox: Mailbox
) -> None:
    period = current_period()
    client = personas.client(personas.evaluator)
    pn = quarter_states["pn"]
    response = client.post(
        "/office/completeness/remind/",
        {"period": period.pk, "district": pn.code},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "เตือนล่าสุด" in response.content.decode()
    reminder = ManualReminder.objects.get()
    assert (reminder.district, reminder.actor, reminder.recipients) == (pn, personas.evaluator, 1)
    told = Notification.objects.get(kind=Kind.REMINDER)
    assert told.recipient == personas.officer_pn and told.data["missing"] == 2
    emails_deliver()
    assert mailbox.addresses() == ["phranakhon@example.com"]
    assert "สยป. เตือน: เลยกำหนดส่งมาแล้ว 1 วัน" in mailbox.received[0].subject

    again = client.post(
        "/office/completeness/remind/",
        {"period": period.pk, "district": pn.code},
        headers={"HX-Request": "true"},
    )
    assert again.status_code == 422
    assert "เพิ่งเตือนสำนักงานเขตพระนครไปเมื่อไม่นานนี้" in again.content.decode()
    assert ManualReminder.objects.count() == 1
    assert Email.objects.count() == 1


def test_remind_all_skips_complete_and_recently_reminded_districts(
    personas: Personas, quarter_states: dict[str, District]
) -> None:
    period = current_period()
    client = personas.client(personas.evaluator)
    client.post("/office/completeness/remind/", {"period": period.pk, "district": PHRA_NAKHON})
    staff(quarter_states["dusit"], "dusit")
    response = client.post("/office/completeness/remind/", {"period": period.pk}, follow=True)
    reminded = set(ManualReminder.objects.values_list("district__name_th", flat=True))
    assert "ห้วยขวาง" not in reminded and "บางรัก" not in reminded  # handed in
    assert len(reminded) == 48  # every other district, Phra Nakhon once
    assert ManualReminder.objects.filter(district=quarter_states["pn"]).count() == 1
    assert "ส่งการเตือนไตรมาสที่ 1 ถึง 47 เขตแล้ว" in visible_text(response)
    assert Notification.objects.filter(kind=Kind.REMINDER, recipient__username="dusit").exists()


def test_only_the_office_may_remind(
    personas: Personas, quarter_states: dict[str, District]
) -> None:
    period = current_period()
    response = personas.client(personas.officer_pn).post(
        "/office/completeness/remind/", {"period": period.pk, "district": PHRA_NAKHON}
    )
    assert response.status_code == 403
    assert not ManualReminder.objects.exists()


def test_the_board_takes_constant_queries(personas: Personas) -> None:
    client = personas.client(personas.evaluator)
    period = current_period()
    counts = []
    for district in District.objects.order_by("code")[:2]:
        hand_in(district, period)
        ManualReminder.objects.create(
            district=district, period=period, actor=personas.evaluator, at=timezone.now()
        )
        with CaptureQueriesContext(connection) as board:
            assert client.get("/office/completeness/").status_code == 200
        counts.append(len(board))
    assert counts[0] == counts[1], counts


def test_a_notification_missing_its_quarter_still_shows(personas: Personas) -> None:
    Notification.objects.create(
        recipient=personas.officer_hk, kind=Kind.DEADLINE, key="bare", created_at=timezone.now()
    )
    page = personas.client(personas.officer_hk).get("/notifications/")
    assert page.status_code == 200
    assert "รายงานไตรมาสที่ –" in visible_text(page)


def test_a_closed_year_offers_no_reminder_and_refuses_one(
    personas: Personas, quarter_states: dict[str, District]
) -> None:
    period = current_period()
    client = personas.client(personas.evaluator)
    assert "เตือนตอนนี้" in _cell(client.get("/office/completeness/").content.decode(), PHRA_NAKHON)
    period.fiscal_year.is_open = False
    period.fiscal_year.save(update_fields=["is_open"])

    page = client.get("/office/completeness/").content.decode()
    assert "เลยกำหนด ยังส่งไม่ครบ" in _cell(page, PHRA_NAKHON)
    assert "เตือนตอนนี้" not in page
    # A button left on an open tab meets a refusal, not a reminder.
    response = client.post(
        "/office/completeness/remind/",
        {"period": period.pk, "district": PHRA_NAKHON},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "ปีงบประมาณนี้ปิดแล้ว" in response.content.decode()
    assert not ManualReminder.objects.exists()
