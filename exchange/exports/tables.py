"""What each export holds: its columns and its rows, read through the selectors of the
page it exports, so a figure in the file is the figure on the page.

Big exports (the queue, every report of the years) stream their rows from the
database with ``.iterator(chunk_size=…)``; the others are pages' selectors whose
size is bounded by the number of districts and indicators (the matrix, a
district's year, the rankings), built in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District
from evaluation.scorecard import Scorecard
from evaluation.selectors import IndicatorSummary, Matrix, QueueFilter, flag_annotations
from evaluation.selectors import review_queue as queue_reports
from evaluation.views import RankingView
from exchange.exports.writers import Column, Export, Kind, Part
from indicators.fiscal import QUARTERS
from indicators.models import Assignment, FiscalYear, QuarterTarget, ReportingPeriod
from reports.models import NOT_STARTED, Report, status_label
from reports.publication import AWAITING_PUBLICATION, score_is_public

#: Rows fetched from the database at a time by the streamed exports.
CHUNK = 2000


def _share(score: Decimal | None, full: Decimal | None) -> Decimal | None:
    """A score as a share of its full score (0-1), for a percentage cell."""
    if score is None or not full:
        return None
    return score / full


def _percent(value: float | None) -> Decimal | None:
    """A percentage (87.5) as the share a percent cell wants (0.875)."""
    return None if value is None else Decimal(str(round(value, 4))) / 100


# ---------------------------------------------------------------------------
# A district's whole year


def district_year(
    district: District,
    fiscal_year: FiscalYear,
    *,
    office_view: bool,
    division_id: int | None = None,
    today: dt.date | None = None,
) -> Export:
    """Every assignment of the district in the year, a row per quarter: targets,
    results, status and scores. The office's score is given to the district only
    for a published quarter (``score_is_public``), as on its home page."""
    today = today or timezone.localdate()
    columns = [
        Column(_("ปีงบประมาณ"), Kind.INTEGER, 11),
        Column(_("รหัสตัวชี้วัด"), width=12),
        Column(_("ตัวชี้วัด"), width=50),
        Column(_("หน่วยนับ"), width=12),
        Column(_("ฝ่าย"), width=24),
        Column(_("น้ำหนัก"), Kind.DECIMAL, 10),
        Column(_("เป้าหมายทั้งปี"), Kind.DECIMAL),
        Column(_("ไตรมาส"), Kind.INTEGER, 8),
        Column(_("เป้าหมายไตรมาส"), Kind.DECIMAL),
        Column(_("ผลงาน"), Kind.DECIMAL),
        Column(_("สถานะ"), width=20),
        Column(_("ส่งเมื่อ"), Kind.DATETIME, 18),
        Column(_("คะแนนประเมินตนเอง"), Kind.SCORE),
        Column(_("คะแนนจาก สยป."), Kind.SCORE),
        Column(_("คะแนนเต็ม"), Kind.SCORE, 10),
        Column(_("หมายเหตุ"), width=16),
    ]

    def rows() -> Iterator[list[Any]]:
        assignments = list(
            Assignment.objects.filter(district=district, indicator__fiscal_year=fiscal_year)
            .filter(**({"division_id": division_id} if division_id is not None else {}))
            .select_related("indicator", "division")
            .order_by("indicator__code", "pk")
        )
        ids = [a.pk for a in assignments]
        targets = {
            (t.assignment_id, t.quarter): t.target
            for t in QuarterTarget.objects.filter(assignment_id__in=ids).order_by()
        }
        reports = {
            (r.assignment_id, r.quarter): r
            for r in Report.objects.filter(assignment_id__in=ids)
            .only(
                "id",
                "assignment_id",
                "quarter",
                "status",
                "result",
                "submitted_at",
                "self_score",
                "score",
                "full_score",
            )
            .order_by()
        }
        periods = {p.quarter: p for p in ReportingPeriod.objects.filter(fiscal_year=fiscal_year)}
        for a in assignments:
            for q in QUARTERS:
                report = reports.get((a.pk, q))
                public = score_is_public(report, periods.get(q), today)
                shown = report is not None and (office_view or public)
                waiting = report is not None and report.score is not None and not public
                yield [
                    fiscal_year.year,
                    a.indicator.code,
                    a.indicator.name,
                    a.indicator.unit,
                    a.division.name if a.division else "",
                    a.effective_weight,
                    a.annual_target,
                    q,
                    targets.get((a.pk, q)),
                    report.result if report else None,
                    status_label(report.status if report else NOT_STARTED),
                    report.submitted_at if report else None,
                    report.self_score if report else None,
                    report.score if report and shown else None,
                    report.full_score if report else a.indicator.full_score,
                    str(AWAITING_PUBLICATION) if waiting else "",
                ]

    return Export(
        f"district-{district.code}-{fiscal_year.year}",
        lambda: iter([Part(_("ปีงบประมาณ %(year)s") % {"year": fiscal_year.year}, columns, rows())]),
        one_table=True,
    )


# ---------------------------------------------------------------------------
# The office's matrix


def matrix(m: Matrix) -> Export:
    """The matrix as the page filtered it: a sheet each for the status, the result and
    the score of every district × indicator, and one of the indicators' tallies."""
    codes = [Column(i.code, Kind.TEXT, 10) for i in m.indicators]
    lead = [Column(_("สำนักงานเขต"), width=18), Column(_("กลุ่มเขต"), width=18)]
    tally = [
        Column(_("มอบหมาย"), Kind.INTEGER, 10),
        Column(_("ส่งแล้ว"), Kind.INTEGER, 10),
        Column(_("ส่งล่าช้า"), Kind.INTEGER, 10),
        Column(_("ความครบถ้วน"), Kind.PERCENT, 12),
        Column(_("คะแนนเฉลี่ย (ร้อยละของคะแนนเต็ม)"), Kind.PERCENT, 16),
    ]
    late = _("ล่าช้า")

    def status(cell: Any) -> str | None:
        if cell is None:
            return None
        return f"{cell.status_label} ({late})" if cell.late else cell.status_label

    def wide(title: str, value: Any, kind: Kind) -> Part:
        columns = [*lead, *(Column(c.header, kind, 10 if kind != Kind.TEXT else 18) for c in codes)]

        def rows() -> Iterator[list[Any]]:
            for row in m.rows:
                c = row.completeness
                yield [
                    row.district.name_th,
                    row.district.zone_group.name_th,
                    *(value(cell) for cell in row.cells),
                    c.assigned,
                    c.submitted,
                    c.late,
                    Decimal(c.submitted) / c.assigned if c.assigned else None,
                    _percent(c.mean_score),
                ]

        return Part(title, [*columns, *tally], rows())

    def indicators() -> Iterator[list[Any]]:
        for indicator, c in zip(m.indicators, m.by_indicator, strict=True):
            yield [indicator.code, indicator.name, c.assigned, c.submitted, c.late,
                   Decimal(c.submitted) / c.assigned if c.assigned else None,
                   _percent(c.mean_score)]  # fmt: skip
        t = m.total
        yield [_("รวม"), "", t.assigned, t.submitted, t.late,
               Decimal(t.submitted) / t.assigned if t.assigned else None,
               _percent(t.mean_score)]  # fmt: skip

    def parts() -> Iterator[Part]:
        yield wide(_("สถานะ"), status, Kind.TEXT)
        yield wide(_("ผลงาน"), lambda cell: cell.result if cell else None, Kind.DECIMAL)
        yield wide(_("คะแนน"), lambda cell: cell.score if cell else None, Kind.SCORE)
        yield Part(
            _("ตัวชี้วัด"),
            [Column(_("รหัสตัวชี้วัด"), width=12), Column(_("ตัวชี้วัด"), width=50), *tally],
            indicators(),
        )

    return Export(f"matrix-{m.fiscal_year.year}-q{m.quarter}", parts)


