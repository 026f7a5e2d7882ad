"""Every change that can move a result or a score is on record — old → new, who, when,
how — whichever way it was made: the admin's forms and actions, the services (the
Excel import, the rollover, extensions), or plain SQL.

Each test makes one change and reads it back where the office reads it: the
admin's history page of the row (``kpi_portal.adminhistory``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, models
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from districts.models import Membership, Role
from exchange.services import import_run_apply, import_run_upload
from exchange.sheets import ASSIGNMENTS, INDICATORS, STEPS, USERS, Sheet, choice_label
from indicators.fiscal import current_fiscal_year
from indicators.models import (
    Assignment,
    DeadlineExtension,
    FiscalYear,
    Indicator,
    MilestoneStep,
    QuarterTarget,
)
from indicators.rollover import fiscal_year_rollover
from indicators.services import deadline_extend
from kpi_portal.thaidate import thai_date
from reports.models import Report
from tests.admin_forms import field_name, form_data
from tests.exchange.workbooks import saved, template
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PN_BUDGET_INDICATOR, Personas

pytestmark = pytest.mark.django_db

ADMIN_PAGE = "หน้าผู้ดูแลระบบ"
IMPORT = "นำเข้าไฟล์ Excel"
SQL = "แก้ไขในฐานข้อมูลโดยตรง"
NOBODY = "ไม่ทราบผู้แก้ไข"


def history(client: Client, obj: models.Model) -> list[str]:
    """The rows of the admin's history page of ``obj``, as the reader sees them."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return [
        visible_text(part.split("</tr>")[0]) for part in html.split('class="config-change"')[1:]
    ]


def assert_recorded(client: Client, obj: models.Model, *texts: str) -> None:
    rows = history(client, obj)
    assert any(all(text in row for text in texts) for row in rows), (texts, rows)


def name_of(user: User) -> str:
    return user.get_full_name() or user.username


@pytest.fixture
def admin_client(personas: Personas) -> Client:
    return personas.client(personas.admin)


@pytest.fixture
def year(demo: None) -> FiscalYear:
    return FiscalYear.objects.get(year=current_fiscal_year())


@pytest.fixture
def budget(year: FiscalYear) -> Indicator:
    return Indicator.objects.get(fiscal_year=year, code=PN_BUDGET_INDICATOR)


@pytest.fixture
def hk_budget(budget: Indicator) -> Assignment:
    """Huai Khwang's budget indicator this year: its own weight (40) and quarter targets."""
    return Assignment.objects.get(indicator=budget, district__code=HUAI_KHWANG)


@pytest.fixture
def stepped(year: FiscalYear) -> Indicator:
    """This year's data-governance indicator: milestone steps."""
    return Indicator.objects.filter(fiscal_year=year, steps__isnull=False).distinct().get()


@pytest.fixture
def hk_governance(stepped: Indicator) -> Assignment:
    """Huai Khwang's data-governance indicator this year: weight 60, quarter targets."""
    return Assignment.objects.get(indicator=stepped, district__code=HUAI_KHWANG)


