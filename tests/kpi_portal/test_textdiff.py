"""A readable diff of Thai text (``kpi_portal.textdiff``)."""

from __future__ import annotations

from kpi_portal.textdiff import Piece, text_diff, tokens


def ops(old: str, new: str) -> list[tuple[str, str]]:
    return [(p.op, p.text) for p in text_diff(old, new)]


def test_a_thai_syllable_keeps_its_vowels_and_tone_marks() -> None:
    assert tokens("เบิกจ่ายได้ 45.5") == ["เบิ", "ก", "จ่า", "ย", "ได้", " ", "45", ".", "5"]


def test_a_replaced_word_is_one_deletion_and_one_insertion() -> None:
    assert ops("เบิกจ่ายตามแผน", "เบิกจ่ายล่าช้ากว่าแผน") == [
        ("equal", "เบิกจ่าย"),
        ("delete", "ตาม"),
        ("insert", "ล่าช้ากว่า"),
        ("equal", "แผน"),
    ]


def test_a_changed_number_between_spaces() -> None:
    assert ops("แล้วเสร็จ 3 โครงการ", "แล้วเสร็จ 14 โครงการ") == [
        ("equal", "แล้วเสร็จ "),
        ("delete", "3"),
        ("insert", "14"),
        ("equal", " โครงการ"),
    ]


def test_an_unchanged_sliver_between_changes_joins_them() -> None:
    # The two share scattered clusters (ง, ร, ม, …): read as one change, not confetti.
    assert ops("ผลการเบิกจ่ายงบประมาณ", "ผลการดำเนินงานโครงการ") == [
        ("equal", "ผลการ"),
        ("delete", "เบิกจ่ายงบประมาณ"),
        ("insert", "ดำเนินงานโครงการ"),
    ]


def test_long_unchanged_text_is_shortened_around_the_change() -> None:
    pieces = text_diff("ก" * 500 + "ข", "ก" * 500 + "ค")
    assert pieces[0].op == "equal" and pieces[0].text == "…" + "ก" * 80
    assert "".join(p.text for p in text_diff("ก" * 500 + "ข", "ก" * 500 + "ค", shorten=False))


def test_same_text_is_all_equal() -> None:
    assert ops("ข้อความเดิม", "ข้อความเดิม") == [("equal", "ข้อความเดิม")]


def test_shortened_text_is_cut_between_phrases_not_inside_a_word() -> None:
    old = "ในปีงบประมาณ 2564 " + "สำนักงานเขตพระนครได้รับงบประมาณ " * 6 + "คิดเป็นร้อยละ 10.32"
    pieces = text_diff(old, old + " ยืนยันแล้ว")
    assert pieces[0].text.startswith("…สำนักงานเขต")
    assert pieces[-1] == Piece("insert", " ยืนยันแล้ว")
