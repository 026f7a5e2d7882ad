"""The sheet as a PDF; asking for booklets and quarter summaries, watching their
progress, downloading them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from districts.access import membership_of, sees_every_district
from districts.models import District
from evaluation.views import scorecard_for_request
from indicators.access import get_assignment_for_user
from indicators.models import Assignment, FiscalYear
from indicators.selectors import fiscal_years
from kpi_portal.http import HtmxHttpRequest, parse_int, print_language, wants_thai_digits
from printing import pdf, services
from printing.models import SHEET_KINDS, PrintJob


def _jobs_for(request: HtmxHttpRequest) -> QuerySet[PrintJob]:
    # Parts of a several-district job are the worker's business, not the reader's.
    # Sheets are asked for and watched on their own page, not here.
    jobs = (
        PrintJob.objects.filter(parent=None)
        .exclude(kind__in=SHEET_KINDS)
        .select_related("fiscal_year", "requested_by")
        .prefetch_related(
            Prefetch(
                "districts",
                queryset=District.objects.order_by("name_th").only("name_th", "name_en"),
            )
        )
    )
    if sees_every_district(request.user):
        return jobs
    return jobs.filter(Q(requested_by=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def prints(request: HtmxHttpRequest) -> HttpResponse:
    office = sees_every_district(request.user)
    membership = membership_of(request.user)
    if not office and (membership is None or membership.district is None):
        raise Http404
    error = ""
    kind = ""
    if request.method == "POST":
        year = parse_int(request.POST.get("year"))
        fiscal_year = FiscalYear.objects.filter(year=year).first() if year else None
        kind = request.POST.get("kind", "")
        if office:
            codes = request.POST.getlist("district")
            chosen = list(
                District.objects.all()
                if "all" in codes
                else District.objects.filter(code__in=codes)
            )
        else:
            chosen = [membership.district] if membership and membership.district else []
        quarter = request.POST.get("quarter")
        if fiscal_year is None:
            error = _("กรุณาเลือกปีงบประมาณ")
        else:
            try:
                job = services.print_job_request(
                    actor=request.user,
                    kind=kind,
                    fiscal_year=fiscal_year,
                    districts=chosen,
                    quarter=parse_int(quarter),
                )
            except services.PrintRefused as refused:
                error = str(refused)
            else:
                # The same request while one is pending gets the pending one, shown.
                if job.reused:
                    return redirect(f"{reverse('prints')}?pending={job.pk}#job-{job.pk}")
                return redirect("prints")
    return render(
        request,
        "printing/prints.html",
        {
            "jobs": _jobs_for(request)[:30],
            "years": fiscal_years(),
            "districts": District.objects.order_by("name_th") if office else [],
            "office": office,
            "error": error,
            "error_kind": kind,
            "pending": parse_int(request.GET.get("pending")),
            "district_total": District.objects.count(),
            "keep_days": settings.PRINT_FILES_KEEP_DAYS,
        },
        status=422 if error else 200,
    )


@login_required
@require_GET
def job_status(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(_jobs_for(request), pk=job_id)
    if job.status == PrintJob.JobStatus.RUNNING and services.print_jobs_recover(job_id=job.pk):
        job.refresh_from_db()
    return render(
        request,
        "printing/prints.html#job",
        {
            "job": job,
            "district_total": District.objects.count(),
            "keep_days": settings.PRINT_FILES_KEEP_DAYS,
        },
    )


@login_required
@require_GET
def job_download(request: HtmxHttpRequest, job_id: int) -> FileResponse:
    job = get_object_or_404(_jobs_for(request), pk=job_id, status=PrintJob.JobStatus.DONE)
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    name = (job.file.name or "print.pdf").rsplit("/", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/zip" if name.endswith(".zip") else "application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _job_content(job: PrintJob) -> bytes | None:
    try:
        with job.file.open("rb") as handle:
            content: bytes = handle.read()
    except (FileNotFoundError, ValueError):
        return None  # expired in the meantime: printed again
    return content


def sheet_pdf_response(
    request: HttpRequest,
    *,
    assignment: Assignment,
    thai_digits: bool,
    cache_key: str,
    public: bool,
    language: str = "th",
    context: dict[str, Any],
) -> HttpResponse:
    """A sheet's PDF from the cache or the print worker, never rendered here: a sheet
    not printed yet is asked of the worker, waited for briefly, and otherwise a
    "preparing" page (htmx-polled; a meta refresh without JavaScript) takes its
    place until it is ready. ``context``: the page's title, back link and base."""
    content = pdf.cached_pdf(cache_key)
    job = error = None
    if content is None:
        try:
            job = services.sheet_job_request(
                actor=None if public else request.user,
                assignment=assignment,
                thai_digits=thai_digits,
                cache_key=cache_key,
                language=language,
                public=public,
                again=request.GET.get("again") == "1",
            )
        except services.PrintRefused as refused:
            error = str(refused)
        else:
            if not job.reused:  # only the request that asked first waits, and once
                job = services.print_job_wait(job, settings.PRINT_SHEET_WAIT_MS / 1000)
            if job.status == PrintJob.JobStatus.DONE and (content := _job_content(job)):
                pdf.cache_pdf(cache_key, content)
    query = request.GET.copy()
    query.pop("again", None)
    url = f"{request.path}?{query.urlencode()}" if query else request.path
    if content is not None and not getattr(request, "htmx", False):
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{_sheet_name(assignment)}"'
        return response
    failed = job is not None and job.status == PrintJob.JobStatus.FAILED
    template = "printing/preparing.html" + ("#preparing" if getattr(request, "htmx", False) else "")
    response = render(
        request,
        template,
        {
            **context,
            "job": job,
            "ready": content is not None,
            "failed": failed,
            "error": error,
            "public": public,
            "url": url,
            "retry_url": f"{url}{'&' if query else '?'}again=1",
        },
        status=_preparing_status(ready=content is not None, error=error, failed=failed),
    )
    if content is not None:
        response["HX-Redirect"] = url  # the polled page turns into the PDF
    response["Cache-Control"] = "no-store"
    return response


def _preparing_status(*, ready: bool, error: str | None, failed: bool) -> int:
    if error:
        return 429  # too many asked for: try again later
    return 200 if ready or failed else 202  # 202: accepted, being printed


def _sheet_name(assignment: Assignment) -> str:
    return (
        f"sheet-{assignment.indicator.fiscal_year.year}-{assignment.district.code}-"
        f"{assignment.indicator.code}.pdf"
    )


@login_required
@require_GET
def sheet_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The detail sheet as an official-looking A4 PDF, printed by the worker, in the
    language its link chose (``?lang=``, Thai by default)."""
    assignment, _can_edit = get_assignment_for_user(request, pk)
    language = print_language(request)
    with translation.override(language):
        thai_digits = wants_thai_digits(request)
    response = sheet_pdf_response(
        request,
        assignment=assignment,
        thai_digits=thai_digits,
        language=language,
        cache_key=pdf.sheet_key(assignment.pk, thai_digits=thai_digits, language=language),
        public=False,
        context={
            "base_template": "base.html",
            "title": f"{assignment.indicator.code} {assignment.indicator.name}",
            "back_url": reverse("assignment_sheet", args=[assignment.pk]),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def scorecard_pdf(request: HtmxHttpRequest, code: str, year: int) -> HttpResponse:
    """The district's scorecard as an A4 landscape Thai PDF for the agreement file."""
    card = scorecard_for_request(request, code, year)
    response = HttpResponse(pdf.scorecard_pdf(card), content_type="application/pdf")
    name = f"scorecard-{year}-{card.district.code}-q{card.quarter}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
