"""Peak memory and time of exporting every report of the ten synthetic years, as CSV
and as Excel, against one district's year exported the same way.

    .venv/bin/python bench/exports.py             # 3 runs of each (~6 min)
    .venv/bin/python bench/exports.py --runs 5 --markdown /tmp/exports.md

Each measurement is a fresh child process (`--child TARGET`), so its peak resident
set (``ru_maxrss``, read when the export has been written) is that export's and
not the benchmark's. What a child does:

- `csv-all`: the view `export_reports` (every year) called as the evaluator,
  its streamed response consumed chunk by chunk and thrown away, as a client
  downloading it would; the rows come from the database 2,000 at a time.
- `xlsx-all`: what the background task does for that export (which is too slow
  to write while a browser waits): the write-only workbook, one sheet per year,
  written to a temporary file.
- `csv-district` / `xlsx-district`, the baseline: the officer's district's latest
  year (`export_district_year`), streamed or written the same way.
- `idle`: Django set up and the database connected, nothing exported: the floor
  of any child's memory.

Requests are built with a RequestFactory and the user set on them, so nothing is
written to the database (no session, no export job). DATABASE_URL defaults to
kpi_bench.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common

TARGETS = ("idle", "csv-district", "xlsx-district", "csv-all", "xlsx-all")
GOAL_MB = 200


def _request(path: str, username: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get(path, secure=True)
    request.user = get_user_model().objects.get(username=username)
    return request


def _consume(response: Any) -> int:
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return size


def child(target: str, officer: str, evaluator: str) -> dict[str, Any]:
    """Run one export in this process; its seconds, bytes, rows and peak RSS."""
    _common.setup_django()
    from django.db import connection

    from exchange import views
    from exchange.exports import tables
    from exchange.exports.writers import write_xlsx
    from indicators.models import Assignment, FiscalYear
    from reports.models import Report

    connection.ensure_connection()
    district = _common.officer_district(officer)
    latest = (
        FiscalYear.objects.filter(indicators__assignments__district=district)
        .order_by("-year")
        .first()
    )
    if latest is None:
        raise SystemExit(f"{officer}'s district has no assignments")
    rows = 0
    size = 0
    start = time.perf_counter()
    if target == "csv-all":
        size = _consume(views.export_reports(_request("/", evaluator), fmt="csv"))
        rows = Report.objects.count()
    elif target == "xlsx-all":
        years = list(FiscalYear.objects.order_by("-year"))
        with tempfile.TemporaryFile() as handle:
            write_xlsx(tables.all_reports(years), handle)
            size = handle.tell()
        rows = Report.objects.count()
    elif target in ("csv-district", "xlsx-district"):
        fmt = target.split("-")[0]
        response = views.export_district_year(
            _request("/", officer), code=district.code, year=latest.year, fmt=fmt
        )
        size = _consume(response)
        rows = (
            4 * Assignment.objects.filter(district=district, indicator__fiscal_year=latest).count()
        )
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {"seconds": seconds, "bytes": size, "rows": rows, "peak_mb": peak_mb}


def run_child(target: str, args: argparse.Namespace) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 (this script, fixed arguments)
        [
            sys.executable,
            __file__,
            "--child",
            target,
            "--officer",
            args.officer,
            "--evaluator",
            args.evaluator,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{target} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--evaluator", default="evaluator-1")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="comma-separated targets (default: all)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--child", choices=TARGETS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.officer, args.evaluator)))
        return

    _common.setup_django()
    database = _common.database_name()
    load_before = _common.machine_load()
    targets = args.only.split(",") if args.only else list(TARGETS)
    results: dict[str, list[dict[str, Any]]] = {t: [] for t in targets}
    # Interleaved, so a busy minute of a shared machine touches every target alike.
    for _run in range(args.runs):
        for target in targets:
            results[target].append(run_child(target, args))
            print(target, results[target][-1], file=sys.stderr)

    def stats(target: str, key: str) -> _common.Stats:
        return _common.Stats.of([r[key] for r in results[target]])

    baselines = {"csv-all": "csv-district", "xlsx-all": "xlsx-district"}
    lines = [
        f"database {database}, N={args.runs} fresh processes per export; "
        f"peak RSS = ru_maxrss of the child after the export; "
        f"ratio = median / median of the baseline (one district-year, same format)",
        "",
        "| export | rows | bytes | time median (s) | time min–max | peak RSS median (MB) "
        "| RSS min–max | time ratio | RSS ratio | RSS ≤ 200 MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for target in targets:
        t, m = stats(target, "seconds"), stats(target, "peak_mb")
        base = baselines.get(target)
        if base in results:
            bt, bm = stats(base, "seconds"), stats(base, "peak_mb")
            ratios = f"{t.median / bt.median:.0f}× | {m.median / bm.median:.2f}×"
        else:
            ratios = "– | –"
        goal = "yes" if m.maximum <= GOAL_MB else "**no**"
        first = results[target][0]
        lines.append(
            f"| {target} | {first['rows']:,} | {first['bytes']:,} | {t.median:.2f} | "
            f"{t.minimum:.2f}–{t.maximum:.2f} | {m.median:.1f} | {m.minimum:.1f}–{m.maximum:.1f} "
            f"| {ratios} | {goal} |"
        )
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
