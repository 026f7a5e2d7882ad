"""One sheet printed by WeasyPrint and by Chromium in alternation: their ratio on a busy machine.

    .venv/bin/python bench/pdf_pair.py                          # this checkout against Chromium
    git worktree add /tmp/kpi-before main
    .venv/bin/python bench/pdf_pair.py --before /tmp/kpi-before  # ... and against that checkout

bench/pdf.py times WeasyPrint's runs and then Chromium's, minutes apart: on a machine
shared with other work the load changes in between and the ratio with it. Here every
round prints the sheet once with each printer, in a rotating order, so each ratio
compares two renders made within a second of each other, and the spread of the ratios
shows how far to trust the median. The CPU time each printer used is shown beside it
(WeasyPrint's process time; Chromium's: every process below this one but the
WeasyPrint printers, i.e. the browser, its renderer and GPU processes and Playwright's
driver): it moves less with the machine's load than the wall-clock time, but Chromium
spreads its work over several processes, so on an idle machine its wall-clock time is
below its CPU time.

Each checkout prints in its own process (its own printing.pdf, templates and static
files; `--before` must have the same bench/_common.py), started once and warmed up by
one render: what the print worker and the web server do. The sheet is the same as in
bench/pdf.py (the officer's district's richest assignment); Chromium prints this
checkout's HTML with the collected static files, browser already running.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common
from pdf import CHROMIUM_ARGS, chromium_html, pdf_pages

# Run by each checkout's Python in its own root: prints the sheet once per line read.
PRINTER = r"""
import json, os, sys, time
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
import _common
_common.setup_django()
from printing import pdf
from indicators.models import Assignment
from reports.selectors import assignment_sheet
assignment = Assignment.objects.get(pk=int(sys.argv[1]))
context = {"sheet": assignment_sheet(assignment), "thai_digits": True}
html = pdf._print_html("print/sheet.html", context)
pdf._weasyprint()
data = pdf.html_to_pdf(html)
print(json.dumps({"ready": True, "html": html}), flush=True)
for line in sys.stdin:
    if line.startswith("save "):
        with open(line[5:].strip(), "wb") as out:
            out.write(data)
        print(json.dumps({"saved": True}), flush=True)
        continue
    start, cpu = time.perf_counter(), time.process_time()
    data = pdf.html_to_pdf(html)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"ms": wall * 1000, "cpu_ms": cpu * 1000}), flush=True)
