"""Thai dates as shown to officers and as typed by them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone as dj_timezone
from hypothesis import given
from hypothesis import strategies as st

from kpi_portal.thaidate import (
    BE_YEARS_TYPED,
    CE_YEARS_TYPED,
    DATE_FORMAT_HINT,
    MSG_YEAR_OUT_OF_RANGE,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    be_to_ce,
    parse_thai_date,
    thai_date,
    thai_date_numeric,
    thai_date_short,
    thai_datetime,
)
from kpi_portal.thaidigits import to_thai_digits

BANGKOK = ZoneInfo("Asia/Bangkok")


def test_month_tables() -> None:
    assert len(THAI_MONTHS) == len(THAI_MONTHS_ABBR) == 12
    assert THAI_MONTHS[0] == "มกราคม"
    assert THAI_MONTHS[11] == "ธันวาคม"
    assert THAI_MONTHS_ABBR[5] == "มิ.ย."
    assert THAI_MONTHS_ABBR[11] == "ธ.ค."


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2021, 6, 25), "25 มิถุนายน 2564"),
        (date(2021, 6, 5), "5 มิถุนายน 2564"),
        (date(2020, 9, 30), "30 กันยายน 2563"),
        (date(2020, 10, 1), "1 ตุลาคม 2563"),
        (date(2020, 12, 31), "31 ธันวาคม 2563"),
        (date(2021, 1, 1), "1 มกราคม 2564"),
        (date(2024, 2, 29), "29 กุมภาพันธ์ 2567"),
    ],
)
def test_thai_date(day: date, text: str) -> None:
    assert thai_date(day) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2020, 12, 30), "30 ธ.ค. 63"),
        (date(2021, 1, 1), "1 ม.ค. 64"),
        (date(2024, 2, 29), "29 ก.พ. 67"),
        (date(1957, 5, 3), "3 พ.ค. 00"),
    ],
)
def test_thai_date_short(day: date, text: str) -> None:
    assert thai_date_short(day) == text


def test_thai_date_of_aware_datetime_uses_bangkok_day() -> None:
    # 30 Sep 2021 18:00 UTC is already 1 Oct in Bangkok.
    moment = datetime(2021, 9, 30, 18, 0, tzinfo=UTC)
    with dj_timezone.override(BANGKOK):
        assert thai_date(moment) == "1 ตุลาคม 2564"
        assert thai_date_short(moment) == "1 ต.ค. 64"


def test_thai_datetime_converts_to_bangkok() -> None:
    moment = datetime(2021, 6, 25, 7, 5, tzinfo=UTC)
    with dj_timezone.override(BANGKOK):
        assert thai_datetime(moment) == "25 มิถุนายน 2564 เวลา 14:05 น."


def test_thai_datetime_crosses_midnight_and_year() -> None:
    moment = datetime(2020, 12, 31, 17, 30, tzinfo=UTC)
    with dj_timezone.override(BANGKOK):
        assert thai_datetime(moment) == "1 มกราคม 2564 เวลา 00:30 น."


def test_thai_datetime_follows_the_current_time_zone() -> None:
    moment = datetime(2021, 6, 25, 14, 5, tzinfo=timezone(timedelta(hours=7)))
    with dj_timezone.override(UTC):
        assert thai_datetime(moment) == "25 มิถุนายน 2564 เวลา 07:05 น."


def test_thai_datetime_uses_default_time_zone_from_settings() -> None:
    moment = datetime(2021, 6, 25, 7, 5, tzinfo=UTC)
    assert thai_datetime(moment) == "25 มิถุนายน 2564 เวลา 14:05 น."


def test_thai_datetime_takes_naive_as_local() -> None:
    moment = datetime(2021, 6, 25, 9, 0)  # noqa: DTZ001
    assert thai_datetime(moment) == "25 มิถุนายน 2564 เวลา 09:00 น."


@pytest.mark.parametrize(
    "text",
    [
        "25/06/2564",
        "25/6/2564",
        "25/6/64",
        "25/06/64",
        "25-06-2564",
        "25.06.2564",
        "2564-06-25",
        "2564/06/25",
        "2021-06-25",
        "25/06/2021",
        "25 มิถุนายน 2564",
        "25มิถุนายน2564",
        "25 มิถุนายน พ.ศ. 2564",
        "25 มิ.ย. 64",
        "25 มิ.ย. 2564",
        "25 มิย 64",
        "25 มิ. ย. 64",
        "๒๕/๐๖/๒๕๖๔",
        "๒๕ มิ.ย. ๖๔",
        "๒๕๖๔-๐๖-๒๕",
        "  25/06/2564  ",
        "\t25 / 06 / 2564\n",
        "\u200b25 มิถุนายน\u200b 2564",
    ],
)
def test_parse_thai_date_accepts(text: str) -> None:
    assert parse_thai_date(text) == date(2021, 6, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30/09/2564", date(2021, 9, 30)),
        ("1/10/2564", date(2021, 10, 1)),
        ("31/12/2563", date(2020, 12, 31)),
        ("1/1/2564", date(2021, 1, 1)),
        ("29/02/2567", date(2024, 2, 29)),
        ("29 ก.พ. 67", date(2024, 2, 29)),
        ("29 กุมภาพันธ์ 2567", date(2024, 2, 29)),
        ("2024-02-29", date(2024, 2, 29)),
        ("30 ธ.ค. 63", date(2020, 12, 30)),
        ("1 ม.ค. 00", date(1957, 1, 1)),
        ("31 ธ.ค. 99", date(2056, 12, 31)),
    ],
)
def test_parse_thai_date_edges(text: str, expected: date) -> None:
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize(
    "day",
    [date(2020, 9, 30), date(2020, 10, 1), date(2020, 12, 31), date(2021, 1, 1), date(2024, 2, 29)],
)
def test_parse_round_trips_formatting(day: date) -> None:
    assert parse_thai_date(thai_date(day)) == day
    assert parse_thai_date(thai_date_short(day)) == day


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "25/06",
        "25/06/564",
        "25/06/25641",
        "2564-06",
        "25 มิถุนา 2564",
        "25/06-2564",
        "06/25/2564",
        "31/02/2564",
        "29/02/2566",
        "29/02/2023",
        "31/04/2564",
        "0/06/2564",
        "25/00/2564",
        "25/13/2564",
        "25/06/2564 14:05",
    ],
)
def test_parse_thai_date_rejects(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_thai_date(text)
    message = str(excinfo.value)
    assert message.startswith("วันที่ไม่ถูกต้อง")
    assert str(DATE_FORMAT_HINT) in message
    assert "วว/ดด/ปปปป (พ.ศ.) เช่น 25/06/2564" in message


def test_impossible_date_message_names_the_month_length() -> None:
    with pytest.raises(ValueError, match="กุมภาพันธ์ 2566 มี 28 วัน"):
        parse_thai_date("29/02/2566")


# --- which years are BE, which CE, which refused --------------------------------------------

# Every date that can be typed: BE 2400–2800 is CE 1857–2257, which holds CE 1900–2200.
FIRST_DAY = date(be_to_ce(BE_YEARS_TYPED[0]), 1, 1)
LAST_DAY = date(be_to_ce(BE_YEARS_TYPED[-1]), 12, 31)


def test_year_ranges_are_the_documented_ones() -> None:
    assert (BE_YEARS_TYPED[0], BE_YEARS_TYPED[-1]) == (2400, 2800)
    assert (CE_YEARS_TYPED[0], CE_YEARS_TYPED[-1]) == (1900, 2200)
    assert (FIRST_DAY.isoformat(), LAST_DAY.isoformat()) == ("1857-01-01", "2257-12-31")
    message = str(MSG_YEAR_OUT_OF_RANGE)
    assert "พ.ศ. 2400–2800" in message
    assert "ค.ศ. 1900–2200" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/1/2400", date(1857, 1, 1)),
        ("1/1/2401", date(1858, 1, 1)),
        ("31/12/2800", date(2257, 12, 31)),
        ("2400-01-01", date(1857, 1, 1)),
        ("1 มกราคม พ.ศ. 2400", date(1857, 1, 1)),
        ("1/1/1900", date(1900, 1, 1)),
        ("31/12/2199", date(2199, 12, 31)),
        ("31/12/2200", date(2200, 12, 31)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2200-12-31", date(2200, 12, 31)),
        ("๑/๑/๒๔๐๐", date(1857, 1, 1)),
        ("๓๑/๑๒/๒๘๐๐", date(2257, 12, 31)),
        ("๑/๑/๑๙๐๐", date(1900, 1, 1)),
        ("๒๒๐๐-๑๒-๓๑", date(2200, 12, 31)),
    ],
)
def test_year_range_boundaries_accepted(text: str, expected: date) -> None:
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1/1/2399",
        "31/12/2399",
        "1/1/2201",
        "1/1/1899",
        "31/12/1899",
        "1/1/2801",
        "1/1/2300",
        "1/1/3000",
        "1/1/0000",
        "1/1/0001",
        "1/1/0999",
        "1/1/9999",
        "0001-01-01",
        "9999-12-31",
        "2399-12-31",
        "1 มกราคม 2399",
        "1 ม.ค. พ.ศ. 2801",
        "๑/๑/๐๐๐๑",
        "๑/๑/๙๙๙๙",
        "๒๓๙๙-๑๒-๓๑",
        "๑ ม.ค. ๒๒๐๑",
    ],
)
def test_year_outside_both_ranges_is_refused(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_thai_date(text)
    message = str(excinfo.value)
    assert message == str(MSG_YEAR_OUT_OF_RANGE)
    assert message.startswith("วันที่ไม่ถูกต้อง")
    assert "พ.ศ. 2400–2800 (หรือ ค.ศ. 1900–2200) เช่น 25/06/2564" in message


@given(st.dates(min_value=FIRST_DAY, max_value=LAST_DAY))
def test_every_supported_date_round_trips(day: date) -> None:
    assert parse_thai_date(thai_date_numeric(day)) == day
    assert parse_thai_date(thai_date(day)) == day
    assert parse_thai_date(to_thai_digits(thai_date_numeric(day))) == day


outside_years = st.one_of(
    st.integers(0, CE_YEARS_TYPED[0] - 1),
    st.integers(CE_YEARS_TYPED[-1] + 1, BE_YEARS_TYPED[0] - 1),
    st.integers(BE_YEARS_TYPED[-1] + 1, 9999),
)
YEAR_FORMS = [
    "{d}/{m}/{y}",
    "{d:02d}/{m:02d}/{y}",
    "{d}.{m}.{y}",
    "{d}-{m}-{y}",
    "{y}-{m:02d}-{d:02d}",
    "{y}/{m}/{d}",
    "{d} {name} {y}",
    "{d} {abbr} พ.ศ. {y}",
]


@given(
    year=outside_years,
    month=st.integers(1, 12),
    day=st.integers(1, 31),
    form=st.sampled_from(YEAR_FORMS),
    thai_digits=st.booleans(),
)
def test_every_year_outside_both_ranges_is_refused_in_thai(
    year: int, month: int, day: int, form: str, thai_digits: bool
) -> None:
    name, abbr = THAI_MONTHS[month - 1], THAI_MONTHS_ABBR[month - 1]
    text = form.format(d=day, m=month, y=f"{year:04d}", name=name, abbr=abbr)
    if thai_digits:
        text = to_thai_digits(text)
    with pytest.raises(ValueError) as excinfo:
        parse_thai_date(text)
    assert "พ.ศ." in str(excinfo.value)


@pytest.mark.parametrize(
    "text", ["25 June 2564", "25 Jun 2021", "25 june 2564 BE", "25 June BE 2564"]
)
def test_english_month_names_are_read_too(text: str) -> None:
    """Dates shown in English ("25 June 2564 BE (2021)") may be typed back the same way."""
    assert parse_thai_date(text) == date(2021, 6, 25)
