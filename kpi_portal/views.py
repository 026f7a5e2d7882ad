from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from districts.access import membership_of, sees_every_district
from districts.models import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work is."""
    membership = membership_of(request.user)
    if membership is not None and membership.district is not None:
        return redirect("district_home", code=membership.district.code)
    if sees_every_district(request.user):
        return redirect("office_home")
    if membership is not None and membership.role == Role.READER:
        return redirect("dashboard_city")
    return render(request, "no_access.html", status=403)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale form (usually after signing in again elsewhere), explained in Thai.

    htmx requests get the same banner as an expired session: the page keeps
    what was typed and the officer saves again.
    """
    response = render(request, "403_csrf.html", status=403)
    response["X-KPI-Refused"] = "csrf"
    return response
