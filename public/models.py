"""The version of everything public: one row, bumped by database triggers.

Every public page and open-data file is cached under a key that includes this
version (``public.cache``). Triggers (migration 0001) bump it in the same
transaction as any change that can alter what the public sees — a publication or
withdrawal (the quarter's date), a report entering or leaving the evaluated
status or changed while evaluated (a score, a reopening), and any change to the
reference data the pages print (districts, indicators, assignments, targets,
steps, the strategy, year summaries). Triggers rather than calls in the services,
so that the admin, an import or plain SQL cannot leave a stale public page; and a
row in the database rather than a counter in the cache, so every process sees the
bump the moment it commits, and never before.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicVersion(models.Model):
    """A single row (id 1): how many public changes there have been, and the last."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    counter = models.BigIntegerField(_("ครั้งที่"), default=0)
    changed_at = models.DateTimeField(_("เปลี่ยนแปลงล่าสุดเมื่อ"), null=True)

    class Meta:
        verbose_name = _("รุ่นของข้อมูลเผยแพร่")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="public_version_single_row")
        ]

    def __str__(self) -> str:
        return f"{self.counter}"
