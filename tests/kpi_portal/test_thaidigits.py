"""Thai digits, typed amounts and their display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpi_portal.thaidigits import (
    MSG_BAD_SEPARATORS,
    MSG_EMPTY,
    MSG_NOT_A_NUMBER,
    MSG_SEVERAL_POINTS,
    format_amount,
    parse_decimal,
    to_arabic_digits,
    to_thai_digits,
)

D = Decimal


def test_to_thai_digits() -> None:
    assert to_thai_digits("0123456789") == "๐๑๒๓๔๕๖๗๘๙"
    assert to_thai_digits("ไตรมาส 1 ปี 2564: 10.32%") == "ไตรมาส ๑ ปี ๒๕๖๔: ๑๐.๓๒%"


def test_to_arabic_digits() -> None:
    assert to_arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
    assert to_arabic_digits("ปี ๒๕๖๔ abc 12") == "ปี 2564 abc 12"


@pytest.mark.parametrize("text", ["", "0123456789", "๑๒๖,๓๙๒,๐๔๐", "a1b๒", "25/06/2564"])
def test_digit_conversion_round_trip(text: str) -> None:
    assert to_arabic_digits(to_thai_digits(text)) == to_arabic_digits(text)
    assert to_thai_digits(to_arabic_digits(text)) == to_thai_digits(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("๑๒๖,๓๙๒,๐๔๐", "126392040"),
        ("126,392,040.00", "126392040.00"),
        (" 95,136,211.13 ", "95136211.13"),
        ("95136211.13", "95136211.13"),
        ("๙๕,๑๓๖,๒๑๑.๑๓", "95136211.13"),
        ("126 , 392 , 040 . 00", "126392040.00"),
        ("1,234", "1234"),
        ("123", "123"),
        ("0", "0"),
        ("0.5", "0.5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("-1,234.50", "-1234.50"),
        ("- 12", "-12"),
        ("\u22125", "-5"),
        ("-0.00", "0.00"),
        ("\u200b1,000\u200b", "1000"),
        ("0001", "1"),
    ],
)
def test_parse_decimal_accepts(text: str, expected: str) -> None:
    assert parse_decimal(text) == D(expected)


def test_parse_decimal_keeps_the_places_typed() -> None:
    assert str(parse_decimal("126,392,040.00")) == "126392040.00"
    assert str(parse_decimal("0.10")) == "0.10"


def test_parse_decimal_is_exact() -> None:
    # More digits than a float or the default decimal context can hold.
    text = "12,345,678,901,234,567,890,123,456,789.123456789"
    assert parse_decimal(text) == D("12345678901234567890123456789.123456789")


def test_parse_decimal_negative_zero_is_zero() -> None:
    assert not parse_decimal("-0").is_signed()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", MSG_EMPTY),
        ("   ", MSG_EMPTY),
        ("abc", MSG_NOT_A_NUMBER),
        ("NaN", MSG_NOT_A_NUMBER),
        ("inf", MSG_NOT_A_NUMBER),
        ("Infinity", MSG_NOT_A_NUMBER),
        ("-inf", MSG_NOT_A_NUMBER),
        ("1e5", MSG_NOT_A_NUMBER),
        ("1,000 บาท", MSG_NOT_A_NUMBER),
        ("12 34", MSG_NOT_A_NUMBER),
        ("-", MSG_NOT_A_NUMBER),
        (".", MSG_NOT_A_NUMBER),
        ("--5", MSG_NOT_A_NUMBER),
        ("5-", MSG_NOT_A_NUMBER),
        ("+5", MSG_NOT_A_NUMBER),
        ("1.2.3", MSG_SEVERAL_POINTS),
        ("1,234.5.6", MSG_SEVERAL_POINTS),
        ("12,34", MSG_BAD_SEPARATORS),
        ("1,23,4", MSG_BAD_SEPARATORS),
        ("1234,567", MSG_BAD_SEPARATORS),
        (",123", MSG_BAD_SEPARATORS),
        ("123,", MSG_BAD_SEPARATORS),
        ("1,,234", MSG_BAD_SEPARATORS),
        ("1.234,56", MSG_BAD_SEPARATORS),
    ],
)
def test_parse_decimal_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_decimal(text)
    assert str(excinfo.value) == message


def test_rejection_messages_are_thai_with_an_example() -> None:
    for message in (MSG_EMPTY, MSG_NOT_A_NUMBER, MSG_SEVERAL_POINTS, MSG_BAD_SEPARATORS):
        assert "เช่น 1,234,567.89" in message


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("126392040"), 2, "126,392,040.00"),
        (126392040, 2, "126,392,040.00"),
        (D("95136211.13"), 2, "95,136,211.13"),
        (D("0.125"), 2, "0.13"),  # half-up; banker's rounding would give 0.12
        (D("2.675"), 2, "2.68"),
        (D("0.124"), 2, "0.12"),
        (D("-1234.565"), 2, "-1,234.57"),
        (D("-0.001"), 2, "0.00"),
        (D("999.995"), 2, "1,000.00"),
        (D("1234.5"), 0, "1,235"),
        (1234, 0, "1,234"),
        (D("10.32"), 1, "10.3"),
        (0, 2, "0.00"),
        (D("12345678901234567890123456789.125"), 2, "12,345,678,901,234,567,890,123,456,789.13"),
    ],
)
def test_format_amount(value: Decimal | int, places: int, expected: str) -> None:
    assert format_amount(value, places) == expected


def test_format_amount_defaults_to_two_places() -> None:
    assert format_amount(D("13048289.81")) == "13,048,289.81"


@pytest.mark.parametrize("value", [None, D("NaN"), D("Infinity")])
def test_format_amount_without_a_figure(value: Decimal | None) -> None:
    assert format_amount(value) == "–"


def test_format_amount_rejects_negative_places() -> None:
    with pytest.raises(ValueError):
        format_amount(D(1), -1)


def test_parse_then_format_round_trip() -> None:
    assert format_amount(parse_decimal("๑๒๖,๓๙๒,๐๔๐")) == "126,392,040.00"
