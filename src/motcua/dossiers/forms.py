"""The application form of a procedure, built from its spec's JSON Schema.

Values arrive as text from a page or as JSON from the API; ``clean_entries`` converts them to
the schema's types and checks every filled field, returning the values *and* the errors: a
draft keeps what was typed even when it is not valid yet, so a mistake never loses input.
Required fields are checked only at submission. Error messages are in the applicant's language.

Text that input hygiene refuses (``core.inputs``: a control character, an invalid Unicode
character, or more than the field's ``maxLength`` — ``DEFAULT_FIELD_MAX_LENGTH`` when the
schema sets none) is the exception: it is never stored, the field keeps its previous value, and
the error says why (ADR 0023). Whole numbers are bounded to what JSON readers hold exactly.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.labels import enum_label, localised
from motcua.catalog.typed import FieldSpec, FormSpec
from motcua.core.ids import InvalidPersonalId, parse_personal_id
from motcua.core.inputs import DEFAULT_FIELD_MAX_LENGTH, text_problem

_DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MAX_LIST_ITEMS = 100  # a list field whose schema sets no maxItems
MAX_INTEGER = 2**53 - 1  # the largest whole number every JSON reader holds exactly


def max_length(prop: FieldSpec) -> int:
    """The bound of a text field (or of each line of a list field)."""
    return prop.max_length if prop.max_length is not None else DEFAULT_FIELD_MAX_LENGTH


def refused(prop: FieldSpec, raw: Any) -> str:
    """Why input hygiene refuses this raw value outright ("" when it does not): it is then
    not stored at all, unlike a value of the wrong format."""
    if prop.kind == "list":
        items = raw if isinstance(raw, list) else str(raw).splitlines()
        limit = prop.max_items if prop.max_items is not None else MAX_LIST_ITEMS
        if len(items) > max(limit, MAX_LIST_ITEMS):
            return _("At most %(count)d entries.") % {"count": limit}
        item_schema = prop.item
        return next((problem for item in items if (problem := refused(item_schema, item))), "")
    if isinstance(raw, bool | int | float):
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    return text_problem(text.strip(), max_length=max_length(prop))


def field_title(prop: FieldSpec | None) -> str:
    """A field's title in the reader's language ("" for no field)."""
    return localised(prop.title) if prop is not None else ""


def is_personal_id_field(name: str, prop: FieldSpec) -> bool:
    return name.endswith("personal_id") and prop.pattern == "^[0-9]{12}$"


def _parse(name: str, prop: FieldSpec, raw: Any) -> tuple[Any, str]:
    """The typed value of one field and the error ("" when valid)."""
    kind = prop.kind
    if kind == "list":
        items = raw if isinstance(raw, list) else [line.strip() for line in str(raw).splitlines()]
        items = [str(item).strip() for item in items if str(item).strip()]
        item_schema = prop.item
        for item in items:
            _value, error = _parse(name, item_schema, item)
            if error:
                return items, error
        if prop.max_items is not None and len(items) > prop.max_items:
            return items, _("At most %(count)d entries.") % {"count": prop.max_items}
        return items, ""
    if kind == "boolean":
        return raw in (True, "true", "on", "1", 1), ""
    text = str(raw).strip()
    if kind == "integer" or prop.type == "integer":
        try:
            value: Any = int(text)
        except ValueError:
            return text, _("Enter a whole number.")
        if abs(value) > MAX_INTEGER:
            return text, _("The number is too large.")
        if prop.enum is not None and value not in prop.enum:
            return value, _("Choose one of the listed values.")
        return value, ""
    if kind == "choice":
        if text not in [str(option) for option in prop.enum or ()]:
            return text, _("Choose one of the listed values.")
        return text, ""
    if kind == "date":
        match = _DATE_DMY.match(text)
        if match:
            text = f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
        try:
            datetime.date.fromisoformat(text)
        except ValueError:
            return text, _("Enter a valid date (day/month/year).")
        return text, ""
    if is_personal_id_field(name, prop):
        try:
            parse_personal_id(text)
        except InvalidPersonalId as exc:
            return text, exc.message
        return text, ""
    if prop.min_length is not None and len(text) < prop.min_length:
        return text, _("Enter at least %(count)d characters.") % {"count": prop.min_length}
    if prop.pattern and not re.search(prop.pattern, text):
        return text, _("This value is not in the expected format.")
    return text, ""


def clean_entries(
    fields: Mapping[str, FieldSpec], raw: Mapping[str, Any], *, only: set[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed values of the filled fields among ``raw`` (unknown names ignored), and their errors.
    ``fields`` are a spec's form fields (``definition.fields``) or its result's."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, prop in fields.items():
        if (only is not None and name not in only) or name not in raw:
            continue
        value = raw[name]
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            values[name] = [] if prop.kind == "list" else ""
            continue
        problem = refused(prop, value)
        if problem:  # never stored: the field keeps what it had
            errors[name] = problem
            continue
        values[name], error = _parse(name, prop, value)
        if error:
            errors[name] = error
    return values, errors


@dataclass(frozen=True)
class SourceMark:
    """Where a prefilled value came from, shown beside it."""

    registry_label: str
    fetched_at: datetime.datetime | None


@dataclass
class FormField:
    name: str
    label: str
    kind: str
    required: bool
    value: Any
    display: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    source: SourceMark | None = None
    candidates: list[str] = field(default_factory=list)  # several registry records disagree: pick one
    max_length: int | None = None  # text fields (each line of a list field): the longest value kept

    @property
    def is_read_only(self) -> bool:
        return self.source is not None and not self.candidates


def _field_bound(kind: str, prop: FieldSpec) -> int | None:
    if kind == "text":
        return max_length(prop)
    if kind == "list":
        return max_length(prop.item)
    return None


def _display(kind: str, prop: FieldSpec, value: Any) -> str:
    if value in (None, ""):
        return ""
    if kind == "list":
        return "\n".join(str(item) for item in value) if isinstance(value, list) else str(value)
    if kind == "choice":
        return enum_label(prop, value)
    if kind == "date":  # shown day/month/year whatever the browser's language (ADR 0037)
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)  # what was typed, kept to be corrected
    return str(value)


def form_fields(
    form: FormSpec,
    entries: Mapping[str, Any],
    *,
    prefilled: Mapping[str, tuple[Any, SourceMark]],
    errors: Mapping[str, str],
) -> list[FormField]:
    """The fields of ``form`` (a spec's ``definition.form``) as a page shows them."""
    required = set(form.required)
    fields = []
    for name, prop in form.fields.items():
        kind = prop.kind
        value = entries.get(name, "" if prop.default is None else prop.default)
        source: SourceMark | None = None
        candidates: list[str] = []
        if name in prefilled:
            fetched, source = prefilled[name]
            if isinstance(fetched, list) and kind != "list":
                candidates = sorted({str(item) for item in fetched if item not in (None, "")})
                if len(candidates) == 1:
                    value, candidates = candidates[0], []
                elif name not in entries:
                    value = ""
            else:
                value = fetched
        choices = [(str(option), enum_label(prop, option)) for option in prop.enum or ()]
        fields.append(
            FormField(
                name=name,
                label=field_title(prop),
                kind=kind,
                required=name in required,
                value=value,
                display=_display(kind, prop, value),
                choices=choices,
                error=errors.get(name, ""),
                source=source,
                candidates=candidates,
                max_length=_field_bound(kind, prop),
            )
        )
    return fields
