"""The admin's "history" page of a configuration row, from pghistory's events.

Django's own history page lists only what was changed through the admin, as
"Changed weight."; this one lists every change to the row and to the rows that
point at it (an assignment's quarter targets, an indicator's steps, a fiscal
year's quarters), whatever made it — the admin, a service, an import, SQL —
with old → new, who and when.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from kpi_portal.confighistory import config_history


class ConfigHistoryMixin:
    """Mixed into a ``ModelAdmin`` of a tracked model: its history page is the audit trail."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        model_admin: admin.ModelAdmin[Any] = self  # type: ignore[assignment]
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None:
            return model_admin._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined,no-any-return]
                request, model_admin.model._meta, object_id
            )
        if not model_admin.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        opts = model_admin.model._meta
        context = {
            **model_admin.admin_site.each_context(request),
            "title": _("ประวัติการแก้ไข: %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "module_name": str(opts.verbose_name_plural),
            "changes": config_history(obj),
            **(extra_context or {}),
        }
        request.current_app = model_admin.admin_site.name
        return TemplateResponse(request, "admin/config_history.html", context)
