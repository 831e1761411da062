"""Input hygiene: the one definition of the text the platform accepts (ADR 0023).

Every piece of text that comes in — a form field, a string anywhere in a JSON body, a query
parameter, a field name, a file name — must be

- well-formed Unicode: no lone UTF-16 surrogate (``"\\ud800"`` is valid JSON, but such a string
  cannot be written as UTF-8, so a page showing it fails);
- free of control characters other than tab, line feed and carriage return (PostgreSQL refuses
  NUL in text while SQLite stores it: refusing it here makes both databases behave the same);
- no longer than its bound: the field's own (a form schema's ``maxLength``, an API schema's
  ``max_length``, a model column's size) and never longer than ``MAX_TEXT``.

The checks answer in the current language. ``text_problem`` is the check itself;
``problems_in`` walks a parsed JSON document; ``clean_text`` is for services that store free
text (it raises ``InvalidText``, an ``invalid_input`` error naming the field); ``validate_text``
is the same check as a Django form validator. The request guard (``core.middleware``) applies
them to every request before any view runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.core.errors import MotcuaError

# The longest single value any request may carry (a field, a JSON string, a query parameter).
MAX_TEXT = 20_000
# The bound of a procedure's form field whose schema declares no maxLength.
DEFAULT_FIELD_MAX_LENGTH = 1_000
# How many problems one answer lists (a body with thousands of bad strings gets the first ones).
MAX_REPORTED = 20

# C0 controls except tab, LF and CR; DEL and the C1 controls; UTF-16 surrogates (only lone ones
# can occur in a Python string).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class InvalidText(MotcuaError):
    """Text refused at input; ``fields`` names each refused field with what is wrong."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__(next(iter(self.fields.values()), _("This text cannot be accepted.")))


def text_problem(value: str, *, max_length: int = MAX_TEXT) -> str:
    """What is wrong with ``value`` as input text ("" when nothing)."""
    if _SURROGATE.search(value):
        return _("This text contains a character that is not valid Unicode; type it again.")
    if _CONTROL.search(value):
        return _("This text contains an invisible control character (such as NUL); remove it.")
    if len(value) > max_length:
        return _("Enter at most %(count)d characters.") % {"count": max_length}
    return ""


def clean_text(value: str, *, field: str, max_length: int) -> str:
    """``value`` when acceptable; otherwise ``InvalidText`` naming ``field``."""
    problem = text_problem(value, max_length=max_length)
    if problem:
        raise InvalidText({field: problem})
    return value


def validate_text(value: Any) -> None:
    """A Django form validator: the same check, with ``MAX_TEXT`` as the outer bound (give
    the field its own ``max_length`` for a tighter one)."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(problem, code="invalid_text")


def printable(name: str) -> str:
    """A name safe to echo back (in an error's ``fields``): refused characters written as
    ``\\uXXXX``, at most 200 characters."""
    return _REFUSED.sub(lambda match: f"\\u{ord(match.group()):04x}", name)[:200]


def problems_in(document: Any, *, prefix: str = "", max_length: int = MAX_TEXT) -> dict[str, str]:
    """Every string of a parsed JSON document (keys included) checked; the problems by dotted
    path (``values.child_full_name``, ``items.0.field``). Walked without recursion, so a deeply
    nested document costs no stack."""
    problems: dict[str, str] = {}
    stack: list[tuple[str, Any]] = [(prefix, document)]
    while stack and len(problems) < MAX_REPORTED:
        path, node = stack.pop()
        if isinstance(node, str):
            problem = text_problem(node, max_length=max_length)
            if problem:
                problems[path or "body"] = problem
        elif isinstance(node, dict):
            for key, value in node.items():
                name = printable(key)
                child = f"{path}.{name}" if path else name
                problem = text_problem(key, max_length=200)
                if problem:
                    problems[child] = problem
                    continue
                stack.append((child, value))
        elif isinstance(node, list):
            stack.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(node))
    return problems
