"""A scoring rule's checks, its preview for sample results and its description in words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import FiscalYear, Indicator
from indicators.rules import Rule, describe, rule_notes, rule_preview, rule_problems

D = Decimal


def five(*thresholds: int | None, direction: str = "higher", kind: str = "value") -> Rule:
    return Rule(
        rule="five_levels",
        kind=kind,
        direction=direction,
        full_score=D(100),
        thresholds=tuple(None if t is None else D(t) for t in thresholds),
        unit="ร้อยละ",
    )


class TestRuleProblems:
    def test_ascending_thresholds_when_higher_is_better_pass(self) -> None:
        assert rule_problems(five(80, 85, 90, 95, 100)) == {}

    def test_descending_thresholds_when_lower_is_better_pass(self) -> None:
        assert rule_problems(five(10, 8, 6, 4, 2, direction="lower")) == {}

    def test_each_missing_threshold_is_named_on_its_field(self) -> None:
        problems = rule_problems(five(80, None, 90, None, 100))
        assert set(problems) == {"level_2", "level_4"}
        assert "กรอกผลงานที่ได้ระดับ 2" in problems["level_2"]

    def test_a_threshold_out_of_order_is_named_with_the_one_before(self) -> None:
        problems = rule_problems(five(80, 85, 85, 95, 100))
        assert set(problems) == {"level_3"}
        assert "เกณฑ์ระดับ 3 ต้องมากกว่าเกณฑ์ระดับ 2 (85)" in problems["level_3"]

    def test_ascending_thresholds_when_lower_is_better_are_refused(self) -> None:
        problems = rule_problems(five(2, 4, 6, 8, 10, direction="lower"))
        assert set(problems) == {"level_2", "level_3", "level_4", "level_5"}
        assert "ยิ่งน้อยยิ่งดี" in problems["level_2"] and "ต้องน้อยกว่า" in problems["level_2"]

    def test_milestones_due_only_for_a_milestone_indicator(self) -> None:
        rule = Rule("milestones_due", "value", "higher", D(100), (None,) * 5)
        assert "ขั้นตอนความสำเร็จ" in rule_problems(rule)["scoring_rule"]
        assert (
            rule_problems(Rule("milestones_due", "milestones", "higher", D(100), (None,) * 5)) == {}
        )

    def test_full_score_must_be_positive(self) -> None:
        assert "full_score" in rule_problems(
            Rule("proportional", "value", "higher", D(0), (None,) * 5)
        )

    def test_thresholds_for_another_rule_are_kept_and_noted(self) -> None:
        rule = Rule("proportional", "value", "higher", D(100), (D(5), None, D(1), None, None))
        assert rule_problems(rule) == {}  # not checked: the rule ignores them
        assert "ไม่ใช้กับวิธีคิดคะแนนนี้" in rule_notes(rule)[0]
        assert rule_notes(five(80, 85, 90, 95, 100)) == []


class TestPreview:
    def test_five_levels_samples_each_threshold_midpoints_and_both_ends(self) -> None:
        rows = rule_preview(five(80, 85, 90, 95, 100)).rows
        assert [(r.result, r.level, r.score) for r in rows] == [
            (D("77.5"), 0, D("0.00")),
            (D(80), 1, D("20.00")),
            (D("82.5"), D("1.5"), D("30.00")),
            (D(85), 2, D("40.00")),
            (D("87.5"), D("2.5"), D("50.00")),
            (D(90), 3, D("60.00")),
            (D("92.5"), D("3.5"), D("70.00")),
            (D(95), 4, D("80.00")),
            (D("97.5"), D("4.5"), D("90.00")),
            (D(100), 5, D("100.00")),
            (D("102.5"), 5, D("100.00")),
        ]
        assert rows[0].note == "ไม่ถึงเกณฑ์ระดับ 1" and rows[-1].note == "ดีกว่าเกณฑ์ระดับ 5"

    def test_five_levels_lower_is_better_samples_run_downwards(self) -> None:
        rows = rule_preview(five(10, 8, 6, 4, 2, direction="lower")).rows
        assert [r.result for r in rows] == [D(r) for r in (11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)]
        assert [r.score for r in rows][:2] == [D(0), D(20)]

    def test_no_negative_sample_below_a_zero_based_scale(self) -> None:
        rows = rule_preview(five(0, 25, 50, 75, 100)).rows
        assert rows[0].result == D(0) and rows[0].note == "เกณฑ์ระดับ 1"

    def test_proportional_samples_a_target_of_100(self) -> None:
        preview = rule_preview(Rule("proportional", "value", "higher", D(10), (None,) * 5))
        assert preview.target == 100
        assert [(r.result, r.score) for r in preview.rows] == [
            (D(0), D(0)),
            (D(50), D(5)),
            (D(80), D(8)),
            (D(100), D(10)),
            (D(120), D(10)),
        ]

    def test_proportional_lower_is_better_inverts(self) -> None:
        preview = rule_preview(Rule("proportional", "value", "lower", D(100), (None,) * 5))
        assert [(r.result, r.score) for r in preview.rows] == [
            (D(200), D(50)),
            (D(150), D("66.67")),
            (D(125), D(80)),
            (D(100), D(100)),
            (D(80), D(100)),
        ]

    def test_milestones_explain_the_steps_weights_instead_of_a_table(self) -> None:
        preview = rule_preview(Rule("milestones_due", "milestones", "higher", D(100), (None,) * 5))
        assert preview.rows == []
        assert "น้ำหนักของขั้นตอนที่ถึงกำหนด" in " ".join(preview.sentences)


class TestDescribe:
    def test_five_levels_one_row_per_level_with_its_score(self) -> None:
        text = describe(five(80, 85, 90, 95, 100))
        assert [(r.level, r.threshold, r.score) for r in text.levels] == [
            (1, D(80), D(20)),
            (2, D(85), D(40)),
            (3, D(90), D(60)),
            (4, D(95), D(80)),
            (5, D(100), D(100)),
        ]
        assert "ระดับละ 20 คะแนน คะแนนเต็ม 100 คะแนน" in text.sentences[0]
        assert "ต่ำกว่าเกณฑ์ระดับ 1 ได้ 0 คะแนน" in text.sentences[1]

    def test_proportional_sentence_names_the_full_score(self) -> None:
        text = describe(Rule("proportional", "value", "higher", D("5"), (None,) * 5))
        assert text.levels == []
        assert text.sentences[0] == "คะแนน = ผลงาน ÷ ค่าเป้าหมาย × คะแนนเต็ม 5 คะแนน และไม่เกินคะแนนเต็ม"

    def test_lower_is_better_says_so(self) -> None:
        assert "ยิ่งน้อยยิ่งดี" in describe(five(10, 8, 6, 4, 2, direction="lower")).sentences[0]
        proportional = Rule("proportional", "value", "lower", D(100), (None,) * 5)
        assert "ค่าเป้าหมาย ÷ ผลงาน" in describe(proportional).sentences[0]


@pytest.mark.django_db
class TestIndicatorClean:
    """The model's clean() is the rule's one gate: the admin form and any import call it."""

    def test_full_clean_names_the_field(self) -> None:
        indicator = Indicator(
            fiscal_year=FiscalYear.objects.create(year=2599),
            code="9.9",
            name="ทดสอบ",
            unit="ร้อยละ",
            indicator_type="strategic",
            level="outcome",
            kind="value",
            scoring_rule="five_levels",
            level_1=D(80),
            level_2=D(85),
            level_3=D(70),
            level_4=D(95),
            level_5=D(100),
        )
        with pytest.raises(ValidationError) as refused:
            indicator.full_clean()
        assert set(refused.value.message_dict) == {"level_3"}
        indicator.level_3 = D(90)
        indicator.full_clean()
