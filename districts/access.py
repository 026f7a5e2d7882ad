"""Who may see what: the one place that turns a user into a queryset scope."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from districts.models import District, Membership, Role


def membership_of(user: Any) -> Membership | None:
    """The user's membership, or None for anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def sees_every_district(user: Any) -> bool:
    """Evaluation-office staff and superusers see all districts' unpublished data."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    membership = membership_of(user)
    return membership is not None and membership.role in (Role.EVALUATOR, Role.ADMINISTRATOR)


def is_administrator(user: Any) -> bool:
    """The evaluation office's administrators (and superusers): who changes every
    district's configuration at once (imports, rolling a fiscal year over)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.ADMINISTRATOR


def works_for(user: Any, district_id: int | None) -> bool:
    """Whether ``user`` is staff of that district (an officer or its head)."""
    membership = membership_of(user)
    return (
        membership is not None and district_id is not None and membership.district_id == district_id
    )


def scope_assignments[M: Model](user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """Restrict rows that belong to a district (through ``district_id``, as assignments
    do) to those the user may read."""
    if sees_every_district(user):
        return queryset
    membership = membership_of(user)
    if membership is None or membership.district_id is None:
        return queryset.none()
    return queryset.filter(district_id=membership.district_id)


def office_required[R: HttpResponseBase](view: Callable[..., R]) -> Callable[..., R]:
    """Pages (and files) of the evaluation office: sign in first; others get 403."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
        if not sees_every_district(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_district_for_user(request: HttpRequest, code: str) -> District:
    """The district whose pages the user asked for, if they may see it."""
    district = get_object_or_404(District.objects.select_related("zone_group"), code=code)
    if sees_every_district(request.user):
        return district
    if not works_for(request.user, district.pk):
        raise Http404
    return district
