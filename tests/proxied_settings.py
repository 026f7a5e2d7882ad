"""The portal's settings for the gunicorn that tests start (tests/proxy.py).

The same settings as production, with two test-only changes: the test database
(whose name pytest-django chose) and the fast password hasher the suite uses
(tests/conftest.py), so that users the tests create can sign in.
"""

from __future__ import annotations

import os

from kpi_portal.settings import *  # noqa: F403
from kpi_portal.settings import DATABASES

DATABASES["default"]["NAME"] = os.environ["PROXIED_DATABASE_NAME"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
