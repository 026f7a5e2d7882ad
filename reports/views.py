from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators.access import get_assignment_for_user
from reports.selectors import assignment_sheet


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """รายละเอียดตัวชี้วัด: the indicator detail sheet of one assignment."""
    assignment, can_edit = get_assignment_for_user(request, pk)
    thai_digits = request.GET.get("digits", "thai") != "arabic"
    return render(
        request,
        "reports/sheet.html",
        {"sheet": assignment_sheet(assignment), "can_edit": can_edit, "thai_digits": thai_digits},
    )
