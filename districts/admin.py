from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from districts.models import District, Division, Membership, ZoneGroup
from kpi_portal.adminhistory import ConfigHistoryMixin

admin.site.site_header = _("ระบบรายงานตัวชี้วัด สำนักงานเขต กรุงเทพมหานคร")
admin.site.site_title = _("ผู้ดูแลระบบ KPI Portal")
admin.site.index_title = _("ข้อมูลอ้างอิงและผู้ใช้")


class DivisionInline(admin.TabularInline):
    model = Division
    extra = 0


@admin.register(ZoneGroup)
class ZoneGroupAdmin(admin.ModelAdmin):
    list_display = ["name_th", "name_en", "position"]
    ordering = ["position"]


@admin.register(District)
class DistrictAdmin(ConfigHistoryMixin, admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "zone_group"]
    list_filter = ["zone_group"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["zone_group"]
    inlines = [DivisionInline]


@admin.register(Division)
class DivisionAdmin(ConfigHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district__zone_group", "district"]
    search_fields = ["name", "district__name_th"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "district", "division", "position_title"]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        district = cleaned.get("district")
        division = cleaned.get("division")
        if division is not None and division.district_id != getattr(district, "pk", None):
            self.add_error("division", _("ฝ่ายที่เลือกไม่ได้อยู่ในสำนักงานเขตนี้"))
        return cleaned


@admin.register(Membership)
class MembershipAdmin(ConfigHistoryMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "district", "division", "position_title"]
    list_filter = ["role", "district__zone_group", "district"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "district__name_th"]
    list_select_related = ["user", "district", "division"]
    autocomplete_fields = ["district", "division"]


class MembershipInline(admin.StackedInline):
    model = Membership
    form = MembershipForm
    can_delete = False
    autocomplete_fields = ["district", "division"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(ConfigHistoryMixin, UserAdmin):  # type: ignore[type-arg]
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "membership", "is_active", "last_login"]
    list_select_related = ["membership", "membership__district"]
    list_filter = [*UserAdmin.list_filter, "membership__role", "membership__district"]
