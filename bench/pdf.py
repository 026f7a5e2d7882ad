"""PDF rendering times: WeasyPrint (the portal's printer) against headless Chromium.

    .venv/bin/python bench/pdf.py              # DATABASE_URL defaults to .../kpi_bench

Measures, each as the median of 7 runs after one warm-up:
  - one sheet: printing.pdf.html_to_pdf on print/sheet.html of an assignment with 4 reports;
  - a booklet: printing.booklets.booklet_pdf (every sheet rendered, then joined) of the
    district's assignments of that year;
  - a cached sheet: printing.pdf.sheet_pdf called again (the PDF cache, a table, emptied first), and
    the cached GET /assignments/<pk>/sheet.pdf through the whole Django stack;
  - baseline: the same HTML printed by Debian's Chromium through Playwright
    (page.goto of a temp file whose stylesheets point at the collected static files,
    so the same Sarabun fonts load; then page.pdf(format="A4")), browser already running.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def timed(fn: Callable[[], Any], runs: int) -> tuple[_common.Stats, Any, float]:
    """Warm up once (its time returned separately), then time `runs` calls in ms."""
    start = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - start) * 1000
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return _common.Stats.of(samples), result, first


def pdf_pages(data: bytes, workdir: Path) -> str:
    path = workdir / "probe.pdf"
    path.write_bytes(data)
    info = subprocess.run(  # noqa: S603 (fixed arguments)
        [shutil.which("pdfinfo") or "/usr/bin/pdfinfo", str(path)], capture_output=True, text=True
    ).stdout
    fonts = subprocess.run(  # noqa: S603 (fixed arguments)
        [shutil.which("pdffonts") or "/usr/bin/pdffonts", str(path)], capture_output=True, text=True
    ).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    names = sorted({m.split("+")[-1] for m in re.findall(r"^(\S+)", fonts, re.M)[2:]})
    return f"{pages.group(1) if pages else '?'} pages, {len(data):,} B, fonts {', '.join(names)}"


def chromium_html(html: str, static_root: Path) -> str:
    """Point the print HTML's static/ links at the collected files (absolute file:// paths)."""
    return re.sub(r'(href|src)="/?static/', rf'\1="file://{static_root}/', html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--booklet-runs", type=int, default=None, help="default: --runs")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    booklet_runs = args.booklet_runs or args.runs

    workdir = Path(tempfile.mkdtemp(prefix="kpi-bench-pdf-"))
    # With the hashed manifest (the default when DEBUG is off) the print HTML links
    # static/css/fonts.<hash>.css, which printing.pdf's fetcher cannot find through the
    # staticfiles finders, so WeasyPrint refuses to print (FatalURLFetchingError).
    # The PDFs are therefore measured with unhashed static names; see docs/benchmarks.md.
    os.environ.setdefault("STATIC_MANIFEST", "false")
    _common.setup_django()
    load_before = _common.machine_load()

    from django.contrib.auth import get_user_model
    from django.test import Client
    from playwright.sync_api import sync_playwright

    from indicators.models import Assignment
    from printing import booklets, pdf
    from reports.selectors import assignment_sheet, assignment_sheets

    officer = get_user_model().objects.get(username=args.officer)
    district = _common.officer_district(args.officer)
    assignment = _common.richest_assignment(district)
    fiscal_year = assignment.indicator.fiscal_year
    static_root = Path(os.environ["STATIC_ROOT"])
    rows: list[tuple[str, _common.Stats, float, str, str]] = []

    sheet = assignment_sheet(assignment)
    sheet_html = pdf._print_html("print/sheet.html", {"sheet": sheet, "thai_digits": True})
    import_start = time.perf_counter()
    pdf._weasyprint()
    import_ms = (time.perf_counter() - import_start) * 1000
    stats, sheet_bytes, first = timed(lambda: pdf.html_to_pdf(sheet_html), args.runs)
    rows.append(("one sheet, WeasyPrint", stats, first, pdf_pages(sheet_bytes, workdir), "w1"))

    load_start = time.perf_counter()
    sheets = assignment_sheets(
        Assignment.objects.filter(district=district, indicator__fiscal_year=fiscal_year).order_by(
            "indicator__code"
        )
    )
    load_ms = (time.perf_counter() - load_start) * 1000
    booklet_html = pdf._print_html(
        "print/booklet.html",
        {"sheets": sheets, "district": district, "fiscal_year": fiscal_year, "thai_digits": True},
    )
    stats, booklet_bytes, first = timed(
        lambda: booklets.booklet_pdf(sheets, district=district, fiscal_year=fiscal_year),
        booklet_runs,
    )
    rows.append(
        (
            f"booklet of {len(sheets)} sheets, WeasyPrint",
            stats,
            first,
            pdf_pages(booklet_bytes, workdir),
            "w100",
        )
    )

    from django.core.cache import caches

    caches["pdf"].clear()  # the first call renders (the cache is a table now, not a temp dir)
    stats, _cached, first = timed(lambda: pdf.sheet_pdf(assignment), args.runs)
    rows.append(("cached sheet: sheet_pdf() again", stats, first, "first call renders", "c"))

    client = Client()
    client.force_login(officer)
    url = f"/assignments/{assignment.pk}/sheet.pdf"

    def get_pdf() -> bytes:
        response = client.get(url, secure=True)
        _common.require(response.status_code == 200, f"{url}: {response.status_code}")
        return bytes(response.content)

    stats, _body, first = timed(get_pdf, args.runs)
    rows.append((f"cached sheet: GET {url} (whole stack)", stats, first, "", "c"))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()

        def chromium_pdf(html: str, name: str) -> Callable[[], bytes]:
            path = workdir / name
            path.write_text(chromium_html(html, static_root), encoding="utf-8")

            def run() -> bytes:
                page.goto(path.as_uri(), wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                return page.pdf(format="A4", print_background=True)

            return run

        stats, data, first = timed(chromium_pdf(sheet_html, "sheet.html"), args.runs)
        rows.append(("one sheet, Chromium", stats, first, pdf_pages(data, workdir), "b1"))
        stats, data, first = timed(chromium_pdf(booklet_html, "booklet.html"), booklet_runs)
        rows.append(
            (
                f"booklet of {len(sheets)} sheets, Chromium",
                stats,
                first,
                pdf_pages(data, workdir),
                "b100",
            )
        )
        browser.close()

    baselines = {r[4]: r[1].median for r in rows}
    ratio_of = {"w1": "b1", "w100": "b100", "c": "b1"}
    lines = [
        f"database {_common.database_name()}; district {district.code}, year {fiscal_year.year}, "
        f"assignment {assignment.pk}; median of {args.runs} runs after one warm-up "
        f"(booklets {booklet_runs}); ms",
        f"WeasyPrint import + text fix: {import_ms:.0f} ms; loading the {len(sheets)} booklet "
        f"sheets (assignment_sheets): {load_ms:.0f} ms (not included below)",
        "",
        "| what | median | min–max | first (warm-up) | ratio vs Chromium | output |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, s, first, note, key in rows:
        base = ratio_of.get(key)
        ratio = f"{s.median / baselines[base]:.2f}×" if base else "1 (baseline)"
        lines.append(
            f"| {name} | {s.median:.1f} | {s.minimum:.1f}–{s.maximum:.1f} | {first:.1f} | "
            f"{ratio} | {note} |"
        )
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    _common.publish(lines, args.markdown)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
