"""The bell, a person's notifications and choices, and the office's
completeness board with its "remind now"."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts.access import office_required, sees_every_district
from districts.models import District
from indicators.models import ReportingPeriod
from indicators.selectors import fiscal_year_for_page, fiscal_years
from kpi_portal.errors import ActionRefused
from kpi_portal.http import parse_int
from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.messages import words
from notifications.models import Preference

PAGE_SIZE = 50


@never_cache
@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell with the unread count; htmx fetches it on every page."""
    return render(
        request,
        "notifications/_bell.html",
        {"unread": selectors.unread_count(request.user), "poll": settings.NOTIFY_POLL_SECONDS},
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


def _list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [(n, words(n)) for n in page.object_list]
    return render(
        request,
        "notifications/list.html",
        {"page": page, "items": items, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponseRedirect:
    """Opening a notification (from the list or an email) marks it read."""
    notification = get_object_or_404(selectors.notifications_of(request.user), pk=notification_id)
    return redirect(services.notification_open(notification=notification))


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (``id``), or all of them."""
    one = parse_int(request.POST.get("id"))
    services.notifications_mark_read(user=request.user, ids=[one] if one else None)
    if request.htmx:  # type: ignore[attr-defined]
        response = _list(request)
        response["HX-Trigger"] = "notifications-read"
        return response
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    preference = Preference.objects.filter(user=user).first() or Preference(user=user)
    office = sees_every_district(user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"email": preference.email, "digest": preference.digest},
        office=office,
    )
    if request.method == "POST" and form.is_valid():
        services.preference_set(
            user=user,
            email=form.cleaned_data["email"],
            digest=form.cleaned_data.get("digest", preference.digest),
        )
        messages.success(request, _("บันทึกการตั้งค่าการแจ้งเตือนแล้ว"))
        return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "office": office, "address": user.email},
        status=422 if form.errors else 200,
    )


# --- the office's completeness board ------------------------------------------


@office_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    fiscal_year = fiscal_year_for_page(parse_int(request.GET.get("year")))
    today = timezone.localdate()
    data = selectors.completeness_board(fiscal_year, today)
    states = [(state, str(label)) for state, label in selectors.STATE_LABELS.items()]
    summaries = [
        {
            "period": period,
            "counts": [
                (state, label, data.counts.get(period.quarter, {}).get(state, 0))
                for state, label in states
                if data.counts.get(period.quarter, {}).get(state)
            ],
            "remindable": data.remindable.get(period.quarter, 0),
        }
        for period in data.periods
    ]
    return render(
        request,
        "notifications/board.html",
        {
            "board": data,
            "states": states,
            "summaries": summaries,
            "years": fiscal_years(),
            "today": today,
            "cooldown": settings.NOTIFY_MANUAL_COOLDOWN_MINUTES,
        },
    )


@office_required
@require_POST
def board_remind(request: HttpRequest) -> HttpResponse:
    """Remind one district (``district``) or every district that still owes
    reports (``all``) of a quarter (``period``), now."""
    period = (
        ReportingPeriod.objects.select_related("fiscal_year")
        .filter(pk=parse_int(request.POST.get("period")) or 0)
        .first()
    )
    code = request.POST.get("district", "")
    districts = (
        list(District.objects.filter(code=code))
        if code
        else list(District.objects.order_by("code"))
    )
    if period is None or not districts:
        messages.error(request, _("ไม่พบไตรมาสหรือสำนักงานเขตที่เลือก กรุณาเลือกจากกระดานอีกครั้ง"))
        return redirect("completeness_board")
    back = reverse("completeness_board") + f"?year={period.fiscal_year.year}"
    today = timezone.localdate()
    try:
        sent = services.reminders_send(actor=request.user, period=period, districts=districts)
    except ActionRefused as refusal:
        if request.htmx and code:  # type: ignore[attr-defined]
            return _cell(request, period, districts[0], today, error=str(refusal), status=422)
        messages.error(request, str(refusal))
        return redirect(back)
    if request.htmx and code:  # type: ignore[attr-defined]
        return _cell(request, period, districts[0], today)
    if sent:
        messages.success(
            request,
            _("ส่งการเตือนไตรมาสที่ %(quarter)s ถึง %(n)s เขตแล้ว")
            % {"quarter": period.quarter, "n": len(sent)},
        )
    else:
        messages.info(request, _("ไม่มีเขตที่ต้องเตือน (ส่งครบแล้ว หรือเพิ่งเตือนไป)"))
    return redirect(back)


def _cell(
    request: HttpRequest,
    period: ReportingPeriod,
    district: District,
    today: object,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    cell = selectors.quarter_status(period, today, [district])[0]  # type: ignore[arg-type]
    return render(
        request,
        "notifications/board.html#cell",
        {"cell": cell, "district": district, "today": today, "error": error},
        status=status,
    )
