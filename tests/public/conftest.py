"""Every public test starts with an empty public page cache: the cache is per process
and a flushed database starts its version again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _empty_public_cache() -> Iterator[None]:
    caches["public"].clear()
    yield
    caches["public"].clear()