"""


class Printer:
    """A checkout's printing process, asked for one timed render at a time."""

    def __init__(self, root: Path, assignment_id: int, static_root: Path) -> None:
        python = root / ".venv" / "bin" / "python"
        env = {**os.environ, "STATIC_ROOT": str(static_root), "STATIC_MANIFEST": "false"}
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [str(python if python.exists() else sys.executable), "-c", PRINTER, str(assignment_id)],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.html: str = self._answer()["html"]

    def _answer(self) -> dict[str, Any]:
        _common.require(self.process.stdout, "no pipe to the printing process")
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        _common.require(line, "a printing process stopped (its error is above)")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _ask(self, line: str) -> dict[str, Any]:
        stdin = self.process.stdin
        _common.require(stdin, "no pipe to the printing process")
        stdin.write(line + "\n")  # type: ignore[union-attr]
        stdin.flush()  # type: ignore[union-attr]
        return self._answer()

    def render(self) -> tuple[float, float]:
        """Wall and CPU milliseconds of one render."""
        answer = self._ask("go")
        return float(answer["ms"]), float(answer["cpu_ms"])

    def save(self, path: Path) -> bytes:
        self._ask(f"save {path}")
        return path.read_bytes()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def cpu_seconds_below(root: int, leave_out: set[int]) -> float:
    """CPU seconds used so far by the processes below ``root`` (Chromium, its helpers and
    Playwright's driver), those in ``leave_out`` and below them not counted. Reaped
    children's time is in their parent's cutime/cstime, so short-lived renderers count."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        ticks[pid] = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime

    def counted(pid: int) -> bool:
        while pid in parents and pid not in leave_out:
            pid = parents[pid]
            if pid == root:
                return True
        return False

    return sum(t for pid, t in ticks.items() if counted(pid)) / os.sysconf("SC_CLK_TCK")


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officer", default="officer-1017")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another checkout to print with too")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kpi-bench-pair-"))
    os.environ.setdefault("STATIC_MANIFEST", "false")
    _common.setup_django()
    load_before = _common.machine_load()
    from playwright.sync_api import sync_playwright

    district = _common.officer_district(args.officer)
    assignment = _common.richest_assignment(district)
    static_root = Path(os.environ["STATIC_ROOT"])
    printers = {"WeasyPrint": Printer(_common.ROOT, assignment.pk, static_root)}
    if args.before:
        # Its own collected files: its static/ may differ from this checkout's.
        printers["WeasyPrint, --before"] = Printer(
            args.before.resolve(), assignment.pk, workdir / "before-static"
        )
    times: dict[str, list[float]] = {name: [] for name in [*printers, "Chromium"]}
    cpu: dict[str, list[float]] = {name: [] for name in [*printers, "Chromium"]}
    printer_pids = {printer.process.pid for printer in printers.values()}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        sheet = workdir / "sheet.html"
        sheet.write_text(chromium_html(printers["WeasyPrint"].html, static_root), encoding="utf-8")
        chromium_bytes = b""

        def chromium() -> tuple[float, float]:
            nonlocal chromium_bytes
            cpu_start = cpu_seconds_below(os.getpid(), printer_pids)
            start = time.perf_counter()
            page.goto(sheet.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            chromium_bytes = page.pdf(format="A4", print_background=True)
            wall = (time.perf_counter() - start) * 1000
            return wall, (cpu_seconds_below(os.getpid(), printer_pids) - cpu_start) * 1000

        runners: list[tuple[str, Callable[[], tuple[float, float]]]] = [
            *((name, printer.render) for name, printer in printers.items()),
            ("Chromium", chromium),
        ]
        chromium()  # warm-up
        for round_ in range(args.rounds):
            shift = round_ % len(runners)
            for name, run in runners[shift:] + runners[:shift]:
                wall, cpu_ms = run()
                times[name].append(wall)
                cpu[name].append(cpu_ms)
        browser.close()

    outputs = {
        name: pdf_pages(printer.save(workdir / f"{i}.pdf"), workdir)
        for i, (name, printer) in enumerate(printers.items())
    }
    outputs["Chromium"] = pdf_pages(chromium_bytes, workdir)
    for printer in printers.values():
        printer.close()

    chromium_ms = times["Chromium"]
    lines = [
        f"database {_common.database_name()}; district {district.code}, assignment "
        f"{assignment.pk}; {args.rounds} rounds, each printer once per round in a rotating "
        "order, after one warm-up each; ms",
        "",
        "| printer | median | min–max | ratio to Chromium in the same round: median (min–max) "
        "| CPU per render (mean) | CPU ratio | output |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    chromium_cpu = statistics.mean(cpu["Chromium"])
    for name, samples in times.items():
        ratios = [a / b for a, b in zip(samples, chromium_ms, strict=True)]
        mean_cpu = statistics.mean(cpu[name])
        lines.append(
            f"| {name} | {statistics.median(samples):.1f} | {min(samples):.1f}–"
            f"{max(samples):.1f} | {spread(ratios) if name != 'Chromium' else '1'} "
            f"| {mean_cpu:.1f} | {mean_cpu / chromium_cpu:.2f} | {outputs[name]} |"
        )
    if args.before:
        ratios = [
            a / b for a, b in zip(times["WeasyPrint"], times["WeasyPrint, --before"], strict=True)
        ]
        lines += ["", f"this checkout / --before, same round: {spread(ratios)}"]
    lines += ["", f"before: {load_before}", f"after: {_common.machine_load()}"]
    _common.publish(lines, args.markdown)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
