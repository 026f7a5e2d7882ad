"""The administrator chooses an indicator's scoring rule and weights in the Django admin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from indicators.models import Assignment, FiscalYear, Indicator
from tests.admin_forms import form_data
from tests.helpers import visible_text
from tests.personas import HUAI_KHWANG, PN_BUDGET_INDICATOR, SEED_YEAR, Personas

PREVIEW = reverse("admin:indicators_indicator_rule_preview")


@pytest.fixture
def budget(demo: None) -> Indicator:
    return Indicator.objects.get(code=PN_BUDGET_INDICATOR, fiscal_year__year=SEED_YEAR)


def rule_data(**fields: Any) -> dict[str, Any]:
    data = {
        "kind": "ratio",
        "direction": "higher",
        "scoring_rule": "five_levels",
        "full_score": "100",
        "unit": "ร้อยละ",
        "level_1": "80",
        "level_2": "85",
        "level_3": "90",
        "level_4": "95",
        "level_5": "100",
    }
    data.update(fields)
    return data


def admin_form(personas: Personas, indicator: Indicator, **fields: Any) -> Any:
    """The admin's own form for the indicator, bound to its saved values changed by ``fields``."""
    request = RequestFactory().get("/admin/")
    request.user = personas.admin
    model_admin = admin.site._registry[Indicator]
    data = {k: v for k, v in model_to_dict(indicator).items() if v is not None}
    data["strategy_nodes"] = [n.pk for n in data.get("strategy_nodes", [])]
    data.update(fields)
    return model_admin.get_form(request, indicator)(data=data, instance=indicator)


@pytest.mark.django_db
class TestIndicatorRuleForm:
    def test_change_page_groups_the_rule_and_previews_the_saved_one(
        self, personas: Personas, budget: Indicator
    ) -> None:
        response = personas.client(personas.admin).get(
            reverse("admin:indicators_indicator_change", args=[budget.pk])
        )
        assert response.status_code == 200
        page = visible_text(response)
        assert "เกณฑ์การให้คะแนน" in page
        for label in [
            "วิธีคิดคะแนนที่ระบบเสนอ",
            "คะแนนเต็ม",
            "น้ำหนัก (ร้อยละ)",
            "เกณฑ์ระดับ 1",
            "เกณฑ์ระดับ 5",
        ]:
            assert label in page, label
        html = response.content.decode()
        assert f'hx-post="{PREVIEW}"' in html  # the preview, as markup rather than escaped text
        assert "js/vendor/htmx.min.js" in html and '"allowEval": false' in html
        # Seed 000 scores by proportion: the sample target and its scores.
        assert "ตัวอย่างเมื่อค่าเป้าหมายเท่ากับ 100 ร้อยละ" in page

    def test_add_page_previews_the_default_rule(self, personas: Personas) -> None:
        response = personas.client(personas.admin).get(reverse("admin:indicators_indicator_add"))
        assert response.status_code == 200
        assert "ตัวอย่างเมื่อค่าเป้าหมายเท่ากับ 100" in visible_text(response)

    def test_thresholds_out_of_order_are_refused_next_to_the_field(
        self, personas: Personas, budget: Indicator
    ) -> None:
        form = admin_form(
            personas,
            budget,
            scoring_rule="five_levels",
            **{f"level_{n}": v for n, v in enumerate(["80", "85", "84", "95", "100"], start=1)},
        )
        assert not form.is_valid()
        assert set(form.errors) == {"level_3"}
        assert "เกณฑ์ระดับ 3 ต้องมากกว่าเกณฑ์ระดับ 2 (85)" in form.errors["level_3"][0]

    def test_milestones_due_refused_for_a_ratio_indicator(
        self, personas: Personas, budget: Indicator
    ) -> None:
        form = admin_form(personas, budget, scoring_rule="milestones_due")
        assert not form.is_valid()
        assert "ขั้นตอนความสำเร็จ" in form.errors["scoring_rule"][0]

    def test_valid_five_levels_save(self, personas: Personas, budget: Indicator) -> None:
        form = admin_form(personas, budget, **rule_data(kind="ratio"), weight="30")
        assert form.is_valid(), form.errors
        form.save()
        budget.refresh_from_db()
        assert (budget.scoring_rule, budget.level_thresholds, budget.weight) == (
            "five_levels",
            [Decimal(t) for t in (80, 85, 90, 95, 100)],
            Decimal(30),
        )


