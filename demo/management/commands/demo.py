from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.loader import DEMO_PASSWORD, load_demo
from demo.notices import demo_notifications


class Command(BaseCommand):
    help = "Load the seed pages (FY2564) and the current fiscal year as demo data, with demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (demo users have a published password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "Refusing to create demo users with a known password while DEBUG is off; "
                "pass --allow-without-debug if this really is a demo machine."
            )
        users = load_demo()
        demo_notifications()
        self.stdout.write(f"Demo data loaded. Demo users (password {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<16} {user.description}")
