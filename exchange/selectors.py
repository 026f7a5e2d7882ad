"""Reads for the import pages."""

from __future__ import annotations

from django.db.models import QuerySet

from exchange.models import ImportRun

RECENT_RUNS = 30


def recent_import_runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("actor").order_by("-created_at", "-id")[:RECENT_RUNS]
