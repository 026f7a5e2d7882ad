from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from districts.services import membership_language_set


@require_POST
def language_switch(request: HttpRequest) -> HttpResponseBase:
    """The language switch: Django's ``set_language`` (the cookie), and for someone
    signed in, their choice kept on their membership, so that it follows them to
    another computer (districts.signals) and into their emails."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        membership_language_set(user=request.user, language=language)
    return response
