from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.services import daily_run, emails_deliver, tick


class Command(BaseCommand):
    help = (
        "Send what notifications owe: the daily reminders and digest when due (once a "
        "day), then the email outbox. The print worker does this every few seconds; "
        "run it from cron instead where no worker runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--daily",
            action="store_true",
            help="Run today's reminders and digest now, "
            "whatever the time (still at most once a day).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["daily"]:
            run = daily_run()
            sent = emails_deliver()
            done = (
                f"{run.reminders} reminder(s), {run.digests} digest(s)"
                if run
                else "already ran today"
            )
            self.stdout.write(f"notify: daily {done}; {sent} email(s) sent")
            return
        result = tick()
        self.stdout.write(f"notify: daily run {result['daily']}, {result['sent']} email(s) sent")
