"""The version of each quarter's office matrix: rows bumped by database triggers.

The matrix of a quarter (50 districts x 100 indicators) is rendered once and kept
in the ``matrix`` cache under a key holding these versions (``evaluation.cache``).
Triggers (migration 0001) bump them in the same transaction as any change the
matrix shows: a report's status, result, score, full score or submission time
(a save that changes only the narrative bumps nothing), an explanation, the
quarter's deadline or an extension of it (lateness), an assignment or an indicator
(the year's columns and cells), a district or zone group (every matrix's rows).
Triggers rather than calls in the services, so that the admin, an import or plain
SQL cannot leave a stale matrix; rows rather than a counter in the cache, so every
process sees the bump the moment it commits, and never before.
"""

from __future__ import annotations

from django.db import models

#: ``fiscal_year_id`` of the row every matrix reads (districts, zone groups), and
#: ``quarter`` of the row every quarter of a year reads (its indicators, assignments).
EVERY = 0


class MatrixVersion(models.Model):
    """How many changes a quarter's matrix has seen: one row per (year, quarter),
    one per year (quarter 0) and one for every year (0, 0), created by the first bump."""

    pk = models.CompositePrimaryKey("fiscal_year_id", "quarter")
    # Not a foreign key: the row for every year has no fiscal year, and a deleted
    # year's row is harmless (nothing reads it).
    fiscal_year_id = models.IntegerField()
    quarter = models.PositiveSmallIntegerField()
    counter = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.fiscal_year_id}/{self.quarter}: {self.counter}"
