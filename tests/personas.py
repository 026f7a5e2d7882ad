"""The suite's personas and the demo data they work on, named once.

Personas follow STYLE.md: the officer of Huai Khwang (the seed-001 district),
the officer of Phra Nakhon (seed 000), Huai Khwang's district head, an
evaluator, an administrator, and anonymous visitors. The codes below are the
demo data's (``demo.loader``), so tests name a district or an assignment by
what it is rather than by a number copied from file to file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.test import Client

from demo.loader import HUAI_KHWANG, PHRA_NAKHON
from demo.synthetic import DEMO_ASSIGNMENT_CODE

#: Huai Khwang's indicator 5.2 in FY2564: the assignment of seed 001.
HK_SEED_ASSIGNMENT = DEMO_ASSIGNMENT_CODE
#: Phra Nakhon's budget-disbursement indicator (seed 000).
PN_BUDGET_INDICATOR = "7.4.1"
#: The fiscal year of both seed pages.
SEED_YEAR = 2564

__all__ = [
    "HK_SEED_ASSIGNMENT",
    "HUAI_KHWANG",
    "PHRA_NAKHON",
    "PN_BUDGET_INDICATOR",
    "SEED_YEAR",
    "Personas",
]


@dataclass
class Personas:
    officer_hk: User
    officer_pn: User
    head_hk: User
    evaluator: User
    admin: User
    reader: User

    def all(self) -> dict[str, User | None]:
        """Every persona by name, anonymous included."""
        return {
            "officer_hk": self.officer_hk,
            "officer_pn": self.officer_pn,
            "head_hk": self.head_hk,
            "evaluator": self.evaluator,
            "admin": self.admin,
            "reader": self.reader,
            "anonymous": None,
        }

    def client(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client
