"""Object access for pages: a user with no relation to the object gets 404."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from districts.access import scope_assignments, works_for
from indicators.models import Assignment


def get_assignment_for_user(request: HttpRequest, pk: int) -> tuple[Assignment, bool]:
    """The assignment and whether the user may edit its reports (district staff only)."""
    queryset = scope_assignments(
        request.user, Assignment.objects.select_related("indicator__fiscal_year", "district")
    )
    assignment = get_object_or_404(queryset, pk=pk)
    return assignment, works_for(request.user, assignment.district_id)
