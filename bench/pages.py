"""Server-side latency of the portal's main pages, in process, against DATABASE_URL.

    .venv/bin/python bench/pages.py            # DATABASE_URL defaults to .../kpi_bench

Each page: 3 warm-up requests, then N=30 timed requests through django.test.Client
(the whole middleware stack, DEBUG off, no network), then one more request under
CaptureQueriesContext for its query count. Two baselines run in the same process:
/bench/ok/ (a view returning HttpResponse("ok") behind every middleware) and
/healthz/ (answered by the first middleware after one SELECT 1).
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
    size = 0
    for _ in range(warmups):
        response = client.get(page.url, secure=True)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: GET {page.url} answered {response.status_code}")
        size = len(response.content)
    samples = []
    for _ in range(runs):
        if page.before is not None:
            page.before()
        start = time.perf_counter()
        response = client.get(page.url, secure=True)
        samples.append((time.perf_counter() - start) * 1000)
        _common.require(response.status_code == 200, f"{page.url} answered {response.status_code}")
    if page.before is not None:
        page.before()
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url, secure=True)
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
        Page("office matrix /office/ (current year, quarter)", "/office/", evaluator),
        Page(
            f"office matrix, year {last_full.year} q4",
            f"/office/?year={last_full.year}&quarter=4",
            evaluator,
        ),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--evaluator", default="evaluator-1")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
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
    client = Client()
    results = [measure(client, page, args.runs, args.warmups) for page in pages]
    baseline = results[0].stats.median
    lines = [
        f"database {_common.database_name()}, N={args.runs} after {args.warmups} warm-ups, "
        f"DEBUG={settings.DEBUG}; times in ms; ratio = median / median of /bench/ok/",
        "",
        "| page | URL | median | p95 | min–max | ratio | queries | bytes | p95 ≤ 100 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        s = r.stats
        goal = "yes" if s.p95 <= 100 else "**no**"
        lines.append(
            f"| {r.page.name} | `{r.page.url}` | {s.median:.2f} | {s.p95:.2f} | "
            f"{s.minimum:.2f}–{s.maximum:.2f} | {s.median / baseline:.1f}× | {r.queries} | "
            f"{r.size:,} | {goal} |"
        )
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
