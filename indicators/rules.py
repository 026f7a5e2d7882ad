"""What an indicator's scoring rule may be, what it gives for sample results, and how
it reads on a printed sheet.

The one home of a rule's validation (``rule_problems``: ``Indicator.clean`` asks it,
so the admin and any import share it), of the admin's live preview
(``rule_preview``) and of the sheet's description (``describe_rule``). The
arithmetic itself stays in ``indicators.scoring``.

Thresholds typed for a rule other than the five levels are kept, not cleared: the
rule ignores them, ``rule_notes`` says so, and switching back to the five levels
finds them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from indicators.models import Direction, Indicator, MeasurementKind, ScoringRule
from indicators.scoring import five_level_score, level_of, proportional_score
from kpi_portal.thaidigits import format_score

THRESHOLD_FIELDS = ("level_1", "level_2", "level_3", "level_4", "level_5")
LEVELS = range(1, 6)
#: The proportional preview's made-up target and results, worst to best.
SAMPLE_TARGET = Decimal(100)
SAMPLE_RESULTS_HIGHER = tuple(Decimal(r) for r in (0, 50, 80, 100, 120))
SAMPLE_RESULTS_LOWER = tuple(Decimal(r) for r in (200, 150, 125, 100, 80))


@dataclass(frozen=True)
class Rule:
    """The fields of an indicator that decide its suggested score, saved or not."""

    rule: str
    kind: str
    direction: str
    full_score: Decimal | None
    thresholds: tuple[Decimal | None, ...]
    unit: str = ""

    @classmethod
    def of(cls, indicator: Indicator) -> Rule:
        return cls(
            rule=indicator.scoring_rule,
            kind=indicator.kind,
            direction=indicator.direction,
            full_score=indicator.full_score,
            thresholds=tuple(getattr(indicator, name) for name in THRESHOLD_FIELDS),
            unit=indicator.unit,
        )

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.LOWER

    @property
    def levels(self) -> list[Decimal] | None:
        """The five thresholds, or None while any is missing."""
        if any(t is None for t in self.thresholds) or len(self.thresholds) != 5:
            return None
        return [Decimal(t) for t in self.thresholds if t is not None]

    @property
    def uses_levels(self) -> bool:
        return self.rule == ScoringRule.FIVE_LEVELS and self.levels is not None


def rule_problems(rule: Rule) -> dict[str, str]:
    """What stops the rule from being saved: field name → a Thai message saying how to fix it."""
    problems: dict[str, str] = {}
    if rule.full_score is not None and rule.full_score <= 0:
        problems["full_score"] = _("คะแนนเต็มต้องมากกว่า 0 เช่น 100")
    if rule.rule == ScoringRule.MILESTONES_DUE and rule.kind != MeasurementKind.MILESTONES:
        problems["scoring_rule"] = _(
            "คิดคะแนนตามขั้นตอนที่ถึงกำหนดได้เฉพาะตัวชี้วัดที่วัดผลแบบขั้นตอนความสำเร็จ "
            "เลือกวิธีคิดคะแนนอื่น หรือเปลี่ยนวิธีวัดผลเป็นขั้นตอนความสำเร็จ"
        )
    if rule.rule != ScoringRule.FIVE_LEVELS:
        return problems
    for level, (name, value) in enumerate(zip(THRESHOLD_FIELDS, rule.thresholds, strict=True), 1):
        if value is None:
            problems[name] = _("เกณฑ์ 5 ระดับต้องกรอกเกณฑ์ครบทั้ง 5 ระดับ: กรอกผลงานที่ได้ระดับ %(level)s") % {
                "level": level
            }
    if problems.keys() & set(THRESHOLD_FIELDS):
        return problems
    for level, (previous, value) in enumerate(pairwise(rule.thresholds), start=2):
        if previous is None or value is None:  # pragma: no cover - refused above
            continue
        values = {"level": level, "previous": level - 1, "value": format_score(previous)}
        if rule.lower_is_better and not value < previous:
            problems[f"level_{level}"] = (
                _(
                    "ตัวชี้วัดนี้ยิ่งน้อยยิ่งดี เกณฑ์ระดับ %(level)s ต้องน้อยกว่าเกณฑ์ระดับ "
                    "%(previous)s (%(value)s) เรียงเกณฑ์ใหม่ หรือเปลี่ยนทิศทางเป็นยิ่งมากยิ่งดี"
                )
                % values
            )
        elif not rule.lower_is_better and not value > previous:
            problems[f"level_{level}"] = (
                _(
                    "ตัวชี้วัดนี้ยิ่งมากยิ่งดี เกณฑ์ระดับ %(level)s ต้องมากกว่าเกณฑ์ระดับ "
                    "%(previous)s (%(value)s) เรียงเกณฑ์ใหม่ หรือเปลี่ยนทิศทางเป็นยิ่งน้อยยิ่งดี"
                )
                % values
            )
    return problems


def rule_notes(rule: Rule) -> list[str]:
    """What is allowed but worth knowing: thresholds kept for a rule that ignores them."""
    if rule.rule != ScoringRule.FIVE_LEVELS and any(t is not None for t in rule.thresholds):
        return [_("เกณฑ์ระดับ 1–5 ที่กรอกไว้ไม่ใช้กับวิธีคิดคะแนนนี้ ระบบเก็บไว้เผื่อเปลี่ยนกลับเป็นเกณฑ์ 5 ระดับ")]
    return []


@dataclass(frozen=True)
class SampleRow:
    """One line of the admin's preview: a made-up result and what the rule gives it."""

    result: Decimal
    note: str
    level: Decimal | None
    score: Decimal


