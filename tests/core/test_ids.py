from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.ids import PROVINCE_CODES, InvalidPersonalId, mask_personal_id, parse_personal_id

TODAY = dt.date(2026, 11, 23)
codes = st.sampled_from(sorted(PROVINCE_CODES))


def test_a_real_structure_parses():
    pid = parse_personal_id("001095012345", today=TODAY)
    assert (pid.province_code, pid.birth_year, pid.sex, pid.serial) == ("001", 1995, "male", "012345")
    assert parse_personal_id("079305000001", today=TODAY).birth_year == 2005
    assert parse_personal_id("079305000001", today=TODAY).sex == "female"


def test_there_are_63_pre_2025_province_codes():
    assert len(PROVINCE_CODES) == 63
    assert {"001", "079", "096", "046"} <= set(PROVINCE_CODES)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("00109501234", "12 digits; this one has 11"),
        ("0010950123456", "this one has 13"),
        ("00109501234a", "digits only"),
        ("001 95012345", "digits only"),
        ("".join(chr(0xFF10 + int(d)) for d in "001095012345"), "digits only"),  # full-width digits
        ("003095012345", "003 is not a province code"),
        ("100095012345", "100 is not a province code"),
        ("001430012345", "birth year of 2130"),
        ("001227012345", "birth year of 2027"),
    ],
)
def test_invalid_numbers_get_a_clear_message(value, fragment):
    with translation.override("en"), pytest.raises(InvalidPersonalId) as caught:
        parse_personal_id(value, today=TODAY)
    assert fragment in caught.value.message


def test_messages_are_in_vietnamese_by_default():
    with translation.override("vi"), pytest.raises(InvalidPersonalId) as caught:
        parse_personal_id("12345", today=TODAY)
    assert "12 chữ số" in caught.value.message


@given(code=codes, g=st.integers(0, 3), yy=st.integers(0, 99), serial=st.integers(0, 999_999))
def test_structure_round_trips(code, g, yy, serial):
    number = f"{code}{g}{yy:02d}{serial:06d}"
    year = 1900 + 100 * (g // 2) + yy
    if year > TODAY.year:
        with pytest.raises(InvalidPersonalId):
            parse_personal_id(number, today=TODAY)
        return
    pid = parse_personal_id(number, today=TODAY)
    assert pid.birth_year == year
    assert pid.is_male == (g % 2 == 0)
    assert pid.province_code == code


@given(st.text(max_size=14))
def test_anything_else_is_rejected_or_is_twelve_valid_digits(text):
    try:
        pid = parse_personal_id(text, today=TODAY)
    except InvalidPersonalId:
        return
    assert len(pid.number) == 12
    assert pid.number.isdigit()
    assert pid.province_code in PROVINCE_CODES


def test_masking_hides_the_middle():
    assert mask_personal_id("001095012345") == "001******345"
    assert parse_personal_id("001095012345", today=TODAY).masked == "001******345"
    assert mask_personal_id("12") == "**"
