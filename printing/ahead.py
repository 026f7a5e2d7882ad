"""Sheets rendered before anyone asks for them.

The tables a sheet is printed from record, by trigger, which assignments' data
changed (SheetChange, migration 0004). This periodic job of the print worker
queues the rendering of each such sheet once its data has been still for
PRINT_AHEAD_DELAY_SECONDS — a district typing on deadline day saves a report many
times, and only the sheet as it stands afterwards is worth rendering — at the
lowest priority, after everything anyone waits for. The task
(printing.tasks.print_sheet_ahead) caches the sheet a "print" click is served and
the body a booklet joins, both under the fingerprint of the rows printed.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from printing.models import SheetChange


def sheets_ahead(*, now: dt.datetime | None = None, batch: int | None = None) -> int:
    """Queue the sheets whose data changed and has since been still (a periodic job);
    returns how many. A change committed while its sheet renders queues it again."""
    from printing.tasks import enqueue_ahead

    now = now or timezone.now()
    still_since = now - dt.timedelta(seconds=settings.PRINT_AHEAD_DELAY_SECONDS)
    with transaction.atomic():
        due = list(
            SheetChange.objects.select_for_update(skip_locked=True)
            .filter(changed_at__lte=still_since)
            .exclude(queued_version=F("version"))
            .order_by("changed_at")
            .values_list("assignment_id", flat=True)[: batch or settings.PRINT_AHEAD_BATCH]
        )
        SheetChange.objects.filter(assignment_id__in=due).update(queued_version=F("version"))
        for assignment_id in due:
            transaction.on_commit(partial(enqueue_ahead, assignment_id))
    # Rows of sheets rendered long ago: the next change makes a new one.
    SheetChange.objects.filter(
        queued_version=F("version"), changed_at__lt=now - dt.timedelta(days=7)
    ).delete()
    return len(due)
