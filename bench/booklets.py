"""Every district's booklet for a year, printed by background workers, against one
booklet printed in process.

    .venv/bin/python bench/booklets.py                 # 50 districts, 2 workers (~15 min)
    .venv/bin/python bench/booklets.py --districts 6   # a quicker look

What an evaluator does on the prints page: one request for the booklets of all
districts (services.print_job_request, as the view calls it), which the portal
splits into one part per district. `--workers` processes of `manage.py
print_worker` (the command bin/run and docker-compose start) take the parts; the
last part queues the bundling into one zip. Timed from the request to the zip
being ready, and each part from its start to its end (PrintJob.started_at /
finished_at).

Baseline, in the same run before the workers start: the officer's district's
booklet rendered in this process (assignment_sheets, then
printing.pdf.booklet_pdf), the work of one part. "Ideal" is that time × districts
÷ workers: what perfectly shared work with no queue overhead would take.
Media and the PDF cache go to a temporary folder; DATABASE_URL defaults to
kpi_bench.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common


def render_one_in_process(district_code: str, year: int) -> tuple[float, int, int]:
    """Seconds, sheets and bytes of one booklet rendered here, as a part does it."""
    from districts.models import District
    from indicators.models import Assignment, FiscalYear
    from printing import pdf
    from reports.selectors import assignment_sheets

    district = District.objects.get(code=district_code)
    fiscal_year = FiscalYear.objects.get(year=year)
    pdf._weasyprint()  # the import (about a second) is paid once per worker, not per part
    start = time.perf_counter()
    sheets = assignment_sheets(
        Assignment.objects.filter(district=district, indicator__fiscal_year=fiscal_year).order_by(
            "indicator__code"
        )
    )
    data = pdf.booklet_pdf(sheets, district=district, fiscal_year=fiscal_year)
    return time.perf_counter() - start, len(sheets), len(data)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--evaluator", default="evaluator-1")
    parser.add_argument("--officer", default="officer-1017", help="whose district is the baseline")
    parser.add_argument("--year", type=int, help="fiscal year (default: the latest closed one)")
    parser.add_argument("--districts", type=int, default=50, help="the first N districts by code")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600, help="give up after this many s")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="kpi-bench-booklets-"))
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    _common.setup_django()
    load_before = _common.machine_load()

    from django.contrib.auth import get_user_model
    from django.db import connections, transaction

    from districts.models import District
    from indicators.fiscal import current_fiscal_year
    from indicators.models import FiscalYear
    from printing import services as print_services
    from printing.models import PrintJob

    users = get_user_model().objects
    evaluator = users.get(username=args.evaluator)
    home_district = _common.officer_district(args.officer)
    fiscal_year = (
        FiscalYear.objects.get(year=args.year)
        if args.year
        else FiscalYear.objects.filter(year__lt=current_fiscal_year()).order_by("-year").first()
    )
    if fiscal_year is None:
        raise SystemExit("no fiscal year to print")
    districts = list(District.objects.order_by("code")[: args.districts])

    one_s, one_sheets, one_bytes = render_one_in_process(home_district.code, fiscal_year.year)
    print(
        f"baseline: booklet of {home_district.code} in process: {one_s:.1f} s, "
        f"{one_sheets} sheets, {one_bytes:,} bytes",
        file=sys.stderr,
    )

    with transaction.atomic():
        job = print_services.print_job_request(
            actor=evaluator,
            kind=PrintJob.Kind.BOOKLET,
            fiscal_year=fiscal_year,
            districts=districts,
        )
    requested = time.perf_counter()
    connections.close_all()
    env = {**os.environ, "PYTHONPATH": str(_common.ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "print_worker", "--interval", "0.2"],
            cwd=_common.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(args.workers)
    ]
    try:
        while True:
            job.refresh_from_db()
            if job.finished:
                break
            if time.perf_counter() - requested > args.timeout:
                raise SystemExit(f"not finished after {args.timeout:.0f} s: {job.status}")
            if any(w.poll() is not None for w in workers):
                raise SystemExit("a worker stopped")
            time.sleep(0.5)
        wall = time.perf_counter() - requested
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)

    if job.status != PrintJob.JobStatus.DONE or job.finished_at is None:
        raise SystemExit(f"the job ended {job.status}: {job.error}")
    parts = list(job.parts.all())
    durations = [
        (part.finished_at - part.started_at).total_seconds()
        for part in parts
        if part.finished_at and part.started_at
    ]
    stats = _common.Stats.of(durations)
    last_part = max(p.finished_at for p in parts if p.finished_at)
    bundling = (job.finished_at - last_part).total_seconds()
    size = Path(job.file.path).stat().st_size
    ideal = one_s * len(districts) / args.workers
    lines = [
        f"database {_common.database_name()}; fiscal year {fiscal_year.year}; "
        f"{len(districts)} districts; {args.workers} × `manage.py print_worker`; times in s",
        "",
        "| what | time | detail |",
        "|---|---:|---|",
        f"| baseline: one booklet in process ({home_district.code}) | {one_s:.1f} | "
        f"{one_sheets} sheets, {one_bytes:,} B |",
        f"| ideal: baseline × {len(districts)} ÷ {args.workers} workers | {ideal:.1f} | |",
        f"| **all booklets, request to zip ready** | **{wall:.1f}** | "
        f"{wall / ideal:.2f}× ideal; zip of {size:,} B |",
        f"| one part (a district's booklet) | median {stats.median:.1f}, p95 {stats.p95:.1f} | "
        f"min–max {stats.minimum:.1f}–{stats.maximum:.1f}; N={len(durations)} |",
        f"| bundling the zip after the last part | {bundling:.1f} | |",
        "",
        f"goal all booklets ≤ 10 minutes with two workers: "
        f"{'met' if wall <= 600 and args.workers <= 2 and len(districts) >= 50 else 'not met'}"
        f" ({wall / 60:.1f} min)",
        "",
        f"before: {load_before}",
        f"after: {_common.machine_load()}",
    ]
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
