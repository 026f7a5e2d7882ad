from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from kpi_portal import schedule
from printing.services import print_jobs_recover


class Command(BaseCommand):
    help = (
        "Queue again print jobs left behind by a dead worker, start the periodic jobs "
        "(notifications: reminders, the digest, the email outbox), then run the task worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Stop when the queue is empty.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )
        parser.add_argument(
            "--no-periodic", action="store_true", help="Do not run the periodic jobs here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = print_jobs_recover()
        self.stdout.write(f"print_worker: {recovered} interrupted job(s) queued again")
        if not options["no_periodic"] and not options["batch"]:
            jobs = schedule.start()
            self.stdout.write(f"print_worker: {len(jobs)} periodic job(s) started")
        worker_args = ["--no-startup-delay", "--interval", str(options["interval"])]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)
