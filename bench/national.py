"""The pages that grow with the number of agencies, at national scale.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/kpi_national \\
        .venv/bin/python manage.py synth --national        # once: about 790,000 assignments
    .venv/bin/python bench/national.py                   # DATABASE_URL defaults to kpi_national

The matrix and the rankings by province and by zone, the review queue, search, the
API's district list and the downloads, as bench/pages.py measures them (N timed
requests after warm-ups, the query count of one more; the ratio is against the
trivial view in the same run). The largest province is the one with the most local
administrations; Bangkok's central zone group is read from the same database.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import _common

NATIONAL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/kpi_national"


def national_pages(evaluator: Any) -> list[Any]:
    from urllib.parse import urlencode

    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.db.models import Count
    from pages import Page

    from districts.models import District, ZoneGroup
    from indicators.models import Assignment, FiscalYear

    year = FiscalYear.objects.order_by("-year").values_list("year", flat=True).first()
    largest = (
        ZoneGroup.objects.filter(code__startswith="province-")
        .annotate(members=Count("districts"))
        .order_by("-members")
        .first()
    )
    if largest is None:
        raise SystemExit("no provinces: load `synth --national` first")
    officer_agency = District.objects.filter(zone_group=largest).order_by("code")[1]
    officer = get_user_model().objects.get(username=f"officer-{officer_agency.code}")
    assignment = Assignment.objects.filter(district=officer_agency).order_by("pk").first()
    if assignment is None:
        raise SystemExit(f"{officer_agency.code} has no assignment")
    members = largest.members  # type: ignore[attr-defined]

    def cold() -> None:
        caches["matrix"].clear()

    province = f"year={year}&quarter=4&zone={largest.code}"
    central = f"year={year}&quarter=4&zone=central"
    name = f"{largest.name_en} ({members} agencies)"
    return [
        Page("baseline: /bench/ok/ (HttpResponse)", "/bench/ok/", None),
        Page("baseline: /bench/ok/ signed in (session cookie)", "/bench/ok/", evaluator),
        Page(f"matrix {name} q4 (cached)", f"/office/?{province}", evaluator),
        Page(f"matrix {name} q4 (built)", f"/office/?{province}", evaluator, cold),
        Page("matrix Bangkok central zone q4 (cached)", f"/office/?{central}", evaluator),
        Page("matrix, no zone chosen (cached)", f"/office/?year={year}&quarter=4", evaluator),
        Page(f"rankings {name} q4", f"/office/rankings/?{province}", evaluator),
        Page(
            "rankings by zone (82 zones) q4",
            f"/office/rankings/?year={year}&quarter=4&view=zones",
            evaluator,
        ),
        Page("review queue, first page", "/office/queue/", evaluator),
        Page(f"review queue {year} q4", f"/office/queue/?year={year}&quarter=4", evaluator),
        Page(f"review queue {name}", f"/office/queue/?zone={largest.code}", evaluator),
        Page(
            "search a common word (office)",
            "/search/?" + urlencode({"q": "ดำเนินการ"}),
            evaluator,
        ),
        Page(
            "search an agency's name (office)",
            "/search/?" + urlencode({"q": officer_agency.name_th.split(" ")[0]}),
            evaluator,
        ),
        Page("search an assignment code", "/search/?" + urlencode({"q": assignment.code}), officer),
        Page(f"agency home {officer_agency.code}", f"/districts/{officer_agency.code}/", officer),
        Page(
            f"export matrix {name} q4 (CSV)",
            f"/exchange/export/matrix.csv?{province}",
            evaluator,
            runs=10,
        ),
        Page(
            f"export rankings {name} q4 (Excel)",
            f"/exchange/export/rankings.xlsx?{province}",
            evaluator,
            runs=10,
        ),
        Page(
            f"export queue {name} (CSV)",
            f"/exchange/export/queue.csv?zone={largest.code}",
            evaluator,
            runs=10,
        ),
        Page(
            "export queue, the whole country (CSV)", "/exchange/export/queue.csv", evaluator, runs=5
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--evaluator", default="evaluator-1")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", NATIONAL_DATABASE_URL)
    _common.setup_django()
    from kpi_portal import gc_tuning

    gc_tuning.settle()
    load_before = _common.machine_load()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pages import measure, table

    from districts.models import District
    from reports.models import Report

    _common.require(not settings.DEBUG, "DEBUG must be off")
    evaluator = get_user_model().objects.get(username=args.evaluator)
    pages = national_pages(evaluator)
    client = Client()
    results = [measure(client, page, args.runs, args.warmups) for page in pages]
    heading = (
        f"database {_common.database_name()}: {District.objects.count():,} agencies, "
        f"{Report.objects.count():,} reports; N={args.runs} after {args.warmups} warm-ups, "
        f"DEBUG={settings.DEBUG}; times in ms; ratio = median / median of /bench/ok/"
    )
    lines = table(heading, results, goal_ms=200)
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
