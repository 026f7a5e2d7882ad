"""The one rule of a milestone indicator's steps: their weights add up to 100.

Asked where steps are defined (the indicator admin, imports) and again when a
district submits a milestone report, so a result can never exceed 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from kpi_portal.thaidigits import format_amount

FULL_WEIGHT = Decimal(100)


def weights_problem(weights: Iterable[Decimal | None]) -> str:
    """Why these step weights are wrong ("" when they add up to exactly 100)."""
    listed = [weight or Decimal(0) for weight in weights]
    if not listed:
        return ""
    total = sum(listed, Decimal(0))
    if total == FULL_WEIGHT:
        return ""
    return _("น้ำหนักของขั้นตอนรวมกันได้ %(total)s ต้องรวมกันได้ 100 พอดี") % {"total": format_amount(total)}
