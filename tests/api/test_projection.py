"""Answers projected on their schemas without validation (ADR 0051): the projection gives what
validation gives, or refuses, and checking mode fails on any difference."""

from __future__ import annotations

import datetime
import enum
from typing import Any

import pytest
from ninja import Schema

from motcua.api.projection import Unfit, compile_projector, same


class Colour(enum.StrEnum):
    RED = "red"


class Inner(Schema):
    name: str
    when: datetime.date | None
    tags: list[str] = []


class Outer(Schema):
    id: str
    count: int
    share: float
    inner: Inner
    items: list[Inner]
    extra: dict[str, Any]
    flag: bool = False


class Resolved(Schema):
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return "resolved"


def _validated(model: type[Schema], value: Any) -> Any:
    return model.model_validate(value).model_dump()


def _outer(**changes: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": "d-1",
        "count": 3,
        "share": 0.5,
        "inner": {"name": "a", "when": datetime.date(2026, 12, 7), "dropped": "x"},
        "items": [{"name": "b", "when": None, "tags": ["t"]}],
        "extra": {"k": [1, "two", None]},
        "not_declared": object(),
    }
    value.update(changes)
    return value


def test_a_projection_is_what_validation_gives_with_undeclared_keys_dropped_and_defaults_filled():
    value = _outer()
    projected = compile_projector(Outer)(value)
    assert same(projected, _validated(Outer, value))
    assert "not_declared" not in projected
    assert projected["inner"]["tags"] == []
    assert projected["flag"] is False


def test_a_str_enum_member_becomes_its_plain_value_as_validation_makes_it():
    value = _outer(id=Colour.RED)
    projected = compile_projector(Outer)(value)
    assert type(projected["id"]) is str
    assert same(projected, _validated(Outer, value))


@pytest.mark.parametrize(
    "change",
    [
        {"count": True},  # a bool where an int is declared
        {"share": 1},  # an int where a float is declared: validation makes it 1.0
        {"inner": {"when": None}},  # a required field left out
        {"items": ({"name": "b", "when": None},)},  # a tuple where a list is declared
        {"extra": {"k": object()}},  # not a JSON value under Any
        {"inner": Inner(name="a", when=None)},  # a model instance: validation reads its attributes
    ],
)
def test_what_the_projection_cannot_vouch_for_is_left_to_validation(change):
    with pytest.raises(Unfit):
        compile_projector(Outer)(_outer(**change))


def test_a_schema_with_a_resolver_is_never_projected():
    with pytest.raises(Unfit):
        compile_projector(Resolved)({"name": "given"})


def test_same_tells_types_apart():
    assert same({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same({"a": 1}, {"a": 1.0})
    assert not same({"a": 1}, {"a": True})
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # the order of the keys is the answer's
