"""An assignment's earlier years: by code a year at a time, or by ``previous`` where
the code changed; never another district's, never a loop, at most ten years, and in
a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from districts.models import District
from indicators.models import Assignment
from indicators.selectors import EARLIER_YEARS_LIMIT, earlier_years
from tests.lineage import chain, earlier_assignment
from tests.personas import HUAI_KHWANG, PHRA_NAKHON

pytestmark = pytest.mark.django_db


def years_of(assignment: Assignment, years: int = EARLIER_YEARS_LIMIT) -> list[int]:
    found = earlier_years([assignment], years=years).get(assignment.pk, [])
    return [a.indicator.fiscal_year.year for a in found]


def test_the_same_code_a_year_before_is_the_earlier_year(hk_sheet: Assignment) -> None:
    made = chain(hk_sheet, 3)
    found = earlier_years([hk_sheet])[hk_sheet.pk]
    assert found == made
    assert years_of(hk_sheet) == [2563, 2562, 2561]


def test_a_gap_year_ends_the_chain_by_code(hk_sheet: Assignment) -> None:
    earlier_assignment(hk_sheet, 2563)
    earlier_assignment(hk_sheet, 2561)  # no 2562: 2561 is not found by code
    assert years_of(hk_sheet) == [2563]


def test_an_explicit_previous_overrides_a_changed_code(hk_sheet: Assignment) -> None:
    renamed = earlier_assignment(hk_sheet, 2563, code="4.9", name="ชื่อเดิมของตัวชี้วัด")
    same_code = earlier_assignment(hk_sheet, 2563 - 1)  # 5.2 in 2562
    # 5.2 in 2564 was 4.9 in 2563; 4.9 in 2563 follows its own code (none in 2562).
    Assignment.objects.filter(pk=hk_sheet.pk).update(previous=renamed)
    hk_sheet.refresh_from_db()
    found = earlier_years([hk_sheet])[hk_sheet.pk]
    assert [a.indicator.code for a in found] == ["4.9"]
    assert same_code not in found


def test_previous_may_skip_years(hk_sheet: Assignment) -> None:
    older = earlier_assignment(hk_sheet, 2560, code="3.1")
    Assignment.objects.filter(pk=hk_sheet.pk).update(previous=older)
    assert years_of(hk_sheet) == [2560]


def test_a_year_claimed_by_an_explicit_successor_is_not_found_by_code(
    hk_sheet: Assignment,
) -> None:
    before = earlier_assignment(hk_sheet, 2563)
    other = earlier_assignment(hk_sheet, 2564, code="9.9")
    Assignment.objects.filter(pk=other.pk).update(previous=before)
    # 2563's 5.2 became 9.9 in 2564: 5.2 of 2564 is a new indicator with no past.
    assert years_of(hk_sheet) == []
    other.refresh_from_db()
    assert earlier_years([other])[other.pk] == [before]


def test_another_districts_assignment_is_never_linked(hk_sheet: Assignment) -> None:
    phra_nakhon = District.objects.get(code=PHRA_NAKHON)
    theirs = earlier_assignment(hk_sheet, 2563, district_id=phra_nakhon.pk)
    assert years_of(hk_sheet) == []
    with pytest.raises(ValidationError) as refused:
        hk_sheet.previous = theirs
        hk_sheet.full_clean()
    assert "สำนักงานเขตเดียวกัน" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=hk_sheet.pk).update(previous=theirs)


def test_a_later_year_or_itself_is_refused_so_no_cycle_can_form(hk_sheet: Assignment) -> None:
    before = earlier_assignment(hk_sheet, 2563)
    Assignment.objects.filter(pk=hk_sheet.pk).update(previous=before)
    # Closing the loop: 2563's previous would be 2564's.
    before.previous = Assignment.objects.get(pk=hk_sheet.pk)
    with pytest.raises(ValidationError) as refused:
        before.full_clean()
    assert "ก่อนปี 2563" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=before.pk).update(previous=hk_sheet)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=hk_sheet.pk).update(previous=hk_sheet)
    assert years_of(hk_sheet) == [2563]


def test_one_successor_per_predecessor(hk_sheet: Assignment) -> None:
    before = earlier_assignment(hk_sheet, 2563)
    Assignment.objects.filter(pk=hk_sheet.pk).update(previous=before)
    second = earlier_assignment(hk_sheet, 2564, code="9.9")
    second.previous = before
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "เป็นปีก่อนหน้าของตัวชี้วัดอื่นอยู่แล้ว" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=second.pk).update(previous=before)


def test_a_loop_written_past_the_trigger_still_ends(hk_sheet: Assignment) -> None:
    """Rows written with the triggers off (the synthetic generator does) cannot make
    the chain loop: each step must reach an earlier year."""
    before = earlier_assignment(hk_sheet, 2563)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE indicators_assignment SET previous_id = %s WHERE id = %s",
            [hk_sheet.pk, before.pk],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert years_of(hk_sheet) == [2563]


def test_the_chain_stops_at_ten_years(hk_sheet: Assignment) -> None:
    chain(hk_sheet, EARLIER_YEARS_LIMIT + 2)
    assert years_of(hk_sheet) == list(range(2563, 2563 - EARLIER_YEARS_LIMIT, -1))
    assert len(years_of(hk_sheet, years=3)) == 3


def _count(assignments: list[Assignment]) -> int:
    with CaptureQueriesContext(connection) as queries:
        found = earlier_years(assignments)
        assert found  # something was followed
    return len(queries)


def test_queries_do_not_grow_with_assignments_or_years() -> None:
    hk = District.objects.get(code=HUAI_KHWANG)
    mine = list(Assignment.objects.filter(district=hk).select_related("indicator__fiscal_year"))
    others = list(
        Assignment.objects.exclude(district=hk)
        .filter(indicator__code=mine[0].indicator.code)
        .select_related("indicator__fiscal_year")[:49]
    )
    assert len(others) == 49
    for assignment in [mine[0], *others]:
        chain(assignment, 2)
    one, fifty = _count([mine[0]]), _count([mine[0], *others])
    assert one == fifty == 2
    for back in range(3, 11):
        earlier_assignment(mine[0], mine[0].indicator.fiscal_year.year - back, target=Decimal(back))
    assert len(earlier_years([mine[0]])[mine[0].pk]) == 10
    assert _count([mine[0]]) == one
