from __future__ import annotations

from django.http import HttpRequest

from districts.access import membership_of


def membership(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's membership, for the navigation bar."""
    return {"membership": membership_of(request.user) if hasattr(request, "user") else None}
