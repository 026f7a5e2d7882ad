"""Server-side latency of the portal's main pages, in process, against DATABASE_URL.

    .venv/bin/python bench/pages.py            # DATABASE_URL defaults to .../kpi_bench

    .venv/bin/python bench/pages.py --only matrix,api   # some pages only (and the baselines)

Each page: 3 warm-up requests, then N=30 timed requests through django.test.Client
(the whole middleware stack, DEBUG off, no network), then one more request under
CaptureQueriesContext for its query count. Two baselines run in the same process:
/bench/ok/ (a view returning HttpResponse("ok") behind every middleware) and
/healthz/ (answered by the first middleware after one SELECT 1). A file download
(an export) is timed until its last byte, streamed or not.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _common


@dataclass
class Page:
    name: str
    url: str
    user: Any
    before: Any = None  # called before every request (e.g. empty a cache: a cold page)
    headers: dict[str, str] | None = None  # e.g. the API's bearer token
    runs: int | None = None  # fewer timed requests than --runs (downloads of seconds)


@dataclass
class Result:
    page: Page
    stats: _common.Stats
    queries: int
    size: int


def measure(client: Any, page: Page, runs: int, warmups: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if page.user is None:
        client.logout()
    else:
        client.force_login(page.user)

    def get() -> tuple[int, int]:
        response = client.get(page.url, secure=True, headers=page.headers)
        # A streamed export is only done when its last byte is written.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, len(body)

    size = 0
    for _ in range(warmups):
        status, size = get()
        if status != 200:
            raise SystemExit(f"{page.name}: GET {page.url} answered {status}")
    samples = []
    for _ in range(min(runs, page.runs or runs)):
        if page.before is not None:
            page.before()
        start = time.perf_counter()
        status, _size = get()
        samples.append((time.perf_counter() - start) * 1000)
        _common.require(status == 200, f"{page.url} answered {status}")
    if page.before is not None:
        page.before()
    with CaptureQueriesContext(connection) as captured:
        get()
    return Result(page, _common.Stats.of(samples), len(captured.captured_queries), size)


def pick_pages(officer_name: str, evaluator_name: str) -> list[Page]:
    from django.contrib.auth import get_user_model

    from indicators.fiscal import current_fiscal_year
    from indicators.models import FiscalYear
    from reports.models import Report

    users = get_user_model().objects
    officer = users.get(username=officer_name)
    evaluator = users.get(username=evaluator_name)
    district = _common.officer_district(officer_name)
    assignment = _common.richest_assignment(district)
    report = Report.objects.filter(assignment=assignment).order_by("-quarter").first()
    if report is None:
        raise SystemExit("no report")
    last_full = (
        FiscalYear.objects.filter(year__lt=current_fiscal_year()).order_by("-year").first()
        or assignment.indicator.fiscal_year
    )
    base = f"/assignments/{assignment.pk}"
    return [
        Page("baseline: /bench/ok/ (HttpResponse)", "/bench/ok/", None),
        Page("baseline: /healthz/ (middleware, SELECT 1)", "/healthz/", None),
        Page("baseline: /bench/ok/ signed in (session cookie)", "/bench/ok/", officer),
        Page(
            f"district home {district.code}, current year", f"/districts/{district.code}/", officer
        ),
        Page(
            f"report page (year {assignment.indicator.fiscal_year.year}, q{report.quarter})",
            f"{base}/q{report.quarter}/",
            officer,
        ),
        Page("sheet page", f"{base}/", officer),
        Page("report history", f"{base}/q{report.quarter}/history/", officer),
        *matrix_pages(evaluator, last_full.year),
        Page("review queue /office/queue/", "/office/queue/", evaluator),
        Page(
            f"scorecard {district.code}, year {last_full.year} q4 (district)",
            f"/districts/{district.code}/scorecard/{last_full.year}/?quarter=4",
            officer,
        ),
        Page(
            f"scorecard {district.code}, year {last_full.year} q4 (office)",
            f"/districts/{district.code}/scorecard/{last_full.year}/?quarter=4",
            evaluator,
        ),
        Page(
            f"rankings, year {last_full.year} q4",
            f"/office/rankings/?year={last_full.year}&quarter=4",
            evaluator,
        ),
        Page(
            f"rankings by zone group, year {last_full.year} q4",
            f"/office/rankings/?year={last_full.year}&quarter=4&view=zones",
            evaluator,
        ),
        # The readers' dashboards show the same to everyone (published results only);
        # the synthetic data may have no reader, so the evaluator stands in.
        *dashboard_pages(
            users.filter(membership__role="reader").first() or evaluator,
            district.code,
            last_full.year,
        ),
        *public_pages(district.code, assignment.pk, last_full.year),
        *search_pages(officer, evaluator, district, assignment),
        *notification_pages(officer, evaluator, last_full.year),
        *api_pages(evaluator, district.code, last_full.year),
        *export_pages(evaluator, district.code, last_full.year),
        *import_pages(),
    ]


def matrix_pages(evaluator: Any, year: int) -> list[Page]:
    """The office matrix from the matrix cache (every request after the first of a
    version) and built (the cache emptied before each request: the first request
    after a change)."""
    from django.core.cache import caches

    def cold() -> None:
        caches["matrix"].clear()

    pages = [
        ("office matrix /office/ (current year, quarter)", "/office/"),
        (f"office matrix, year {year} q4", f"/office/?year={year}&quarter=4"),
        (f"office matrix, year {year} q4, by zone", f"/office/?year={year}&quarter=4&sort=zone"),
    ]
    return [
        *(Page(f"{name} (cached)", url, evaluator) for name, url in pages),
        *(Page(f"{name} (built)", url, evaluator, cold) for name, url in pages[:2]),
    ]


def api_pages(evaluator: Any, code: str, year: int) -> list[Page]:
    """Other agencies' JSON API with a token for every district (issued here, each run:
    only its hash is stored), its rate limits counted as usual, and its docs page."""
    from django.conf import settings

    from api.models import ApiToken
    from api.services import api_token_create

    # Latency, not the limits, is measured: a run sends a few hundred requests a minute.
    settings.API_RATE_PER_MINUTE = settings.API_RATE_PER_DAY = 10**9
    secret = api_token_create(
        token=ApiToken(
            agency="bench",
            contact_email="bench@example.org",
            all_districts=True,
            expires_on=None,
        ),
        districts=[],
        actor=evaluator,
    )
    bearer = {"Authorization": f"Bearer {secret}"}
    pages = [
        ("fiscal years", "/api/v1/fiscal-years"),
        ("districts", "/api/v1/districts"),
        (f"indicators of {year}", f"/api/v1/indicators?year={year}"),
        (f"results {year} q4, first page", f"/api/v1/results?year={year}&quarter=4"),
        (
            f"results {year} q4, district {code}",
            f"/api/v1/results?year={year}&quarter=4&district={code}",
        ),
        (f"scores {year} q4", f"/api/v1/scores?year={year}&quarter=4"),
    ]
    return [
        *(Page(f"API {name}", url, None, headers=bearer) for name, url in pages),
        Page("API docs page", "/api/", None),
    ]


def export_pages(evaluator: Any, code: str, year: int) -> list[Page]:
    """The downloads the office and the districts take inline (the whole ten years'
    reports go to the background worker: bench/exports.py)."""
    query = f"year={year}&quarter=4"
    pages = [
        (f"export matrix {year} q4 (CSV)", f"/exchange/export/matrix.csv?{query}"),
        (f"export matrix {year} q4 (Excel)", f"/exchange/export/matrix.xlsx?{query}"),
        (f"export rankings {year} q4 (Excel)", f"/exchange/export/rankings.xlsx?{query}"),
        (
            f"export scorecard {code} {year} (Excel)",
            f"/exchange/export/districts/{code}/scorecard/{year}.xlsx?quarter=4",
        ),
        (
            f"export district {code} year {year} (Excel)",
            f"/exchange/export/districts/{code}/{year}.xlsx",
        ),
        ("export queue (CSV)", "/exchange/export/queue.csv"),
    ]
    return [Page(name, url, evaluator, runs=10) for name, url in pages]


def import_pages() -> list[Page]:
    """The import page and the template workbook, as an administrator (a superuser made
    here once: the synthetic data has none). Importing a year: bench/imports.py."""
    from django.contrib.auth import get_user_model

    admin, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return [
        Page("import page (upload form, earlier runs)", "/exchange/import/", admin),
        Page("import template workbook", "/exchange/import/template.xlsx", admin),
    ]


def notification_pages(officer: Any, evaluator: Any, year: int) -> list[Page]:
    """The bell and the list of an officer with 500 notifications (made here once:
    the synthetic history has none), and the office's completeness board."""
    from django.utils import timezone

    from indicators.models import ReportingPeriod
    from notifications.models import Kind, Notification

    period = ReportingPeriod.objects.filter(fiscal_year__year=year, quarter=4).first()
    existing = Notification.objects.filter(recipient=officer, key__startswith="bench:").count()
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=officer,
            kind=Kind.DEADLINE,
            key=f"bench:{n}",
            district=officer.membership.district,
            period=period,
            deadline=period.deadline if period else None,
            data={"days": 7, "missing": 3, "total": 100},
            created_at=now,
        )
        for n in range(existing, 500)
    )
    return [
        Page("notification bell (500, unread)", "/notifications/bell/", officer),
        Page("notification list (500)", "/notifications/", officer),
        Page("completeness board, current year", "/office/completeness/", evaluator),
        Page(f"completeness board, year {year}", f"/office/completeness/?year={year}", evaluator),
    ]


