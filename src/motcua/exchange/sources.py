"""Which registry provides which evidence for which procedure component: read from the catalog.

The published spec of a procedure (``catalog.selectors.definition``) lists its ``data`` components;
each names its registry, the fields it needs, the legal basis (text and code), the purpose in
both languages, and whose data it is (the applicant, or the person whose ID the applicant
enters in a form field). Nothing here is hard-coded per procedure: adding a data component to a
spec is all it takes for the consent screen to show it and the exchange to fetch it.

Form fields marked ``x-prefill: <registry>.<path>`` take their value from the first data
component of that registry (in spec order) whose fields cover the path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from motcua.catalog.labels import label_for, localised
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import definition
from motcua.catalog.typed import ProcedureDefinition, Text
from motcua.exchange.labels import field_label


@dataclass(frozen=True)
class DataSource:
    component_id: str
    name: Text
    registry: str
    fields: tuple[str, ...]
    legal_basis: str
    legal_basis_code: str
    purpose: Text
    required: bool
    subject_field: str  # "" when the data is the applicant's own
    fallback: str  # document | none

    @property
    def registry_label(self) -> str:
        return label_for("registry", self.registry)

    @property
    def legal_basis_label(self) -> str:
        """The legal basis in the reader's language (the spec's text is the integrator's note)."""
        return label_for("legal_basis", self.legal_basis_code)

    @property
    def display_name(self) -> str:
        return localised(self.name)

    @property
    def display_purpose(self) -> str:
        return localised(self.purpose)

    @property
    def field_labels(self) -> list[str]:
        return [field_label(name) for name in self.fields]

    def covers(self, path: str) -> bool:
        return any(path == name or path.startswith(name + ".") for name in self.fields)


def sources_from_spec(spec: ProcedureDefinition) -> list[DataSource]:
    return [
        DataSource(
            component_id=component.id,
            name=component.name,
            registry=str(component.registry),
            fields=component.fields,
            legal_basis=component.legal_basis,
            legal_basis_code=component.legal_basis_code,
            purpose=component.purpose,
            required=component.required,
            subject_field=component.subject_field,
            fallback=component.fallback,
        )
        for component in spec.components_of("data")
    ]


def data_sources(procedure: Procedure, version: str = "") -> list[DataSource]:
    """The data components of the procedure's current spec, or of the spec ``version`` a
    dossier was filed under."""
    return sources_from_spec(definition(procedure, version))


@dataclass(frozen=True)
class Prefill:
    form_field: str
    component_id: str
    registry: str
    path: str


def prefills(spec: ProcedureDefinition, sources: Sequence[DataSource]) -> list[Prefill]:
    """The form fields a registry fills, and from which component's data."""
    found = []
    for name, prop in spec.fields.items():
        if not prop.prefill:
            continue
        registry, _sep, path = prop.prefill.partition(".")
        source = next((s for s in sources if s.registry == registry and s.covers(path)), None)
        if source is not None:
            found.append(
                Prefill(form_field=name, component_id=source.component_id, registry=registry, path=path)
            )
    return found


def value_at(data: Any, path: str) -> Any:
    """The value at a dotted path of fetched data; for a list of records (land, vehicles), the
    list of each record's value."""
    if isinstance(data, list):
        return [value_at(record, path) for record in data]
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
