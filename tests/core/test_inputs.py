"""Input hygiene (core.inputs): what text the platform accepts, in the caller's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.core.inputs import MAX_TEXT, InvalidText, clean_text, printable, problems_in, text_problem


@pytest.mark.parametrize(
    "value",
    ["Nguyễn Văn Bảo", "dòng một\ndòng hai\r\n\tthụt lề", "", "😀 emoji", "x" * MAX_TEXT],
)
def test_ordinary_text_is_accepted(value):
    assert text_problem(value) == ""


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("a\ud800b", "Unicode"),
        ("\udfff", "Unicode"),
        ("a\x00b", "NUL"),
        ("bell\x07", "control"),
        ("del\x7f", "control"),
        ("c1\x85", "control"),
        ("form\x0cfeed", "control"),
        ("x" * (MAX_TEXT + 1), str(MAX_TEXT)),
    ],
)
def test_refused_text_says_why_in_english_and_vietnamese(value, words):
    with translation.override("en"):
        assert words in text_problem(value)
    with translation.override("en"):
        english = text_problem(value)
    with translation.override("vi"):
        vietnamese = text_problem(value)
    assert vietnamese
    assert vietnamese != english


def test_the_bound_is_the_fields_own_when_given():
    assert text_problem("x" * 101, max_length=100)
    assert text_problem("x" * 100, max_length=100) == ""


def test_clean_text_names_the_field():
    assert clean_text("ổn", field="reason", max_length=10) == "ổn"
    with translation.override("en"), pytest.raises(InvalidText) as refused:
        clean_text("x\x00", field="reason", max_length=10)
    assert set(refused.value.fields) == {"reason"}
    assert refused.value.code == "invalid_input"


def test_every_string_of_a_json_document_is_checked_keys_included():
    document = {
        "values": {"name": "ổn", "bad": "a\x00", "list": ["ổn", "\ud800"], "nested": {"deep": "x" * 30}},
        "k\x01ey": "value",
        "items": [{"field": "ok"}],
    }
    problems = problems_in(document, max_length=20)
    assert set(problems) == {"values.bad", "values.list.1", "values.nested.deep", "k\\u0001ey"}


def test_a_deeply_nested_document_costs_no_stack():
    document: object = "\x00"
    for _ in range(100_000):
        document = [document]
    assert list(problems_in(document)) == [".".join(["0"] * 100_000)]


def test_printable_escapes_what_it_would_refuse():
    assert printable("tên\x00\ud800") == "tên\\u0000\\ud800"
    assert len(printable("x" * 500)) == 200