def dashboard_pages(reader: Any, code: str, year: int) -> list[Page]:
    """The readers' dashboards, cold (the public cache emptied before each request: the
    first visit after a publication) and warm (every visit after it)."""
    from django.core.cache import caches

    def cold() -> None:
        caches["public"].clear()

    pages = [
        (f"city dashboard, year {year} q4", f"/dashboards/?year={year}&quarter=4"),
        (
            f"district dashboard {code}, year {year} q4",
            f"/dashboards/districts/{code}/?year={year}&quarter=4",
        ),
    ]
    return [
        *(Page(f"{name} (cold)", url, reader, cold) for name, url in pages),
        *(Page(f"{name} (cached figures)", url, reader) for name, url in pages),
    ]


def public_pages(code: str, pk: int, year: int) -> list[Page]:
    """The public pages (no login), cold (the public cache emptied before each request)
    and cached."""
    from django.core.cache import caches

    def cold() -> None:
        caches["public"].clear()

    pages = [
        ("public city overview", f"/public/?year={year}&quarter=4"),
        (f"public district {code}", f"/public/districts/{code}/?year={year}&quarter=4"),
        ("public sheet", f"/public/assignments/{pk}/"),
    ]
    return [
        *(Page(f"{name} (cold)", url, None, cold) for name, url in pages),
        *(Page(f"{name} (cached)", url, None) for name, url in pages),
        Page("open data index (cached)", "/opendata/", None),
    ]


