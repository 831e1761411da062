"""What the feedback pages share: a refused field as the error summary pattern reads it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """A field in error, as ``{% error_items %}`` and ``{% field_aria %}`` read it."""

    name: str
    label: str
    error: str


def field_errors(fields: Mapping[str, str], labels: Mapping[str, str]) -> list[FieldError]:
    """The refused fields (``criteria.attitude``) as the summary links them (``#field-criteria-attitude``)."""
    return [
        FieldError(name=name.replace(".", "-"), label=str(labels.get(name, name)), error=message)
        for name, message in fields.items()
    ]
