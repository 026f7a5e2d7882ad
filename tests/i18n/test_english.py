"""The English interface beyond the pages' words: typed dates and their errors,
the sheet printed in English, emails in the reader's language, and the language
remembered per user."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from districts.models import Membership
from evaluation.services import report_return
from indicators.models import Assignment
from kpi_portal.thaidate import format_date, format_date_short, format_datetime
from notifications.services import emails_deliver
from tests.helpers import printed, visible_text
from tests.i18n.language import THAI, foreign_outside_data, page_text
from tests.mailbox import Mailbox
from tests.notifications.test_events import _submitted
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class TestDates:
    def test_one_convention_in_english_and_thai_unchanged(self) -> None:
        day = dt.date(2026, 12, 2)
        moment = dt.datetime(2026, 12, 2, 3, 6, tzinfo=dt.UTC)  # 10:06 in Bangkok
        with translation.override("en"):
            assert format_date(day) == "2 December 2569 BE (2026)"
            assert format_date_short(dt.date(2027, 4, 15)) == "15 Apr 2570"
            assert format_datetime(moment) == "2 December 2569 BE (2026), 10:06"
        with translation.override("th"):
            assert format_date(day) == "2 ธันวาคม 2569"
            assert format_date_short(dt.date(2027, 4, 15)) == "15 เม.ย. 70"
            assert format_datetime(moment) == "2 ธันวาคม 2569 เวลา 10:06 น."

    def test_a_bad_date_is_refused_in_english_beside_the_box_keeping_what_was_typed(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        client = english(personas.client(personas.officer_pn))
        page = client.get(reverse("report_page", args=[open_budget.pk, 1]))
        assert 'placeholder="dd/mm/yyyy (BE)"' in page.content.decode()
        refused = client.post(
            reverse("ratio_add", args=[open_budget.pk, 1]),
            {"as_of": "31/02/2564", "denominator": "100", "numerator": "1"},
        )
        assert refused.status_code == 422
        text = visible_text(refused)
        assert "Invalid date: February 2564 has 28 days." in text, text
        assert foreign_outside_data(page_text(refused.content.decode(), "en"), "en") == []
        assert 'value="31/02/2564"' in refused.content.decode()


class TestSheetPdf:
    def _text(self, client: Client, assignment: Assignment, query: str) -> str:
        response = printed(client, reverse("assignment_sheet_pdf", args=[assignment.pk]) + query)
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.content))
        return " ".join(re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages)

    def test_the_english_sheet_links_to_an_english_print_and_a_thai_one(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        client = english(personas.client(personas.officer_hk))
        page = client.get(reverse("assignment_sheet", args=[hk_sheet.pk])).content.decode()
        pdf = reverse("assignment_sheet_pdf", args=[hk_sheet.pk])
        assert f'href="{pdf}?lang=en&amp;digits=arabic"' in page
        assert f'href="{pdf}" target="_blank" rel="noopener" hreflang="th"' in page

    def test_printed_in_english_it_has_no_thai_outside_the_data(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        client = english(personas.client(personas.officer_hk))
        text = self._text(client, hk_sheet, "?lang=en&digits=arabic")
        assert "Huai Khwang District Office" in text
        footer = re.compile(r"Printed \d+ \w+ \d{4} BE \(\d{4}\), \d\d:\d\d Page \d+/\d+")
        assert footer.search(text)
        # A narrative that runs on to the next page has the footer in its middle.
        body = footer.sub(" ", text)
        assert foreign_outside_data(body, "en", squashed=True) == [], body

    def test_without_a_language_it_prints_the_thai_official_form(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        client = english(personas.client(personas.officer_hk))
        text = self._text(client, hk_sheet, "")
        assert "สำนักงานเขตห้วยขวาง" in text and "พิมพ์เมื่อ" in text
        assert "District Office" not in text


class TestLanguageRemembered:
    def test_the_switch_while_signed_in_keeps_the_choice_on_the_membership(
        self, personas: Personas
    ) -> None:
        client = personas.client(personas.officer_hk)
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert Membership.objects.get(user=personas.officer_hk).language == "en"
        client.post(reverse("set_language"), {"language": "th", "next": "/"})
        assert Membership.objects.get(user=personas.officer_hk).language == "th"

    def test_an_unknown_language_changes_nothing(self, personas: Personas) -> None:
        client = personas.client(personas.officer_hk)
        client.post(reverse("set_language"), {"language": "xx", "next": "/"})
        assert Membership.objects.get(user=personas.officer_hk).language == ""

    def test_signing_in_elsewhere_brings_the_language_back(self, personas: Personas) -> None:
        personas.officer_hk.set_password("right-password")
        personas.officer_hk.save()
        Membership.objects.filter(user=personas.officer_hk).update(language="en")
        client = Client()  # another computer: no cookie yet
        signed_in = client.post(
            reverse("login"), {"username": "huaikhwang", "password": "right-password"}
        )
        assert signed_in.status_code == 302
        assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        home = client.get("/", follow=True)
        assert home["Content-Language"] == "en"
        assert "Huai Khwang District Office" in visible_text(home)


class TestEmails:
    def test_an_english_reader_gets_the_email_in_english_first(
        self, personas: Personas, mailbox: Mailbox
    ) -> None:
        Membership.objects.filter(user=personas.head_hk).update(language="en")
        report = _submitted(personas)
        report_return(report=report, actor=personas.evaluator, comment="แก้ไขตัวเลข")
        emails_deliver()
        (message,) = mailbox.to(personas.head_hk.email)
        assert not THAI.search(message.subject), message.subject
        assert message.text.lstrip()[:200] and not THAI.search(message.text.split("\n")[0])
        # The English part and the frame, without the Thai part that follows for a
        # colleague who reads Thai (marked lang="th"):
        assert foreign_outside_data(page_text(message.html, "en"), "en") == []

    def test_a_thai_reader_gets_it_in_thai_first(
        self, personas: Personas, mailbox: Mailbox
    ) -> None:
        report = _submitted(personas)
        report_return(report=report, actor=personas.evaluator, comment="แก้ไขตัวเลข")
        emails_deliver()
        (message,) = mailbox.to(personas.head_hk.email)
        assert THAI.search(message.subject)
        assert '<html lang="th">' in message.html


class TestUnits:
    def test_a_common_unit_is_said_in_english_and_an_unusual_one_kept_as_typed(
        self, personas: Personas, hk_sheet: Assignment
    ) -> None:
        url = reverse("assignment_sheet", args=[hk_sheet.pk])
        assert hk_sheet.indicator.unit == "ร้อยละ"
        assert "(%)" in visible_text(english(personas.client(personas.officer_hk)).get(url))
        assert "(ร้อยละ)" in visible_text(personas.client(personas.officer_hk).get(url))
        type(hk_sheet.indicator).objects.filter(pk=hk_sheet.indicator_id).update(
            unit="กิโลกรัมต่อครัวเรือน"
        )
        page = visible_text(english(personas.client(personas.officer_hk)).get(url))
        assert "(กิโลกรัมต่อครัวเรือน)" in page