@dataclass(frozen=True)
class RulePreview:
    rule: str
    full_score: Decimal
    unit: str
    rows: list[SampleRow]
    sentences: list[str]
    target: Decimal | None = None


def _beyond(threshold: Decimal, step: Decimal) -> Decimal | None:
    """A result half a step past a threshold, not crossing zero from a non-negative one
    (percentages and counts are never negative)."""
    sample = threshold + step / 2
    if sample < 0 <= threshold:
        return Decimal(0) if threshold > 0 else None
    return sample


def _level_samples(levels: list[Decimal]) -> list[tuple[Decimal, str]]:
    samples: list[tuple[Decimal, str]] = []
    below = _beyond(levels[0], levels[0] - levels[1])
    if below is not None:
        samples.append((below, _("ไม่ถึงเกณฑ์ระดับ 1")))
    for level, (low, high) in enumerate(pairwise(levels), start=1):
        samples.append((low, _("เกณฑ์ระดับ %(level)s") % {"level": level}))
        samples.append(
            (
                (low + high) / 2,
                _("กึ่งกลางระดับ %(low)s และ %(high)s") % {"low": level, "high": level + 1},
            )
        )
    samples.append((levels[-1], _("เกณฑ์ระดับ %(level)s") % {"level": 5}))
    beyond = _beyond(levels[-1], levels[-1] - levels[-2])
    if beyond is not None:
        samples.append((beyond, _("ดีกว่าเกณฑ์ระดับ 5")))
    return samples


def rule_preview(rule: Rule) -> RulePreview:
    """What the rule gives for sample results. The rule must have no ``rule_problems``."""
    full = rule.full_score if rule.full_score is not None else Decimal(100)
    lower = rule.lower_is_better
    sentences = describe(rule).sentences
    if rule.rule == ScoringRule.MILESTONES_DUE:
        return RulePreview(rule.rule, full, rule.unit, [], sentences)
    levels = rule.levels
    if rule.rule == ScoringRule.FIVE_LEVELS and levels is not None:
        rows = [
            SampleRow(
                result,
                note,
                level_of(result, levels, lower_is_better=lower),
                five_level_score(result, levels, full, lower_is_better=lower),
            )
            for result, note in _level_samples(levels)
        ]
        return RulePreview(rule.rule, full, rule.unit, rows, sentences)
    results = SAMPLE_RESULTS_LOWER if lower else SAMPLE_RESULTS_HIGHER
    rows = [
        SampleRow(
            result,
            "",
            None,
            proportional_score(result, SAMPLE_TARGET, full, lower_is_better=lower),
        )
        for result in results
    ]
    return RulePreview(ScoringRule.PROPORTIONAL, full, rule.unit, rows, sentences, SAMPLE_TARGET)


@dataclass(frozen=True)
class LevelRow:
    level: int
    threshold: Decimal
    score: Decimal


@dataclass(frozen=True)
class RuleDescription:
    """The rule in words for the sheet (web and PDF): sentences and, for the five
    levels, one row per level."""

    title: str
    sentences: list[str]
    levels: list[LevelRow]
    full_score: Decimal
    unit: str


