"""Every district's booklet for a year, printed by background workers: from cold, with
every sheet cached, and with a share of the sheets changed; against one booklet
printed in process.

    .venv/bin/python bench/booklets.py                 # 50 districts, 2 workers
    .venv/bin/python bench/booklets.py --districts 6   # a quicker look

What an evaluator does on the prints page: one request for the booklets of all
districts (services.print_job_request, as the view calls it). The set's own task
queues every sheet not printed since its rows changed, then one part per district;
`--workers` processes of `manage.py print_worker` (the command bin/run and
docker-compose start) take the sheets, then the parts, which join the cached sheets
(printing.booklets); the last part queues the bundling into one zip. Timed from the
request to the zip being ready, and each part from its start to its end.

Three runs, one after the other, on the same workers:
  cold      the PDF cache emptied first: every sheet is rendered;
  cached    the same request again: every sheet comes from the cache;
  changed   `--changed` per cent of the year's sheets get a new narrative in one
            report each, then the request again: only those are rendered.
Sheets rendered ahead (printing.ahead) are held off (PRINT_AHEAD_DELAY_SECONDS
an hour) so that the changed run renders its sheets itself.

Baseline, in the same run before the workers start: the officer's district's
booklet rendered in this process with every sheet rendered (the work of one cold
part). "Ideal" is that time × districts ÷ workers. Media go to a temporary folder;
the PDF cache is the database's (as in production); DATABASE_URL defaults to kpi_bench.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common


def render_one_in_process(district_code: str, year: int) -> tuple[float, int, int]:
    """Seconds, sheets and bytes of one booklet rendered here, as a part does it."""
    from districts.models import District
    from indicators.models import Assignment, FiscalYear
    from printing import booklets, pdf
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
    data = booklets.booklet_pdf(sheets, district=district, fiscal_year=fiscal_year)
    return time.perf_counter() - start, len(sheets), len(data)


def print_set(evaluator: Any, fiscal_year: Any, districts: list[Any], timeout: float) -> Any:
    """Request every district's booklet and wait for the zip; the job and seconds."""
    from django.db import transaction

    from printing import services as print_services
    from printing.models import PrintJob

    with transaction.atomic():
        job = print_services.print_job_request(
            actor=evaluator,
            kind=PrintJob.Kind.BOOKLET,
            fiscal_year=fiscal_year,
            districts=districts,
        )
    requested = time.perf_counter()
    while True:
        job.refresh_from_db()
        if job.finished:
            break
        if time.perf_counter() - requested > timeout:
            raise SystemExit(f"not finished after {timeout:.0f} s: {job.status}")
        time.sleep(0.25)
    wall = time.perf_counter() - requested
    if job.status != PrintJob.JobStatus.DONE or job.finished_at is None:
        raise SystemExit(f"the job ended {job.status}: {job.error}")
    return job, wall


