"""The search page: Thai words inside text, codes, digits, marking and escaping,
the scope of every persona, paging, filters, short queries and query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Assignment, FiscalYear, ReportingPeriod
from search.selectors import CAP, PAGE_SIZE, PREVIEW
from tests.personas import SEED_YEAR, Personas
from tests.search.conftest import (
    HK_PUBLISHED_WORD,
    HK_SUMMARY_WORD,
    HK_UNPUBLISHED_WORD,
    PN_LETTER_NUMBER,
    PN_LETTER_TITLE,
    PN_SCRIPT,
    PN_WORD,
    Marked,
    many_narratives,
)

pytestmark = pytest.mark.django_db


def _get(user: User | None, **params: Any) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response.content.decode()


def _results(html: str) -> str:
    """The results region only (the search box repeats the query)."""
    start = html.index('id="search-results"')
    end = html.find("</main>", start)
    return html[start : end if end >= 0 else None]


def _hits(html: str, kind: str) -> int:
    return len(re.findall(rf'<li id="{kind}-\d+"', html))


def test_finds_a_thai_word_inside_text_without_spaces(personas: Personas, marked: Marked) -> None:
    html = _results(_get(personas.evaluator, q=HK_PUBLISHED_WORD))
    assert f"<mark>{HK_PUBLISHED_WORD}</mark>" in html
    assert reverse("report_page", args=[marked.hk_q3.assignment_id, 3]) in html
    assert "ไตรมาสที่ 3" in html and "ห้วยขวาง" in html


def test_markup_in_a_narrative_is_shown_as_text(personas: Personas, marked: Marked) -> None:
    html = _results(_get(personas.evaluator, q=PN_WORD))
    assert f"<mark>{PN_WORD}</mark>" in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert PN_SCRIPT not in html


def test_a_query_with_markup_is_escaped_too(personas: Personas, marked: Marked) -> None:
    html = _get(personas.evaluator, q="<script>alert")
    assert "<script>alert" not in html
    assert "<mark>&lt;script&gt;alert</mark>" in _results(html)


def test_assignment_code_in_arabic_or_thai_digits(
    personas: Personas, marked: Marked, hk_sheet: Assignment
) -> None:
    for q in ("0963", "๐๙๖๓", "5009-0963"):
        html = _results(_get(personas.officer_hk, q=q, kind="assignments"))
        assert _hits(html, "assignments") == 1, q
        assert reverse("assignment_sheet", args=[hk_sheet.pk]) in html
        assert "<mark>" in html


def test_thai_digits_in_text_found_with_arabic_digits(personas: Personas, marked: Marked) -> None:
    html = _results(_get(personas.evaluator, q="12347 ราย", kind="narratives"))
    assert "<mark>๑๒๓๔๗ ราย</mark>" in html


def test_letters_by_number_and_title(personas: Personas, marked: Marked) -> None:
    by_number = _results(_get(personas.evaluator, q="4801/7777", kind="letters"))
    assert "<mark>4801/7777</mark>" in by_number
    assert PN_LETTER_TITLE in by_number
    assert reverse("report_page", args=[marked.pn_q1.assignment_id, 1]) in by_number
    by_title = _results(_get(personas.evaluator, q="เครื่องสูบน้ำ"))
    assert PN_LETTER_NUMBER in by_title and "<mark>เครื่องสูบน้ำ</mark>" in by_title


def test_year_summaries(personas: Personas, marked: Marked, hk_sheet: Assignment) -> None:
    html = _results(_get(personas.officer_hk, q=HK_SUMMARY_WORD))
    assert f"<mark>{HK_SUMMARY_WORD}</mark>" in html
    assert reverse("assignment_sheet", args=[hk_sheet.pk]) in html


def test_indicator_names_link_to_the_districts_own_sheet(
    personas: Personas, marked: Marked, hk_sheet: Assignment
) -> None:
    name = hk_sheet.indicator.name[:12]
    html = _results(_get(personas.officer_hk, q=name, kind="indicators"))
    assert f"<mark>{name}</mark>" in html
    assert reverse("assignment_sheet", args=[hk_sheet.pk]) in html
    office = _results(_get(personas.evaluator, q=name, kind="indicators"))
    assert reverse("office_summary") + f"?year={SEED_YEAR}&amp;indicator=" in office


# --- who sees what ------------------------------------------------------------------


def test_district_staff_see_only_their_own_district(personas: Personas, marked: Marked) -> None:
    for user in (personas.officer_hk, personas.head_hk):
        assert f"<mark>{HK_PUBLISHED_WORD}</mark>" in _results(_get(user, q=HK_PUBLISHED_WORD))
        assert f"<mark>{HK_UNPUBLISHED_WORD}</mark>" in _results(_get(user, q=HK_UNPUBLISHED_WORD))
        for other in (PN_WORD, PN_LETTER_NUMBER, PN_LETTER_TITLE):
            html = _results(_get(user, q=other))
            assert "<mark>" not in html and 'id="search-nothing"' in html, other
    pn = personas.officer_pn
    for other in (HK_PUBLISHED_WORD, HK_UNPUBLISHED_WORD, HK_SUMMARY_WORD, "0963"):
        assert 'id="search-nothing"' in _results(_get(pn, q=other)), other
    assert f"<mark>{PN_LETTER_NUMBER}</mark>" in _results(_get(pn, q=PN_LETTER_NUMBER))


@pytest.mark.parametrize("who", ["evaluator", "admin"])
def test_the_office_sees_every_district(personas: Personas, marked: Marked, who: str) -> None:
    user = getattr(personas, who)
    for word in (HK_PUBLISHED_WORD, HK_UNPUBLISHED_WORD, PN_WORD, PN_LETTER_TITLE, HK_SUMMARY_WORD):
        assert f"<mark>{word}</mark>" in _results(_get(user, q=word)), word


def test_a_reader_sees_only_published_narratives_and_no_letters(
    personas: Personas, marked: Marked
) -> None:
    reader = marked.reader
    published = _results(_get(reader, q=HK_PUBLISHED_WORD))
    assert f"<mark>{HK_PUBLISHED_WORD}</mark>" in published
    assert reverse("report_page", args=[marked.hk_q3.assignment_id, 3]) not in published
    # The hit opens the public sheet, the page a reader may read, and its quarter is there.
    public_sheet = reverse("public_sheet", args=[marked.hk_q3.assignment_id])
    assert f'href="{public_sheet}"' in published
    assert HK_PUBLISHED_WORD in Client().get(public_sheet).content.decode()
    for hidden in (
        HK_UNPUBLISHED_WORD,
        PN_WORD,
        PN_LETTER_NUMBER,
        PN_LETTER_TITLE,
        HK_SUMMARY_WORD,
    ):
        html = _results(_get(reader, q=hidden))
        assert "<mark>" not in html and 'id="search-nothing"' in html, hidden
    # Asking for letters by name changes nothing: the reader has no such kind.
    html = _get(reader, q=PN_LETTER_NUMBER, kind="letters")
    assert "<mark>" not in _results(html)
    assert 'value="letters"' not in html


def test_a_reader_sees_indicators_only_of_years_with_a_published_quarter(
    personas: Personas, marked: Marked, hk_sheet: Assignment
) -> None:
    name = hk_sheet.indicator.name[:12]
    assert f"<mark>{name}</mark>" in _results(_get(marked.reader, q=name, kind="indicators"))
    ReportingPeriod.objects.filter(fiscal_year__year=SEED_YEAR).update(assessment_published_on=None)
    assert "<mark>" not in _results(_get(marked.reader, q=name, kind="indicators"))


def test_someone_without_a_membership_finds_nothing(marked: Marked) -> None:
    for word in (HK_PUBLISHED_WORD, PN_WORD, PN_LETTER_NUMBER, "0963"):
        assert "<mark>" not in _results(_get(marked.stranger, q=word)), word


def test_anonymous_visitors_sign_in_first(marked: Marked) -> None:
    response = Client().get(reverse("search"), {"q": PN_WORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- short and empty queries --------------------------------------------------------


def test_empty_query_shows_only_the_form(personas: Personas) -> None:
    html = _get(personas.evaluator, q="  \u200b ")
    assert 'id="search-q"' in html and "<mark>" not in html
    assert 'id="search-nothing"' not in html and 'id="search-too-short"' not in html


def test_one_character_is_too_short(personas: Personas, marked: Marked) -> None:
    html = _results(_get(personas.evaluator, q="ก"))
    assert "คำค้นสั้นเกินไป พิมพ์อย่างน้อย 2 ตัวอักษร" in html
    assert "<mark>" not in html and 'id="search-nothing"' not in html


def test_two_characters_search_codes_and_names_only(personas: Personas, marked: Marked) -> None:
    html = _results(_get(personas.evaluator, q="กท"))
    assert 'id="search-short"' in html
    assert PN_LETTER_NUMBER not in html  # letters need three characters
    codes = _results(_get(personas.evaluator, q="5."))
    assert "<mark>5.</mark>" in codes


# --- paging, filters, htmx ----------------------------------------------------------


def test_see_more_pages_through_one_kind(personas: Personas, demo: None) -> None:
    many_narratives(PAGE_SIZE + 5, "ตลาดนัดชุมชนริมคลอง")
    every = _results(_get(personas.evaluator, q="ตลาดนัดชุมชน"))
    assert _hits(every, "narratives") == PREVIEW
    assert "ดูเพิ่มเติม: รายงานผลการดำเนินงานทั้งหมด" in every
    assert f"{PAGE_SIZE + 5} รายการ" in every
    first = _results(_get(personas.evaluator, q="ตลาดนัดชุมชน", kind="narratives"))
    assert _hits(first, "narratives") == PAGE_SIZE
    assert "page=2#narratives-21" in first
    second = _results(_get(personas.evaluator, q="ตลาดนัดชุมชน", kind="narratives", page=2))
    assert _hits(second, "narratives") == PAGE_SIZE + 5
    assert "ดูเพิ่มเติม" not in second


def test_past_the_cap_the_page_says_so(personas: Personas, demo: None) -> None:
    many_narratives(CAP + 5, "ตลาดนัดชุมชนริมคลอง")
    every = _results(_get(personas.evaluator, q="ตลาดนัดชุมชน"))
    assert f"{CAP}+" in every and f"มากกว่า {CAP} รายการ" in every
    last = _results(
        _get(personas.evaluator, q="ตลาดนัดชุมชน", kind="narratives", page=CAP // PAGE_SIZE + 3)
    )
    assert _hits(last, "narratives") == CAP
    assert f"แสดงเพียง {CAP} รายการแรกที่พบ" in last


def test_year_and_kind_filters(personas: Personas, marked: Marked) -> None:
    # The markers are all of the seed year.
    assert "<mark>" in _results(_get(personas.evaluator, q=PN_WORD, year=SEED_YEAR))
    other = FiscalYear.objects.exclude(year=SEED_YEAR).values_list("year", flat=True).first()
    html = _results(_get(personas.evaluator, q=PN_WORD, year=other))
    assert "<mark>" not in html and f"ในปีงบประมาณ {other}" in html
    # A year that does not exist is no filter.
    assert "<mark>" in _results(_get(personas.evaluator, q=PN_WORD, year=1999))
    letters_only = _get(personas.evaluator, q="น้ำ", kind="letters")
    assert 'id="group-letters"' in letters_only and 'id="group-narratives"' not in letters_only


def test_htmx_gets_only_the_results(personas: Personas, marked: Marked) -> None:
    client = Client()
    client.force_login(personas.evaluator)
    response = client.get(reverse("search"), {"q": PN_WORD}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="search-results"')
    assert "<html" not in html and f"<mark>{PN_WORD}</mark>" in html


def test_queries_do_not_grow_with_the_matches(personas: Personas, marked: Marked) -> None:
    def count(user: User, **params: Any) -> int:
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("search"), params).status_code == 200
        return len(queries)

    cases = [
        (personas.evaluator, {"q": "ตลาดนัดชุมชน"}),
        (personas.evaluator, {"q": "ตลาดนัดชุมชน", "kind": "narratives"}),
        (personas.officer_hk, {"q": "ตลาดนัดชุมชน"}),
        (marked.reader, {"q": "ตลาดนัดชุมชน"}),
    ]
    before = [count(user, **params) for user, params in cases]
    many_narratives(3, "ตลาดนัดชุมชนริมคลอง")
    few = [count(user, **params) for user, params in cases]
    many_narratives(60, "ตลาดนัดชุมชนริมคลอง")
    many = [count(user, **params) for user, params in cases]
    assert before == few == many
    assert max(many) <= 12, many
