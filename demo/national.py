"""A national simulation for scale: `manage.py synth --national`.

What the portal would hold if every local administration in the country reported
to it as Bangkok's districts do: 7,850 local administrations (องค์กรปกครองส่วน
ท้องถิ่น) in 76 provinces plus Bangkok's 50 districts, 100 indicators, one fiscal
year — the last complete one, so that all four quarters are reported: about
790,000 assignments and 3.2 million reports. Each province is a zone group
(ZoneGroup), the unit the matrix and the rankings are read by at this scale.

The province codes and names are the Department of Provincial Administration's;
the local administrations' names are made up from common Thai place names. Rows
are streamed to PostgreSQL with COPY (psycopg's ``cursor.copy``), not built as
model instances: the 10-year Bangkok load (demo.synthetic) writes 200,000 reports
with ``bulk_create`` in five minutes, which would be over an hour here. History,
evidence, letters and step progress are not simulated — they grow with reports
but no page reads them across agencies.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pgtrigger
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from demo.synthetic import (
    BENCH_PASSWORD,
    EVALUATOR_USERNAMES,
    Generator,
    Scale,
    SynthError,
    _Spec,
    has_demo_data,
    has_synthetic_data,
    officer_username,
)
from districts.models import District, Membership, Role, ZoneGroup
from districts.reference import load_districts
from indicators.fiscal import QUARTERS, current_fiscal_year, fiscal_year_bounds, quarter_bounds
from indicators.models import Assignment, MeasurementKind, QuarterTarget, ScoringRule
from indicators.scoring import suggest_score
from reports.models import Report, Status

#: Local administrations outside Bangkok (provincial, municipal and subdistrict).
LOCAL_ADMINISTRATIONS = 7850

# (DOPA province code, Thai name, English name): the 76 provinces besides Bangkok.
PROVINCES = [
    (11, "สมุทรปราการ", "Samut Prakan"),
    (12, "นนทบุรี", "Nonthaburi"),
    (13, "ปทุมธานี", "Pathum Thani"),
    (14, "พระนครศรีอยุธยา", "Phra Nakhon Si Ayutthaya"),
    (15, "อ่างทอง", "Ang Thong"),
    (16, "ลพบุรี", "Lop Buri"),
    (17, "สิงห์บุรี", "Sing Buri"),
    (18, "ชัยนาท", "Chai Nat"),
    (19, "สระบุรี", "Saraburi"),
    (20, "ชลบุรี", "Chon Buri"),
    (21, "ระยอง", "Rayong"),
    (22, "จันทบุรี", "Chanthaburi"),
    (23, "ตราด", "Trat"),
    (24, "ฉะเชิงเทรา", "Chachoengsao"),
    (25, "ปราจีนบุรี", "Prachin Buri"),
    (26, "นครนายก", "Nakhon Nayok"),
    (27, "สระแก้ว", "Sa Kaeo"),
    (30, "นครราชสีมา", "Nakhon Ratchasima"),
    (31, "บุรีรัมย์", "Buri Ram"),
    (32, "สุรินทร์", "Surin"),
    (33, "ศรีสะเกษ", "Si Sa Ket"),
    (34, "อุบลราชธานี", "Ubon Ratchathani"),
    (35, "ยโสธร", "Yasothon"),
    (36, "ชัยภูมิ", "Chaiyaphum"),
    (37, "อำนาจเจริญ", "Amnat Charoen"),
    (38, "บึงกาฬ", "Bueng Kan"),
    (39, "หนองบัวลำภู", "Nong Bua Lam Phu"),
    (40, "ขอนแก่น", "Khon Kaen"),
    (41, "อุดรธานี", "Udon Thani"),
    (42, "เลย", "Loei"),
    (43, "หนองคาย", "Nong Khai"),
    (44, "มหาสารคาม", "Maha Sarakham"),
    (45, "ร้อยเอ็ด", "Roi Et"),
    (46, "กาฬสินธุ์", "Kalasin"),
    (47, "สกลนคร", "Sakon Nakhon"),
    (48, "นครพนม", "Nakhon Phanom"),
    (49, "มุกดาหาร", "Mukdahan"),
    (50, "เชียงใหม่", "Chiang Mai"),
    (51, "ลำพูน", "Lamphun"),
    (52, "ลำปาง", "Lampang"),
    (53, "อุตรดิตถ์", "Uttaradit"),
    (54, "แพร่", "Phrae"),
    (55, "น่าน", "Nan"),
    (56, "พะเยา", "Phayao"),
    (57, "เชียงราย", "Chiang Rai"),
    (58, "แม่ฮ่องสอน", "Mae Hong Son"),
    (60, "นครสวรรค์", "Nakhon Sawan"),
    (61, "อุทัยธานี", "Uthai Thani"),
    (62, "กำแพงเพชร", "Kamphaeng Phet"),
    (63, "ตาก", "Tak"),
    (64, "สุโขทัย", "Sukhothai"),
    (65, "พิษณุโลก", "Phitsanulok"),
    (66, "พิจิตร", "Phichit"),
    (67, "เพชรบูรณ์", "Phetchabun"),
    (70, "ราชบุรี", "Ratchaburi"),
    (71, "กาญจนบุรี", "Kanchanaburi"),
    (72, "สุพรรณบุรี", "Suphan Buri"),
    (73, "นครปฐม", "Nakhon Pathom"),
    (74, "สมุทรสาคร", "Samut Sakhon"),
    (75, "สมุทรสงคราม", "Samut Songkhram"),
    (76, "เพชรบุรี", "Phetchaburi"),
    (77, "ประจวบคีรีขันธ์", "Prachuap Khiri Khan"),
    (80, "นครศรีธรรมราช", "Nakhon Si Thammarat"),
    (81, "กระบี่", "Krabi"),
    (82, "พังงา", "Phangnga"),
    (83, "ภูเก็ต", "Phuket"),
    (84, "สุราษฎร์ธานี", "Surat Thani"),
    (85, "ระนอง", "Ranong"),
    (86, "ชุมพร", "Chumphon"),
    (90, "สงขลา", "Songkhla"),
    (91, "สตูล", "Satun"),
    (92, "ตรัง", "Trang"),
    (93, "พัทลุง", "Phatthalung"),
    (94, "ปัตตานี", "Pattani"),
    (95, "ยะลา", "Yala"),
    (96, "นราธิวาส", "Narathiwat"),
]

# Place names: a first and a second part, Thai with its romanisation.
_PLACE_FIRST = [
    ("หนอง", "Nong"), ("บ้าน", "Ban"), ("โนน", "Non"), ("ห้วย", "Huai"), ("นา", "Na"),
    ("ดอน", "Don"), ("วัง", "Wang"), ("ท่า", "Tha"), ("บึง", "Bueng"), ("โคก", "Khok"),
    ("สระ", "Sa"), ("ทุ่ง", "Thung"), ("เขา", "Khao"), ("บาง", "Bang"), ("คลอง", "Khlong"),
    ("แม่", "Mae"), ("ป่า", "Pa"), ("ไผ่", "Phai"), ("โพธิ์", "Pho"), ("ม่วง", "Muang"),
]  # fmt: skip
_PLACE_SECOND = [
    ("บัว", "Bua"), ("ใหม่", "Mai"), ("สูง", "Sung"), ("ทอง", "Thong"), ("แก้ว", "Kaeo"),
    ("ยาง", "Yang"), ("หลวง", "Luang"), ("น้อย", "Noi"), ("งาม", "Ngam"), ("ขาม", "Kham"),
    ("แดง", "Daeng"), ("เหนือ", "Nuea"), ("ใต้", "Tai"), ("กลาง", "Klang"), ("ศรี", "Si"),
    ("พัฒนา", "Phatthana"), ("ทราย", "Sai"), ("หิน", "Hin"), ("เจริญ", "Charoen"),
    ("สะอาด", "Sa-at"),
]  # fmt: skip
# (Thai prefix, English suffix, share of the country's local administrations)
_KINDS = [
    ("เทศบาลเมือง", "Town Municipality", 3),
    ("เทศบาลตำบล", "Subdistrict Municipality", 28),
    ("องค์การบริหารส่วนตำบล", "Subdistrict Administrative Organization", 69),
]
_NARRATIVES = [
    "ดำเนินการตามแผนปฏิบัติราชการประจำปี ",
    "ประสานความร่วมมือกับชุมชนและภาคีเครือข่ายในพื้นที่ ",
    "ติดตามและรายงานความก้าวหน้าเป็นประจำทุกเดือน ",
    "ผลการดำเนินงานเป็นไปตามเป้าหมายที่กำหนด ",
    "อยู่ระหว่างดำเนินการจัดซื้อจัดจ้างตามระเบียบ ",
    "ได้รับความร่วมมือจากประชาชนในพื้นที่เป็นอย่างดี ",
]
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class NationalScale:
    local_administrations: int = LOCAL_ADMINISTRATIONS
    indicators: int = 100


NATIONAL = NationalScale()


def _shares(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` uneven shares (each at least 1) adding up to it."""
    weights = [rng.uniform(0.4, 2.4) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    shares = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def _copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Stream rows into ``model``'s table with COPY; the columns not named get the
    field's default (the database has none: Django applies them). Returns the count."""
    fields = {f.attname: f for f in model._meta.concrete_fields if not f.generated}
    rest = [
        name
        for name, f in fields.items()
        if name not in columns and not f.primary_key and name != "id"
    ]
    defaults = tuple(fields[name].get_default() for name in rest)
    names = ", ".join(connection.ops.quote_name(c) for c in [*columns, *rest])
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *defaults))
                count += 1
    return count