# ---------------------------------------------------------------------------
# The review queue


def review_queue(filters: QueueFilter) -> Export:
    """Every report in the queue's filter (not only a page of it), in its order, with
    its flags, streamed from the database."""
    columns = [
        Column(_("ส่งเมื่อ"), Kind.DATETIME, 18),
        Column(_("ปีงบประมาณ"), Kind.INTEGER, 11),
        Column(_("ไตรมาส"), Kind.INTEGER, 8),
        Column(_("สำนักงานเขต"), width=18),
        Column(_("รหัสตัวชี้วัด"), width=12),
        Column(_("ตัวชี้วัด"), width=50),
        Column(_("สถานะ"), width=16),
        Column(_("ผลงาน"), Kind.DECIMAL),
        Column(_("คำชี้แจงคำเตือน (เรื่อง)"), Kind.INTEGER, 12),
        Column(_("ส่งใหม่"), width=8),
        Column(_("ส่งล่าช้า"), width=8),
    ]

    def rows() -> Iterator[list[Any]]:
        reports = queue_reports(filters).annotate(**flag_annotations())
        for r in reports.iterator(chunk_size=CHUNK):
            indicator = r.assignment.indicator
            yield [
                r.submitted_at,
                indicator.fiscal_year.year,
                r.quarter,
                r.assignment.district.name_th,
                indicator.code,
                indicator.name,
                status_label(r.status),
                r.result,
                r.explained or None,  # type: ignore[attr-defined]
                bool(r.resubmitted),  # type: ignore[attr-defined]
                bool(r.late),  # type: ignore[attr-defined]
            ]

    return Export(
        "review-queue", lambda: iter([Part(_("รายงานรอประเมิน"), columns, rows())]), one_table=True
    )