def change_sheets(fiscal_year: Any, districts: list[Any], per_cent: float, seed: int) -> int:
    """Give ``per_cent`` of the sheets a new narrative in one of their reports."""
    from reports.models import Report

    reports = list(
        Report.objects.filter(
            assignment__indicator__fiscal_year=fiscal_year, assignment__district__in=districts
        )
        .order_by("assignment_id", "quarter")
        .distinct("assignment_id")
        .values_list("pk", "assignment_id")
    )
    chosen = random.Random(seed).sample(  # noqa: S311 (which sheets change, not a secret)
        reports, round(len(reports) * per_cent / 100)
    )
    for pk, _assignment in chosen:
        Report.objects.filter(pk=pk).update(narrative=f"แก้ไขเพื่อวัดเวลา {time.time():.0f}")
    return len(chosen)


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
    parser.add_argument("--changed", type=float, default=5, help="per cent of sheets changed")
    parser.add_argument("--seed", type=int, default=1, help="which sheets change")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="kpi-bench-booklets-"))
    os.environ["MEDIA_ROOT"] = str(scratch / "media")
    _common.setup_django()
    load_before = _common.machine_load()

    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.db import connections

    from districts.models import District
    from indicators.fiscal import current_fiscal_year
    from indicators.models import Assignment, FiscalYear

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
    sheets = Assignment.objects.filter(
        indicator__fiscal_year=fiscal_year, district__in=districts
    ).count()

    caches["pdf"].clear()
    connections.close_all()
    env = {
        **os.environ,
        "PYTHONPATH": str(_common.ROOT),
        "PRINT_AHEAD_DELAY_SECONDS": "3600",
    }
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
    runs: list[tuple[str, Any, float, str]] = []
    try:
        for name in ("cold", "cached", "changed"):
            detail = ""
            if name == "changed":
                changed = change_sheets(fiscal_year, districts, args.changed, args.seed)
                detail = f"{changed} sheets changed ({args.changed:g} %)"
            job, wall = print_set(evaluator, fiscal_year, districts, args.timeout)
            if any(w.poll() is not None for w in workers):
                raise SystemExit("a worker stopped")
            runs.append((name, job, wall, detail))
            print(f"{name}: {wall:.1f} s", file=sys.stderr)
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)

    ideal = one_s * len(districts) / args.workers
    lines = [
        f"database {_common.database_name()}; fiscal year {fiscal_year.year}; "
        f"{len(districts)} districts, {sheets} sheets; {args.workers} × "
        "`manage.py print_worker`; times in s",
        "",
        "| run | request to zip ready | sheets rendered / reused | pages | per page rendered "
        "| one part: median, p95 | bundling | detail |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, job, wall, detail in runs:
        parts = list(job.parts.all())
        durations = [
            (part.finished_at - part.started_at).total_seconds()
            for part in parts
            if part.finished_at and part.started_at
        ]
        stats = _common.Stats.of(durations)
        last_part = max(p.finished_at for p in parts if p.finished_at)
        bundling = (job.finished_at - last_part).total_seconds()
        pages = booklet_pages(job)
        per_page = (
            f"{1000 * wall * args.workers / pages:.0f} ms" if name == "cold" and pages else ""
        )
        size = job.file.size
        lines.append(
            f"| **{name}** | **{wall:.1f}** | {job.sheets_rendered} / {job.sheets_reused} "
            f"| {pages:,} | {per_page} | {stats.median:.1f}, {stats.p95:.1f} | {bundling:.1f} "
            f"| {detail}{'; ' if detail else ''}zip {size:,} B |"
        )
    cold, cached, changed_wall = (wall for _n, _j, wall, _d in runs)
    lines += [
        "",
        f"baseline: one booklet in process ({home_district.code}), every sheet rendered: "
        f"{one_s:.1f} s ({one_sheets} sheets, {one_bytes:,} B); ideal cold = baseline × "
        f"{len(districts)} ÷ {args.workers} = {ideal:.1f} s (cold is {cold / ideal:.2f}× that)",
        "per page rendered = cold wall × workers ÷ pages: what each page cost a worker",
        f"goals with two workers: cached ≤ 60 s {'met' if cached <= 60 else 'not met'} "
        f"({cached:.1f} s); ≤ 5 % changed ≤ 60 s "
        f"{'met' if changed_wall <= 60 else 'not met'} ({changed_wall:.1f} s); "
        f"cold ≤ 5 min {'met' if cold <= 300 else 'not met'} ({cold / 60:.1f} min)",
        "",
        f"before: {load_before}",
        f"after: {_common.machine_load()}",
    ]
    _common.publish(lines, args.markdown)


def booklet_pages(job: Any) -> int:
    """Pages of every booklet in the job's zip."""
    import io
    import zipfile

    from pypdf import PdfReader

    with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return sum(
            len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in archive.namelist()
        )


if __name__ == "__main__":
    main()
