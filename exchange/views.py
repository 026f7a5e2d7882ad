"""The import page: the template, a year's configuration, uploading, the dry run,
applying it, and the record of past imports; and the exports of the pages."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from districts.access import get_district_for_user, office_required, sees_every_district
from evaluation.selectors import QueueFilter
from evaluation.views import (
    matrix_for_request,
    ranking_for_request,
    scorecard_for_request,
    summary_for_request,
)
from exchange import services
from exchange.access import administrator_required
from exchange.exports import tables
from exchange.exports.writers import export_response
from exchange.imports import size_problem
from exchange.models import ExportJob, ImportRun
from exchange.selectors import recent_import_runs
from exchange.workbook import config_workbook
from indicators.models import FiscalYear
from indicators.rollover import RolloverPlan, fiscal_year_rollover, rollover_plan
from indicators.selectors import fiscal_years
from kpi_portal.errors import ActionRefused
from kpi_portal.http import HtmxHttpRequest, parse_int
from kpi_portal.replica import replica_reads

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a multipart request adds to the file itself (boundaries, the CSRF token).
MULTIPART_SLACK = 64 * 1024


def _page(request: HtmxHttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "exchange/import.html",
        {
            "runs": recent_import_runs(),
            "years": fiscal_years(),
            "error": error,
            "max_mb": settings.IMPORT_MAX_BYTES // 2**20,
        },
        status=status,
    )


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@csrf_exempt  # checked below, once the upload's size is known to be acceptable
@administrator_required
@require_http_methods(["GET", "POST"])
def import_page(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        # Refuse a too-large upload from its Content-Length, before a byte of it is read.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if size_problem(max(length - MULTIPART_SLACK, 0)):
            problem = size_problem(length)
            services.import_run_refuse(actor=request.user, name="", size=length, message=problem)
            return _page(request, problem, status=413)
    return _upload(request)


@csrf_protect
def _upload(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, _("เลือกไฟล์ Excel (.xlsx) ที่จะนำเข้า"), status=422)
    name = upload.name or "import.xlsx"
    if problem := size_problem(upload.size or 0):
        services.import_run_refuse(
            actor=request.user, name=name, size=upload.size or 0, message=problem
        )
        return _page(request, problem, status=413)
    run = services.import_run_upload(actor=request.user, name=name, data=upload.read())
    return redirect("import_run", run_id=run.pk)


@administrator_required
@require_GET
def import_run(request: HtmxHttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("actor"), pk=run_id)
    template = "exchange/run.html"
    if request.htmx:
        template += "#run"
    return render(request, template, {"run": run})


@administrator_required
@require_POST
def import_apply(request: HtmxHttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=run_id)
    try:
        services.import_run_apply(actor=request.user, run=run)
    except services.ImportRefused as refused:
        return render(request, "exchange/run.html", {"run": run, "error": refused}, status=422)
    return redirect("import_run", run_id=run.pk)


@administrator_required
@require_GET
def import_template(request: HtmxHttpRequest) -> HttpResponse:
    return _xlsx(config_workbook(), "kpi-import-template.xlsx")


@administrator_required
@require_GET
def config_export(request: HtmxHttpRequest, year: int) -> HttpResponse:
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is None:
        raise Http404
    return _xlsx(config_workbook(fiscal_year), f"kpi-config-{year}.xlsx")


def _rollover(
    request: HtmxHttpRequest, plan: RolloverPlan | None, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "exchange/rollover.html",
        {"years": fiscal_years(), "plan": plan, "error": error},
        status=status,
    )


def _source_year(value: str | None) -> FiscalYear | None:
    """The year chosen as the source, or None for anything that is not one."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        return None
    return FiscalYear.objects.filter(year=int(value)).first()


@administrator_required
@require_GET
def rollover_page(request: HtmxHttpRequest) -> HttpResponse:
    """Choose the year to copy; with ``?year=`` the preview of what would be created."""
    if "year" not in request.GET:
        return _rollover(request, None)
    source = _source_year(request.GET.get("year"))
    if source is None:
        return _rollover(request, None, _("เลือกปีงบประมาณต้นแบบจากรายการ"), status=422)
    return _rollover(request, rollover_plan(source, source.year + 1))


