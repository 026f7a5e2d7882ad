"""The prints page names the districts each job covers (issue: heat map, task 2)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from districts.models import District
from indicators.models import FiscalYear
from printing.models import PrintJob
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PHRA_NAKHON, Personas


def _job(
    personas: Personas, codes: list[str] | None, kind: str = PrintJob.Kind.BOOKLET
) -> PrintJob:
    job = PrintJob.objects.create(
        kind=kind,
        fiscal_year=FiscalYear.objects.get(year=2564),
        quarter=2 if kind == PrintJob.Kind.SUMMARY else None,
        requested_by=personas.evaluator,
    )
    districts = District.objects.all() if codes is None else District.objects.filter(code__in=codes)
    job.districts.set(districts if kind == PrintJob.Kind.BOOKLET else [])
    return job


def _job_texts(html: str) -> dict[int, str]:
    return {
        int(pk): visible_text(body)
        for pk, body in re.findall(r'<li class="job [^"]*" id="job-(\d+)"(.*?)</li>', html, re.S)
    }


@pytest.mark.django_db
class TestJobDistricts:
    def test_each_job_says_which_districts_it_covers(self, personas: Personas) -> None:
        one = _job(personas, [HUAI_KHWANG])
        khlong_toei = District.objects.get(name_th="คลองเตย").code  # after Huai Khwang by code
        several = _job(personas, [HUAI_KHWANG, PHRA_NAKHON, khlong_toei])
        every = _job(personas, None)
        summary = _job(personas, None, PrintJob.Kind.SUMMARY)
        html = personas.client(personas.evaluator).get(reverse("prints")).content.decode()
        jobs = _job_texts(html)
        assert "สำนักงานเขต: ห้วยขวาง" in jobs[one.pk]
        # In Thai dictionary order, not by code.
        assert "สำนักงานเขต: คลองเตย, พระนคร, ห้วยขวาง" in jobs[several.pk]
        for job in (every, summary):
            assert "สำนักงานเขต: ทุกเขต (50 เขต)" in jobs[job.pk]
            assert "ห้วยขวาง" not in jobs[job.pk]

    def test_a_polled_job_still_names_its_districts(self, personas: Personas) -> None:
        job = _job(personas, [PHRA_NAKHON])
        response = personas.client(personas.evaluator).get(
            reverse("print_job", args=[job.pk]), headers={"HX-Request": "true"}
        )
        assert "สำนักงานเขต: พระนคร" in visible_text(response)

    def test_query_count_does_not_grow_with_jobs_or_districts(self, personas: Personas) -> None:
        client = personas.client(personas.evaluator)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("prints")).status_code == 200
            return len(queries)

        _job(personas, [HUAI_KHWANG])
        one = count()
        codes = list(District.objects.values_list("code", flat=True))
        for n in range(1, 10):
            _job(personas, codes[: n * 5])
        _job(personas, None, PrintJob.Kind.SUMMARY)
        assert count() == one
