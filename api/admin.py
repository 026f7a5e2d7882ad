"""The office issues and revokes the agencies' tokens here; nothing else changes one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from kpi_portal.adminhistory import ConfigHistoryMixin


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["agency", "contact_email", "all_districts", "districts", "expires_on"]
        widgets = {"districts": forms.CheckboxSelectMultiple}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("all_districts") and not data.get("districts"):
            raise forms.ValidationError(
                _("เลือกสำนักงานเขตที่โทเคนนี้อ่านได้อย่างน้อยหนึ่งเขต หรือเลือก “อ่านได้ทุกเขต”")
            )
        return data


@admin.action(description=_("เพิกถอนโทเคนที่เลือก"))
def revoke_tokens(
    modeladmin: ApiTokenAdmin, request: HttpRequest, queryset: QuerySet[ApiToken]
) -> None:
    revoked = sum(api_token_revoke(token=t, actor=request.user) for t in queryset)
    modeladmin.message_user(
        request,
        ngettext("เพิกถอนโทเคนแล้ว %(n)d รายการ", "เพิกถอนโทเคนแล้ว %(n)d รายการ", revoked)
        % {"n": revoked},
        messages.SUCCESS,
    )


@admin.register(ApiToken)
class ApiTokenAdmin(ConfigHistoryMixin, admin.ModelAdmin):
    """Issued on the add form (the secret is shown once, on the page that follows),
    then read-only: a different scope or expiry is a new token, the old one revoked."""

    form = ApiTokenForm
    list_display = [
        "agency",
        "prefix",
        "scope",
        "created_at",
        "expires_on",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["all_districts", "revoked_at"]
    search_fields = ["agency", "contact_email", "prefix"]
    actions = [revoke_tokens]
    readonly_fields = ["prefix", "created_by", "created_at", "revoked_at", "last_used_at"]

    @admin.display(description=_("ขอบเขต"))
    def scope(self, token: ApiToken) -> str:
        if token.all_districts:
            return str(_("ทุกเขต"))
        return ", ".join(d.name_th for d in token.districts.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).prefetch_related("districts")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted: the history says who could read what

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        obj._secret = api_token_create(  # type: ignore[attr-defined]
            token=obj, districts=form.cleaned_data["districts"], actor=request.user
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service has set the districts already."""

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The secret, once: it is stored nowhere, so this page is the only copy."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("ออกโทเคนแล้ว"),
            "token": obj,
            "secret": obj._secret,  # type: ignore[attr-defined]
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/api/apitoken/issued.html", context)
        response["Cache-Control"] = "no-store"
        return response
