"""The indicator sheet and the quarterly report page with its htmx actions.

Every action works as a plain form post too (JavaScript off): success redirects
back to the page, failure re-renders the whole page with the errors. Under htmx
the changed section is re-rendered, together with the status bar (result and
version) swapped out of band.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from districts.access import get_district_for_user
from indicators.access import get_assignment_for_user
from indicators.models import Assignment, MeasurementKind
from indicators.selectors import fiscal_year_for_page
from kpi_portal.http import HtmxHttpRequest, parse_int
from kpi_portal.thaidigits import format_amount
from reports import selectors, services
from reports.access import get_quarter_for_user
from reports.forms import EvidenceForm, LetterForm, RatioUpdateForm, ReportForm, StepForm
from reports.history import report_history
from reports.measures import ratio_percent
from reports.models import EvidenceFile, RatioUpdate, Report, Status
from reports.selectors import assignment_sheet, report_page

TEMPLATE = "reports/report.html"
DATABASE_DOWN = _("ระบบฐานข้อมูลขัดข้องชั่วคราว จึงยังไม่ได้บันทึก ข้อมูลที่พิมพ์ยังอยู่ในหน้านี้ กรุณาลองใหม่อีกครั้งในอีกสักครู่")


@login_required
@require_GET
def sheet(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """รายละเอียดตัวชี้วัด: the indicator detail sheet of one assignment."""
    assignment, can_edit = get_assignment_for_user(request, pk)
    thai_digits = request.GET.get("digits", "thai") != "arabic"
    return render(
        request,
        "reports/sheet.html",
        {"sheet": assignment_sheet(assignment), "can_edit": can_edit, "thai_digits": thai_digits},
    )


def _page_url(assignment: Assignment, quarter: int) -> str:
    return reverse("report_page", args=[assignment.pk, quarter])


def _render(
    request: HtmxHttpRequest,
    assignment: Assignment,
    quarter: int,
    can_edit: bool,
    *,
    section: str | None = None,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    page = report_page(assignment, quarter, user_can_edit=can_edit)
    context = {
        "page": page,
        # Partials are rendered on their own under htmx, outside any {% with %}.
        "a": page.assignment,
        "ind": page.indicator,
        "report_form": forms.pop("report_form", None)
        or ReportForm(
            initial={
                "narrative": page.report.narrative if page.report else "",
                "result": page.report.result if page.report else None,
                "version": page.version or 1,
            },
            value_kind=page.indicator.kind == MeasurementKind.VALUE,
        ),
        "ratio_form": forms.pop("ratio_form", None) or RatioUpdateForm(),
        "letter_form": forms.pop("letter_form", None) or LetterForm(),
        "evidence_form": forms.pop("evidence_form", None) or EvidenceForm(),
        **forms,
    }
    template = TEMPLATE
    if request.htmx and section:
        template += f"#{section}"
    return render(request, template, context, status=status)


def _done(
    request: HtmxHttpRequest, assignment: Assignment, quarter: int, can_edit: bool, section: str
) -> HttpResponse:
    if request.htmx:
        return _render(request, assignment, quarter, can_edit, section=section)
    return redirect(_page_url(assignment, quarter))


def _failed(
    request: HtmxHttpRequest,
    assignment: Assignment,
    quarter: int,
    can_edit: bool,
    section: str,
    **forms: Any,
) -> HttpResponse:
    return _render(request, assignment, quarter, can_edit, section=section, status=422, **forms)


def _database_down(
    request: HtmxHttpRequest,
    assignment: Assignment,
    quarter: int,
    can_edit: bool,
    section: str,
    **forms: Any,
) -> HttpResponse:
    """The database went away mid-action: nothing was saved (the transaction rolled
    back); answer with the form as typed and a message to try again."""
    connection.close()  # the next query opens a fresh connection
    return _render(request, assignment, quarter, can_edit, section=section, status=503, **forms)


def _report(assignment: Assignment, quarter: int, request: HtmxHttpRequest) -> Report:
    return services.report_start(assignment=assignment, quarter=quarter, actor=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    """The quarterly report page; POST saves the narrative (and a typed result)."""
    assignment, can_edit = get_quarter_for_user(
        request, pk, quarter, write=request.method == "POST"
    )
    if request.method == "GET":
        return _render(request, assignment, quarter, can_edit)
    form = ReportForm(request.POST, value_kind=assignment.indicator.kind == MeasurementKind.VALUE)
    if not form.is_valid():
        return _failed(request, assignment, quarter, can_edit, "main", report_form=form)
    try:
        report = _report(assignment, quarter, request)
        services.report_update(
            report=report,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            narrative=form.cleaned_data["narrative"],
            result=form.cleaned_data.get("result"),
        )
    except DatabaseError:
        form.add_error(None, DATABASE_DOWN)
        return _database_down(request, assignment, quarter, can_edit, "main", report_form=form)
    except services.VersionConflict as conflict:
        return _failed(
            request,
            assignment,
            quarter,
            can_edit,
            "main",
            report_form=form,
            conflict=conflict.report,
        )
    except services.ReportError as error:
        form.add_error(None, str(error))
        return _failed(request, assignment, quarter, can_edit, "main", report_form=form)
    return _done(request, assignment, quarter, can_edit, "main")


@login_required
@require_POST
def ratio_add(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    form = RatioUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.ratio_update_add(
                report=_report(assignment, quarter, request),
                actor=request.user,
                **form.cleaned_data,
            )
            return _done(request, assignment, quarter, can_edit, "ratio")
        except services.ReportError as error:
            form.add_error(None, str(error))
    return _failed(request, assignment, quarter, can_edit, "ratio", ratio_form=form)


@login_required
@require_POST
def ratio_edit(request: HtmxHttpRequest, pk: int, quarter: int, update_id: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    if not RatioUpdate.objects.filter(
        pk=update_id, report__assignment=assignment, report__quarter=quarter
    ).exists():
        return _failed(
            request,
            assignment,
            quarter,
            can_edit,
            "ratio",
            ratio_error=_("ไม่พบข้อมูลนี้ อาจถูกลบไปแล้ว กรุณาตรวจสอบรายการด้านล่าง"),
        )
    form = RatioUpdateForm(request.POST, prefix=f"u{update_id}")
    if form.is_valid():
        try:
            services.ratio_update_edit(
                report=_report(assignment, quarter, request),
                actor=request.user,
                update_id=update_id,
                **form.cleaned_data,
            )
            return _done(request, assignment, quarter, can_edit, "ratio")
        except services.ReportError as error:
            form.add_error(None, str(error))
    return _failed(
        request, assignment, quarter, can_edit, "ratio", edit_form=form, edit_id=update_id
    )


@login_required
@require_POST
def ratio_delete(request: HtmxHttpRequest, pk: int, quarter: int, update_id: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    try:
        services.ratio_update_delete(
            report=_report(assignment, quarter, request), actor=request.user, update_id=update_id
        )
    except services.ReportError as error:
        return _failed(request, assignment, quarter, can_edit, "ratio", ratio_error=str(error))
    return _done(request, assignment, quarter, can_edit, "ratio")


@login_required
@require_POST
def ratio_preview(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    """The percentage as the officer types; computed by the server's own arithmetic."""
    get_quarter_for_user(request, pk, quarter, write=True)
    form = RatioUpdateForm(request.POST, prefix=request.POST.get("prefix") or None)
    form.is_valid()
    numerator = form.cleaned_data.get("numerator")
    denominator = form.cleaned_data.get("denominator")
    if numerator is None or not denominator:
        return HttpResponse("–")
    return HttpResponse(format_amount(ratio_percent(numerator, denominator)))


