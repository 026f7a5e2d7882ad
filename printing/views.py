"""The sheet as a PDF; asking for booklets and quarter summaries, watching their
progress, downloading them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from districts.access import membership_of, sees_every_district
from districts.models import District
from evaluation.views import scorecard_for_request
from indicators.access import get_assignment_for_user
from indicators.models import FiscalYear
from indicators.selectors import fiscal_years
from kpi_portal.http import HtmxHttpRequest, parse_int, print_language, wants_thai_digits
from printing import pdf, services
from printing.models import PrintJob


def _jobs_for(request: HtmxHttpRequest) -> QuerySet[PrintJob]:
    # Parts of a several-district job are the worker's business, not the reader's.
    jobs = (
        PrintJob.objects.filter(parent=None)
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
            error = gettext("กรุณาเลือกปีงบประมาณ")
        else:
            try:
                services.print_job_request(
                    actor=request.user,
                    kind=kind,
                    fiscal_year=fiscal_year,
                    districts=chosen,
                    quarter=parse_int(quarter),
                )
            except services.PrintRefused as refused:
                error = str(refused)
            else:
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
            "district_total": District.objects.count(),
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
        {"job": job, "district_total": District.objects.count()},
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


@login_required
@require_GET
def sheet_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The detail sheet as an official-looking A4 PDF (rendered within the request), in
    the language its link chose (``?lang=``, Thai by default)."""
    assignment, _can_edit = get_assignment_for_user(request, pk)
    language = print_language(request)
    with translation.override(language):
        thai_digits = wants_thai_digits(request)
    response = HttpResponse(
        pdf.sheet_pdf(assignment, thai_digits=thai_digits, language=language),
        content_type="application/pdf",
    )
    name = (
        f"sheet-{assignment.indicator.fiscal_year.year}-{assignment.district.code}-"
        f"{assignment.indicator.code}.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{name}"'
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