@administrator_required
@require_POST
def rollover_apply(request: HtmxHttpRequest) -> HttpResponse:
    source = _source_year(request.POST.get("year"))
    if source is None:
        return _rollover(request, None, _("เลือกปีงบประมาณต้นแบบจากรายการ"), status=422)
    try:
        target = fiscal_year_rollover(
            source=source, target_year=source.year + 1, actor=request.user
        )
    except ActionRefused as refused:
        plan = rollover_plan(source, source.year + 1)
        return _rollover(request, plan, str(refused), status=422)
    return redirect("rollover_done", year=target.year)


@administrator_required
@require_GET
def rollover_done(request: HtmxHttpRequest, year: int) -> HttpResponse:
    """A year's configuration as created: what it holds, and where to edit it next."""
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    counts = rollover_plan(fiscal_year, year + 1)
    return render(
        request, "exchange/rollover_done.html", {"fiscal_year": fiscal_year, "counts": counts}
    )


# ---------------------------------------------------------------------------
# Exports: each asks the access check of the page it exports, and the same filters.


@login_required
@require_GET
@replica_reads
def export_district_year(
    request: HtmxHttpRequest, code: str, year: int, fmt: str
) -> HttpResponseBase:
    """A district's whole year: its staff and the office (the district home's access)."""
    district = get_district_for_user(request, code)
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    export = tables.district_year(
        district,
        fiscal_year,
        office_view=sees_every_district(request.user),
        division_id=parse_int(request.GET.get("division")),
    )
    return export_response(export, fmt)


@login_required
@require_GET
@replica_reads
def export_scorecard(request: HtmxHttpRequest, code: str, year: int, fmt: str) -> HttpResponseBase:
    return export_response(tables.scorecard(scorecard_for_request(request, code, year)), fmt)


@office_required
@require_GET
@replica_reads
def export_matrix(request: HtmxHttpRequest, fmt: str) -> HttpResponseBase:
    return export_response(tables.matrix(matrix_for_request(request)), fmt)


@office_required
@require_GET
@replica_reads
def export_queue(request: HtmxHttpRequest, fmt: str) -> HttpResponseBase:
    return export_response(tables.review_queue(QueueFilter.from_query(request.GET)), fmt)


@office_required
@require_GET
@replica_reads
def export_summary(request: HtmxHttpRequest, fmt: str) -> HttpResponseBase:
    summary = summary_for_request(request)[3]
    if summary is None:
        raise Http404
    return export_response(tables.quarter_summary(summary), fmt)


@office_required
@require_GET
@replica_reads
def export_rankings(request: HtmxHttpRequest, fmt: str) -> HttpResponseBase:
    return export_response(tables.rankings(ranking_for_request(request)), fmt)


@office_required
@require_http_methods(["GET", "POST"])
@replica_reads
def export_reports(request: HtmxHttpRequest, fmt: str) -> HttpResponseBase:
    """Every report of ``?year=`` or, without one, of every year (newest first).

    Streamed, except an Excel file of more rows than can be written while the
    browser waits: then the page offers to write it in the background (POST)."""
    years = list(FiscalYear.objects.order_by("-year"))
    year = parse_int(request.GET.get("year"))
    if year is not None:
        years = [y for y in years if y.year == year]
    if not years:
        raise Http404
    rows = tables.report_count(years)
    if request.method == "POST" and fmt != "xlsx":
        return HttpResponseNotAllowed(["GET"])
    if request.method == "POST":
        job = services.export_job_request(
            actor=request.user, years=[y.year for y in years], rows=rows
        )
        return redirect("export_job", export_id=job.pk)
    if fmt == "xlsx" and rows > services.XLSX_INLINE_MAX_ROWS:
        return render(
            request,
            "exchange/export_big.html",
            {"years": years, "rows": rows, "query": request.GET.urlencode()},
        )
    return export_response(tables.all_reports(years), fmt)


@office_required
@require_GET
def export_job(request: HtmxHttpRequest, export_id: int) -> HttpResponse:
    """A background export's progress, then its download."""
    job = get_object_or_404(ExportJob, pk=export_id)
    template = "exchange/export_job.html"
    if request.htmx:
        template += "#job"
    return render(request, template, {"job": job})


@office_required
@require_GET
def export_job_download(request: HtmxHttpRequest, export_id: int) -> FileResponse:
    job = get_object_or_404(ExportJob, pk=export_id, status=ExportJob.Status.DONE)
    name = (
        PurePath(job.file.name or "reports.xlsx").name.split("_")[0].removesuffix(".xlsx") + ".xlsx"
    )
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
