"""When a district may see its evaluation: the one rule of every district page and PDF.

The office's score reaches the district — home chips, report page, sheet,
printed sheets and booklets — only once the office has published the quarter
(``ReportingPeriod.assessment_published_on``, set by
``indicators.services.period_publish``) and that day has come. Until then the
district sees "รอประกาศผล". The office's own pages show every score.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import ReportingPeriod
from reports.models import Report, Status

AWAITING_PUBLICATION = _("รอประกาศผล")


def is_published(published_on: dt.date | None, today: dt.date | None = None) -> bool:
    """Whether a quarter published on ``published_on`` (None: not published) is public."""
    return published_on is not None and published_on <= (today or timezone.localdate())


def score_is_public(
    report: Report | None, period: ReportingPeriod | None, today: dt.date | None = None
) -> bool:
    """Whether the district may see this report's score."""
    return (
        report is not None
        and report.status == Status.EVALUATED
        and report.score is not None
        and period is not None
        and is_published(period.assessment_published_on, today)
    )
