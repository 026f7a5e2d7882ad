"""Search: what matches, among what the person may see, grouped by kind.

Each kind is one query: the matching rows' ids, at most ``CAP`` + 1 of them,
found through a pg_trgm index (``search/migrations``) and the person's scope,
and then — only for those — the rows to show, newest year first, with how many
were found (a window count). Nothing is ranked or counted beyond the cap, so a
word found in every one of 200,000 narratives costs no more than a rare one;
past the cap the page says so and asks for a narrower query or a year.

The scope is in every query (``districts.access``): district staff see their own
district, the evaluation office everything, a reader (``Role.READER``) only what
has left the office (``reports.publication.public_reports``, and indicators of
years with a published quarter) and never a letter or a year summary.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.lookups import Contains
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from districts.access import membership_of, scope_assignments, sees_every_district
from districts.models import Role
from indicators.models import Assignment, Indicator, ReportingPeriod
from reports.models import LetterReference, Report, YearSummary
from reports.publication import public_reports, published_periods_q
from search.query import SearchText
from search.snippets import Snippet, snippet

#: Matches found per kind, at most: the page lists and counts no further.
CAP = 200
#: Results per page of one kind; "ดูเพิ่มเติม" shows this many more.
PAGE_SIZE = 20
#: Results of each kind on the page of every kind.
PREVIEW = 5

INDICATORS = "indicators"
ASSIGNMENTS = "assignments"
NARRATIVES = "narratives"
LETTERS = "letters"
SUMMARIES = "summaries"

KIND_LABELS = {
    INDICATORS: _("ตัวชี้วัด"),
    ASSIGNMENTS: _("รหัสตัวชี้วัดของเขต"),
    NARRATIVES: _("รายงานผลการดำเนินงาน"),
    LETTERS: _("หนังสือราชการอ้างอิง"),
    SUMMARIES: _("สรุปผลการดำเนินงานประจำปี"),
}
KINDS = tuple(KIND_LABELS)
#: Searched with a two-character query too: short fields, small tables.
SHORT_KINDS = (INDICATORS, ASSIGNMENTS)
#: What a reader may search: material that has left the office.
READER_KINDS = (INDICATORS, NARRATIVES)


class IContains(Contains):
    """``column ILIKE '%…%'``, which a pg_trgm index serves. Django's own
    ``icontains`` compares ``UPPER(column)``, which no index on the column serves."""

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        return "ILIKE " + rhs


def _matching(fields: Sequence[str], query: SearchText) -> Q:
    """Any of ``fields`` contains the query, in either digit form.

    Thai has no letter case, and PostgreSQL's ILIKE on UTF-8 text lowers every row's
    whole text before comparing (ten times the cost of LIKE on a narrative): a query
    without a cased letter is compared with LIKE, which finds exactly the same rows."""
    lookup = IContains if query.text.lower() != query.text.upper() else Contains
    condition = Q()
    for name in fields:
        for variant in query.variants:
            condition |= Q(lookup(F(name), variant))
    return condition


@dataclass(frozen=True)
class Hit:
    """One result: its title and the text around the match, where it leads, and
    what it belongs to (year, district, quarter…)."""

    title: Snippet
    text: Snippet | None
    url: str
    facts: tuple[str, ...]


@dataclass
class Group:
    kind: str
    hits: list[Hit] = field(default_factory=list)
    found: int = 0  # at most CAP + 1
    searched: bool = True  # False: the query is too short for this kind

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def capped(self) -> bool:
        return self.found > CAP

    @property
    def count(self) -> int:
        return min(self.found, CAP)

    @property
    def more(self) -> bool:
        return len(self.hits) < self.count


@dataclass(frozen=True)
class Scope:
    """Whose eyes the search is for."""

    user: Any
    everything: bool
    reader: bool

    @classmethod
    def of(cls, user: Any) -> Scope:
        membership = membership_of(user)
        everything = sees_every_district(user)
        reader = (
            not everything
            and membership is not None
            and membership.role == Role.READER
            and membership.district_id is None
        )
        return cls(user, everything, reader)

    @property
    def kinds(self) -> tuple[str, ...]:
        return READER_KINDS if self.reader else KINDS

    def assignments(self, prefix: str = "") -> Q:
        """A ``Q`` keeping the rows of assignments the person may read (``prefix``:
        the path to the assignment). A reader's rows are chosen by publication instead."""
        if self.everything or self.reader:
            return Q()
        visible = scope_assignments(self.user, Assignment.objects.all()).values("pk")
        return Q(**{f"{prefix}in": visible}) if prefix else Q(pk__in=visible)

    def published_years(self, prefix: str = "") -> Q:
        """A ``Q`` keeping indicators (via ``prefix``) of years with a published quarter."""
        periods = ReportingPeriod.objects.filter(
            published_periods_q(), fiscal_year_id=OuterRef(f"{prefix}fiscal_year_id")
        )
        return Q(Exists(periods))