# ---------------------------------------------------------------------------
# The quarter summary of one indicator


def quarter_summary(summary: IndicatorSummary) -> Export:
    indicator = summary.indicator

    def ranked() -> Iterator[list[Any]]:
        for row in summary.ranked:
            cell = row.cell
            yield [row.rank, row.district.name_th, row.district.zone_group.name_th,
                   cell.result, cell.score, cell.full_score,
                   _share(cell.score, cell.full_score), cell.status_label, row.late]  # fmt: skip

    def averages() -> Iterator[list[Any]]:
        for group, average, n in summary.zone_averages:
            yield [group.name_th, average, n]

    def parts() -> Iterator[Part]:
        yield Part(
            _("อันดับตามคะแนน"),
            [
                Column(_("อันดับ"), Kind.INTEGER, 8),
                Column(_("สำนักงานเขต"), width=18),
                Column(_("กลุ่มเขต"), width=18),
                Column(_("ผลงาน"), Kind.DECIMAL),
                Column(_("คะแนน"), Kind.SCORE, 10),
                Column(_("คะแนนเต็ม"), Kind.SCORE, 10),
                Column(_("ร้อยละของคะแนนเต็ม"), Kind.PERCENT, 12),
                Column(_("สถานะ"), width=16),
                Column(_("ส่งล่าช้า"), width=8),
            ],
            ranked(),
        )
        yield Part(
            _("ค่าเฉลี่ยรายกลุ่มเขต"),
            [
                Column(_("กลุ่มเขต"), width=18),
                Column(_("คะแนนเฉลี่ย"), Kind.SCORE, 12),
                Column(_("จำนวนเขตที่ประเมินแล้ว"), Kind.INTEGER, 12),
            ],
            averages(),
        )

    return Export(
        f"summary-{indicator.fiscal_year.year}-q{summary.quarter}-{indicator.code}", parts
    )


# ---------------------------------------------------------------------------
# A district's scorecard


