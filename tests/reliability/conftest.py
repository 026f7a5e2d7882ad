"""The live server of these tests listens on 127.0.0.1 (not whatever "localhost" resolves to)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")
