"""The one answer to "may this user change this report now — why not, until when",
and that every write path asks it: the page, the htmx actions and the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from indicators.calendar import QuarterWindow, deadline_for, is_late
from indicators.models import Assignment, FiscalYear
from reports import services
from reports.editing import district_lock, edit_check
from reports.models import Report, Status
from tests.helpers import visible_text
from tests.personas import Personas

TODAY = dt.date(2021, 1, 10)


class TestCalendar:
    def test_lateness_is_one_rule_for_the_matrix_and_the_home(self) -> None:
        deadline = dt.date(2021, 1, 15)
        assert not is_late(deadline, deadline)
        assert is_late(deadline, dt.date(2021, 1, 16))
        on_time, late = dt.date(2021, 1, 15), dt.date(2021, 1, 16)
        later = dt.date(2021, 3, 1)
        assert not is_late(deadline, later, handed_in=True, submitted_on=on_time)
        assert is_late(deadline, later, handed_in=True, submitted_on=late)
        assert not is_late(None, later)

    def test_an_extension_only_ever_moves_the_deadline_later(self) -> None:
        deadline = dt.date(2021, 1, 15)
        assert deadline_for(deadline, None) == deadline
        assert deadline_for(deadline, dt.date(2021, 2, 1)) == dt.date(2021, 2, 1)
        assert deadline_for(deadline, dt.date(2021, 1, 1)) == deadline

    def test_the_deadline_day_itself_is_still_open(self) -> None:
        window = QuarterWindow(True, dt.date(2021, 1, 15))
        assert window.lock(dt.date(2021, 1, 15)) is None
        lock = window.lock(dt.date(2021, 1, 16))
        assert lock is not None and "เลยกำหนดส่งรายงานไตรมาสนี้แล้ว (15 มกราคม 2564)" in lock.reason

    def test_an_extended_window_says_so_and_stays_open(self) -> None:
        window = QuarterWindow(True, dt.date(2021, 1, 15), dt.date(2021, 2, 1))
        assert window.extended and window.deadline == dt.date(2021, 2, 1)
        assert window.lock(dt.date(2021, 1, 20)) is None

    def test_a_closed_fiscal_year_is_locked_whatever_the_date(self) -> None:
        lock = QuarterWindow(False, dt.date(2099, 1, 1)).lock(TODAY)
        assert lock is not None and lock.reason == "ปีงบประมาณนี้ปิดแล้ว"


class TestDistrictLock:
    def test_handed_in_reports_are_locked_by_their_status(self) -> None:
        open_window = QuarterWindow(True, dt.date(2021, 1, 15))
        status: Status | None
        for status in (Status.SUBMITTED, Status.EVALUATED):
            reason = district_lock(status=status, window=open_window, today=TODAY)
            assert reason == f"รายงานอยู่ในสถานะ “{Status(status).label}” สำนักงานเขตจึงแก้ไขไม่ได้"
        for status in (None, Status.DRAFT, Status.RETURNED, Status.REOPENED):
            assert district_lock(status=status, window=open_window, today=TODAY) == ""


@pytest.mark.django_db
class TestEditCheck:
    def test_staff_of_the_district_may_edit_until_the_deadline(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        check = edit_check(
            assignment=open_budget, quarter=1, status=None, actor=personas.officer_pn
        )
        assert check.allowed and check.until is not None and check.reason == ""

    def test_others_may_not_and_are_told_why(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        for user in (personas.officer_hk, personas.evaluator, personas.admin):
            check = edit_check(assignment=open_budget, quarter=1, status=None, actor=user)
            assert not check.allowed
            assert check.reason == "คุณไม่มีสิทธิ์แก้ไขรายงานของสำนักงานเขตนี้"

    def test_the_system_is_held_to_the_lifecycle_but_not_the_calendar(
        self, open_budget: Assignment
    ) -> None:
        FiscalYear.objects.filter(pk=open_budget.indicator.fiscal_year_id).update(is_open=False)
        open_budget.indicator.fiscal_year.refresh_from_db()
        assert edit_check(
            assignment=open_budget, quarter=1, status=Status.DRAFT, actor=None
        ).allowed
        refused = edit_check(assignment=open_budget, quarter=1, status=Status.EVALUATED, actor=None)
        assert not refused.allowed and "ประเมินแล้ว" in refused.reason


@pytest.mark.django_db
class TestClosedFiscalYear:
    """A closed year took saves over HTTP: the page checked it, the services did not."""

    def test_page_and_every_write_say_the_year_is_closed(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        client = personas.client(personas.officer_pn)
        report = services.report_start(assignment=open_budget, quarter=1, actor=personas.officer_pn)
        FiscalYear.objects.filter(pk=open_budget.indicator.fiscal_year_id).update(is_open=False)
        page = client.get(reverse("report_page", args=[open_budget.pk, 1]))
        assert "ปีงบประมาณนี้ปิดแล้ว" in visible_text(page)
        assert 'id="main-form"' not in page.content.decode()

        saved = client.post(
            reverse("report_page", args=[open_budget.pk, 1]),
            {"narrative": "พิมพ์หลังปิดปี", "version": report.version},
        )
        assert saved.status_code == 422
        assert "ปีงบประมาณนี้ปิดแล้ว" in visible_text(saved)
        assert "พิมพ์หลังปิดปี" in saved.content.decode()  # nothing typed is lost
        added = client.post(
            reverse("ratio_add", args=[open_budget.pk, 1]),
            {"as_of": "30/12/2563", "denominator": "100", "numerator": "1"},
        )
        assert added.status_code == 422 and "ปีงบประมาณนี้ปิดแล้ว" in visible_text(added)
        submitted = client.post(reverse("report_submit", args=[open_budget.pk, 1]))
        assert submitted.status_code == 422

        report.refresh_from_db()
        assert (report.status, report.narrative, report.result) == (Status.DRAFT, "", None)
        assert not report.ratio_updates.exists()
        with pytest.raises(services.ReportError, match="ปีงบประมาณนี้ปิดแล้ว"):
            services.ratio_update_add(
                report=Report.objects.get(pk=report.pk),
                actor=personas.officer_pn,
                as_of=dt.date(2020, 12, 30),
                numerator=Decimal(1),
                denominator=Decimal(2),
            )


@pytest.mark.django_db
class TestNothingStartedWhereNothingMayBeWritten:
    def test_a_closed_year_leaves_no_empty_draft_behind(
        self, personas: Personas, open_budget: Assignment
    ) -> None:
        FiscalYear.objects.filter(pk=open_budget.indicator.fiscal_year_id).update(is_open=False)
        client = personas.client(personas.officer_pn)
        refused = client.post(
            reverse("report_page", args=[open_budget.pk, 1]),
            {"narrative": "พิมพ์หลังปิดปี", "version": 1},
        )
        assert refused.status_code == 422
        assert "ปีงบประมาณนี้ปิดแล้ว" in visible_text(refused)
        assert "พิมพ์หลังปิดปี" in refused.content.decode()
        step_refused = client.post(
            reverse("ratio_add", args=[open_budget.pk, 1]),
            {"as_of": "30/12/2563", "denominator": "100", "numerator": "1"},
        )
        assert step_refused.status_code == 422
        assert not Report.objects.filter(assignment=open_budget, quarter=1).exists()


@pytest.mark.django_db
def test_the_check_costs_what_it_did_before_the_split(
    personas: Personas, pn_budget: Assignment, django_assert_num_queries: Any
) -> None:
    """A refusal by status reads no calendar; an open report reads the calendar once."""
    report = Report.objects.filter(assignment=pn_budget).order_by("quarter").first()
    assert report is not None
    for status, queries in ((Status.SUBMITTED, 2), (Status.DRAFT, 5)):
        Report.objects.filter(pk=report.pk).update(status=status)
        fresh = Report.objects.get(pk=report.pk)
        officer = type(personas.officer_pn).objects.get(pk=personas.officer_pn.pk)
        with django_assert_num_queries(queries), pytest.raises(services.ReportError):
            services.report_assert_editable(report=fresh, actor=officer)