@login_required
@require_POST
def step_save(request: HtmxHttpRequest, pk: int, quarter: int, step_id: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    step = get_object_or_404(assignment.indicator.steps, pk=step_id)
    form = StepForm(request.POST, prefix=f"s{step_id}")
    if form.is_valid():
        try:
            report = _report(assignment, quarter, request)
            if form.cleaned_data["done"]:
                services.step_mark_done(
                    report=report,
                    actor=request.user,
                    step=step,
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                )
            else:
                services.step_unmark(report=report, actor=request.user, step=step)
            return _done(request, assignment, quarter, can_edit, "steps")
        except services.ReportError as error:
            form.add_error(None, str(error))
    return _failed(
        request, assignment, quarter, can_edit, "steps", step_form=form, step_form_id=step_id
    )


@login_required
@require_POST
def evidence_upload(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        raw_step = request.POST.get("step") or ""
        step_id = parse_int(raw_step)
        step = assignment.indicator.steps.filter(pk=step_id).first() if step_id else None
        if raw_step and step is None:
            form.add_error("file", _("ขั้นตอนที่เลือกไม่มีในตัวชี้วัดนี้ กรุณาเลือกใหม่"))
            return _failed(request, assignment, quarter, can_edit, "evidence", evidence_form=form)
        try:
            services.evidence_add(
                report=_report(assignment, quarter, request),
                actor=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                step=step,
            )
            return _done(request, assignment, quarter, can_edit, "evidence")
        except services.ReportError as error:
            form.add_error("file", str(error))
    return _failed(request, assignment, quarter, can_edit, "evidence", evidence_form=form)


@login_required
@require_POST
def evidence_delete(
    request: HtmxHttpRequest, pk: int, quarter: int, evidence_id: int
) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    try:
        services.evidence_delete(
            report=_report(assignment, quarter, request),
            actor=request.user,
            evidence_id=evidence_id,
        )
    except services.ReportError as error:
        return _failed(
            request, assignment, quarter, can_edit, "evidence", evidence_error=str(error)
        )
    return _done(request, assignment, quarter, can_edit, "evidence")


@login_required
@require_GET
def evidence_download(
    request: HtmxHttpRequest, pk: int, quarter: int, evidence_id: int
) -> FileResponse:
    """Serve an evidence file to people entitled to the report, never inline."""
    assignment, _can_edit = get_quarter_for_user(request, pk, quarter)
    evidence = get_object_or_404(
        EvidenceFile, pk=evidence_id, report__assignment=assignment, report__quarter=quarter
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def letter_add(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    form = LetterForm(request.POST)
    if form.is_valid():
        try:
            services.letter_add(
                report=_report(assignment, quarter, request),
                actor=request.user,
                **form.cleaned_data,
            )
            return _done(request, assignment, quarter, can_edit, "evidence")
        except services.ReportError as error:
            form.add_error(None, str(error))
    return _failed(request, assignment, quarter, can_edit, "evidence", letter_form=form)


@login_required
@require_POST
def letter_delete(request: HtmxHttpRequest, pk: int, quarter: int, letter_id: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    try:
        services.letter_delete(
            report=_report(assignment, quarter, request), actor=request.user, letter_id=letter_id
        )
    except services.ReportError as error:
        return _failed(
            request, assignment, quarter, can_edit, "evidence", evidence_error=str(error)
        )
    return _done(request, assignment, quarter, can_edit, "evidence")


@login_required
@require_POST
def report_submit(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    try:
        report = _report(assignment, quarter, request)
        services.report_transition(report=report, to_status=Status.SUBMITTED, actor=request.user)
    except DatabaseError:
        return _database_down(
            request, assignment, quarter, can_edit, "submit", submit_error=DATABASE_DOWN
        )
    except services.ReportError as error:
        return _failed(request, assignment, quarter, can_edit, "submit", submit_error=str(error))
    url = _page_url(assignment, quarter)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
@require_GET
def history(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    """The report's timeline: every transition and every change, old → new."""
    assignment, _can_edit = get_quarter_for_user(request, pk, quarter)
    report = get_object_or_404(Report, assignment=assignment, quarter=quarter)
    return render(
        request,
        "reports/history.html",
        {
            "a": assignment,
            "ind": assignment.indicator,
            "report": report,
            "transitions": report.transitions.select_related("actor").order_by("-at", "-id"),
            "history": report_history(report),
        },
    )


@login_required
@require_GET
def district_home(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The district's home: this year's indicators, a status per quarter, overdue first."""
    district = get_district_for_user(request, code)
    fiscal_year = fiscal_year_for_page(parse_int(request.GET.get("year")))
    page = selectors.district_home(
        district, fiscal_year, division_id=parse_int(request.GET.get("division"))
    )
    template = "reports/home.html"
    if request.htmx:
        template += "#assignments"
    return render(request, template, {"page": page})
