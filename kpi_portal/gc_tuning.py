"""Garbage-collector settings for a long-running web process.

Measured at full scale (bench/pages.py, docs/benchmarks.md): a full collection
walks every tracked object, ~100 ms in a worker holding Django, the models and a
page's few thousand objects, and came every ninth district home request — the
slowest requests were three times the median only because of it. Freezing what
exists after start-up takes the modules, settings and URL patterns out of every
later collection, and asking for a hundred collections of the middle generation
(instead of ten) before a full one makes those rare. Reference counting still frees almost
everything a request makes; only cycles wait longer.
"""

from __future__ import annotations

import gc

FULL_COLLECTION_EVERY = 100  # middle-generation collections per full one (default 10)


def settle() -> None:
    """Call once the application is loaded, before the first request."""
    gc.collect()
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
