"""When a district may see its evaluation: the one rule of every district page and PDF.

The office's score reaches the district — home chips, report page, sheet,
printed sheets and booklets — only once the office has published the quarter
(``ReportingPeriod.assessment_published_on``, set by
``indicators.services.period_publish``) and that day has come. Until then the
district sees "รอประกาศผล". The office's own pages show every score.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
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


# What of a report leaves the office (public pages, open data, the API, readers'
# dashboards): only an evaluated report of a published quarter, and only these
# fields. Evidence files, letters, the evaluator's name and comment, the
# self-assessment, the suggested score and the history stay inside.
PUBLIC_REPORT_FIELDS = (
    "quarter",
    "result",
    "score",
    "full_score",
    "narrative",
    "evaluated_at",
)


def published_periods_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """A ``Q`` on ``ReportingPeriod`` (or a relation to one, via ``prefix``) for the
    quarters whose evaluation is public today."""
    return Q(
        **{
            f"{prefix}assessment_published_on__isnull": False,
            f"{prefix}assessment_published_on__lte": today or timezone.localdate(),
        }
    )


def public_reports(reports: QuerySet[Report], today: dt.date | None = None) -> QuerySet[Report]:
    """The reports that may leave the office: evaluated, scored, and their quarter
    published by today. The database twin of ``score_is_public``: a row is in this
    queryset exactly when ``score_is_public`` says True for it."""
    published = ReportingPeriod.objects.filter(
        published_periods_q(today),
        fiscal_year_id=OuterRef("assignment__indicator__fiscal_year_id"),
        quarter=OuterRef("quarter"),
    )
    return reports.filter(Exists(published), status=Status.EVALUATED, score__isnull=False)
