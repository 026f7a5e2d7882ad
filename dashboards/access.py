"""Who may open the dashboards, and which district's.

The dashboards show only what has left the office (``reports.publication``), so
everyone with a role in the portal may read the city's: the reader role
(executives), the evaluation office and the districts' staff. A district's
dashboard is for the reader role and the office, and for that district's own
staff; another district's staff get 404, as on every district page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from districts.access import membership_of, sees_every_district, works_for
from districts.models import District, Role


def reads_every_district(user: Any) -> bool:
    """The reader role and the evaluation office: every district's published results."""
    membership = membership_of(user)
    return sees_every_district(user) or (membership is not None and membership.role == Role.READER)


def may_see_dashboards(user: Any) -> bool:
    return reads_every_district(user) or (
        (membership := membership_of(user)) is not None and membership.is_district_staff
    )


def dashboard_required[R: HttpResponseBase](view: Callable[..., R]) -> Callable[..., R]:
    """Sign in first; a signed-in user without a role in the portal gets 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
        if not may_see_dashboards(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_dashboard_district(request: HttpRequest, code: str) -> District:
    """The district whose dashboard was asked for, if the user may read it (404 if not)."""
    district = get_object_or_404(District.objects.select_related("zone_group"), code=code)
    if reads_every_district(request.user) or works_for(request.user, district.pk):
        return district
    raise Http404