def describe(rule: Rule) -> RuleDescription:
    """The rule in plain Thai, as the sheet prints it under เกณฑ์การให้คะแนน."""
    full = rule.full_score if rule.full_score is not None else Decimal(100)
    numbers = {"full": format_score(full)}
    lower = rule.lower_is_better
    if rule.rule == ScoringRule.MILESTONES_DUE:
        if rule.kind != MeasurementKind.MILESTONES:
            sentences = [_("ระบบไม่เสนอคะแนนให้ตัวชี้วัดนี้ สยป. เป็นผู้ให้คะแนน เต็ม %(full)s คะแนน")]
        else:
            sentences = [
                _(
                    "คะแนน = คะแนนเต็ม %(full)s คะแนน × น้ำหนักของขั้นตอนที่ถึงกำหนดภายใน"
                    "ไตรมาสและดำเนินการแล้ว ÷ น้ำหนักของขั้นตอนที่ถึงกำหนดภายในไตรมาสทั้งหมด"
                ),
                _("น้ำหนักของแต่ละขั้นตอนเป็นไปตามขั้นตอนการดำเนินงาน ไตรมาสที่ยังไม่มีขั้นตอนถึงกำหนดได้คะแนนเต็ม"),
            ]
        return RuleDescription(
            str(ScoringRule.MILESTONES_DUE.label),
            [s % numbers for s in sentences],
            [],
            full,
            rule.unit,
        )
    levels = rule.levels
    if rule.rule == ScoringRule.FIVE_LEVELS and levels is not None:
        numbers["step"] = format_score(full / 5)
        if lower:
            sentences = [
                _(
                    "ตัวชี้วัดนี้ยิ่งน้อยยิ่งดี ผลงานไม่เกินเกณฑ์ของระดับใดได้คะแนนของระดับนั้น "
                    "(ระดับละ %(step)s คะแนน คะแนนเต็ม %(full)s คะแนน)"
                ),
                _(
                    "ผลงานระหว่างสองระดับคิดคะแนนตามสัดส่วน (บัญญัติไตรยางศ์) "
                    "ผลงานสูงกว่าเกณฑ์ระดับ 1 ได้ 0 คะแนน"
                ),
            ]
        else:
            sentences = [
                _(
                    "ผลงานถึงเกณฑ์ของระดับใดได้คะแนนของระดับนั้น "
                    "(ระดับละ %(step)s คะแนน คะแนนเต็ม %(full)s คะแนน)"
                ),
                _(
                    "ผลงานระหว่างสองระดับคิดคะแนนตามสัดส่วน (บัญญัติไตรยางศ์) "
                    "ผลงานต่ำกว่าเกณฑ์ระดับ 1 ได้ 0 คะแนน"
                ),
            ]
        rows = [
            LevelRow(
                level, threshold, five_level_score(threshold, levels, full, lower_is_better=lower)
            )
            for level, threshold in zip(LEVELS, levels, strict=True)
        ]
        return RuleDescription(
            str(ScoringRule.FIVE_LEVELS.label),
            [s % numbers for s in sentences],
            rows,
            full,
            rule.unit,
        )
    # The proportional rule, also where five levels lack thresholds (as suggest_score does).
    if lower:
        sentences = [
            _(
                "ตัวชี้วัดนี้ยิ่งน้อยยิ่งดี ผลงานไม่เกินค่าเป้าหมายได้คะแนนเต็ม %(full)s คะแนน "
                "ผลงานที่เกินค่าเป้าหมายได้ ค่าเป้าหมาย ÷ ผลงาน × คะแนนเต็ม"
            )
        ]
    else:
        sentences = [_("คะแนน = ผลงาน ÷ ค่าเป้าหมาย × คะแนนเต็ม %(full)s คะแนน และไม่เกินคะแนนเต็ม")]
    sentences.append(_("ค่าเป้าหมายคือค่าเป้าหมายของไตรมาส หรือของทั้งปีเมื่อไตรมาสนั้นไม่มีค่าเป้าหมาย"))
    return RuleDescription(
        str(ScoringRule.PROPORTIONAL.label), [s % numbers for s in sentences], [], full, rule.unit
    )


def describe_rule(indicator: Indicator) -> RuleDescription:
    """An indicator's scoring rule in plain Thai: one function for the web sheet and the PDF."""
    return describe(Rule.of(indicator))