def scorecard(card: Scorecard) -> Export:
    """The scorecard's lines and totals; the office's scores as the page shows them
    to this viewer (the selector leaves out what the district may not see yet)."""

    def lines() -> Iterator[list[Any]]:
        for line in card.lines:
            indicator = line.assignment.indicator
            yield [indicator.code, indicator.name, line.weight, line.target, line.result,
                   line.state_label, line.self_score, line.score, line.full_score,
                   line.level, line.office_weighted, line.evaluated_by or None,
                   line.evaluated_at]  # fmt: skip

    def totals() -> Iterator[list[Any]]:
        yield [_("ประเมินตนเอง"), card.quarter, None,
               card.self_assessed.score, card.self_assessed.percent]  # fmt: skip
        if card.office_shown:
            yield [_("คะแนนจาก สยป."), card.quarter, card.published,
                   card.office.score, card.office.percent]  # fmt: skip
        for quarter, published, total in card.by_quarter:
            yield [_("คะแนนจาก สยป. รายไตรมาส"), quarter, published, total.score, total.percent]

    def parts() -> Iterator[Part]:
        yield Part(
            _("คะแนนรายตัวชี้วัด"),
            [
                Column(_("รหัสตัวชี้วัด"), width=12),
                Column(_("ตัวชี้วัด"), width=50),
                Column(_("น้ำหนัก"), Kind.DECIMAL, 10),
                Column(_("เป้าหมาย"), Kind.DECIMAL),
                Column(_("ผลงาน"), Kind.DECIMAL),
                Column(_("สถานะ"), width=16),
                Column(_("คะแนนประเมินตนเอง"), Kind.SCORE),
                Column(_("คะแนนจาก สยป."), Kind.SCORE),
                Column(_("คะแนนเต็ม"), Kind.SCORE, 10),
                Column(_("ระดับคะแนน (เต็ม 5)"), Kind.SCORE),
                Column(_("คะแนนถ่วงน้ำหนัก"), Kind.SCORE),
                Column(_("ผู้ประเมิน"), width=20),
                Column(_("ประเมินเมื่อ"), Kind.DATETIME, 18),
            ],
            lines(),
        )
        yield Part(
            _("สรุปคะแนน"),
            [
                Column(_("คะแนน"), width=24),
                Column(_("ไตรมาส"), Kind.INTEGER, 8),
                Column(_("ประกาศผลแล้ว"), width=12),
                Column(_("คะแนนถ่วงน้ำหนัก (เต็ม 5)"), Kind.SCORE, 14),
                Column(_("ร้อยละ"), Kind.DECIMAL, 10),
            ],
            totals(),
        )

    return Export(f"scorecard-{card.district.code}-{card.fiscal_year.year}-q{card.quarter}", parts)


# ---------------------------------------------------------------------------
# The rankings


def rankings(view: RankingView) -> Export:
    ranking = view.ranking
    score_columns = [
        Column(_("คะแนนถ่วงน้ำหนัก (เต็ม 5)"), Kind.SCORE, 14),
        Column(_("ร้อยละ"), Kind.DECIMAL, 10),
        Column(_("ตัวชี้วัดที่มีคะแนน"), Kind.INTEGER, 12),
        Column(_("ตัวชี้วัดที่ไม่มีคะแนน"), Kind.INTEGER, 12),
    ]

    def figures(entry: Any) -> list[Any]:
        s = entry.score
        return [s.score, s.percent, s.scored, s.unscored]

    def overall() -> Iterator[list[Any]]:
        for e in view.overall:
            yield [e.rank, e.district.name_th, e.district.zone_group.name_th, *figures(e)]

    def by_zone() -> Iterator[list[Any]]:
        for group, members in view.groups:
            for e in members:
                yield [group.name_th, e.zone_rank, e.district.name_th, *figures(e)]

    def parts() -> Iterator[Part]:
        yield Part(
            _("อันดับภาพรวม"),
            [
                Column(_("อันดับ"), Kind.INTEGER, 8),
                Column(_("สำนักงานเขต"), width=18),
                Column(_("กลุ่มเขต"), width=18),
                *score_columns,
            ],
            overall(),
        )
        yield Part(
            _("อันดับในกลุ่มเขต"),
            [
                Column(_("กลุ่มเขต"), width=18),
                Column(_("อันดับในกลุ่มเขต"), Kind.INTEGER, 10),
                Column(_("สำนักงานเขต"), width=18),
                *score_columns,
            ],
            by_zone(),
        )

    zone = f"-{view.zone}" if view.zone else ""
    return Export(f"rankings-{ranking.fiscal_year.year}-q{ranking.quarter}{zone}", parts)


