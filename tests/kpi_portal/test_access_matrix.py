"""Who gets what at every URL of the project, for every persona.

The patterns come from the URL resolver, so a page added tomorrow is covered
the day it is added: an unclassified pattern fails `test_every_url_is_classified`
until someone decides who may use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypedDict

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from districts.models import District, Membership, Role
from exchange.models import ExportJob, ImportRun
from indicators.models import Assignment, DeadlineExtension, FiscalYear, Indicator
from notifications.models import Kind, ManualReminder, Notification, Preference
from printing.models import PrintJob
from reports.models import (
    EvidenceFile,
    LetterReference,
    RatioUpdate,
    Report,
    ReportTransition,
    StepProgress,
)
from tests.personas import HK_SEED_ASSIGNMENT, HUAI_KHWANG, Personas

# Who may use each named URL.
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any signed-in person
DISTRICT_READ = "district_read"  # the district's staff and the evaluation office
DISTRICT_WRITE = "district_write"  # the district's staff only; the office reads, gets 403
OFFICE = "office"  # the evaluation office only; district staff get 403
OWN_JOBS = "own_jobs"  # whoever asked for the print job, and the office
ADMIN = "admin"  # Django admin: staff only
ADMINISTRATOR = "administrator"  # the office's administrators only; evaluators get 403 too
# The agencies' API authenticates by bearer token, never by the session: every persona's
# session gets 401 on GET (tests/api covers the tokens), 405 on anything else.
API_TOKEN = "api_token"
API_ROOT = "api_root"  # ninja's name for /api/v1/ itself, to build URLs from: 404 to all
DASHBOARD = "dashboard"  # anyone with a role: readers, the office, district staff
DASHBOARD_DISTRICT = "dashboard_district"  # readers, the office, and the district's own staff
OWN_NOTIFICATION = "own_notification"  # the notification's recipient; anyone else: 404

RULES = {
    "home": SIGNED_IN,
    "healthz": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    "district_home": DISTRICT_READ,
    "assignment_sheet": DISTRICT_READ,
    "assignment_sheet_pdf": DISTRICT_READ,
    "report_page": DISTRICT_WRITE,
    "report_submit": DISTRICT_WRITE,
    "report_certify": DISTRICT_WRITE,
    "report_send_back": DISTRICT_WRITE,
    "certification_queue": DISTRICT_READ,
    "scorecard": DISTRICT_READ,
    "scorecard_pdf": DISTRICT_READ,
    "ratio_add": DISTRICT_WRITE,
    "ratio_preview": DISTRICT_WRITE,
    "ratio_edit": DISTRICT_WRITE,
    "ratio_delete": DISTRICT_WRITE,
    "step_save": DISTRICT_WRITE,
    "evidence_upload": DISTRICT_WRITE,
    "evidence_download": DISTRICT_READ,
    "evidence_delete": DISTRICT_WRITE,
    "letter_add": DISTRICT_WRITE,
    "letter_delete": DISTRICT_WRITE,
    "report_history": DISTRICT_READ,
    "office_home": OFFICE,
    "office_queue": OFFICE,
    "office_summary": OFFICE,
    "office_rankings": OFFICE,
    "office_publish": OFFICE,
    "office_withdraw": OFFICE,
    "office_score": OFFICE,
    "office_return": OFFICE,
    "office_reopen": OFFICE,
    "office_extend": OFFICE,
    "prints": SIGNED_IN,
    "print_job": OWN_JOBS,
    "print_job_download": OWN_JOBS,
    "import_page": ADMINISTRATOR,
    "import_run": ADMINISTRATOR,
    "import_apply": ADMINISTRATOR,
    "import_template": ADMINISTRATOR,
    "config_export": ADMINISTRATOR,
    "rollover_page": ADMINISTRATOR,
    "rollover_apply": ADMINISTRATOR,
    "rollover_done": ADMINISTRATOR,
    "export_district_year": DISTRICT_READ,
    "export_scorecard": DISTRICT_READ,
    "export_matrix": OFFICE,
    "export_queue": OFFICE,
    "export_summary": OFFICE,
    "export_rankings": OFFICE,
    "export_reports": OFFICE,
    "export_job": OFFICE,
    "export_job_download": OFFICE,
    "public_home": PUBLIC,
    "public_language": PUBLIC,
    "public_district": PUBLIC,
    "public_sheet": PUBLIC,
    "public_sheet_pdf": PUBLIC,
    "opendata_index": PUBLIC,
    "opendata_catalog": PUBLIC,
    "opendata_schema": PUBLIC,
    "opendata_csv": PUBLIC,
    "opendata_json": PUBLIC,
    "api_docs": PUBLIC,
    "api_v1:openapi-json": PUBLIC,
    "api_v1:api-root": API_ROOT,
    "api_v1:fiscal_years": API_TOKEN,
    "api_v1:districts": API_TOKEN,
    "api_v1:district": API_TOKEN,
    "api_v1:indicators": API_TOKEN,
    "api_v1:results": API_TOKEN,
    "api_v1:scores": API_TOKEN,
    "dashboard_city": DASHBOARD,
    "dashboard_district": DASHBOARD_DISTRICT,
    "search": SIGNED_IN,
    "notifications": SIGNED_IN,
    "notification_bell": SIGNED_IN,
    "notifications_read": SIGNED_IN,
    "notification_preferences": SIGNED_IN,
    "notification_open": OWN_NOTIFICATION,
    "completeness_board": OFFICE,
    "completeness_remind": OFFICE,
}

POST_ONLY = {
    "report_submit",
    "report_certify",
    "report_send_back",
    "ratio_add",
    "ratio_preview",
    "ratio_edit",
    "ratio_delete",
    "step_save",
    "evidence_upload",
    "evidence_delete",
    "letter_add",
    "letter_delete",
    "office_return",
    "office_reopen",
    "office_publish",
    "office_withdraw",
    "office_extend",
    "import_apply",
    "rollover_apply",
    "notifications_read",
    "completeness_remind",
}
GET_ONLY = {
    "district_home",
    "certification_queue",
    "assignment_sheet",
    "assignment_sheet_pdf",
    "evidence_download",
    "report_history",
    "office_home",
    "office_queue",
    "office_summary",
    "office_rankings",
    "scorecard",
    "scorecard_pdf",
    "print_job",
    "print_job_download",
    "import_run",
    "import_template",
    "config_export",
    "rollover_page",
    "rollover_done",
    "export_district_year",
    "export_scorecard",
    "export_matrix",
    "export_queue",
    "export_summary",
    "export_rankings",
    "export_job",
    "export_job_download",
    "dashboard_city",
    "dashboard_district",
    "search",
    "notifications",
    "notification_bell",
    "notification_open",
    "completeness_board",
}

PERSONAS = [
    "anonymous",
    "officer_a",
    "officer_b",
    "head_a",
    "evaluator",
    "admin",
    "deactivated",
    "reader",
]


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    pattern: str
    converters: tuple[str, ...]


def _walk(
    patterns: Sequence[URLPattern | URLResolver], namespace: str = "", prefix: str = ""
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, space, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            converters = tuple(get_resolver().pattern.converters) if False else ()
            names = (
                tuple(part.split(">")[0].split(":")[-1] for part in full.split("<")[1:])
                or converters
            )
            yield Route(f"{namespace}{entry.name}" if entry.name else "", full, names)


def routes() -> list[Route]:
    return [r for r in _walk(get_resolver().url_patterns) if r.name]


def test_every_url_is_classified() -> None:
    unclassified = [
        r.name for r in routes() if not r.name.startswith("admin:") and r.name not in RULES
    ]
    assert unclassified == [], (
        f"decide who may use these URLs and add them to RULES: {unclassified}"
    )


class World(TypedDict):
    users: dict[str, User | None]  # by persona; None is anonymous
    values: dict[str, int | str]  # URL keyword arguments by name


@pytest.fixture
def world(personas: Personas) -> World:
    """Objects of district A (Huai Khwang) that the URLs point at, and the clients."""
    hk = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    report = Report.objects.get(assignment=hk, quarter=2)
    evidence = EvidenceFile.objects.create(
        report=report,
        file=SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF\n"),
        original_name="หลักฐาน.pdf",
        content_type="application/pdf",
        size=14,
    )
    letter = report.letters.first() or LetterReference.objects.create(
        report=report, number="กท 1/1", dated=dt.date(2021, 3, 1), title="ทดสอบ"
    )
    job = PrintJob.objects.create(
        kind=PrintJob.Kind.BOOKLET,
        fiscal_year=hk.indicator.fiscal_year,
        requested_by=personas.officer_hk,
        status=PrintJob.JobStatus.DONE,
    )
    job.file.save("booklet.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    run = ImportRun.objects.create(
        actor=personas.admin, original_name="x.xlsx", status=ImportRun.Status.APPLIED
    )
    export = ExportJob.objects.create(
        requested_by=personas.evaluator, years=[2564], status=ExportJob.Status.DONE
    )
    export.file.save("reports.xlsx", ContentFile(b"PK"))
    notification = Notification.objects.create(
        recipient=personas.officer_hk,
        kind=Kind.RETURNED,
        key="matrix",
        report=report,
        created_at=timezone.now(),
    )
    deactivated = get_user_model().objects.create_user("retired", is_active=False)
    Membership.objects.create(
        user=deactivated, role=Role.OFFICER, district=District.objects.get(code=HUAI_KHWANG)
    )
    users = {
        "anonymous": None,
        "officer_a": personas.officer_hk,
        "officer_b": personas.officer_pn,
        "head_a": personas.head_hk,
        "evaluator": personas.evaluator,
        "admin": personas.admin,
        "deactivated": deactivated,
        "reader": personas.reader,
    }
    values: dict[str, int | str] = {
        "pk": hk.pk,
        "quarter": 2,
        "code": HUAI_KHWANG,
        "year": hk.indicator.fiscal_year.year,
        "report_id": report.pk,
        "update_id": 1,
        "step_id": hk.indicator.steps.first().pk,  # type: ignore[union-attr]
        "evidence_id": evidence.pk,
        "letter_id": letter.pk,
        "job_id": job.pk,
        "run_id": run.pk,
        "export_id": export.pk,
        "notification_id": notification.pk,
        "fmt": "xlsx",  # POST of every report's xlsx queues a background export
    }
    return {"users": users, "values": values}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def state() -> tuple[object, ...]:
    """What a refused request must not change."""
    return (
        Report.objects.aggregate(v=Sum("version"))["v"],
        Report.objects.count(),
        RatioUpdate.objects.count(),
        StepProgress.objects.count(),
        LetterReference.objects.count(),
        EvidenceFile.objects.count(),
        ReportTransition.objects.count(),
        DeadlineExtension.objects.count(),
        PrintJob.objects.count(),
        ManualReminder.objects.count(),
        Preference.objects.count(),
        ImportRun.objects.count(),
        FiscalYear.objects.count(),
        Indicator.objects.count(),
    )


PRINTED_BY_WORKER = {"assignment_sheet_pdf", "public_sheet_pdf"}


def expected(name: str, persona: str, method: str) -> set[int]:
    """The status codes a persona may get for one method on one named URL."""
    rule = RULES[name]
    office = persona in ("evaluator", "admin")
    allowed = {200, 302, 422}
    if rule == PUBLIC:
        # 202: a sheet PDF being printed by the worker (its "preparing" page).
        return {200, 302, 405} | ({202} if name in PRINTED_BY_WORKER else set())
    if rule == API_TOKEN:
        return {401} if method == "get" else {405}
    if rule == API_ROOT:
        return {404}
    if persona in ("anonymous", "deactivated"):
        return {302}
    wrong_method = (method == "get" and name in POST_ONLY) or (
        method == "post" and name in GET_ONLY
    )
    if rule == OFFICE and not office:
        return {403}
    if rule == ADMINISTRATOR and persona != "admin":
        return {403}
    if wrong_method:
        return {405}
    if rule == SIGNED_IN:
        # The prints page has nothing for a reader (no district, not the office): 404.
        return allowed | {403} | ({404} if persona == "reader" else set())
    if rule == DASHBOARD:
        return {200}
    if rule == DASHBOARD_DISTRICT:
        return {404} if persona == "officer_b" else {200}
    # A reader has no district: every district's page is not found, as for another
    # district's staff (the office's pages answer 403 above).
    if persona in ("officer_b", "reader") and rule in (DISTRICT_READ, DISTRICT_WRITE):
        return {404}
    if rule == DISTRICT_READ:
        return {200} | ({202} if name in PRINTED_BY_WORKER and method == "get" else set())
    if rule == DISTRICT_WRITE:
        if office:
            return {200} if method == "get" else {403}
        return allowed | {404}  # a child object that belongs elsewhere is not found
    if rule in (OFFICE, ADMINISTRATOR):
        return allowed
    if rule == OWN_JOBS:
        return {200} if persona in ("officer_a", "evaluator", "admin") else {404}
    if rule == OWN_NOTIFICATION:
        return {302} if persona == "officer_a" else {404}
    raise AssertionError(rule)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(world: World, persona: str) -> None:
    users = world["users"]
    values = world["values"]
    client = client_for(users[persona])
    failures = []
    for route in routes():
        if route.name.startswith("admin:") or route.name in ("logout",):
            continue
        url = reverse(route.name, kwargs={name: values[name] for name in route.converters})
        rule = RULES[route.name]
        for method in ("get", "post"):
            for htmx in (False, True):
                headers = {"HX-Request": "true"} if htmx else {}
                before = state()
                response = getattr(client, method)(url, headers=headers)
                code = response.status_code
                want = expected(route.name, persona, method)
                if (
                    rule
                    in (
                        DISTRICT_WRITE,
                        DISTRICT_READ,
                        OFFICE,
                        OWN_JOBS,
                        SIGNED_IN,
                        ADMINISTRATOR,
                        DASHBOARD,
                        DASHBOARD_DISTRICT,
                        OWN_NOTIFICATION,
                    )
                    and persona in ("anonymous", "deactivated")
                    and htmx
                ):
                    want = {401}  # htmx without a session keeps the page and says so
                if code not in want:
                    failures.append(
                        f"{persona} {method.upper()} {url} htmx={htmx}: "
                        f"{code}, expected {sorted(want)}"
                    )
                refused = code in (302, 401, 403, 404, 405) and rule != PUBLIC
                if refused and state() != before:
                    failures.append(f"{persona} {method.upper()} {url}: refused but changed data")
                if code >= 500:
                    failures.append(f"{persona} {method.upper()} {url}: server error")
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_staff_only(world: World, persona: str) -> None:
    users = world["users"]
    client = client_for(users[persona])
    for model in [
        m
        for app in ("districts", "indicators", "reports")
        for m in apps.get_app_config(app).get_models()
    ]:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        try:
            url = reverse(name)
        except Exception:  # noqa: S112 - models without an admin page
            continue
        response = client.get(url)
        if persona == "admin":
            assert response.status_code == 200, (name, response.status_code)
        else:
            assert response.status_code == 302, (persona, name)
            assert response["Location"].startswith(reverse("admin:login"))