def _first[M: Model](
    matches: QuerySet[M], shown: QuerySet[M], order: Sequence[str], limit: int
) -> tuple[list[M], int]:
    """At most ``limit`` rows of the first ``CAP`` + 1 matches in ``order``, and how
    many matched (up to ``CAP`` + 1): one query."""
    # No order here: the model's default ordering would sort every match to keep
    # CAP + 1 of them, which for a common word is every report there is.
    first = matches.order_by().values("pk")[: CAP + 1]
    rows = list(
        shown.filter(pk__in=first).annotate(found=Window(Count("*"))).order_by(*order)[:limit]
    )
    return rows, (rows[0].found if rows else 0)  # type: ignore[attr-defined]


def _sheet_url(assignment_id: int) -> str:
    return reverse("assignment_sheet", args=[assignment_id])


def _public_sheet_url(assignment_id: int) -> str:
    return reverse("public_sheet", args=[assignment_id])


def _report_url(assignment_id: int, quarter: int) -> str:
    return reverse("report_page", args=[assignment_id, quarter])


def _year(year: int) -> str:
    return str(_("ปีงบประมาณ %(year)s") % {"year": year})


def _quarter(quarter: int) -> str:
    return str(_("ไตรมาสที่ %(quarter)s") % {"quarter": quarter})


def _indicators(
    scope: Scope, query: SearchText, year: int | None, limit: int
) -> tuple[list[Hit], int]:
    matches = Indicator.objects.filter(_matching(["code", "name", "definition"], query))
    own = Assignment.objects.filter(scope.assignments(), indicator=OuterRef("pk")).order_by("pk")
    if scope.reader:
        matches = matches.filter(scope.published_years())
    elif not scope.everything:
        matches = matches.filter(Exists(own))
    if year is not None:
        matches = matches.filter(fiscal_year__year=year)
    shown = Indicator.objects.select_related("fiscal_year").only(
        "code", "name", "definition", "fiscal_year__year"
    )
    if not scope.everything and not scope.reader:
        shown = shown.annotate(own_assignment=Subquery(own.values("pk")[:1]))
    rows, found = _first(matches, shown, ["-fiscal_year__year", "code", "pk"], limit)
    hits = []
    for indicator in rows:
        in_name = query.pattern.search(f"{indicator.code} {indicator.name}") is not None
        if scope.everything:
            url = (
                reverse("office_summary")
                + "?"
                + urlencode({"year": indicator.fiscal_year.year, "indicator": indicator.pk})
            )
        elif scope.reader:
            url = ""
        else:
            url = _sheet_url(indicator.own_assignment)  # type: ignore[attr-defined]
        hits.append(
            Hit(
                title=snippet(f"{indicator.code} {indicator.name}", query.pattern, whole=True),
                text=None if in_name else snippet(indicator.definition, query.pattern),
                url=url,
                facts=(_year(indicator.fiscal_year.year),),
            )
        )
    return hits, found


def _assignments(
    scope: Scope, query: SearchText, year: int | None, limit: int
) -> tuple[list[Hit], int]:
    matches = Assignment.objects.filter(scope.assignments(), _matching(["code"], query))
    if year is not None:
        matches = matches.filter(indicator__fiscal_year__year=year)
    shown = Assignment.objects.select_related("indicator__fiscal_year", "district").only(
        "code", "indicator__code", "indicator__name", "indicator__fiscal_year__year",
        "district__name_th",
    )  # fmt: skip
    order = ["-indicator__fiscal_year__year", "district__code", "indicator__code", "pk"]
    rows, found = _first(matches, shown, order, limit)
    hits = [
        Hit(
            title=snippet(a.code, query.pattern, whole=True),
            text=snippet(f"{a.indicator.code} {a.indicator.name}", query.pattern, whole=True),
            url=_sheet_url(a.pk),
            facts=(_year(a.indicator.fiscal_year.year), a.district.display_name),
        )
        for a in rows
    ]
    return hits, found


_REPORT_ORDER = (
    "-assignment__indicator__fiscal_year__year",
    "-quarter",
    "assignment__district__code",
    "assignment__indicator__code",
    "pk",
)


