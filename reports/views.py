"""The indicator sheet and the quarterly report page with its htmx actions.

Every action works as a plain form post too (JavaScript off): success redirects
back to the page, failure re-renders the whole page with the errors. Under htmx
the changed section is re-rendered, together with the status bar (result and
version) swapped out of band.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts.access import get_district_for_user
from indicators.access import get_assignment_for_user
from indicators.models import Assignment, CheckKind, MeasurementKind
from indicators.selectors import fiscal_year_for_page
from kpi_portal.http import HtmxHttpRequest, parse_int, wants_thai_digits
from kpi_portal.thaidigits import format_amount
from reports import selectors, services
from reports.access import get_quarter_for_user
from reports.forms import (
    EvidenceForm,
    LetterForm,
    RatioUpdateForm,
    ReportForm,
    SelfScoreForm,
    StepForm,
)
from reports.history import report_history
from reports.measures import ratio_percent
from reports.models import EvidenceFile, RatioUpdate, Report, Status
from reports.selectors import assignment_sheet, report_page

TEMPLATE = "reports/report.html"
EXPLANATION_MAX = 20_000
StrOrPromise = str | Promise
DATABASE_DOWN = _("ระบบฐานข้อมูลขัดข้องชั่วคราว จึงยังไม่ได้บันทึก ข้อมูลที่พิมพ์ยังอยู่ในหน้านี้ กรุณาลองใหม่อีกครั้งในอีกสักครู่")


@login_required
@require_GET
def sheet(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """รายละเอียดตัวชี้วัด: the indicator detail sheet of one assignment."""
    assignment, can_edit = get_assignment_for_user(request, pk)
    thai_digits = wants_thai_digits(request)
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
    page = report_page(assignment, quarter, user_can_edit=can_edit, user=request.user)
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
        # Prefilled with what the figures earn by the rule, until the officer types.
        "self_score_form": forms.pop("self_score_form", None)
        or SelfScoreForm(initial={"self_score": page.suggested}, full_score=page.full_score),
        **forms,
    }
    template = TEMPLATE
    if request.htmx and section:
        template += f"#{section}"
    return render(request, template, context, status=status)


def _done(
    request: HtmxHttpRequest,
    assignment: Assignment,
    quarter: int,
    can_edit: bool,
    section: str,
    *,
    saved_at: str = "",
    saved_message: StrOrPromise = "",
) -> HttpResponse:
    """A change went through: under htmx its section again, saying so beside the button
    that made it (``saved_at``) and to screen readers; otherwise back to the page."""
    if request.htmx:
        return _render(
            request,
            assignment,
            quarter,
            can_edit,
            section=section,
            saved_at=saved_at or section,
            saved_message=saved_message or _("บันทึกแล้ว"),
        )
    if saved_message:
        messages.success(request, str(saved_message))
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


def _expected_version(request: HtmxHttpRequest) -> int | None:
    """The report version the page was showing when the user acted (every form sends it)."""
    return parse_int(request.POST.get("version"))


def _explanations(request: HtmxHttpRequest) -> dict[str, str]:
    """The explanations of warnings typed on the page, by rule."""
    prefix = "explain-"
    return {
        key.removeprefix(prefix): str(value)[:EXPLANATION_MAX]
        for key, value in request.POST.items()
        if key.startswith(prefix) and key.removeprefix(prefix) in CheckKind.values
    }


def _act(
    request: HtmxHttpRequest,
    assignment: Assignment,
    quarter: int,
    can_edit: bool,
    section: str,
    action: Callable[[], object],
    *,
    form: forms.Form | None = None,
    form_name: str = "",
    saved_at: str = "",
    saved_message: StrOrPromise = "",
    **context: Any,
) -> HttpResponse:
    """Run one change to a part of the report and answer with its section.

    A refusal is shown beside the field it is about (or above the form), a
    conflict with someone else's change shows the section as it now is with what
    the user typed still in the form, and a database failure keeps the input too.
    """
    if form_name:
        context[form_name] = form
    try:
        action()
    except DatabaseError:
        connection.close()  # the next query opens a fresh connection
        context[f"{section}_error"] = DATABASE_DOWN
        return _render(
            request, assignment, quarter, can_edit, section=section, status=503, **context
        )
    except services.VersionConflict as conflict:
        return _failed(
            request, assignment, quarter, can_edit, section, conflict=conflict.report, **context
        )
    except services.ReportError as error:
        if form is not None:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
        else:
            context[f"{section}_error"] = str(error)
        return _failed(request, assignment, quarter, can_edit, section, **context)
    return _done(
        request,
        assignment,
        quarter,
        can_edit,
        section,
        saved_at=saved_at,
        saved_message=saved_message,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    """The quarterly report page; POST saves the narrative, a typed result, explanations."""
    assignment, can_edit = get_quarter_for_user(
        request, pk, quarter, write=request.method == "POST"
    )
    if request.method == "GET":
        return _render(request, assignment, quarter, can_edit)
    form = ReportForm(request.POST, value_kind=assignment.indicator.kind == MeasurementKind.VALUE)
    if not form.is_valid():
        return _failed(
            request,
            assignment,
            quarter,
            can_edit,
            "main",
            report_form=form,
            explained=_explanations(request),
        )
    try:
        services.report_save(
            report=_report(assignment, quarter, request),
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            narrative=form.cleaned_data["narrative"],
            result=form.cleaned_data.get("result"),
            explanations=_explanations(request),
        )
    except DatabaseError:
        form.add_error(None, DATABASE_DOWN)
        return _database_down(
            request,
            assignment,
            quarter,
            can_edit,
            "main",
            report_form=form,
            explained=_explanations(request),
        )
    except services.VersionConflict as conflict:
        return _failed(
            request,
            assignment,
            quarter,
            can_edit,
            "main",
            report_form=form,
            conflict=conflict.report,
            explained=_explanations(request),
        )
    except services.ReportError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, str(error))
        return _failed(
            request,
            assignment,
            quarter,
            can_edit,
            "main",
            report_form=form,
            explained=_explanations(request),
        )
    return _done(request, assignment, quarter, can_edit, "main", saved_message=_("บันทึกร่างแล้ว"))


@login_required
@require_POST
def ratio_add(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    form = RatioUpdateForm(request.POST)
    if not form.is_valid():
        return _failed(request, assignment, quarter, can_edit, "ratio", ratio_form=form)
    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "ratio",
        lambda: services.ratio_update_add(
            report=_report(assignment, quarter, request),
            actor=request.user,
            expected_version=_expected_version(request),
            **form.cleaned_data,
        ),
        form=form,
        form_name="ratio_form",
        saved_at="ratio-add",
        saved_message=_("เพิ่มข้อมูลแล้ว"),
    )


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
    if not form.is_valid():
        return _failed(
            request, assignment, quarter, can_edit, "ratio", edit_form=form, edit_id=update_id
        )
    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "ratio",
        lambda: services.ratio_update_edit(
            report=_report(assignment, quarter, request),
            actor=request.user,
            update_id=update_id,
            expected_version=_expected_version(request),
            **form.cleaned_data,
        ),
        form=form,
        form_name="edit_form",
        edit_id=update_id,
        saved_message=_("แก้ไขข้อมูลแล้ว"),
    )


@login_required
@require_POST
def ratio_delete(request: HtmxHttpRequest, pk: int, quarter: int, update_id: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "ratio",
        lambda: services.ratio_update_delete(
            report=_report(assignment, quarter, request),
            actor=request.user,
            update_id=update_id,
            expected_version=_expected_version(request),
        ),
        saved_message=_("ลบข้อมูลแล้ว"),
    )


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
    context = {"step_form_id": step_id}
    if not form.is_valid():
        return _failed(request, assignment, quarter, can_edit, "steps", step_form=form, **context)

    def save() -> None:
        report = _report(assignment, quarter, request)
        if form.cleaned_data["done"]:
            services.step_mark_done(
                report=report,
                actor=request.user,
                step=step,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
                expected_version=_expected_version(request),
            )
        else:
            services.step_unmark(
                report=report,
                actor=request.user,
                step=step,
                expected_version=_expected_version(request),
            )

    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "steps",
        save,
        form=form,
        form_name="step_form",
        saved_at=f"step-{step_id}",
        saved_message=_("บันทึกขั้นตอนที่ %(n)s แล้ว") % {"n": step.number},
        **context,
    )


@login_required
@require_POST
def evidence_upload(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, assignment, quarter, can_edit, "evidence", evidence_form=form)
    raw_step = request.POST.get("step") or ""
    step_id = parse_int(raw_step)
    step = assignment.indicator.steps.filter(pk=step_id).first() if step_id else None
    if raw_step and step is None:
        form.add_error("file", _("ขั้นตอนที่เลือกไม่มีในตัวชี้วัดนี้ กรุณาเลือกใหม่"))
        return _failed(request, assignment, quarter, can_edit, "evidence", evidence_form=form)
    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "evidence",
        lambda: services.evidence_add(
            report=_report(assignment, quarter, request),
            actor=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
            step=step,
            expected_version=_expected_version(request),
        ),
        form=form,
        form_name="evidence_form",
        saved_at="file",
        saved_message=_("อัปโหลดแล้ว"),
    )


@login_required
@require_POST
def evidence_delete(
    request: HtmxHttpRequest, pk: int, quarter: int, evidence_id: int
) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "evidence",
        lambda: services.evidence_delete(
            report=_report(assignment, quarter, request),
            actor=request.user,
            evidence_id=evidence_id,
            expected_version=_expected_version(request),
        ),
        saved_message=_("ลบไฟล์แล้ว"),
    )


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
    if not form.is_valid():
        return _failed(request, assignment, quarter, can_edit, "evidence", letter_form=form)
    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "evidence",
        lambda: services.letter_add(
            report=_report(assignment, quarter, request),
            actor=request.user,
            expected_version=_expected_version(request),
            **form.cleaned_data,
        ),
        form=form,
        form_name="letter_form",
        saved_at="letter",
        saved_message=_("เพิ่มหนังสือแล้ว"),
    )


@login_required
@require_POST
def letter_delete(request: HtmxHttpRequest, pk: int, quarter: int, letter_id: int) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    return _act(
        request,
        assignment,
        quarter,
        can_edit,
        "evidence",
        lambda: services.letter_delete(
            report=_report(assignment, quarter, request),
            actor=request.user,
            letter_id=letter_id,
            expected_version=_expected_version(request),
        ),
        saved_message=_("ลบหนังสือแล้ว"),
    )


@login_required
@require_POST
def report_submit(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    """Submit the report with what the page holds (narrative, result, explanations).

    A full-page form post: a refusal comes back as the whole page with every
    problem beside its field and a summary at the submit button.
    """
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    form = ReportForm(request.POST, value_kind=assignment.indicator.kind == MeasurementKind.VALUE)
    full_score = (
        Report.objects.filter(assignment=assignment, quarter=quarter)
        .values_list("full_score", flat=True)
        .first()
    )
    score_form = SelfScoreForm(
        request.POST, full_score=full_score or assignment.indicator.full_score
    )
    if not (form.is_valid() & score_form.is_valid()):  # both, so every error is shown
        return _render(
            request,
            assignment,
            quarter,
            can_edit,
            status=422,
            report_form=form,
            self_score_form=score_form,
            explained=_explanations(request),
            submit_error=_("ยังไม่ได้ส่ง: กรุณาแก้ไขข้อมูลที่แจ้งไว้ก่อน"),
        )
    try:
        report = _report(assignment, quarter, request)
        services.report_submit(
            report=report,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            self_score=score_form.cleaned_data["self_score"],
            narrative=form.cleaned_data["narrative"],
            result=form.cleaned_data.get("result"),
            explanations=_explanations(request),
        )
    except DatabaseError:
        connection.close()
        return _render(
            request,
            assignment,
            quarter,
            can_edit,
            status=503,
            report_form=form,
            self_score_form=score_form,
            explained=_explanations(request),
            submit_error=DATABASE_DOWN,
        )
    except services.VersionConflict as conflict:
        return _render(
            request,
            assignment,
            quarter,
            can_edit,
            status=422,
            report_form=form,
            self_score_form=score_form,
            conflict=conflict.report,
            explained=_explanations(request),
            submit_error=_("ยังไม่ได้ส่ง: มีผู้อื่นบันทึกรายงานนี้ระหว่างที่คุณแก้ไข"),
        )
    except services.SubmissionRefused as refused:
        # The page's own fields were saved; what stops the submission is listed. The
        # self-assessment goes only with the submission: it stays in its field as typed.
        return _render(
            request,
            assignment,
            quarter,
            can_edit,
            status=422,
            self_score_form=score_form,
            submit_error=str(refused),
        )
    except services.ReportError as error:
        if error.field == "self_score":
            score_form.add_error("self_score", str(error))
        return _render(
            request,
            assignment,
            quarter,
            can_edit,
            status=422,
            report_form=form,
            self_score_form=score_form,
            explained=_explanations(request),
            submit_error=_("ยังไม่ได้ส่ง: กรุณาแก้ไขข้อมูลที่แจ้งไว้ก่อน")
            if error.field == "self_score"
            else str(error),
        )
    messages.success(
        request,
        _("ส่งรายงานให้ผู้อำนวยการเขตรับรองแล้ว")
        if Report.objects.filter(pk=report.pk, status=Status.AWAITING_CERTIFICATION).exists()
        else _("ส่งรายงานให้ สยป. แล้ว"),
    )
    return redirect(_page_url(assignment, quarter))


def _certification_action(
    request: HtmxHttpRequest,
    pk: int,
    quarter: int,
    act: Callable[[Report], object],
    done: StrOrPromise,
) -> HttpResponse:
    assignment, can_edit = get_quarter_for_user(request, pk, quarter, write=True)
    report = get_object_or_404(Report, assignment=assignment, quarter=quarter)
    back = request.POST.get("next") == "queue"
    try:
        act(report)
    except services.ReportError as error:
        if back:
            messages.error(request, str(error))
            return redirect("certification_queue", code=assignment.district.code)
        return _render(
            request,
            assignment,
            quarter,
            can_edit,
            status=422,
            certify_error=str(error),
            certify_field=error.field or "",
            certify_self_score=request.POST.get("self_score"),
            send_back_reason=request.POST.get("reason", ""),
        )
    messages.success(request, str(done))
    if back:
        return redirect("certification_queue", code=assignment.district.code)
    return redirect(_page_url(assignment, quarter))


@login_required
@require_POST
def report_certify(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    """The district head certifies the report: it goes to the evaluation office, with the
    officer's self-assessment or the head's adjustment of it."""

    def certify(report: Report) -> None:
        self_score = None  # a page without the field keeps the officer's
        if "self_score" in request.POST:
            form = SelfScoreForm(
                request.POST, full_score=report.full_score, required=report.self_score is not None
            )
            if not form.is_valid():
                message = " ".join(str(e) for e in form.errors["self_score"])
                raise services.ReportError(message, field="self_score")
            self_score = form.cleaned_data["self_score"]
        services.report_certify(
            report=report,
            actor=request.user,
            expected_version=_expected_version(request),
            self_score=self_score,
        )

    return _certification_action(request, pk, quarter, certify, _("รับรองแล้ว รายงานส่งถึง สยป. แล้ว"))


@login_required
@require_POST
def report_send_back(request: HtmxHttpRequest, pk: int, quarter: int) -> HttpResponse:
    """The district head sends the report back to the officer with a comment."""
    return _certification_action(
        request,
        pk,
        quarter,
        lambda report: services.report_send_back(
            report=report,
            actor=request.user,
            reason=request.POST.get("reason", "")[:5000],
            expected_version=_expected_version(request),
        ),
        _("ส่งกลับให้เจ้าหน้าที่แก้ไขแล้ว"),
    )


@login_required
@require_GET
def certification_queue(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """รอรับรอง: the district's reports awaiting the head's certification, with their content."""
    district = get_district_for_user(request, code)
    return render(
        request,
        "reports/certification.html",
        {"page": selectors.certification_queue(district, request.user)},
    )


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
