"""The query as typed, tidied; and the snippet cut around a match."""

from __future__ import annotations

import pytest

from search.query import search_text
from search.snippets import snippet


@pytest.mark.parametrize(
    ("typed", "tidy"),
    [
        ("  งบประมาณ  ", "งบประมาณ"),
        ("\u200bงบ\u200bประมาณ\u200b", "งบประมาณ"),  # zero-width spaces from copy-paste
        ("ลอก   ท่อ\tระบาย", "ลอก ท่อ ระบาย"),
        ("ดําเนินการ", "ดำเนินการ"),  # nikhahit + sara aa is sara am
        (None, ""),
        ("ก" * 300, "ก" * 100),
    ],
)
def test_query_is_tidied(typed: str | None, tidy: str) -> None:
    assert search_text(typed).text == tidy


def test_digits_are_searched_in_both_forms() -> None:
    assert search_text("กท ๔๘๑๐").variants == ("กท 4810", "กท ๔๘๑๐")
    assert search_text("5009-0963").variants == ("5009-0963", "๕๐๐๙-๐๙๖๓")
    assert search_text("งบประมาณ").variants == ("งบประมาณ",)


def test_lengths() -> None:
    assert search_text("ก").too_short
    assert not search_text("กท").too_short and not search_text("กท").full
    assert search_text("งบป").full


def test_pattern_finds_either_digit_form_and_any_case() -> None:
    pattern = search_text("KPI 2564").pattern
    assert pattern.search("ตัวชี้วัด kpi ๒๕๖๔ ของเขต")
    assert pattern.search("KPI  2564")
    assert not pattern.search("KPI 2563")


def _shown(text: str, query: str) -> tuple[str, list[str]]:
    s = snippet(text, search_text(query).pattern)
    return "".join(p.text for p in s.pieces), [p.text for p in s.pieces if p.match]


def test_every_match_in_the_snippet_is_marked() -> None:
    shown, marked = _shown("ท่อระบายน้ำ และลอกท่อระบายน้ำอีกครั้ง", "ระบาย")
    assert shown == "ท่อระบายน้ำ และลอกท่อระบายน้ำอีกครั้ง"
    assert marked == ["ระบาย", "ระบาย"]


def test_long_text_is_cut_at_a_space_near_the_match() -> None:
    text = ("ก่อนหน้า " * 30) + "ลอกท่อระบายน้ำคลองลาดพร้าว" + (" ต่อจากนั้น" * 40)
    s = snippet(text, search_text("ลาดพร้าว").pattern)
    shown = "".join(p.text for p in s.pieces)
    assert s.cut_start and s.cut_end
    assert shown.startswith("ก่อนหน้า") and shown.endswith("ต่อจากนั้น")
    assert "ลาดพร้าว" in [p.text for p in s.pieces if p.match]
    assert len(shown) < len(text) / 2


def test_thai_without_spaces_is_never_cut_inside_a_character_cluster() -> None:
    # No space at all: the cut falls where the text happens to be, and moves off
    # vowels and tone marks written above or below (and off a leading vowel).
    text = "สำนักงานเขตได้ดำเนินการตามแผนปฏิบัติราชการ" * 12
    middle = text + "คำค้นหายาก" + text
    s = snippet(middle, search_text("คำค้นหายาก").pattern)
    shown = "".join(p.text for p in s.pieces)
    first, last = shown[0], shown[-1]
    assert first not in "ะาำๅัิีึืุู็่้๊๋์", shown[:5]
    assert last not in "เแโใไ", shown[-5:]
    assert middle.find(shown) >= 0  # a slice of the text, nothing dropped inside


def test_without_a_match_the_beginning_is_shown() -> None:
    s = snippet("ข้อความ " * 100, search_text("ไม่มี").pattern)
    assert not s.matched and not s.cut_start and s.cut_end