@pytest.mark.django_db
class TestRulePreview:
    def test_five_levels_table_from_the_values_typed(self, personas: Personas) -> None:
        response = personas.client(personas.admin).post(PREVIEW, rule_data(level_1="70"))
        assert response.status_code == 200
        text = " ".join(visible_text(response).split())
        assert "ระดับที่ได้" in text and "คะแนน (เต็ม 100)" in text
        assert "70 (เกณฑ์ระดับ 1) 1 20" in text
        assert "77.5 (กึ่งกลางระดับ 1 และ 2) 1.5 30" in text
        assert "102.5 (ดีกว่าเกณฑ์ระดับ 5) 5 100" in text

    def test_invalid_values_show_the_message_instead_of_a_table(self, personas: Personas) -> None:
        response = personas.client(personas.admin).post(PREVIEW, rule_data(level_4=""))
        text = visible_text(response)
        assert "<table" not in response.content.decode()
        assert "ยังแสดงตัวอย่างคะแนนไม่ได้" in text
        assert "เกณฑ์ระดับ 4: เกณฑ์ 5 ระดับต้องกรอกเกณฑ์ครบทั้ง 5 ระดับ" in text

    def test_thresholds_left_for_another_rule_are_noted(self, personas: Personas) -> None:
        response = personas.client(personas.admin).post(
            PREVIEW, rule_data(scoring_rule="proportional")
        )
        text = visible_text(response)
        assert "ตัวอย่างเมื่อค่าเป้าหมายเท่ากับ 100 ร้อยละ" in text
        assert "ไม่ใช้กับวิธีคิดคะแนนนี้" in text

    def test_milestones_explained_in_words(self, personas: Personas) -> None:
        response = personas.client(personas.admin).post(
            PREVIEW, rule_data(kind="milestones", scoring_rule="milestones_due")
        )
        assert "น้ำหนักของขั้นตอนที่ถึงกำหนด" in visible_text(response)

    @pytest.mark.parametrize("persona", ["officer_hk", "evaluator", "anonymous"])
    def test_only_the_admin_site_may_ask(self, personas: Personas, persona: str) -> None:
        response = personas.client(personas.all()[persona]).post(PREVIEW, rule_data())
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_get_is_refused(self, personas: Personas) -> None:
        assert personas.client(personas.admin).get(PREVIEW).status_code == 405


@pytest.mark.django_db
class TestAssignmentWeights:
    def test_list_shows_and_edits_weights(self, personas: Personas) -> None:
        response = personas.client(personas.admin).get(
            reverse("admin:indicators_assignment_changelist")
        )
        assert response.status_code == 200
        page = visible_text(response)
        assert "น้ำหนักที่ใช้ (ร้อยละ)" in page
        assert 'name="form-0-weight"' in response.content.decode()  # list_editable

    def test_filter_by_own_or_default_weight(self, personas: Personas) -> None:
        Assignment.objects.update(weight=None)
        first = Assignment.objects.order_by("pk").first()
        assert first is not None
        Assignment.objects.filter(pk=first.pk).update(weight=Decimal(25))
        client = personas.client(personas.admin)
        url = reverse("admin:indicators_assignment_changelist")
        own = client.get(url, {"weight_set": "own"})
        assert list(own.context["cl"].queryset) == [first]
        default = client.get(url, {"weight_set": "default"}).context["cl"].queryset
        assert first not in default
        assert all(a.indicator.weight is not None for a in default)

    def test_change_form_has_weight_and_quarter_targets(self, personas: Personas) -> None:
        assignment = Assignment.objects.order_by("pk").first()
        assert assignment is not None
        response = personas.client(personas.admin).get(
            reverse("admin:indicators_assignment_change", args=[assignment.pk])
        )
        html = response.content.decode()
        assert 'name="weight"' in html and "quarter_targets-TOTAL_FORMS" in html