@contextmanager
def _triggers_off() -> Iterator[None]:
    """Row triggers off for the load: as the database's superuser, every trigger
    (history, foreign-key checks) by the replication role, several times faster;
    otherwise django-pghistory's by pgtrigger.ignore. The version rows the statement
    triggers keep are bumped after the load (``_bump_versions``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
    with pgtrigger.ignore():
        yield
    if superuser:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _bump_versions(fiscal_year_id: int) -> None:
    """What the statement triggers would have done: every matrix of the year and the
    public pages see new data."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO evaluation_matrixversion AS v"
            " (fiscal_year_id, quarter, counter, changed_at)"
            " SELECT fy, q, 1, now() FROM (VALUES (0, 0), (%s, 0), (%s, 1), (%s, 2), (%s, 3),"
            " (%s, 4)) AS pairs (fy, q)"
            " ON CONFLICT (fiscal_year_id, quarter)"
            " DO UPDATE SET counter = v.counter + 1, changed_at = now()",
            [fiscal_year_id] * 5,
        )
        cursor.execute("SELECT public_version_bump_now()")


class NationalGenerator(Generator):
    """The Bangkok generator's indicators and calendar, the country's agencies."""

    def __init__(
        self,
        seed: int,
        scale: NationalScale,
        *,
        today: dt.date | None = None,
        log: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        super().__init__(seed, Scale(1, 50, scale.indicators), today=today, log=log)
        self.national = scale

    def agencies(self) -> list[District]:
        """Bangkok's 50 districts in their six zone groups, and each province's local
        administrations in a zone group of its own: its provincial administrative
        organisation first, then municipalities and subdistricts."""
        rng = self.rng
        load_districts(ZoneGroup, District)
        provinces = ZoneGroup.objects.bulk_create(
            ZoneGroup(
                code=f"province-{code}",
                name_th=f"จังหวัด{name_th}",
                name_en=f"{name_en} Province",
                position=100 + i,
            )
            for i, (code, name_th, name_en) in enumerate(PROVINCES)
        )
        shares = _shares(self.national.local_administrations, len(PROVINCES), rng)
        rows: list[District] = []
        for group, (code, name_th, name_en), share in zip(
            provinces, PROVINCES, shares, strict=True
        ):
            rows.append(
                District(
                    code=f"{code}00000",
                    name_th=f"องค์การบริหารส่วนจังหวัด{name_th}",
                    name_en=f"{name_en} Provincial Administrative Organization",
                    zone_group=group,
                )
            )
            used: set[tuple[int, int, int]] = set()
            for n in range(1, share):
                while True:
                    kind = rng.choices(range(len(_KINDS)), weights=[k[2] for k in _KINDS])[0]
                    first = rng.randrange(len(_PLACE_FIRST))
                    pick = (kind, first, rng.randrange(len(_PLACE_SECOND)))
                    if pick not in used or len(used) >= len(_KINDS) * 400:
                        break
                used.add(pick)
                place_th = _PLACE_FIRST[pick[1]][0] + _PLACE_SECOND[pick[2]][0]
                place_en = f"{_PLACE_FIRST[pick[1]][1]} {_PLACE_SECOND[pick[2]][1]}"
                rows.append(
                    District(
                        code=f"{code}{n:05d}",
                        # The province in the name: place names repeat across the country.
                        name_th=f"{_KINDS[kind][0]}{place_th} จังหวัด{name_th}",
                        name_en=f"{place_en} {_KINDS[kind][1]}, {name_en}",
                        zone_group=group,
                    )
                )
        District.objects.bulk_create(rows, batch_size=2000)
        return list(District.objects.order_by("code"))

    def officers(self, agencies: list[District]) -> dict[int, int]:
        """One officer per agency and the evaluators: agency pk -> officer's user pk."""
        User = get_user_model()
        password = make_password(BENCH_PASSWORD, salt=f"synth{self.seed}bench")
        year = current_fiscal_year(self.today) - 1
        joined = dt.datetime.combine(fiscal_year_bounds(year)[0], dt.time(9), dt.UTC)
        users = User.objects.bulk_create(
            [
                User(username=officer_username(a.code), password=password, date_joined=joined)
                for a in agencies
            ]
            + [
                User(username=name, password=password, date_joined=joined)
                for name in EVALUATOR_USERNAMES
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, role=Role.OFFICER, district=agency)
                for agency, user in zip(agencies, users, strict=False)
            ]
            + [Membership(user=user, role=Role.EVALUATOR) for user in users[len(agencies) :]],
            batch_size=2000,
        )
        self.evaluator_ids = [u.pk for u in users[len(agencies) :]]
        self.counts["users"] = len(users)
        return {a.pk: u.pk for a, u in zip(agencies, users, strict=False)}

    def national_assignments(
        self, specs: list[_Spec], agencies: list[District], year: int
    ) -> list[tuple[int, int, int, Decimal]]:
        """Every indicator for every agency: (assignment pk, agency pk, spec index, target)."""
        rng = self.rng
        share = (_HUNDRED / len(specs)).quantize(_CENT)
        for n, spec in enumerate(specs, start=1):
            spec.indicator.weight = share if n < len(specs) else _HUNDRED - share * (n - 1)
            spec.indicator.save(update_fields=["weight"])
        targets: dict[tuple[int, int], Decimal] = {}

        def rows() -> Iterator[tuple[Any, ...]]:
            for n, spec in enumerate(specs):
                varies = spec.indicator.kind == MeasurementKind.VALUE and (
                    spec.indicator.scoring_rule != ScoringRule.FIVE_LEVELS
                )
                for agency in agencies:
                    target = spec.base_target
                    if varies:
                        target = (target * rng.randint(50, 150) / _HUNDRED).quantize(_CENT)
                    targets[spec.indicator.pk, agency.pk] = target
                    code = f"{year % 100:02d}{agency.code}-{n + 1:04d}"
                    yield (spec.indicator.pk, agency.pk, code, target)

        self.counts["assignments"] = _copy(
            Assignment, ["indicator_id", "district_id", "code", "annual_target"], rows()
        )
        index = {spec.indicator.pk: n for n, spec in enumerate(specs)}
        found = Assignment.objects.filter(indicator__in=[s.indicator for s in specs]).values_list(
            "pk", "district_id", "indicator_id"
        )
        pairs = [
            (pk, district, index[indicator], targets[indicator, district])
            for pk, district, indicator in found.order_by("pk").iterator(chunk_size=20_000)
        ]
        kinds = [spec.indicator.kind for spec in specs]
        self.counts["quarter targets"] = _copy(
            QuarterTarget,
            ["assignment_id", "quarter", "target"],
            (
                (pk, q, annual if kinds[n] == MeasurementKind.MILESTONES else annual * q / 4)
                for pk, _district, n, annual in pairs
                for q in QUARTERS
            ),
        )
        return pairs

    def national_reports(
        self,
        specs: list[_Spec],
        pairs: list[tuple[int, int, int, Decimal]],
        officers: dict[int, int],
        year: int,
        deadlines: dict[int, dt.date],
    ) -> None:
        """Four quarters of every assignment, mostly evaluated: a finished year."""
        rng = self.rng
        statuses = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.EVALUATED]
        narratives = [
            "".join(rng.sample(_NARRATIVES, rng.randint(2, 5))).strip() for _ in range(200)
        ]
        quarters = []
        for quarter in QUARTERS:
            first, last = quarter_bounds(year, quarter)
            quarters.append((quarter, first, last, deadlines[quarter]))

        def at(day: dt.date, hour: int) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(hour), dt.UTC)

        def rows() -> Iterator[tuple[Any, ...]]:
            for pk, district, n, annual in pairs:
                indicator = specs[n].indicator
                steps = specs[n].steps
                officer = officers[district]
                for quarter, first, last, deadline in quarters:
                    status = rng.choices(statuses, weights=[2, 3, 1, 94])[0]
                    if indicator.kind == MeasurementKind.MILESTONES:
                        target = annual
                        done = [s for s in steps if rng.random() < 0.25 * quarter]
                        result = sum((s.weight for s in done), Decimal(0))
                    else:
                        target = (annual * quarter / 4).quantize(_CENT)
                        result = (target * rng.randint(60, 130) / _HUNDRED).quantize(_CENT)
                        done = []
                    suggested = suggest_score(
                        rule=indicator.scoring_rule,
                        kind=indicator.kind,
                        direction=indicator.direction,
                        thresholds=indicator.level_thresholds,
                        full_score=indicator.full_score,
                        result=result,
                        target=target,
                        steps=[(s.weight, s in done, s.due_date) for s in steps],
                        quarter_ends=last,
                    ) or Decimal(0)
                    started = at(first + dt.timedelta(days=rng.randint(0, 80)), 9)
                    submitted = at(deadline - dt.timedelta(days=rng.randint(0, 14)), 15)
                    evaluated = at(deadline + dt.timedelta(days=rng.randint(1, 20)), 17)
                    sent = status != Status.DRAFT
                    done_by_office = status == Status.EVALUATED
                    yield (
                        pk,
                        quarter,
                        status,
                        result,
                        rng.choice(narratives),
                        2 + done_by_office,
                        started,
                        evaluated if done_by_office else submitted if sent else started,
                        officer,
                        submitted if sent else None,
                        officer if sent else None,
                        suggested if done_by_office else None,
                        indicator.full_score,
                        suggested if sent else None,
                        suggested if sent else None,
                        evaluated if done_by_office else None,
                        rng.choice(self.evaluator_ids) if done_by_office else None,
                        year,  # what the trigger the load runs without would have set
                    )

        self.counts["reports"] = _copy(
            Report,
            [
                "assignment_id",
                "quarter",
                "status",
                "result",
                "narrative",
                "version",
                "created_at",
                "updated_at",
                "updated_by_id",
                "submitted_at",
                "submitted_by_id",
                "score",
                "full_score",
                "suggested_score",
                "self_score",
                "evaluated_at",
                "evaluated_by_id",
                "fiscal_year_number",
            ],
            rows(),
        )

    def run(self) -> Counter[str]:
        year = current_fiscal_year(self.today) - 1
        with transaction.atomic(), _triggers_off():
            started = time.monotonic()
            agencies = self.agencies()
            self.counts["zone groups"] = ZoneGroup.objects.count()
            self.counts["agencies"] = len(agencies)
            officers = self.officers(agencies)
            leaves = self.strategy()
            fiscal_year, deadlines = self.fiscal_year(year, year + 1)
            specs = self.indicators(fiscal_year, leaves)
            self.log(
                f"agencies, users and {len(specs)} indicators: {time.monotonic() - started:.0f} s"
            )
            pairs = self.national_assignments(specs, agencies, year)
            self.log(
                f"{len(pairs)} assignments and their quarter targets: "
                f"{time.monotonic() - started:.0f} s"
            )
            self.national_reports(specs, pairs, officers, year, deadlines)
            self.log(f"{self.counts['reports']} reports: {time.monotonic() - started:.0f} s")
            self.counts["fiscal years"] = 1
        _bump_versions(fiscal_year.pk)
        return self.counts


def generate_national(
    seed: int,
    scale: NationalScale = NATIONAL,
    *,
    today: dt.date | None = None,
    log: Callable[[str], None] = lambda _msg: None,
) -> Counter[str]:
    """Load the national simulation into an empty database (never the demo's)."""
    if has_demo_data() or has_synthetic_data() or District.objects.count() > 50:
        raise SynthError(
            "The national simulation needs a database of its own (migrated, nothing loaded): "
            "create one, e.g. kpi_national, and point DATABASE_URL at it."
        )
    counts = NationalGenerator(seed, scale, today=today, log=log).run()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts
