"""The portal's own settings plus one trivial view, for a baseline measured in the same run.

Everything else (middleware, database, templates, DEBUG off) is exactly
kpi_portal.settings as read from the environment.
"""

from __future__ import annotations

from kpi_portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