@pytest.mark.django_db
class TestSafeForTheOffice:
    """The admin as the evaluation office runs it: what dates the year and its reports
    cannot be moved, weights that stop adding up to 100 are called out, and the year's
    rollover goes through its own page, preview first."""

    def test_a_fiscal_years_number_is_fixed_once_created(self, personas: Personas) -> None:
        year = FiscalYear.objects.get(year=SEED_YEAR)
        client = personas.client(personas.admin)
        html = client.get(reverse("admin:indicators_fiscalyear_change", args=[year.pk])).content
        assert b'name="year"' not in html
        assert b'name="year"' in client.get(reverse("admin:indicators_fiscalyear_add")).content

    def test_an_indicator_stays_in_its_year(self, personas: Personas, budget: Indicator) -> None:
        url = reverse("admin:indicators_indicator_change", args=[budget.pk])
        html = personas.client(personas.admin).get(url).content.decode()
        assert 'name="fiscal_year"' not in html
        assert str(budget.fiscal_year) in visible_text(html)

    def test_a_reported_assignment_keeps_its_indicator_and_district(
        self, personas: Personas
    ) -> None:
        reported = Assignment.objects.filter(reports__isnull=False).first()
        unreported = Assignment.objects.filter(reports__isnull=True).first()
        assert reported is not None and unreported is not None
        client = personas.client(personas.admin)
        url = "admin:indicators_assignment_change"
        html = client.get(reverse(url, args=[reported.pk])).content.decode()
        assert 'name="district"' not in html and 'name="indicator"' not in html
        html = client.get(reverse(url, args=[unreported.pk])).content.decode()
        assert 'name="district"' in html

    def test_weights_that_stop_adding_up_to_100_are_called_out(self, personas: Personas) -> None:
        # Huai Khwang weighs its two indicators 40 and 60 this year.
        assignment = Assignment.objects.filter(district__code=HUAI_KHWANG, weight=Decimal(40)).get()
        client = personas.client(personas.admin)
        url = reverse("admin:indicators_assignment_change", args=[assignment.pk])
        data = form_data(client, url, "assignment_form")
        data["weight"] = "45"
        response = client.post(url, {**data, "_save": "1"}, follow=True)
        page = visible_text(response)
        assert "รวมกันได้ 105.00 ยังไม่ครบ 100" in page
        assert "บันทึกการแก้ไขการมอบหมายตัวชี้วัด" in page  # Django's message, in Thai
        assert "ห้วยขวาง" in page
        assignment.refresh_from_db()
        assert assignment.weight == Decimal(45)  # saved: the other weight follows next
        data["weight"] = "40"
        page = visible_text(client.post(url, {**data, "_save": "1"}, follow=True))
        assert "ยังไม่ครบ 100" not in page

    def test_rollover_action_opens_the_preview(self, personas: Personas) -> None:
        year = FiscalYear.objects.get(year=SEED_YEAR)
        response = personas.client(personas.admin).post(
            reverse("admin:indicators_fiscalyear_changelist"),
            {"action": "roll_over", "_selected_action": [year.pk]},
        )
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('rollover_page')}?year={SEED_YEAR}"

    def test_rollover_action_wants_one_year(self, personas: Personas) -> None:
        years = FiscalYear.objects.values_list("pk", flat=True)[:2]
        response = personas.client(personas.admin).post(
            reverse("admin:indicators_fiscalyear_changelist"),
            {"action": "roll_over", "_selected_action": list(years)},
            follow=True,
        )
        assert "เลือกปีงบประมาณต้นแบบเพียงปีเดียว" in visible_text(response)
