"""Nothing unpublished or internal leaves through a public URL.

Recognisable markers go on every kind of report the public must not see — evaluated
but not published, submitted, a draft, evaluated in a quarter published only from
tomorrow — and on the internal parts of a published one (the evaluator's name and
comment, the reason for the score, letters, evidence, ratio notes, the
self-assessment and the suggested score). Then every public URL, taken from the URL
resolver so that a page added tomorrow is fetched too, is asked with every object
and query we can think of, anonymously and signed in as the evaluation office
(whose own pages show unpublished scores), and no marker may appear in any body:
HTML, PDF text, CSV or JSON.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from itertools import product

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pypdf import PdfReader

from indicators.fiscal import current_fiscal_year
from indicators.models import Assignment, FiscalYear, ReportingPeriod
from kpi_portal.thaidigits import to_thai_digits
from reports.models import EvidenceFile, LetterReference, RatioUpdate, Report, Status
from tests.helpers import printed
from tests.personas import HK_SEED_ASSIGNMENT, HUAI_KHWANG, PHRA_NAKHON, SEED_YEAR, Personas

pytestmark = pytest.mark.django_db

PUBLIC_PREFIXES = ("public/", "opendata/")
#: The public URL names there are today; a new one is fetched without being listed.
KNOWN = {
    "public_home",
    "public_language",
    "public_district",
    "public_sheet",
    "public_sheet_pdf",
    "opendata_index",
    "opendata_catalog",
    "opendata_schema",
    "opendata_csv",
    "opendata_json",
}


def public_routes() -> list[tuple[str, tuple[str, ...]]]:
    """(name, converter names) of every URL under /public/ and /opendata/."""

    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str = ""
    ) -> Iterator[tuple[str, tuple[str, ...]]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif entry.name and (prefix + str(entry.pattern)).startswith(PUBLIC_PREFIXES):
                full = prefix + str(entry.pattern)
                names = tuple(part.split(">")[0].split(":")[-1] for part in full.split("<")[1:])
                yield entry.name, names

    return list(walk(get_resolver().url_patterns))


def text_of(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        data = bytes(response.content)  # type: ignore[attr-defined]
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8")


def forms(value: Decimal) -> list[str]:
    """How a number may be printed: plain, with a thousands separator, in Thai digits."""
    plain = f"{value:f}"
    grouped = f"{value:,.2f}"
    return [plain, grouped, to_thai_digits(plain), to_thai_digits(grouped)]


def _mark(report: Report, tag: str, *, status: str, score: Decimal | None) -> list[str]:
    """Put markers on a report and its parts; the strings that must never leave."""
    result = Decimal(f"{9000 + len(tag) * 7}.{len(tag) + 13}")
    Report.objects.filter(pk=report.pk).update(
        status=status,
        narrative=f"ZQXNARRATIVE{tag}",
        result=result,
        score=score,
        evaluator_comment=f"ZQXCOMMENT{tag}",
        score_reason=f"ZQXREASON{tag}",
        evaluated_at=timezone.now() if status == Status.EVALUATED else None,
    )
    LetterReference.objects.create(
        report=report, number=f"ZQXNUMBER{tag}", dated=dt.date(2021, 3, 1), title=f"ZQXLETTER{tag}"
    )
    EvidenceFile.objects.create(
        report=report,
        file=SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF\n"),
        original_name=f"ZQXFILE{tag}.pdf",
        content_type="application/pdf",
        size=14,
    )
    secrets = [
        f"ZQX{part}{tag}" for part in ("NARRATIVE", "COMMENT", "REASON", "NUMBER", "LETTER", "FILE")
    ]
    return [*secrets, *forms(result), *(forms(score) if score is not None else [])]


@pytest.fixture
def secrets(personas: Personas) -> list[str]:
    hk = Assignment.objects.get(code=HK_SEED_ASSIGNMENT)
    pn = Assignment.objects.filter(
        district__code=PHRA_NAKHON, indicator__fiscal_year__year=SEED_YEAR
    ).first()
    assert pn is not None
    found: list[str] = []

    # Evaluated, its quarter (Q4 of the seed year) never published.
    q4, _ = Report.objects.get_or_create(assignment=hk, quarter=4, defaults={"full_score": 100})
    found += _mark(q4, "UNPUBLISHED", status=Status.EVALUATED, score=Decimal("71.37"))
    # Handed in, not evaluated; and a draft.
    submitted, _ = Report.objects.get_or_create(
        assignment=pn, quarter=4, defaults={"full_score": 100}
    )
    found += _mark(submitted, "SUBMITTED", status=Status.SUBMITTED, score=None)

    # The current year: its first quarter published only from tomorrow.
    current = FiscalYear.objects.get(year=current_fiscal_year())
    ReportingPeriod.objects.filter(fiscal_year=current, quarter=1).update(
        assessment_published_on=timezone.localdate() + dt.timedelta(days=1)
    )
    hk_now = Assignment.objects.get(
        district__code=HUAI_KHWANG,
        indicator__fiscal_year=current,
        indicator__code=hk.indicator.code,
    )
    tomorrow = Report.objects.create(assignment=hk_now, quarter=1, full_score=100)
    found += _mark(tomorrow, "TOMORROW", status=Status.EVALUATED, score=Decimal("64.29"))
    pn_now = Assignment.objects.filter(
        district__code=PHRA_NAKHON, indicator__fiscal_year=current
    ).first()
    assert pn_now is not None
    draft = Report.objects.create(assignment=pn_now, quarter=1, full_score=100)
    found += _mark(draft, "DRAFT", status=Status.DRAFT, score=None)

    # A published report's internal parts: Q3 of the seed year, evaluated and public.
    q3 = Report.objects.get(assignment=hk, quarter=3)
    assert q3.status == Status.EVALUATED
    personas.evaluator.first_name, personas.evaluator.last_name = "ZQXEVALFIRST", "ZQXEVALLAST"
    personas.evaluator.save()
    Report.objects.filter(pk=q3.pk).update(
        evaluated_by=personas.evaluator,
        evaluator_comment="ZQXCOMMENTPUBLISHED",
        score_reason="ZQXREASONPUBLISHED",
        self_score=Decimal("12.34"),
        suggested_score=Decimal("23.45"),
    )
    LetterReference.objects.create(
        report=q3,
        number="ZQXNUMBERPUBLISHED",
        dated=dt.date(2021, 6, 1),
        title="ZQXLETTERPUBLISHED",
    )
    EvidenceFile.objects.create(
        report=q3,
        file=SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n"),
        original_name="ZQXFILEPUBLISHED.pdf",
        content_type="application/pdf",
        size=14,
    )
    RatioUpdate.objects.create(
        report=q3, as_of=dt.date(2021, 6, 30), numerator=1, denominator=2, note="ZQXRATIONOTE"
    )
    found += [
        "ZQXEVALFIRST",
        "ZQXEVALLAST",
        "ZQXCOMMENTPUBLISHED",
        "ZQXREASONPUBLISHED",
        "ZQXNUMBERPUBLISHED",
        "ZQXLETTERPUBLISHED",
        "ZQXFILEPUBLISHED",
        "ZQXRATIONOTE",
        *forms(Decimal("12.34")),
        *forms(Decimal("23.45")),
    ]
    return found


def test_the_public_urls_are_the_known_ones_and_more_would_be_fetched() -> None:
    assert {name for name, _ in public_routes()} >= KNOWN


def test_no_public_url_shows_anything_unpublished_or_internal(
    secrets: list[str], personas: Personas
) -> None:
    current = current_fiscal_year()
    values: dict[str, list[object]] = {
        "pk": list(
            Assignment.objects.filter(
                district__code__in=[HUAI_KHWANG, PHRA_NAKHON],
                indicator__fiscal_year__year__in=[SEED_YEAR, current],
            ).values_list("pk", flat=True)
        ),
        "code": [HUAI_KHWANG, PHRA_NAKHON],
        "year": [SEED_YEAR, current],
    }
    queries = ["", "?lang=en", "?digits=arabic", *[f"?year={y}&quarter=4" for y in values["year"]]]
    queries += [f"?year={current}&quarter=1", "?next=/public/&lang=en"]
    clients = {"anonymous": Client(), "evaluator": personas.client(personas.evaluator)}
    fetched = statuses = 0
    leaks: list[str] = []
    for name, converters in public_routes():
        for combo in product(*(values[c] for c in converters)):
            url = reverse(name, kwargs=dict(zip(converters, combo, strict=True)))
            for query, (who, client) in product(
                queries if not name.endswith("pdf") else ["", "?digits=arabic"], clients.items()
            ):
                response = (
                    printed(client, url + query)
                    if name.endswith("pdf")
                    else client.get(url + query)
                )
                assert response.status_code in (200, 302, 404), (url + query, response.status_code)
                fetched += 1
                if response.status_code != 200:
                    continue
                statuses += 1
                body = text_of(response)
                leaks += [f"{who} {url}{query}: {s}" for s in secrets if s in body]
    assert leaks == []
    assert statuses > 50 and fetched > statuses  # the 200s were many, and some 404s too


def test_the_seed_sheet_shows_published_quarters_and_masks_the_rest(
    secrets: list[str], hk_sheet: Assignment
) -> None:
    body = Client().get(reverse("public_sheet", args=[hk_sheet.pk])).content.decode()
    assert body.count("ยังไม่ประกาศผล") == 1  # the fourth quarter
    q3 = Report.objects.get(assignment=hk_sheet, quarter=3)
    assert q3.narrative and q3.narrative.splitlines()[0] in body  # a published narrative is public


def test_a_year_with_nothing_published_is_not_found(secrets: list[str]) -> None:
    current = current_fiscal_year()
    client = Client()
    assignment = Assignment.objects.filter(indicator__fiscal_year__year=current).first()
    assert assignment is not None
    for url in [
        f"/public/?year={current}",
        reverse("public_district", args=[HUAI_KHWANG]) + f"?year={current}",
        reverse("public_sheet", args=[assignment.pk]),
        reverse("public_sheet_pdf", args=[assignment.pk]),
        reverse("opendata_csv", args=[current]),
        reverse("opendata_json", args=[current]),
    ]:
        assert client.get(url).status_code == 404, url


def test_public_pages_link_nowhere_inside_but_the_login(hk_sheet: Assignment) -> None:
    client = Client()
    import re

    for url in [
        reverse("public_home"),
        reverse("public_district", args=[HUAI_KHWANG]),
        reverse("public_sheet", args=[hk_sheet.pk]),
        reverse("opendata_index"),
    ]:
        body = client.get(url).content.decode()
        links = set(re.findall(r'href="([^"]+)"', body))
        inside = {
            link
            for link in links
            if not link.startswith(
                ("/public/", "/opendata/", "/static/", "https://creativecommons.org/")
            )
            and link != reverse("login")
        }
        assert inside == set(), (url, inside)
        assert "<form" not in body and "csrfmiddlewaretoken" not in body
