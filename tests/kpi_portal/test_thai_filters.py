"""The ``thai`` template library, called directly and through a template."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.safestring import mark_safe

from kpi_portal.templatetags.thai import (
    amount,
    thaidate,
    thaidate_short,
    thaidatetime,
    thaidigits,
)

BANGKOK = ZoneInfo("Asia/Bangkok")


def render(source: str, **context: object) -> str:
    return Template("{% load thai %}" + source).render(Context(context))


def test_thaidate() -> None:
    assert thaidate(date(2021, 6, 25)) == "25 มิถุนายน 2564"


def test_thaidate_of_aware_datetime_is_bangkok_day() -> None:
    with timezone.override(BANGKOK):
        assert thaidate(datetime(2021, 9, 30, 18, 0, tzinfo=UTC)) == "1 ตุลาคม 2564"


def test_thaidate_short() -> None:
    assert thaidate_short(date(2020, 12, 30)) == "30 ธ.ค. 63"


def test_thaidatetime() -> None:
    with timezone.override(BANGKOK):
        moment = datetime(2021, 6, 25, 7, 5, tzinfo=UTC)
        assert thaidatetime(moment) == "25 มิถุนายน 2564 เวลา 14:05 น."


def test_thaidatetime_of_plain_date_shows_the_date() -> None:
    assert thaidatetime(date(2024, 2, 29)) == "29 กุมภาพันธ์ 2567"


@pytest.mark.parametrize("filter_", [thaidate, thaidate_short, thaidatetime])
@pytest.mark.parametrize("value", [None, "", "2021-06-25", 42])
def test_date_filters_render_nothing_for_non_dates(filter_: object, value: object) -> None:
    assert callable(filter_)
    assert filter_(value) == ""


def test_thaidigits() -> None:
    assert thaidigits("ไตรมาสที่ 4/2564") == "ไตรมาสที่ ๔/๒๕๖๔"
    assert thaidigits(2564) == "๒๕๖๔"
    assert thaidigits(Decimal("10.32")) == "๑๐.๓๒"
    assert thaidigits(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("126392040"), "126,392,040.00"),
        (126392040, "126,392,040.00"),
        (Decimal("0.125"), "0.13"),
        (10.32, "10.32"),
        (0.1, "0.10"),
        ("95136211.13", "95,136,211.13"),
        (None, "–"),
        ("", "–"),
        ("abc", ""),
        (True, ""),
        (object(), ""),
    ],
)
def test_amount(value: object, expected: str) -> None:
    assert amount(value) == expected


@pytest.mark.parametrize(("places", "expected"), [(0, "1,235"), ("0", "1,235"), ("3", "1,234.560")])
def test_amount_places(places: int | str, expected: str) -> None:
    assert amount(Decimal("1234.56"), places) == expected


def test_filters_in_a_template() -> None:
    source = (
        "{{ day|thaidate }}|{{ day|thaidate_short }}|{{ moment|thaidatetime }}|"
        "{{ year|thaidigits }}|{{ budget|amount }}|{{ count|amount:0 }}|{{ missing|amount }}|"
        "{{ missing|thaidate }}"
    )
    with timezone.override(BANGKOK):
        output = render(
            source,
            day=date(2020, 12, 30),
            moment=datetime(2021, 6, 25, 7, 5, tzinfo=UTC),
            year=2564,
            budget=Decimal("126392040"),
            count=1234,
            missing=None,
        )
    assert output == (
        "30 ธันวาคม 2563|30 ธ.ค. 63|25 มิถุนายน 2564 เวลา 14:05 น.|๒๕๖๔|126,392,040.00|1,234|–|"
    )


def test_thaidigits_keeps_escaping() -> None:
    assert render("{{ text|thaidigits }}", text="<b>1</b>") == "&lt;b&gt;๑&lt;/b&gt;"


def test_thaidigits_keeps_safe_text_safe() -> None:
    # Output of a trusted, already-escaped fragment must not be escaped twice.
    assert render("{{ text|thaidigits }}", text=mark_safe("<b>1</b>")) == "<b>๑</b>"
