"""Writes about people: the language they chose."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from districts.models import Membership


@transaction.atomic
def membership_language_set(*, user: AbstractBaseUser | AnonymousUser, language: str) -> bool:
    """Remember ``language`` as the user's; False if they have no membership to keep
    it on (a superuser without a role) or the language is not one of the portal's."""
    if language not in {code for code, _name in settings.LANGUAGES} or user.pk is None:
        return False
    return Membership.objects.filter(user_id=user.pk).update(language=language) > 0
