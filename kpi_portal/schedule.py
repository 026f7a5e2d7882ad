"""Periodic jobs inside the worker process: each settings.PERIODIC_JOBS entry
(a dotted path to a function taking no arguments, and seconds between runs)
runs in its own daemon thread beside the task worker.

The jobs make themselves safe to run anywhere and any number of times (the
notification tick claims rows with SKIP LOCKED and keeps a once-a-day record),
so two workers, a restart or a cron line beside them change nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def _loop(path: str, job: Callable[[], object], seconds: float, stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            job()
        except Exception:  # a failing job must not stop the next run, nor the worker
            log.exception("periodic job %s failed", path)
        finally:
            connection.close()
        stop.wait(seconds)


def start(stop: threading.Event | None = None) -> list[threading.Thread]:
    """Start every periodic job; they stop with the process or when ``stop`` is set."""
    stop = stop or threading.Event()
    threads = []
    for path, seconds in getattr(settings, "PERIODIC_JOBS", ()):
        thread = threading.Thread(
            target=_loop,
            args=(path, import_string(path), float(seconds), stop),
            name=f"periodic:{path}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    return threads
