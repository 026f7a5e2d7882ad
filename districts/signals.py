"""What happens to people's settings when they sign in."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from districts.access import membership_of
from kpi_portal.middleware import REMEMBERED_LANGUAGE


@receiver(user_logged_in, dispatch_uid="districts.language_at_sign_in")
def language_at_sign_in(
    sender: object, request: HttpRequest | None, user: object, **kwargs: object
) -> None:
    """Signing in brings back the language the user chose last time (if they chose one)."""
    membership = membership_of(user)  # type: ignore[arg-type]
    if request is not None and membership is not None and membership.language:
        setattr(request, REMEMBERED_LANGUAGE, membership.language)
