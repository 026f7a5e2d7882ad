"""Access to one quarter's report: 404 without a relation, 403 for read-only users on writes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from indicators.access import get_assignment_for_user
from indicators.fiscal import QUARTERS
from indicators.models import Assignment


def get_quarter_for_user(
    request: HttpRequest, pk: int, quarter: int, *, write: bool = False
) -> tuple[Assignment, bool]:
    """The assignment whose quarter is asked for, and whether the user may edit it.

    Officers of another district get 404 (the assignment is outside their scope);
    evaluators may read every district but get 403 when they try to write here.
    """
    if quarter not in QUARTERS:
        raise Http404
    assignment, can_edit = get_assignment_for_user(request, pk)
    if write and not can_edit:
        raise PermissionDenied
    return assignment, can_edit