# ---------------------------------------------------------------------------
# Every report of a year, or of every year


REPORT_FIELDS = (
    "assignment__indicator__fiscal_year__year",
    "assignment__district__code",
    "assignment__district__name_th",
    "assignment__district__zone_group__name_th",
    "assignment__indicator__code",
    "assignment__indicator__name",
    "assignment__indicator__unit",
    "quarter",
    "quarter_target",
    "result",
    "status",
    "submitted_at",
    "self_score",
    "suggested_score",
    "score",
    "full_score",
    "evaluated_at",
)


def report_columns() -> list[Column]:
    return [
        Column(_("ปีงบประมาณ"), Kind.INTEGER, 11),
        Column(_("รหัสเขต"), width=8),
        Column(_("สำนักงานเขต"), width=18),
        Column(_("กลุ่มเขต"), width=18),
        Column(_("รหัสตัวชี้วัด"), width=12),
        Column(_("ตัวชี้วัด"), width=50),
        Column(_("หน่วยนับ"), width=12),
        Column(_("ไตรมาส"), Kind.INTEGER, 8),
        Column(_("เป้าหมายไตรมาส"), Kind.DECIMAL),
        Column(_("ผลงาน"), Kind.DECIMAL),
        Column(_("สถานะ"), width=16),
        Column(_("ส่งเมื่อ"), Kind.DATETIME, 18),
        Column(_("คะแนนประเมินตนเอง"), Kind.SCORE),
        Column(_("คะแนนที่ระบบเสนอ"), Kind.SCORE),
        Column(_("คะแนนจาก สยป."), Kind.SCORE),
        Column(_("คะแนนเต็ม"), Kind.SCORE, 10),
        Column(_("ประเมินเมื่อ"), Kind.DATETIME, 18),
    ]


def report_rows(
    fiscal_year: FiscalYear, tick: Callable[[], None] | None = None
) -> Iterator[list[Any]]:
    """The year's reports by district, indicator and quarter, streamed in chunks;
    ``tick`` is called after every row (a background export's progress)."""
    target = QuarterTarget.objects.filter(
        assignment_id=OuterRef("assignment_id"), quarter=OuterRef("quarter")
    ).values("target")[:1]
    rows = (
        Report.objects.filter(assignment__indicator__fiscal_year=fiscal_year)
        .annotate(quarter_target=Subquery(target))
        .order_by("assignment__district__code", "assignment__indicator__code", "quarter")
        .values_list(*REPORT_FIELDS)
    )
    labels: dict[str, str] = {}
    status_at = REPORT_FIELDS.index("status")
    for values in rows.iterator(chunk_size=CHUNK):
        row = list(values)
        status = row[status_at]
        if status not in labels:
            labels[status] = status_label(status)
        row[status_at] = labels[status]
        yield row
        if tick is not None:
            tick()


def report_count(years: list[FiscalYear]) -> int:
    return Report.objects.filter(assignment__indicator__fiscal_year__in=years).count()


def all_reports(
    years: list[FiscalYear], *, tick: Callable[[int], None] | None = None, every: int = 5000
) -> Export:
    """Every report of ``years`` (newest first), a sheet per year; the office's
    export, every score included (the office sees them before publication).
    ``tick(rows written)`` is called every ``every`` rows."""
    columns = report_columns()
    written = 0

    def count() -> None:
        nonlocal written
        written += 1
        if tick is not None and written % every == 0:
            tick(written)

    def parts() -> Iterator[Part]:
        for fiscal_year in years:
            yield Part(
                _("ปีงบประมาณ %(year)s") % {"year": fiscal_year.year},
                columns,
                report_rows(fiscal_year, count),
            )

    name = f"reports-{years[0].year}" if len(years) == 1 else "reports-all-years"
    return Export(name, parts, one_table=True)