def _sql(table: str, column: str, value: Any, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


def _post(client: Client, url: str, data: dict[str, Any]) -> None:
    response = client.post(url, {**data, "_save": "1"})
    assert response.status_code == 302, visible_text(response.content.decode())[:2000]


# --- Through the admin's forms -------------------------------------------------------


class TestThroughTheAdmin:
    def test_quarter_target(
        self, personas: Personas, admin_client: Client, hk_governance: Assignment
    ) -> None:
        target = hk_governance.quarter_targets.get(quarter=2)
        url = reverse("admin:indicators_assignment_change", args=[hk_governance.pk])
        data = form_data(admin_client, url, "assignment_form")
        data[field_name(data, "quarter_targets", "target", target.pk)] = str(target.target + 7)
        _post(admin_client, url, data)
        assert_recorded(
            admin_client,
            hk_governance,
            name_of(personas.admin),
            ADMIN_PAGE,
            "ไตรมาสที่ 2",
            f"{target.target:,.2f} → {target.target + 7:,.2f}",
        )

    def test_weight(self, personas: Personas, admin_client: Client, hk_budget: Assignment) -> None:
        url = reverse("admin:indicators_assignment_change", args=[hk_budget.pk])
        data = form_data(admin_client, url, "assignment_form")
        data["weight"] = "45"
        _post(admin_client, url, data)
        assert_recorded(
            admin_client, hk_budget, name_of(personas.admin), ADMIN_PAGE, "น้ำหนัก", "40.00 → 45.00"
        )

    def test_scoring_rule_and_thresholds(
        self, personas: Personas, admin_client: Client, budget: Indicator
    ) -> None:
        url = reverse("admin:indicators_indicator_change", args=[budget.pk])
        data = form_data(admin_client, url, "indicator_form")
        data["level_1"] = "75"
        _post(admin_client, url, data)
        assert_recorded(
            admin_client, budget, name_of(personas.admin), ADMIN_PAGE, "เกณฑ์ระดับ 1", "80.00 → 75.00"
        )
        data = form_data(admin_client, url, "indicator_form")
        data["scoring_rule"] = "proportional"
        _post(admin_client, url, data)
        assert_recorded(admin_client, budget, "วิธีคิดคะแนน", "5 ระดับ")

    def test_milestone_step_weights(
        self, personas: Personas, admin_client: Client, stepped: Indicator
    ) -> None:
        first, second = stepped.steps.order_by("number")[:2]
        url = reverse("admin:indicators_indicator_change", args=[stepped.pk])
        data = form_data(admin_client, url, "indicator_form")
        data[field_name(data, "steps", "weight", first.pk)] = str(first.weight + 5)
        data[field_name(data, "steps", "weight", second.pk)] = str(second.weight - 5)
        _post(admin_client, url, data)
        assert_recorded(
            admin_client,
            first,
            name_of(personas.admin),
            ADMIN_PAGE,
            "น้ำหนัก",
            f"{first.weight:,.2f} → {first.weight + 5:,.2f}",
        )
        # The indicator's own history names the step's change too.
        assert_recorded(admin_client, stepped, f"ขั้นตอนที่ {second.number}", "น้ำหนัก")

    def test_deadline(self, personas: Personas, admin_client: Client, year: FiscalYear) -> None:
        period = year.periods.get(quarter=4)
        later = period.deadline + dt.timedelta(days=3)
        url = reverse("admin:indicators_fiscalyear_change", args=[year.pk])
        data = form_data(admin_client, url, "fiscalyear_form")
        data[field_name(data, "periods", "deadline", period.pk)] = later.isoformat()
        _post(admin_client, url, data)
        assert_recorded(
            admin_client,
            year,
            name_of(personas.admin),
            ADMIN_PAGE,
            "ไตรมาสที่ 4",
            f"{thai_date(period.deadline)} → {thai_date(later)}",
        )

    def test_extension_by_the_reports_action(
        self, personas: Personas, admin_client: Client
    ) -> None:
        report = Report.objects.select_related("assignment__indicator").first()
        assert report is not None
        district = report.assignment.district
        period = report.assignment.indicator.fiscal_year.periods.get(quarter=report.quarter)
        until = period.deadline + dt.timedelta(days=10)
        response = admin_client.post(
            reverse("admin:reports_report_changelist"),
            {
                "action": "extend_deadlines",
                "_selected_action": [report.pk],
                "apply": "1",
                "reason": "น้ำท่วมสำนักงาน",
                "deadline": f"{until.day:02d}/{until.month:02d}/{until.year + 543}",
            },
        )
        assert response.status_code == 302
        extension = DeadlineExtension.objects.get(period=period, district=district)
        assert_recorded(
            admin_client,
            extension,
            name_of(personas.admin),
            "ขยายกำหนดส่ง",
            thai_date(until),
            "น้ำท่วมสำนักงาน",
        )

    def test_membership_role(self, personas: Personas, admin_client: Client) -> None:
        membership = Membership.objects.get(user=personas.officer_pn)
        url = reverse("admin:districts_membership_change", args=[membership.pk])
        data = form_data(admin_client, url, "membership_form")
        data["role"] = Role.HEAD
        _post(admin_client, url, data)
        assert_recorded(
            admin_client,
            membership,
            name_of(personas.admin),
            ADMIN_PAGE,
            "บทบาท",
            f"{Role.OFFICER.label} → {Role.HEAD.label}",
        )
        # The user's own history page shows it too.
        assert_recorded(admin_client, personas.officer_pn, "บทบาท", str(Role.HEAD.label))


# --- Through the services: the import, the rollover, an extension --------------------


def _cell(book: Workbook, sheet: Sheet, match: dict[str, Any], column: str, value: Any) -> None:
    """Set ``column`` of the row of ``sheet`` whose cells equal ``match`` (by column key)."""
    keys = [c.key for c in sheet.columns]
    for row in book[str(sheet.thai_title)].iter_rows(min_row=2):
        if all(str(row[keys.index(k)].value) == str(v) for k, v in match.items()):
            row[keys.index(column)].value = value
            return
    raise AssertionError(f"no row {match} in {sheet.thai_title}")


def _import(personas: Personas, book: Workbook) -> None:
    run = import_run_upload(actor=personas.admin, name="changes.xlsx", data=saved(book))
    assert run.problems == [], run.problems
    run = import_run_apply(actor=personas.admin, run=run)
    assert run.status == "applied", run.problems


@dataclass
class ImportCase:
    edit: Callable[[Workbook, FiscalYear], None]
    row: Callable[[FiscalYear, Personas], models.Model]
    texts: tuple[str, ...]


def _governance(year: FiscalYear) -> Indicator:
    return Indicator.objects.filter(fiscal_year=year, steps__isnull=False).distinct().get()


def _hk(code: str) -> dict[str, Any]:
    return {"district": HUAI_KHWANG, "indicator": code}


def _two_weights(book: Workbook, year: FiscalYear) -> None:
    codes = Assignment.objects.filter(indicator__fiscal_year=year, district__code=HUAI_KHWANG)
    (a, wa), (b, wb) = codes.order_by("weight").values_list("indicator__code", "weight")
    _cell(book, ASSIGNMENTS, _hk(a), "weight", Decimal(wa or 0) + 5)
    _cell(book, ASSIGNMENTS, _hk(b), "weight", Decimal(wb or 0) - 5)


def _step_weights(book: Workbook, year: FiscalYear) -> None:
    indicator = Indicator.objects.filter(fiscal_year=year, steps__isnull=False).distinct().get()
    first, second = indicator.steps.order_by("number")[:2]
    _cell(book, STEPS, {"indicator": indicator.code, "number": 1}, "weight", first.weight + 5)
    _cell(book, STEPS, {"indicator": indicator.code, "number": 2}, "weight", second.weight - 5)


IMPORT_CASES = {
    "quarter target": ImportCase(
        edit=lambda book, year: _cell(book, ASSIGNMENTS, _hk(_governance(year).code), "q2", 33),
        row=lambda year, p: Assignment.objects.get(
            indicator=_governance(year), district__code=HUAI_KHWANG
        ),
        texts=("ไตรมาสที่ 2", "→ 33.00"),
    ),
    "weight": ImportCase(
        edit=_two_weights,
        row=lambda year, p: Assignment.objects.get(
            indicator__fiscal_year=year,
            indicator__code=PN_BUDGET_INDICATOR,
            district__code=HUAI_KHWANG,
        ),
        texts=("น้ำหนัก", "40.00 → 45.00"),
    ),
    "threshold": ImportCase(
        edit=lambda book, year: _cell(
            book, INDICATORS, {"code": PN_BUDGET_INDICATOR}, "level_1", 70
        ),
        row=lambda year, p: Indicator.objects.get(fiscal_year=year, code=PN_BUDGET_INDICATOR),
        texts=("เกณฑ์ระดับ 1", "80.00 → 70.00"),
    ),
    "step weight": ImportCase(
        edit=_step_weights,
        row=lambda year, p: _governance(year).steps.get(number=1),
        texts=("น้ำหนัก",),
    ),
    "role": ImportCase(
        edit=lambda book, year: _cell(
            book, USERS, {"username": "phranakhon"}, "role", choice_label(Role, Role.HEAD)
        ),
        row=lambda year, p: Membership.objects.get(user=p.officer_pn),
        texts=("บทบาท", f"{Role.OFFICER.label} → {Role.HEAD.label}"),
    ),
}


@pytest.mark.parametrize("case", IMPORT_CASES.values(), ids=IMPORT_CASES.keys())
def test_through_the_import(
    case: ImportCase, personas: Personas, admin_client: Client, year: FiscalYear
) -> None:
    book = template(year)
    case.edit(book, year)
    _import(personas, book)
    assert_recorded(
        admin_client, case.row(year, personas), name_of(personas.admin), IMPORT, *case.texts
    )


def test_extension_through_the_office_service(
    personas: Personas, admin_client: Client, year: FiscalYear
) -> None:
    period = year.periods.get(quarter=1)
    district = Assignment.objects.filter(indicator__fiscal_year=year).first().district  # type: ignore[union-attr]
    until = period.deadline + dt.timedelta(days=5)
    extension = deadline_extend(
        district=district,
        period=period,
        deadline=until,
        reason="ระบบไฟฟ้าขัดข้อง",
        actor=personas.evaluator,
    )
    assert_recorded(
        admin_client, extension, name_of(personas.evaluator), "ขยายกำหนดส่ง", thai_date(until)
    )


def test_deadlines_created_by_the_rollover(
    personas: Personas, admin_client: Client, year: FiscalYear
) -> None:
    new = fiscal_year_rollover(source=year, target_year=year.year + 1, actor=personas.admin)
    q1 = new.periods.get(quarter=1)
    assert_recorded(
        admin_client,
        new,
        name_of(personas.admin),
        "สร้างปีงบประมาณใหม่จากปีเดิม",
        "ไตรมาสที่ 1",
        thai_date(q1.deadline),
    )


# --- Plain SQL, past every form and service ------------------------------------------


@dataclass
class SqlCase:
    row: Callable[[FiscalYear, Personas], models.Model]
    table: str
    column: str
    value: Any
    texts: tuple[str, ...]
    #: The row whose history page shows it, where that is not the row itself.
    page: Callable[[models.Model], models.Model] = lambda row: row


SQL_CASES = {
    "quarter target": SqlCase(
        row=lambda year, p: QuarterTarget.objects.filter(
            assignment__indicator__fiscal_year=year, quarter=3
        ).first(),  # type: ignore[arg-type,return-value]
        table="indicators_quartertarget",
        column="target",
        value=Decimal("12.5"),
        texts=("ค่าเป้าหมาย", "→ 12.50"),
        page=lambda row: row.assignment,  # type: ignore[attr-defined]
    ),
    "weight": SqlCase(
        row=lambda year, p: Assignment.objects.get(
            indicator__fiscal_year=year,
            indicator__code=PN_BUDGET_INDICATOR,
            district__code=HUAI_KHWANG,
        ),
        table="indicators_assignment",
        column="weight",
        value=Decimal(41),
        texts=("น้ำหนัก", "40.00 → 41.00"),
    ),
    "scoring rule": SqlCase(
        row=lambda year, p: Indicator.objects.get(fiscal_year=year, code=PN_BUDGET_INDICATOR),
        table="indicators_indicator",
        column="level_5",
        value=Decimal(99),
        texts=("เกณฑ์ระดับ 5", "100.00 → 99.00"),
    ),
    "milestone step": SqlCase(
        row=lambda year, p: MilestoneStep.objects.filter(indicator__fiscal_year=year).first(),  # type: ignore[arg-type,return-value]
        table="indicators_milestonestep",
        column="due_date",
        value=dt.date(2027, 9, 1),
        texts=("กำหนดแล้วเสร็จ", "→ 1 กันยายน 2570"),
    ),
    "deadline": SqlCase(
        row=lambda year, p: year.periods.get(quarter=2),
        table="indicators_reportingperiod",
        column="deadline",
        value=dt.date(2027, 5, 1),
        texts=("กำหนดส่ง", "→ 1 พฤษภาคม 2570"),
        page=lambda row: row.fiscal_year,  # type: ignore[attr-defined]
    ),
    "role": SqlCase(
        row=lambda year, p: Membership.objects.get(user=p.evaluator),
        table="districts_membership",
        column="role",
        value=Role.READER.value,
        texts=("บทบาท", f"{Role.EVALUATOR.label} → {Role.READER.label}"),
    ),
}


@pytest.mark.parametrize("case", SQL_CASES.values(), ids=SQL_CASES.keys())
def test_through_sql(
    case: SqlCase, personas: Personas, admin_client: Client, year: FiscalYear
) -> None:
    row = case.row(year, personas)
    _sql(case.table, case.column, case.value, row.pk)
    assert_recorded(admin_client, case.page(row), NOBODY, SQL, *case.texts)


def test_an_extension_changed_by_sql(
    personas: Personas, admin_client: Client, year: FiscalYear
) -> None:
    period = year.periods.get(quarter=1)
    district = Assignment.objects.filter(indicator__fiscal_year=year).first().district  # type: ignore[union-attr]
    # Made without a context: inside one test transaction pghistory's context
    # would otherwise still name the last audited service.
    extension = DeadlineExtension.objects.create(
        district=district,
        period=period,
        deadline=period.deadline + dt.timedelta(days=5),
        reason="ไฟดับ",
        granted_by=personas.evaluator,
        granted_at=dt.datetime.now(dt.UTC),
    )
    _sql("reports_deadlineextension", "deadline", dt.date(2027, 3, 1), extension.pk)
    assert_recorded(admin_client, extension, NOBODY, SQL, "→ 1 มีนาคม 2570")


def test_history_pages_are_for_the_admin_site_only(
    personas: Personas, hk_budget: Assignment
) -> None:
    url = reverse("admin:indicators_assignment_history", args=[hk_budget.pk])
    for user in (personas.evaluator, personas.officer_hk):
        response = personas.client(user).get(url)
        assert response.status_code in (302, 403)


def test_history_page_query_count(
    personas: Personas,
    admin_client: Client,
    hk_governance: Assignment,
    django_assert_max_num_queries: Any,
) -> None:
    for quarter in (1, 2, 3, 4):
        _sql(
            "indicators_quartertarget",
            "target",
            Decimal(quarter),
            hk_governance.quarter_targets.get(quarter=quarter).pk,
        )
    url = reverse("admin:indicators_assignment_history", args=[hk_governance.pk])
    with django_assert_max_num_queries(20):
        assert admin_client.get(url).status_code == 200