def _narratives(
    scope: Scope, query: SearchText, year: int | None, limit: int
) -> tuple[list[Hit], int]:
    reports = Report.objects.all()
    if scope.reader:
        reports = public_reports(reports)
    matches = reports.filter(scope.assignments("assignment__"), _matching(["narrative"], query))
    if year is not None:
        matches = matches.filter(assignment__indicator__fiscal_year__year=year)
    shown = Report.objects.select_related(
        "assignment__indicator__fiscal_year", "assignment__district"
    ).only(
        "quarter", "narrative", "assignment__indicator__code", "assignment__indicator__name",
        "assignment__indicator__fiscal_year__year", "assignment__district__name_th",
    )  # fmt: skip
    rows, found = _first(matches, shown, _REPORT_ORDER, limit)
    hits = []
    for report in rows:
        a = report.assignment
        hits.append(
            Hit(
                title=snippet(f"{a.indicator.code} {a.indicator.name}", query.pattern, whole=True),
                text=snippet(report.narrative, query.pattern),
                # A reader opens what the public reads: the public sheet.
                url=_public_sheet_url(a.pk) if scope.reader else _report_url(a.pk, report.quarter),
                facts=(
                    _year(a.indicator.fiscal_year.year),
                    _quarter(report.quarter),
                    a.district.display_name,
                ),
            )
        )
    return hits, found


def _letters(
    scope: Scope, query: SearchText, year: int | None, limit: int
) -> tuple[list[Hit], int]:
    matches = LetterReference.objects.filter(
        scope.assignments("report__assignment__"), _matching(["number", "title"], query)
    )
    if year is not None:
        matches = matches.filter(report__assignment__indicator__fiscal_year__year=year)
    shown = LetterReference.objects.select_related(
        "report__assignment__indicator__fiscal_year", "report__assignment__district"
    ).only(
        "number", "dated", "title", "report__quarter", "report__assignment__indicator__code",
        "report__assignment__indicator__fiscal_year__year",
        "report__assignment__district__name_th",
    )  # fmt: skip
    order = ["-report__assignment__indicator__fiscal_year__year", "-report__quarter", "-dated"]
    rows, found = _first(matches, shown, [*order, "pk"], limit)
    hits = []
    for letter in rows:
        report = letter.report
        a = report.assignment
        hits.append(
            Hit(
                title=snippet(letter.number, query.pattern, whole=True),
                text=snippet(letter.title, query.pattern),
                url=_report_url(a.pk, report.quarter),
                facts=(
                    _year(a.indicator.fiscal_year.year),
                    _quarter(report.quarter),
                    a.district.display_name,
                    a.indicator.code,
                ),
            )
        )
    return hits, found


def _summaries(
    scope: Scope, query: SearchText, year: int | None, limit: int
) -> tuple[list[Hit], int]:
    matches = YearSummary.objects.filter(
        scope.assignments("assignment__"), _matching(["text"], query)
    )
    if year is not None:
        matches = matches.filter(assignment__indicator__fiscal_year__year=year)
    shown = YearSummary.objects.select_related(
        "assignment__indicator__fiscal_year", "assignment__district"
    ).only(
        "text", "assignment__indicator__code", "assignment__indicator__name",
        "assignment__indicator__fiscal_year__year", "assignment__district__name_th",
    )  # fmt: skip
    order = [
        "-assignment__indicator__fiscal_year__year",
        "assignment__district__code",
        "assignment__indicator__code",
        "pk",
    ]
    rows, found = _first(matches, shown, order, limit)
    hits = []
    for summary in rows:
        a = summary.assignment
        hits.append(
            Hit(
                title=snippet(f"{a.indicator.code} {a.indicator.name}", query.pattern, whole=True),
                text=snippet(summary.text, query.pattern),
                url=_sheet_url(a.pk),
                facts=(_year(a.indicator.fiscal_year.year), a.district.display_name),
            )
        )
    return hits, found


_SEARCHES: dict[str, Callable[[Scope, SearchText, int | None, int], tuple[list[Hit], int]]] = {
    INDICATORS: _indicators,
    ASSIGNMENTS: _assignments,
    NARRATIVES: _narratives,
    LETTERS: _letters,
    SUMMARIES: _summaries,
}


def search(
    user: Any, query: SearchText, *, kind: str | None = None, year: int | None = None, page: int = 1
) -> list[Group]:
    """The groups of results for ``user``: every kind they may search (``PREVIEW``
    of each), or one kind (``page`` × ``PAGE_SIZE``, at most ``CAP``). A query too
    short for a kind leaves that group unsearched; a too-short query, every group."""
    scope = Scope.of(user)
    kinds = [k for k in scope.kinds if kind is None or k == kind]
    limit = min(page * PAGE_SIZE, CAP) if kind else PREVIEW
    groups = []
    for k in kinds:
        group = Group(k)
        if query.too_short or (not query.full and k not in SHORT_KINDS):
            group.searched = False
        else:
            group.hits, group.found = _SEARCHES[k](scope, query, year, limit)
        groups.append(group)
    return groups
