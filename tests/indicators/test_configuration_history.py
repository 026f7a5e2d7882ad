"""Every change to the configuration that can move a result or a score leaves a
history event (old → new, who), whatever wrote it: the ORM inside a service, or SQL."""

from __future__ import annotations

from typing import Any

import pghistory.models
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models

from districts.models import District, Membership
from indicators.models import FiscalYear, MilestoneSubItem, ReportingPeriod
from kpi_portal.audit import audited
from tests.personas import SEED_YEAR, Personas


def last_update(obj: models.Model) -> Any:
    return (
        pghistory.models.Events.objects.tracks(obj)
        .filter(pgh_label="update")
        .order_by("-pgh_id")
        .first()
    )


@audited
def _save(*, obj: models.Model, actor: Any) -> None:
    obj.save()


def _sql(table: str, column: str, value: Any, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.mark.django_db
class TestConfigurationHistory:
    def test_fiscal_year_change_in_a_service_names_the_actor(self, personas: Personas) -> None:
        year = FiscalYear.objects.get(year=SEED_YEAR)
        old = year.quarters_open_ahead
        year.quarters_open_ahead = (old + 1) % 4
        _save(obj=year, actor=personas.admin)
        event = last_update(year)
        assert event.pgh_diff["quarters_open_ahead"] == [old, (old + 1) % 4]
        assert int(event.pgh_context["user"]) == personas.admin.pk

    def test_deadline_changed_by_sql(self, demo: None) -> None:
        period = ReportingPeriod.objects.filter(fiscal_year__year=SEED_YEAR).first()
        assert period is not None
        _sql("indicators_reportingperiod", "deadline", "2099-01-31", period.pk)
        event = last_update(period)
        assert event.pgh_diff["deadline"] == [period.deadline.isoformat(), "2099-01-31"]

    def test_sub_item_changed_by_sql(self, demo: None) -> None:
        item = MilestoneSubItem.objects.first()
        assert item is not None
        _sql("indicators_milestonesubitem", "text", "ข้อความใหม่", item.pk)
        assert last_update(item).pgh_diff["text"] == [item.text, "ข้อความใหม่"]

    def test_role_changed_by_sql(self, personas: Personas) -> None:
        membership = Membership.objects.get(user=personas.evaluator)
        _sql("districts_membership", "role", "reader", membership.pk)
        assert last_update(membership).pgh_diff["role"] == ["evaluator", "reader"]

    def test_district_name_changed_by_sql(self, demo: None) -> None:
        district = District.objects.first()
        assert district is not None
        _sql("districts_district", "name_en", "Renamed", district.pk)
        # The districts were written by a migration before they were tracked; the
        # snapshot migration gave each a first event, so the change has its old value.
        assert last_update(district).pgh_diff["name_en"] == [district.name_en, "Renamed"]


@pytest.mark.django_db
class TestDeadlineValidation:
    def test_deadline_inside_the_quarter_is_refused(self, demo: None) -> None:
        period = ReportingPeriod.objects.filter(fiscal_year__year=SEED_YEAR).first()
        assert period is not None
        period.deadline = period.starts_on
        with pytest.raises(ValidationError) as refused:
            period.full_clean()
        assert "deadline" in refused.value.message_dict

    def test_deadline_after_the_quarter_is_accepted(self, demo: None) -> None:
        period = ReportingPeriod.objects.filter(fiscal_year__year=SEED_YEAR).first()
        assert period is not None
        period.deadline = period.ends_on
        period.full_clean()


@pytest.mark.django_db
def test_a_write_after_an_audited_service_is_not_put_on_its_actor(personas: Personas) -> None:
    """In one transaction (a command, the worker), what follows the service is not its."""
    year = FiscalYear.objects.get(year=SEED_YEAR)
    year.quarters_open_ahead = 1
    _save(obj=year, actor=personas.admin)
    _sql("indicators_fiscalyear", "quarters_open_ahead", 2, year.pk)
    event = last_update(year)
    assert event.pgh_diff["quarters_open_ahead"] == [1, 2]
    assert event.pgh_context is None
