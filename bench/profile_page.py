"""Where one page spends its time: cProfile of a few requests, plus SQL time per query.

    .venv/bin/python bench/profile_page.py /office/ --user evaluator-1
    .venv/bin/python bench/profile_page.py /districts/1017/ --user officer-1017 --top 40

Same set-up as pages.py (DEBUG off, HTTPS as behind the proxy, DATABASE_URL
defaulting to kpi_bench). The profiler inflates Python time, so read the
proportions, not the totals; the SQL lines are timed without the profiler.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import _common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--user", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="pstats key: cumulative, tottime")
    args = parser.parse_args()

    _common.setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    response = client.get(args.url, secure=True)  # warm-up
    _common.require(response.status_code == 200, f"{args.url} answered {response.status_code}")

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        client.get(args.url, secure=True)
    total = (time.perf_counter() - start) * 1000
    sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    print(
        f"{args.url}: {total:.1f} ms, {len(response.content):,} bytes, "
        f"{len(captured.captured_queries)} queries taking {sql:.1f} ms"
    )
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:8]:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        client.get(args.url, secure=True)
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
