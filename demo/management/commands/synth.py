from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.national import NATIONAL, PROVINCES, NationalScale, generate_national
from demo.synthetic import BENCH_PASSWORD, FULL, SMALL, Scale, SynthError, generate


class Command(BaseCommand):
    help = (
        "Load reproducible synthetic data at real scale (50 districts x 100 indicators x "
        "4 quarters x 10 fiscal years) into a separate benchmark database; with --national, "
        "7,850 local administrations in 76 provinces plus Bangkok's 50 districts, 100 "
        "indicators, one year (about 790,000 assignments and 3.2 million reports)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--years", type=int, default=FULL.years, help="Fiscal years, ending with this one."
        )
        parser.add_argument(
            "--districts", type=int, default=FULL.districts, help="Districts (at most 50)."
        )
        parser.add_argument(
            "--indicators", type=int, default=FULL.indicators, help="Indicators per fiscal year."
        )
        parser.add_argument(
            "--scale",
            choices=["full", "small"],
            help="small = 2 years x 5 districts x 10 indicators (overrides the three above).",
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="The national simulation, into a database of its own (e.g. kpi_national).",
        )
        parser.add_argument(
            "--agencies",
            type=int,
            default=NATIONAL.local_administrations,
            help="With --national: local administrations outside Bangkok (default 7,850).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database holds the demo data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["national"]:
            national = NationalScale(options["agencies"], options["indicators"])
            if national.local_administrations < len(PROVINCES) or national.indicators < 1:
                raise CommandError(f"Need at least {len(PROVINCES)} agencies and 1 indicator.")
            self.load(
                "synth --national",
                options,
                lambda: generate_national(options["seed"], national, log=self.stdout.write),
            )
            return
        if options["scale"] == "small":
            scale = SMALL
        elif options["scale"] == "full":
            scale = FULL
        else:
            scale = Scale(options["years"], options["districts"], options["indicators"])
        if not (1 <= scale.districts <= 50 and scale.years >= 1 and scale.indicators >= 1):
            raise CommandError("Need 1-50 districts, at least 1 year and at least 1 indicator.")
        self.load(
            "synth",
            options,
            lambda: generate(options["seed"], scale, force=options["force"], log=self.stdout.write),
        )

    def load(self, command: str, options: dict[str, Any], run: Callable[[], Counter[str]]) -> None:
        """Run a generator and say what it loaded, in how long."""
        if not settings.DEBUG and not options["force"]:
            # Like `demo`: it creates users with a published password.
            raise CommandError(
                "Refusing to load synthetic users with a known password while DEBUG is off; "
                "point DATABASE_URL at a benchmark database and pass --force."
            )
        started = time.monotonic()
        try:
            counts = run()
        except SynthError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(
            f"{command}: seed {options['seed']} loaded {summary} "
            f"in {time.monotonic() - started:.0f} s (password of every user: {BENCH_PASSWORD})"
        )