def search_pages(officer: Any, evaluator: Any, district: Any, assignment: Any) -> list[Page]:
    """The search page (search/): a common Thai word, a rare one, an assignment code
    and a query that finds nothing, as the office and as a district officer."""
    from urllib.parse import urlencode

    def url(q: str, **more: str) -> str:
        return "/search/?" + urlencode({"q": q, **more})

    common, rare = "ดำเนินการ", district.name_th  # in every narrative; in 1 of 50
    cases = [
        ("common word", url(common)),
        ("common word, narratives", url(common, kind="narratives")),
        ("rare word", url(rare)),
        ("assignment code", url(assignment.code)),
        ("no results", url("ไม่พบคำนี้ในระบบ")),
    ]
    return [
        Page(f"search {name} ({who})", address, user)
        for who, user in (("office", evaluator), ("district", officer))
        for name, address in cases
    ]


def table(heading: str, results: list[Result], goal_ms: float) -> list[str]:
    """The results as a Markdown table under ``heading``: the ratio is each median
    against the first result's (the trivial view)."""
    baseline = results[0].stats.median
    lines = [
        heading,
        "",
        f"| page | URL | median | p95 | min–max | ratio | queries | bytes | p95 ≤ {goal_ms:g} ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        s = r.stats
        goal = "yes" if s.p95 <= goal_ms else "**no**"
        name = r.page.name + (f" (N={r.page.runs})" if r.page.runs else "")
        lines.append(
            f"| {name} | `{r.page.url}` | {s.median:.2f} | {s.p95:.2f} | "
            f"{s.minimum:.2f}–{s.maximum:.2f} | {s.median / baseline:.1f}× | {r.queries} | "
            f"{r.size:,} | {goal} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--evaluator", default="evaluator-1")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--only", default="", help="comma-separated words: pages whose name holds one of them"
    )
    args = parser.parse_args()

    _common.setup_django()
    # As kpi_portal/wsgi.py does in every gunicorn worker.
    from kpi_portal import gc_tuning

    gc_tuning.settle()
    load_before = _common.machine_load()
    from django.conf import settings
    from django.test import Client

    _common.require(not settings.DEBUG, "DEBUG must be off")
    pages = pick_pages(args.officer, args.evaluator)
    if args.only:
        words = [w.strip().lower() for w in args.only.split(",") if w.strip()]
        pages = [
            p
            for p in pages
            if p.name.startswith("baseline") or any(w in p.name.lower() for w in words)
        ]
    client = Client()
    results = [measure(client, page, args.runs, args.warmups) for page in pages]
    heading = (
        f"database {_common.database_name()}, N={args.runs} after {args.warmups} warm-ups, "
        f"DEBUG={settings.DEBUG}; times in ms; ratio = median / median of /bench/ok/"
    )
    lines = table(heading, results, goal_ms=100)
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
