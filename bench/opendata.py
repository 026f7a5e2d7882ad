"""The open data files at full scale: each fiscal year's results.csv and results.json
streamed through the whole middleware stack, against DATABASE_URL.

    .venv/bin/python bench/opendata.py            # DATABASE_URL defaults to .../kpi_bench

For every year with a published quarter: the time to the first chunk, the time to
the last, the rows and bytes, and the process's peak memory growth while streaming
(tracemalloc): a streamed file must not hold the process.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

import _common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    _common.setup_django()
    from django.test import Client

    from public.selectors import published_years

    client = Client()
    lines = [
        f"database {_common.database_name()}; times in ms, memory in MiB",
        "",
        "| year | file | rows | MiB | first chunk | total | peak memory |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for fiscal_year in published_years():
        for name in ("results.csv", "results.json"):
            url = f"/opendata/{fiscal_year.year}/{name}"
            tracemalloc.start()
            start = time.perf_counter()
            response = client.get(url, secure=True)
            _common.require(response.status_code == 200, f"{url}: {response.status_code}")
            chunks = iter(response.streaming_content)
            size = len(next(chunks))
            first = (time.perf_counter() - start) * 1000
            rows = 0
            for chunk in chunks:
                size += len(chunk)
                rows += chunk.count(b"\n")
            total = (time.perf_counter() - start) * 1000
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            lines.append(
                f"| {fiscal_year.year} | {name} | {rows:,} | {size / 2**20:.1f} | {first:.0f} | "
                f"{total:.0f} | {peak / 2**20:.1f} |"
            )
    _common.publish(lines, args.markdown)


if __name__ == "__main__":
    main()
