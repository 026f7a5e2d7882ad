"""Synthetic data at real scale for benchmarks: `manage.py synth`.

Everything is drawn from one ``random.Random(seed)``, and every date is derived
from the fiscal years, so the same seed loads the same content (only the
quarters reported in the current fiscal year depend on today's date). Rows are
built in Python and written with ``bulk_create``; the history triggers of
django-pghistory are switched off for the load, and ``reports.services`` is not
used (it writes row by row).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pgtrigger
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone

from districts.models import District, Division, Membership, Role, ZoneGroup
from districts.reference import load_districts
from indicators.fiscal import QUARTERS, current_fiscal_year, fiscal_year_bounds, quarter_bounds
from indicators.models import (
    Assignment,
    Direction,
    FiscalYear,
    Indicator,
    IndicatorLevel,
    IndicatorType,
    MeasurementKind,
    MilestoneBasis,
    MilestoneStep,
    MilestoneSubItem,
    QuarterTarget,
    ReportingPeriod,
    ScoringRule,
    StrategyNode,
)
from indicators.scoring import suggest_score
from kpi_portal.thaidate import thai_date_numeric
from reports.measures import ratio_percent
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    Status,
    StepProgress,
)

#: The assignment code of the demo data (seed 001); its presence means "demo database".
DEMO_ASSIGNMENT_CODE = "5009-0963"
#: Password of every synthetic user (benchmark databases only).
# Published benchmark credential.
BENCH_PASSWORD = "bench-password"  # noqa: S105  # nosec B105
EVALUATOR_USERNAMES = ("evaluator-1", "evaluator-2")
BATCH_SIZE = 5000

_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Scale:
    years: int
    districts: int
    indicators: int


FULL = Scale(years=10, districts=50, indicators=100)
SMALL = Scale(years=2, districts=5, indicators=10)


class SynthError(Exception):
    """The database is not one the synthetic data may be loaded into."""


def officer_username(district_code: str) -> str:
    return f"officer-{district_code}"


def has_demo_data() -> bool:
    return Assignment.objects.filter(code=DEMO_ASSIGNMENT_CODE).exists()


def has_synthetic_data() -> bool:
    return get_user_model().objects.filter(username__in=EVALUATOR_USERNAMES).exists()


# --- Thai text ------------------------------------------------------------------------------

_NAME_PREFIXES = [
    "ร้อยละของ",
    "ร้อยละความสำเร็จของ",
    "ระดับความสำเร็จของ",
    "จำนวน",
    "ร้อยละที่ลดลงของ",
    "ระดับความพึงพอใจต่อ",
]
_SUBJECTS = [
    "การเบิกจ่ายงบประมาณรายจ่ายประจำปี",
    "การพัฒนาระบบฐานข้อมูล",
    "การจัดเก็บรายได้ภาษีที่ดินและสิ่งปลูกสร้าง",
    "การแก้ไขเรื่องร้องเรียนผ่านระบบทราฟฟี่ฟองดูว์",
    "การจัดเก็บขยะมูลฝอยและสิ่งปฏิกูล",
    "การคัดแยกขยะมูลฝอยที่ต้นทาง",
    "การตรวจสุขลักษณะสถานประกอบการด้านอาหาร",
    "การจัดระเบียบหาบเร่แผงลอยบนทางเท้า",
    "การซ่อมแซมผิวจราจรและทางเท้า",
    "การลอกท่อระบายน้ำและคูคลอง",
    "การพัฒนาพื้นที่สีเขียวและสวนสาธารณะ",
    "การให้บริการงานทะเบียนราษฎร",
    "การส่งเสริมอาชีพและรายได้ของชุมชน",
    "การดูแลผู้สูงอายุและผู้ป่วยติดเตียง",
    "การป้องกันและบรรเทาสาธารณภัย",
    "การตรวจสอบอาคารและการควบคุมอาคาร",
    "การพัฒนาคุณภาพการศึกษาในโรงเรียนสังกัดกรุงเทพมหานคร",
    "การเฝ้าระวังคุณภาพอากาศและฝุ่นละอองขนาดเล็ก",
    "การให้บริการประชาชนผ่านช่องทางออนไลน์",
    "การติดตั้งและซ่อมแซมไฟฟ้าส่องสว่าง",
    "การบริหารความเสี่ยงและการควบคุมภายใน",
    "การพัฒนาศักยภาพบุคลากร",
    "การจัดซื้อจัดจ้างด้วยระบบอิเล็กทรอนิกส์",
    "การเปิดเผยข้อมูลต่อสาธารณะ",
]
_NAME_SUFFIXES = [
    "ของสำนักงานเขต",
    "ในพื้นที่เขต",
    "ตามแผนปฏิบัติราชการประจำปี",
    "ที่ดำเนินการแล้วเสร็จตามกำหนด",
    "ของกรุงเทพมหานคร",
    "",
]
_UNITS_VALUE = ["ครั้ง", "เรื่อง", "ราย", "ชุมชน", "แห่ง", "ตัน", "บาท", "วัน", "กิโลเมตร"]
_PHRASES = [
    "สำนักงานเขตได้ดำเนินการ",
    "ตามแผนปฏิบัติราชการประจำปีงบประมาณ",
    "โดยประสานความร่วมมือกับชุมชนและภาคีเครือข่ายในพื้นที่",
    "ฝ่ายที่รับผิดชอบได้จัดประชุมชี้แจงแนวทางการดำเนินงาน",
    "ให้แก่เจ้าหน้าที่ผู้ปฏิบัติงาน",
    "มีการติดตามและรายงานความก้าวหน้าเป็นประจำทุกเดือน",
    "ต่อผู้อำนวยการเขตเพื่อพิจารณาสั่งการ",
    "ทั้งนี้ได้นำเข้าข้อมูลในระบบการบริหารจัดการแผนพัฒนากรุงเทพมหานคร",
    "อย่างครบถ้วนและเป็นปัจจุบัน",
    "การพัฒนาระบบฐานข้อมูลของหน่วยงาน",
    "ได้จัดทำบัญชีรายการข้อมูลและคำอธิบายข้อมูล",
    "ตามกรอบธรรมาภิบาลข้อมูลภาครัฐ",
    "มีการตรวจสอบความถูกต้องของข้อมูลก่อนเผยแพร่",
    "ผลการเบิกจ่ายงบประมาณเป็นไปตามเป้าหมายที่กำหนด",
    "อยู่ระหว่างดำเนินการจัดซื้อจัดจ้างตามระเบียบ",
    "ได้รับความร่วมมือจากประชาชนในพื้นที่เป็นอย่างดี",
    "ปัญหาและอุปสรรคที่พบ คือ",
    "บุคลากรมีภาระงานหลายด้านในช่วงเวลาเดียวกัน",
    "สภาพอากาศไม่เอื้ออำนวยต่อการปฏิบัติงานในบางช่วง",
    "แนวทางแก้ไข คือ",
    "ปรับแผนการปฏิบัติงานให้สอดคล้องกับสถานการณ์",
    "และมอบหมายผู้รับผิดชอบติดตามอย่างใกล้ชิด",
    "ได้ส่งหลักฐานการดำเนินการให้สำนักยุทธศาสตร์และประเมินผล",
    "ภายในระยะเวลาที่กำหนดเรียบร้อยแล้ว",
    "การลงพื้นที่ตรวจสอบร่วมกับฝ่ายโยธาและฝ่ายเทศกิจ",
    "เพื่อแก้ไขปัญหาความเดือดร้อนของประชาชน",
    "จัดกิจกรรมประชาสัมพันธ์ผ่านสื่อออนไลน์ของสำนักงานเขต",
    "มีผู้เข้าร่วมกิจกรรมมากกว่าที่คาดการณ์ไว้",
    "ผลการดำเนินงานสะสมตั้งแต่ต้นปีงบประมาณ",
    "เมื่อเทียบกับค่าเป้าหมายที่กำหนดไว้",
    "คณะทำงานได้ประชุมทบทวนผลการดำเนินงาน",
    "และจัดทำรายงานสรุปเสนอผู้บริหาร",
]
_DEFINITION_OPENERS = [
    "หมายถึง",
    "หมายความว่า",
    "ในที่นี้หมายถึง",
]
_CALCULATION = [
    "ผลการดำเนินงาน ÷ ค่าเป้าหมาย × 100",
    "จำนวนที่ดำเนินการแล้วเสร็จ ÷ จำนวนทั้งหมด × 100",
    "พิจารณาจากขั้นตอนที่ดำเนินการแล้วเสร็จตามน้ำหนักที่กำหนด",
    "เทียบผลการดำเนินงานกับเกณฑ์การให้คะแนน 5 ระดับ",
]
_STEP_TITLES = [
    "แต่งตั้งคณะทำงานและจัดทำแผนการดำเนินงาน",
    "สำรวจและรวบรวมข้อมูลในพื้นที่",
    "ดำเนินการตามแผนและรายงานความก้าวหน้า",
    "ติดตามและประเมินผลการดำเนินงาน",
    "สรุปผลการดำเนินงานและเผยแพร่ต่อสาธารณะ",
]
_SUB_ITEMS = [
    "จัดประชุมคณะทำงานเพื่อกำหนดแนวทาง",
    "จัดทำรายงานเสนอผู้อำนวยการเขต",
    "ส่งหลักฐานให้สำนักยุทธศาสตร์และประเมินผล",
    "นำเข้าข้อมูลในระบบให้ครบถ้วน",
    "ประชาสัมพันธ์ให้ประชาชนในพื้นที่ทราบ",
]
_LETTER_TITLES = [
    "ส่งเอกสารการดำเนินการตามตัวชี้วัด",
    "รายงานผลการดำเนินงานประจำไตรมาส",
    "ขอส่งหลักฐานประกอบการตรวจประเมิน",
    "แจ้งผลการเบิกจ่ายงบประมาณ",
]
_EVIDENCE_NAMES = [
    "คำสั่งแต่งตั้งคณะทำงาน",
    "รายงานการประชุม",
    "ภาพถ่ายกิจกรรม",
    "สรุปผลการดำเนินงาน",
    "บัญชีรายการข้อมูล",
    "หนังสือนำส่ง",
]
_COMMENTS = [
    "ผลการดำเนินงานเป็นไปตามเป้าหมาย",
    "ขอให้แนบหลักฐานเพิ่มเติมให้ครบถ้วน",
    "ตัวเลขผลการดำเนินงานไม่สอดคล้องกับหลักฐาน กรุณาตรวจสอบ",
    "ดำเนินการครบถ้วนตามเกณฑ์",
]
_FIRST_NAMES = ["สมชาย", "สุนีย์", "ประเสริฐ", "วิภา", "อรุณี", "ธนากร", "กมลวรรณ", "พิชัย"]
_LAST_NAMES = ["ใจดี", "รักงาน", "มั่นคง", "ประเมินดี", "ศรีสุข", "วงศ์ไทย", "แก้วมณี", "บุญมา"]
_DIVISIONS = [
    "ฝ่ายปกครอง",
    "ฝ่ายทะเบียน",
    "ฝ่ายการคลัง",
    "ฝ่ายรายได้",
    "ฝ่ายโยธา",
    "ฝ่ายเทศกิจ",
    "ฝ่ายรักษาความสะอาดและสวนสาธารณะ",
    "ฝ่ายสิ่งแวดล้อมและสุขาภิบาล",
    "ฝ่ายพัฒนาชุมชนและสวัสดิการสังคม",
    "ฝ่ายการศึกษา",
]
_DIMENSIONS = [
    "มหานครปลอดภัย",
    "มหานครสีเขียว สะดวกสบาย",
    "มหานครสำหรับทุกคน",
    "มหานครกระชับ",
    "มหานครประชาธิปไตย",
    "การบริหารจัดการเมืองมหานคร",
]


class _Text:
    """Thai text of a wanted length from a pool of sentences built once."""

    def __init__(self, rng: random.Random, pool_size: int = 400) -> None:
        self.rng = rng
        self.sentences = [
            "".join(rng.sample(_PHRASES, rng.randint(2, 4))) + " " for _ in range(pool_size)
        ]

    def paragraph(self, length: int, opening: str = "") -> str:
        parts = [opening]
        size = len(opening)
        while size < length:
            sentence = self.rng.choice(self.sentences)
            parts.append(sentence)
            size += len(sentence)
        return "".join(parts)[:length].rstrip()


# --- helpers ----------------------------------------------------------------------------------


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    span = max((last - first).days, 0)
    return first + dt.timedelta(days=rng.randint(0, span))


def _bulk[M: models.Model](model: type[M], rows: Sequence[M]) -> list[M]:
    created = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    # With DEBUG on every statement is kept in memory; these are large.
    reset_queries()
    return created


@contextmanager
def _fixed_timestamps() -> Iterator[None]:
    """Let bulk_create write the timestamps given instead of now(), for reproducibility."""
    fields: list[Any] = [
        Report._meta.get_field("created_at"),
        Report._meta.get_field("updated_at"),
        RatioUpdate._meta.get_field("created_at"),
        EvidenceFile._meta.get_field("uploaded_at"),
        LetterReference._meta.get_field("created_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = False
            f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now = auto_now
            f.auto_now_add = auto_now_add


@dataclass
class _People:
    officers: dict[int, Any]  # district pk -> user
    evaluators: list[Any]


@dataclass
class _Spec:
    """What the generator needs to know about one indicator besides its row."""

    indicator: Indicator
    base_target: Decimal
    steps: list[MilestoneStep] = field(default_factory=list)


# --- the generator ------------------------------------------------------------------------


class Generator:
    def __init__(
        self,
        seed: int,
        scale: Scale,
        *,
        today: dt.date | None = None,
        log: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.seed = seed
        # Seeded for reproducible data, not for security.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.scale = scale
        self.today = today or timezone.localdate()
        self.log = log
        self.text = _Text(self.rng)
        self.counts: Counter[str] = Counter()
        self.evidence_number = 0

    # Reference data ----------------------------------------------------------------------

    def districts(self) -> list[District]:
        load_districts(ZoneGroup, District)
        return list(District.objects.order_by("code")[: self.scale.districts])

    def divisions(self, districts: list[District]) -> dict[int, list[Division]]:
        wanted = []
        for district in districts:
            names = sorted(self.rng.sample(_DIVISIONS, 4))
            wanted += [Division(district=district, name=name) for name in names]
        Division.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=BATCH_SIZE)
        keys = {(d.district_id, d.name) for d in wanted}
        found: dict[int, list[Division]] = {d.pk: [] for d in districts}
        for division in Division.objects.filter(district__in=districts).order_by("name"):
            if (division.district_id, division.name) in keys:
                found[division.district_id].append(division)
        self.counts["divisions"] = len(wanted)
        return found

    def people(self, districts: list[District], divisions: dict[int, list[Division]]) -> _People:
        User = get_user_model()
        # Hashed once, with a salt from the seed so that the same seed gives the same rows.
        password = make_password(BENCH_PASSWORD, salt=f"synth{self.seed}bench")
        joined = _at(fiscal_year_bounds(current_fiscal_year(self.today) - self.scale.years)[1], 9)
        users = [
            User(
                username=officer_username(d.code),
                first_name=self.rng.choice(_FIRST_NAMES),
                last_name=self.rng.choice(_LAST_NAMES),
                password=password,
                date_joined=joined,
            )
            for d in districts
        ] + [
            User(
                username=name,
                first_name=self.rng.choice(_FIRST_NAMES),
                last_name=self.rng.choice(_LAST_NAMES),
                password=password,
                date_joined=joined,
            )
            for name in EVALUATOR_USERNAMES
        ]
        users = _bulk(User, users)
        officers = dict(zip((d.pk for d in districts), users, strict=False))
        evaluators = users[len(districts) :]
        memberships = [
            Membership(
                user=officers[d.pk],
                role=Role.OFFICER,
                district=d,
                division=divisions[d.pk][0],
                position_title=f"เจ้าหน้าที่ {d.office_name}",
            )
            for d in districts
        ] + [
            Membership(user=u, role=Role.EVALUATOR, position_title="เจ้าหน้าที่ สยป.")
            for u in evaluators
        ]
        _bulk(Membership, memberships)
        self.counts["users"] = len(users)
        return _People(officers=officers, evaluators=evaluators)

    def strategy(self) -> list[StrategyNode]:
        """Six dimensions (ด้าน), three goals each, two targets per goal; returns the leaves."""
        leaves: list[StrategyNode] = []
        for d, title in enumerate(_DIMENSIONS, start=1):
            dimension = self._node(str(d), title, None)
            for g in range(1, 4):
                goal = self._node(f"{d}.{g}", self.text.paragraph(60), dimension)
                for t in range(1, 3):
                    leaves.append(self._node(f"{d}.{g}.{t}", self.text.paragraph(90), goal))
        return leaves

    def _node(self, code: str, title: str, parent: StrategyNode | None) -> StrategyNode:
        node, _ = StrategyNode.objects.get_or_create(
            code=code, defaults={"title": title, "parent": parent}
        )
        self.counts["strategy nodes"] += 1
        return node

    def fiscal_year(self, year: int, current: int) -> tuple[FiscalYear, dict[int, dt.date]]:
        fiscal_year, _ = FiscalYear.objects.get_or_create(
            year=year, defaults={"is_open": year == current}
        )
        deadlines: dict[int, dt.date] = {}
        for quarter in QUARTERS:
            end = quarter_bounds(year, quarter)[1]
            deadline = end + dt.timedelta(days=15)
            published = end + dt.timedelta(days=30)
            period, _ = ReportingPeriod.objects.get_or_create(
                fiscal_year=fiscal_year,
                quarter=quarter,
                defaults={
                    "deadline": deadline,
                    "assessment_published_on": published if published < self.today else None,
                },
            )
            deadlines[quarter] = period.deadline
        return fiscal_year, deadlines

    # Indicators ------------------------------------------------------------------------

    def indicators(self, fiscal_year: FiscalYear, leaves: list[StrategyNode]) -> list[_Spec]:
        rng = self.rng
        year = fiscal_year.year
        specs: list[_Spec] = []
        for n in range(1, self.scale.indicators + 1):
            roll = rng.random()
            kind = (
                MeasurementKind.VALUE
                if roll < 0.5
                else MeasurementKind.RATIO
                if roll < 0.8
                else MeasurementKind.MILESTONES
            )
            component = rng.randint(1, 7)
            subject = rng.choice(_SUBJECTS)
            direction = Direction.HIGHER
            unit = "ร้อยละ"
            numerator_label = denominator_label = ""
            if kind == MeasurementKind.VALUE:
                unit = rng.choice(_UNITS_VALUE)
                if rng.random() < 0.15:
                    direction = Direction.LOWER
                    name = f"จำนวน{subject}ที่ล่าช้ากว่ากำหนด"
                else:
                    name = f"จำนวน{subject}{rng.choice(_NAME_SUFFIXES)}"
                base_target = _money(rng.randint(10, 5000) * 100)
            elif kind == MeasurementKind.RATIO:
                name = f"{rng.choice(_NAME_PREFIXES[:3])}{subject}{rng.choice(_NAME_SUFFIXES)}"
                numerator_label = f"ผล{subject}"
                denominator_label = f"{subject}ทั้งหมดตามแผน"
                base_target = _money(rng.choice([60, 70, 75, 80, 85, 90, 95, 100]) * 100)
            else:
                name = f"ระดับความสำเร็จของ{subject}{rng.choice(_NAME_SUFFIXES)}"
                base_target = _HUNDRED
            full_score = rng.choices([_HUNDRED, Decimal(5), Decimal(10)], weights=[70, 15, 15])[0]
            if kind == MeasurementKind.MILESTONES:
                rule = rng.choices(
                    [ScoringRule.MILESTONES_DUE, ScoringRule.PROPORTIONAL], weights=[70, 30]
                )[0]
            elif direction == Direction.LOWER:
                rule = ScoringRule.PROPORTIONAL
            else:
                rule = rng.choices(
                    [ScoringRule.PROPORTIONAL, ScoringRule.FIVE_LEVELS], weights=[60, 40]
                )[0]
            levels: list[Decimal | None] = [None] * 5
            if rule == ScoringRule.FIVE_LEVELS:
                step = rng.choice([5, 10])
                levels = [
                    _cents(base_target * Decimal(100 - step * (4 - i)) / _HUNDRED) for i in range(5)
                ]
            indicator = Indicator(
                fiscal_year=fiscal_year,
                code=f"{component}.{n:03d}",
                component=component,
                name=name,
                unit=unit,
                indicator_type=rng.choice(IndicatorType.values),
                level=rng.choice(IndicatorLevel.values),
                direction=direction,
                kind=kind,
                milestone_basis=rng.choice(MilestoneBasis.values),
                numerator_label=numerator_label,
                denominator_label=denominator_label,
                full_score=full_score,
                scoring_rule=rule,
                level_1=levels[0],
                level_2=levels[1],
                level_3=levels[2],
                level_4=levels[3],
                level_5=levels[4],
                definition=self.text.paragraph(
                    rng.randint(200, 900), f"{name} {rng.choice(_DEFINITION_OPENERS)} "
                ),
                calculation_method=rng.choice(_CALCULATION),
                data_collection=self.text.paragraph(rng.randint(80, 400)),
                supporting_projects=f"โครงการ{subject} ประจำปีงบประมาณ พ.ศ. {year}",
            )
            specs.append(_Spec(indicator=indicator, base_target=base_target))
        _bulk(Indicator, [s.indicator for s in specs])
        through = Indicator.strategy_nodes.through
        _bulk(
            through,
            [
                through(indicator_id=s.indicator.pk, strategynode_id=node.pk)
                for s in specs
                for node in rng.sample(leaves, rng.randint(1, 2))
            ],
        )
        self._steps(specs, year)
        self.counts["indicators"] += len(specs)
        return specs

    def _steps(self, specs: list[_Spec], year: int) -> None:
        rng = self.rng
        steps: list[MilestoneStep] = []
        for spec in specs:
            if spec.indicator.kind != MeasurementKind.MILESTONES:
                continue
            raw = [rng.randint(1, 4) for _ in range(5)]
            weights = [Decimal(w * 10_000 // sum(raw)).scaleb(-2) for w in raw]
            weights[-1] += _HUNDRED - sum(weights)
            due_quarters = sorted(rng.choice(QUARTERS) for _ in range(5))
            due_quarters[-1] = 4
            for number, (weight, quarter) in enumerate(
                zip(weights, due_quarters, strict=True), start=1
            ):
                steps.append(
                    MilestoneStep(
                        indicator=spec.indicator,
                        number=number,
                        title=f"{_STEP_TITLES[number - 1]}{rng.choice(_NAME_SUFFIXES)}",
                        weight=weight,
                        due_date=quarter_bounds(year, quarter)[1],
                    )
                )
                spec.steps.append(steps[-1])
        _bulk(MilestoneStep, steps)
        _bulk(
            MilestoneSubItem,
            [
                MilestoneSubItem(step=step, number=i, text=text)
                for step in steps
                for i, text in enumerate(rng.sample(_SUB_ITEMS, 2), start=1)
            ],
        )
        self.counts["milestone steps"] += len(steps)
        self.counts["milestone sub-items"] += 2 * len(steps)

    # Assignments and reports ------------------------------------------------------------

    def assignments(
        self,
        specs: list[_Spec],
        districts: list[District],
        divisions: dict[int, list[Division]],
        year: int,
    ) -> list[tuple[_Spec, Assignment]]:
        rng = self.rng
        # The indicators share the year's 100 % equally (the last takes the
        # remainder of the rounding), so every district's weights add up to 100.
        share = (_HUNDRED / len(specs)).quantize(Decimal("0.01")) if specs else _ZERO
        for n, spec in enumerate(specs, start=1):
            spec.indicator.weight = share if n < len(specs) else _HUNDRED - share * (n - 1)
        Indicator.objects.bulk_update([spec.indicator for spec in specs], ["weight"])
        pairs: list[tuple[_Spec, Assignment]] = []
        for n, spec in enumerate(specs, start=1):
            for district in districts:
                target = spec.base_target
                unit_is_count = spec.indicator.kind == MeasurementKind.VALUE
                if unit_is_count and spec.indicator.scoring_rule != ScoringRule.FIVE_LEVELS:
                    target = _cents(target * Decimal(rng.randint(50, 150)) / _HUNDRED)
                pairs.append(
                    (
                        spec,
                        Assignment(
                            indicator=spec.indicator,
                            district=district,
                            division=rng.choice(divisions[district.pk]),
                            code=f"{year % 100:02d}{district.code[2:]}-{n:04d}",
                            annual_target=target,
                        ),
                    )
                )
        _bulk(Assignment, [a for _s, a in pairs])
        targets: list[QuarterTarget] = []
        for spec, assignment in pairs:
            for quarter in QUARTERS:
                annual = assignment.annual_target
                if spec.indicator.kind == MeasurementKind.MILESTONES:
                    target = annual
                else:
                    target = _cents(annual * quarter / 4)
                targets.append(QuarterTarget(assignment=assignment, quarter=quarter, target=target))
        _bulk(QuarterTarget, targets)
        self.counts["assignments"] += len(pairs)
        self.counts["quarter targets"] += len(targets)
        return pairs

    def _status(self, year: int, current: int, deadline_passed: bool) -> str:
        weights: list[int]
        if year < current:
            weights = [2, 3, 1, 94]
        elif deadline_passed:
            weights = [10, 35, 10, 45]
        else:
            weights = [60, 30, 5, 5]
        statuses = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.EVALUATED]
        return str(self.rng.choices(statuses, weights=weights)[0])

    def reports(
        self,
        pairs: list[tuple[_Spec, Assignment]],
        people: _People,
        year: int,
        current: int,
        deadlines: dict[int, dt.date],
    ) -> None:
        rng = self.rng
        quarters = [q for q in QUARTERS if quarter_bounds(year, q)[0] <= self.today]
        reports: list[Report] = []
        transitions: list[tuple[Report, list[tuple[str, str, dt.datetime, Any, str]]]] = []
        ratios: list[tuple[Report, list[tuple[dt.date, Decimal, Decimal]]]] = []
        progress: list[tuple[Report, list[tuple[MilestoneStep, dt.date]]]] = []
        extras: list[tuple[Report, dt.date, dt.date, Any, list[MilestoneStep]]] = []
        for spec, assignment in pairs:
            indicator = spec.indicator
            officer = people.officers[assignment.district_id]
            done: dict[int, dt.date] = {}  # step number -> done on, carried forward
            spent = _ZERO
            budget = _money(rng.randint(5_000_000, 200_000_000) * 100)
            for quarter in quarters:
                first, last = quarter_bounds(year, quarter)
                deadline = deadlines[quarter]
                deadline_passed = deadline < self.today
                status = self._status(year, current, deadline_passed)
                # Dates of this report's life, all before today.
                horizon = min(deadline, self.today - dt.timedelta(days=1))
                started = _between(rng, first, min(last, horizon))
                submitted_on = _between(rng, started, horizon)
                evaluated_on = _between(
                    rng,
                    submitted_on,
                    min(deadline + dt.timedelta(days=25), self.today - dt.timedelta(days=1)),
                )
                if evaluated_on < submitted_on:
                    evaluated_on = submitted_on
                as_of_last = min(last, horizon)
                annual = assignment.annual_target
                quarter_target = (
                    annual
                    if indicator.kind == MeasurementKind.MILESTONES
                    else _cents(annual * quarter / 4)
                )
                ratio_rows: list[tuple[dt.date, Decimal, Decimal]] = []
                step_rows: list[tuple[MilestoneStep, dt.date]] = []
                if indicator.kind == MeasurementKind.RATIO:
                    share = Decimal(rng.randint(10, 30) * quarter) / _HUNDRED
                    for _ in range(rng.randint(1, 4)):
                        denominator = _money(int(budget * 100) + rng.randint(-5, 5) * 1_000_000)
                        goal = _cents(denominator * min(share, Decimal(1)))
                        spent = min(max(spent, goal) + _money(rng.randint(0, 10**8)), denominator)
                        ratio_rows.append(
                            (_between(rng, first, as_of_last), _cents(spent), denominator)
                        )
                    ratio_rows.sort(key=lambda r: r[0])
                    result = ratio_percent(ratio_rows[-1][1], ratio_rows[-1][2])
                elif indicator.kind == MeasurementKind.MILESTONES:
                    for step in spec.steps:
                        if step.number in done:
                            continue
                        late = step.due_date is not None and step.due_date > last
                        if (not late and rng.random() < 0.9) or (late and rng.random() < 0.2):
                            done[step.number] = _between(rng, first, as_of_last)
                    step_rows = [(s, done[s.number]) for s in spec.steps if s.number in done]
                    if indicator.milestone_basis == MilestoneBasis.TO_DATE:
                        due = [s for s in spec.steps if s.due_date and s.due_date <= last]
                        planned = sum((s.weight for s in due), _ZERO)
                        achieved = sum((s.weight for s in due if s.number in done), _ZERO)
                        result = _cents(achieved / planned * _HUNDRED) if planned else _HUNDRED
                    else:
                        result = sum((s.weight for s, _d in step_rows), _ZERO)
                else:
                    factor = Decimal(rng.randint(60, 130)) / _HUNDRED
                    result = _cents(quarter_target * factor)
                suggested = self._suggest(spec, result, quarter_target, last, done)
                # The district's self-assessment: the suggestion it was prefilled with,
                # one in five a little higher (never above the full score).
                self_score = suggested
                if rng.random() < 0.2:
                    bump = indicator.full_score * Decimal(rng.randint(2, 10)) / _HUNDRED
                    self_score = min(_cents(suggested + bump), indicator.full_score)
                score = suggested
                reason = ""
                if status == Status.EVALUATED and rng.random() < 0.1:
                    score = _cents(suggested * Decimal(rng.randint(80, 100)) / _HUNDRED)
                    reason = "หลักฐานไม่ครบถ้วนตามเกณฑ์ที่กำหนด" if score != suggested else ""
                evaluator = rng.choice(people.evaluators)
                history: list[tuple[str, str, dt.datetime, Any, str]] = [
                    ("", Status.DRAFT, _at(started, 9, rng.randint(0, 59)), officer, "")
                ]
                if status != Status.DRAFT:
                    history.append(
                        (
                            Status.DRAFT,
                            Status.SUBMITTED,
                            _at(submitted_on, 15, rng.randint(0, 59)),
                            officer,
                            "",
                        )
                    )
                if status == Status.RETURNED:
                    history.append(
                        (
                            Status.SUBMITTED,
                            Status.RETURNED,
                            _at(evaluated_on, 17),
                            evaluator,
                            rng.choice(_COMMENTS[1:3]),
                        )
                    )
                if status == Status.EVALUATED:
                    history.append(
                        (Status.SUBMITTED, Status.EVALUATED, _at(evaluated_on, 17), evaluator, "")
                    )
                narrative_length = int(rng.triangular(300, 2000, 500))
                office = f"สำนักงานเขต{assignment.district.name_th}"
                report = Report(
                    assignment=assignment,
                    quarter=quarter,
                    status=status,
                    result=result,
                    narrative=self.text.paragraph(
                        narrative_length, f"ในไตรมาสที่ {quarter} {office} "
                    ),
                    version=len(history) + rng.randint(0, 3),
                    created_at=history[0][2],
                    updated_at=history[-1][2],
                    updated_by=history[-1][3],
                    submitted_at=history[1][2] if status != Status.DRAFT else None,
                    submitted_by=officer if status != Status.DRAFT else None,
                    score=score if status == Status.EVALUATED else None,
                    full_score=indicator.full_score,
                    suggested_score=suggested if status != Status.DRAFT else None,
                    self_score=self_score if status != Status.DRAFT else None,
                    score_reason=reason,
                    evaluator_comment=history[-1][4]
                    or (rng.choice(_COMMENTS) if status == Status.EVALUATED else ""),
                    evaluated_at=history[-1][2] if status == Status.EVALUATED else None,
                    evaluated_by=evaluator if status == Status.EVALUATED else None,
                )
                reports.append(report)
                transitions.append((report, history))
                if ratio_rows:
                    ratios.append((report, ratio_rows))
                if step_rows:
                    progress.append((report, step_rows))
                extras.append((report, first, as_of_last, officer, spec.steps))
        _bulk(Report, reports)
        self._children(transitions, ratios, progress, extras)
        self.counts["reports"] += len(reports)

    def _suggest(
        self,
        spec: _Spec,
        result: Decimal,
        quarter_target: Decimal,
        quarter_ends: dt.date,
        done: dict[int, dt.date],
    ) -> Decimal:
        """The office's own suggestion (indicators.scoring), so synthetic scores follow it."""
        indicator = spec.indicator
        suggested = suggest_score(
            rule=indicator.scoring_rule,
            kind=indicator.kind,
            direction=indicator.direction,
            thresholds=indicator.level_thresholds,
            full_score=indicator.full_score,
            result=result,
            target=quarter_target,
            steps=[(s.weight, s.number in done, s.due_date) for s in spec.steps],
            quarter_ends=quarter_ends,
        )
        return suggested if suggested is not None else _ZERO

    def _children(
        self,
        transitions: list[tuple[Report, list[tuple[str, str, dt.datetime, Any, str]]]],
        ratios: list[tuple[Report, list[tuple[dt.date, Decimal, Decimal]]]],
        progress: list[tuple[Report, list[tuple[MilestoneStep, dt.date]]]],
        extras: list[tuple[Report, dt.date, dt.date, Any, list[MilestoneStep]]],
    ) -> None:
        rng = self.rng
        rows_t = [
            ReportTransition(
                report=report, from_status=a, to_status=b, at=at, actor=actor, reason=reason
            )
            for report, history in transitions
            for a, b, at, actor, reason in history
        ]
        _bulk(ReportTransition, rows_t)
        rows_r = [
            RatioUpdate(
                report=report,
                as_of=as_of,
                numerator=numerator,
                denominator=denominator,
                note=f"หลังปรับโอน ณ วันที่ {thai_date_numeric(as_of)}",
                created_at=_at(as_of, 16),
                created_by=report.updated_by,
            )
            for report, rows in ratios
            for as_of, numerator, denominator in rows
        ]
        _bulk(RatioUpdate, rows_r)
        rows_s = [
            StepProgress(
                report=report,
                step=step,
                done_on=done_on,
                note=self.text.paragraph(rng.randint(40, 200)),
            )
            for report, rows in progress
            for step, done_on in rows
        ]
        _bulk(StepProgress, rows_s)
        letters: list[LetterReference] = []
        evidence: list[EvidenceFile] = []
        for report, first, last, officer, steps in extras:
            district_number = int(report.assignment.district.code[2:])
            for _ in range(rng.choices([0, 1, 2], weights=[50, 35, 15])[0]):
                dated = _between(rng, first, last)
                letters.append(
                    LetterReference(
                        report=report,
                        step=rng.choice(steps) if steps else None,
                        number=f"กท {4800 + district_number}/{rng.randint(100, 9999)}",
                        dated=dated,
                        title=f"{rng.choice(_LETTER_TITLES)} {report.assignment.indicator.name}",
                        created_at=_at(dated, 11),
                        created_by=officer,
                    )
                )
            for _ in range(rng.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]):
                self.evidence_number += 1
                uploaded = _between(rng, first, last)
                evidence.append(
                    EvidenceFile(
                        report=report,
                        step=rng.choice(steps) if steps else None,
                        file=f"evidence/synthetic/{self.evidence_number}.pdf",
                        original_name=f"{rng.choice(_EVIDENCE_NAMES)}_ไตรมาส{report.quarter}.pdf",
                        content_type="application/pdf",
                        size=rng.randint(20_000, 5_000_000),
                        description=rng.choice(_EVIDENCE_NAMES),
                        uploaded_at=_at(uploaded, 14),
                        uploaded_by=officer,
                    )
                )
        _bulk(LetterReference, letters)
        _bulk(EvidenceFile, evidence)
        self.counts["report transitions"] += len(rows_t)
        self.counts["ratio updates"] += len(rows_r)
        self.counts["step progress"] += len(rows_s)
        self.counts["letters"] += len(letters)
        self.counts["evidence files"] += len(evidence)

    # Everything ------------------------------------------------------------------------

    def run(self) -> Counter[str]:
        current = current_fiscal_year(self.today)
        with transaction.atomic(), pgtrigger.ignore(), _fixed_timestamps():
            districts = self.districts()
            self.counts["districts"] = len(districts)
            divisions = self.divisions(districts)
            people = self.people(districts, divisions)
            leaves = self.strategy()
            for year in range(current - self.scale.years + 1, current + 1):
                fiscal_year, deadlines = self.fiscal_year(year, current)
                specs = self.indicators(fiscal_year, leaves)
                pairs = self.assignments(specs, districts, divisions, year)
                before = self.counts["reports"]
                self.reports(pairs, people, year, current, deadlines)
                self.counts["fiscal years"] += 1
                self.log(
                    f"FY{year}: {len(specs)} indicators, {len(pairs)} assignments, "
                    f"{self.counts['reports'] - before} reports"
                )
        return self.counts


def generate(
    seed: int,
    scale: Scale,
    *,
    force: bool = False,
    today: dt.date | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> Counter[str]:
    """Load synthetic data; refuses a database holding demo data unless ``force``."""
    if has_demo_data() and not force:
        raise SynthError(
            "This database holds the demo data (assignment 5009-0963); synthetic data is "
            "meant for a separate benchmark database. Point DATABASE_URL at one, or pass --force."
        )
    if has_synthetic_data():
        raise SynthError(
            "This database already holds synthetic data; load it into a fresh database."
        )
    counts = Generator(seed, scale, today=today, log=log).run()
    # The load is where the data starts, not a change of it: the worker is not to
    # render every sheet ahead (printing.ahead) when it first starts on this database.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE printing_sheetchange SET queued_version = version")
    # Fresh planner statistics: right after a bulk load autovacuum has not caught
    # up, and the planner, guessing 20 reports where there are 5,000, chose
    # nested loops that made the office matrix's query three times slower. VACUUM
    # too, when it may run (outside a transaction): until the visibility map is set
    # an index-only scan reads every row from the table as well — the queue count
    # on every office page took 120 ms instead of 1.4 ms on a fresh load, and a
    # cluster with autovacuum off never catches up.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts
