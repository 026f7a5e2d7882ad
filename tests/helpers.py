from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.apps import apps
from django.db.models import F
from django.http import FileResponse, HttpResponseBase

if TYPE_CHECKING:
    # What ``django.test.Client`` returns: a response carrying the test client's
    # extras (``context``, ``templates``, ...). django-stubs only names it privately.
    # Import it from here under ``TYPE_CHECKING`` too: it does not exist at run time.
    from django.test.client import _MonkeyPatchedWSGIResponse as ClientResponse  # noqa: F401

    from reports.models import Report


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "head"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


class _HasContent(Protocol):
    """Anything with a body: an ``HttpResponse`` or what ``django.test.Client`` returns."""

    @property
    def content(self) -> bytes: ...


def visible_text(response: _HasContent | str) -> str:
    """The text a reader sees, with runs of whitespace collapsed to one space."""
    html = response if isinstance(response, str) else response.content.decode()
    parser = _TextExtractor()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def printed(client: Any, url: str) -> Any:
    """GET a sheet's PDF as a reader does: a "preparing" page (202) waits for the
    print worker, whose task runs here, and then the same URL gives the PDF."""
    from printing.models import PENDING, SHEET_KINDS, PrintJob
    from printing.tasks import print_job_run

    response = client.get(url)
    if response.status_code == 202:
        pending = PrintJob.objects.filter(kind__in=SHEET_KINDS, status__in=PENDING)
        for pk in pending.values_list("pk", flat=True):
            print_job_run.call(pk)
        response = client.get(url)
    return response


def streamed(response: HttpResponseBase) -> bytes:
    """The whole body of a file download (a ``FileResponse`` from a sync view)."""
    content = cast(FileResponse, response).streaming_content
    # A sync view's response streams a plain iterator, never an async one.
    return b"".join(cast(Iterator[bytes], content))


_EVENT_MODELS = {
    "ReportEvent": "pgh_obj_id",
    "RatioUpdateEvent": "report_id",
    "StepProgressEvent": "report_id",
    "EvidenceFileEvent": "report_id",
    "LetterReferenceEvent": "report_id",
}


def an_hour_passes(report: Report) -> None:
    """Everything recorded of the report so far happened an hour ago.

    The history's triggers stamp events with the transaction's start, and a test
    runs in one transaction: without this the office's return and the district's
    later changes would carry the same time.
    """
    for name, key in _EVENT_MODELS.items():
        apps.get_model("reports", name)._default_manager.filter(**{key: report.pk}).update(
            pgh_created_at=F("pgh_created_at") - dt.timedelta(hours=1)
        )
    report.transitions.update(at=F("at") - dt.timedelta(hours=1))
