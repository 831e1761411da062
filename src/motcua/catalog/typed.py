"""A procedure spec as typed, immutable objects (ADR 0039, docs/catalog.md).

A spec is validated by its JSON Schema (``schema/procedure.schema.json``) and ``specs.py``;
this module turns the valid mapping into frozen pydantic models, once per spec version:
``procedure_definition(raw, sha256)`` keeps the parsed object per process by the spec's hash
(``core.refdata``), so every request reads ``definition.form.fields`` or ``component.purpose``
instead of walking ``spec.get("form", {}).get("properties", {})``. Only ``catalog`` reads a
spec as a mapping; every other app reads these objects (the selectors hand them out).

**One place per field.** Each element of a spec is one attribute here, named as in the YAML
(or given its YAML name as an ``alias`` when that is not a Python name, ``x-title-en``), with
its default for a spec that leaves it out. A new spec field is one line in the schema and one
line here; unknown keys are ignored, so a spec that carries a field this code does not read yet
still parses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from motcua.core import refdata


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class Text(_Spec):
    """A text in both languages (``{vi, en}``); empty when the spec leaves it out."""

    vi: str = ""
    en: str = ""

    def __bool__(self) -> bool:
        return bool(self.vi or self.en)

    def as_dict(self) -> dict[str, str]:
        """``{vi, en}`` as the API and stored snapshots carry it (``{}`` when empty)."""
        return {key: value for key, value in (("vi", self.vi), ("en", self.en)) if value}


class FieldSpec(_Spec):
    """One field of the application form (or of the result an official confirms): a JSON
    Schema property with the platform's ``x-`` extensions."""

    name: str = ""
    type: str = ""  # string | integer | number | boolean | array | object
    title_vi: str = Field(default="", alias="title")
    title_en: str = Field(default="", alias="x-title-en")
    description: str = ""
    format: str = ""
    enum: tuple[Any, ...] | None = None
    enum_labels: Mapping[str, Text] = Field(default_factory=dict, alias="x-enum-labels")
    prefill: str = Field(default="", alias="x-prefill")  # <registry>.<path>
    pattern: str = ""
    min_length: int | None = Field(default=None, alias="minLength")
    max_length: int | None = Field(default=None, alias="maxLength")
    max_items: int | None = Field(default=None, alias="maxItems")
    default: Any = None  # None: the spec sets no default
    items: FieldSpec | None = None

    @property
    def title(self) -> Text:
        """The field's title in both languages (the Vietnamese one when no English is given)."""
        return Text(vi=self.title_vi, en=self.title_en)

    @property
    def item(self) -> FieldSpec:
        """The schema of each entry of a list field (an unconstrained text when none is given)."""
        return self.items or _ANY_FIELD

    @property
    def kind(self) -> str:
        """How the platform treats the field: boolean, choice, list, integer, date or text."""
        if self.type == "boolean":
            return "boolean"
        if self.enum is not None:
            return "choice"
        if self.type == "array":
            return "list"
        if self.type == "integer":
            return "integer"
        if self.format == "date":
            return "date"
        return "text"


_ANY_FIELD = FieldSpec()


def _named(fields: Any) -> Any:
    """Give each property of a ``properties`` mapping its name."""
    if isinstance(fields, Mapping):
        return {
            name: {**prop, "name": name} if isinstance(prop, Mapping) else prop
            for name, prop in fields.items()
        }
    return fields


class FormSpec(_Spec):
    fields: Mapping[str, FieldSpec] = Field(default_factory=dict, alias="properties")
    required: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _name_fields(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "properties" in data:
            return {**data, "properties": _named(data["properties"])}
        return data


class ComponentSpec(_Spec):
    """A component of the dossier (thành phần hồ sơ): ``data`` pulled from a registry with
    consent, a ``document`` uploaded, or a ``wallet`` result reused."""

    id: str
    kind: str  # data | document | wallet
    name: Text = Text()
    required: bool = True
    quantity: int = 1
    # data
    registry: str | None = None
    fields: tuple[str, ...] = ()
    legal_basis: str = ""
    legal_basis_code: str = ""
    subject: str = "applicant"  # applicant | form.<field>
    purpose: Text = Text()
    fallback: str = "document"  # data and wallet: document | none
    # document
    accepted_types: tuple[str, ...] = ()
    max_size_mb: int | None = None
    registry_could_provide: str | None = None
    upload_reason: str = ""  # integrators' note: why no registry can replace it (lint reports it)
    signed: bool = False
    # wallet
    result_type: str = ""

    @property
    def subject_field(self) -> str:
        """The form field where the applicant enters the ID of whom a data component is about,
        or "" when it is about the applicant."""
        kind, _sep, name = self.subject.partition(".")
        return name if kind == "form" else ""


class FeeRow(_Spec):
    case: Text
    amount_vnd: int


class FeesSpec(_Spec):
    kind: str = "unconfirmed"  # none | fixed | table | dmn | unconfirmed
    amount_vnd: int | None = None
    rows: tuple[FeeRow, ...] = ()
    decision: str = ""  # dmn: the table's file
    due: str = "at_result"  # before_reception | at_result: when payments holds the dossier
    category: str = "le_phi"  # phi | le_phi
    note: str = ""
    public_note: Text = Text()


class EligibilitySpec(_Spec):
    decision: str
    field: str
    refusals: Mapping[str, Text] = Field(default_factory=dict)
    note: str = ""


class ProcessingTimeSpec(_Spec):
    working_days: int | None = None
    note: str = ""
    public_note: Text = Text()


class AuthoritySpec(_Spec):
    level: str = ""
    agency_type: str = ""
    note: str = ""


class SectorSpec(_Spec):
    code: str
    vi: str
    en: str

    @property
    def name(self) -> Text:
        return Text(vi=self.vi, en=self.en)


class LegalBasisSpec(_Spec):
    title: str
    articles: str = ""
    confirmed: bool = True


class ResultSpec(_Spec):
    type: str
    name: Text
    electronic: bool = True
    validity: str = ""
    fields: Mapping[str, FieldSpec] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _name_fields(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "fields" in data:
            return {**data, "fields": _named(data["fields"])}
        return data


class TriggerSpec(_Spec):
    """The registry change a proactive rule reacts to, and conditions on its data."""

    registry: str
    kind: str
    when: Mapping[str, str | int | bool] = Field(default_factory=dict)

    def matches(self, registry: str, kind: str, data: Mapping[str, Any]) -> bool:
        return (
            registry == self.registry
            and kind == self.kind
            and all(data.get(key) == value for key, value in self.when.items())
        )


class ProactiveRuleSpec(_Spec):
    """A proactive rule (ADR 0064): on ``trigger``, offer this procedure to the people it
    ``concerns`` (the change's subject, or their guardians), at ``level`` remind | prefilled |
    grant, with the form fields ``prefill`` names filled from the change."""

    id: str
    trigger: TriggerSpec
    concerns: str = "subject"  # subject | guardians
    level: str = "remind"  # remind | prefilled | grant
    prefill: Mapping[str, str] = Field(default_factory=dict)
    reason: Text = Text()
    note: str = ""


class WriteSpec(_Spec):
    """What an approved result writes to a registry (ADR 0043, 0061): one signed write of
    ``operation`` on the first ``subject`` source that has a value, its ``body`` built from
    sources (``form.<field>``, ``result.<field>``, ``data.<component>.<path>``,
    ``applicant.personal_id``, ``dossier.code``/``commune_code``/``decided_on``, ``const:<text>``).
    ``before_result``: sent at approval and its answer fills the result fields in ``returns``;
    ``after_approval``: queued in the approving transaction, sent after commit."""

    registry: str
    operation: str
    legal_basis_code: str
    when: str = "after_approval"  # before_result | after_approval
    subject: tuple[str, ...] = ()
    body: Mapping[str, str] = Field(default_factory=dict)
    returns: Mapping[str, str] = Field(default_factory=dict)
    purpose: Text = Text()

    @property
    def before_result(self) -> bool:
        return self.when == "before_result"


class ProcedureDefinition(_Spec):
    """One version of a procedure spec, identified by ``sha256`` (of its YAML file)."""

    sha256: str = ""
    spec_version: int = 1
    code: str
    national_code: str | None = None
    name: Text
    description: Text = Text()
    sector: SectorSpec
    applicant_types: tuple[str, ...] = ()
    competent_authority: AuthoritySpec | None = None
    legal_basis: tuple[LegalBasisSpec, ...] = ()
    processing_time: ProcessingTimeSpec | None = None
    steps: tuple[Text, ...] = ()
    methods: tuple[str, ...] = ()
    fees: FeesSpec | None = None
    eligibility: EligibilitySpec | None = None
    form: FormSpec = FormSpec()
    components: tuple[ComponentSpec, ...] = ()
    result: ResultSpec | None = None
    writes: tuple[WriteSpec, ...] = ()
    online_level: str = ""
    partial_reason: str = ""
    public_partial_reason: Text = Text()
    notes: tuple[str, ...] = ()
    process: str | None = None
    proactive: tuple[ProactiveRuleSpec, ...] = ()
    proactive_grantable: bool = False

    @property
    def fields(self) -> Mapping[str, FieldSpec]:
        """The form's fields by name, in the spec's order."""
        return self.form.fields

    @property
    def required_fields(self) -> tuple[str, ...]:
        return self.form.required

    @property
    def result_fields(self) -> Mapping[str, FieldSpec]:
        """The fields of the result the approving official confirms (none when there is no result)."""
        return self.result.fields if self.result is not None else {}

    @property
    def written_result_fields(self) -> frozenset[str]:
        """The result fields a registry's answer fills at approval (the official enters none of
        them when the write is made)."""
        return frozenset(name for write in self.writes if write.before_result for name in write.returns)

    @property
    def working_days(self) -> int | None:
        return self.processing_time.working_days if self.processing_time is not None else None

    @property
    def fee_kind(self) -> str:
        return self.fees.kind if self.fees is not None else "unconfirmed"

    def component(self, component_id: str) -> ComponentSpec | None:
        return next((c for c in self.components if c.id == component_id), None)

    def components_of(self, kind: str) -> Iterator[ComponentSpec]:
        return (c for c in self.components if c.kind == kind)


class FlowSpec(_Spec):
    """Data one bundle member receives from an earlier one without re-entry."""

    from_: str = Field(alias="from")
    source: str  # form.<field> | result.<field>
    target: str  # form.<field>

    @property
    def target_field(self) -> str:
        return self.target.partition(".")[2]

    @property
    def source_kind(self) -> str:
        """``form`` (a field of the earlier member's form) or ``result`` (of its result)."""
        return self.source.partition(".")[0]

    @property
    def source_field(self) -> str:
        return self.source.partition(".")[2]

    def as_dict(self) -> dict[str, str]:
        return {"from": self.from_, "source": self.source, "target": self.target}


class ChoicesSpec(_Spec):
    min_members: int = 1
    max_members: int | None = None


class MemberSpec(_Spec):
    procedure: str
    optional: bool = False
    after: tuple[str, ...] = ()
    receives: tuple[FlowSpec, ...] = ()
    deadline_note: str = ""  # the integrators' note (API only); pages show public_note
    public_note: Text = Text()


class BundleDefinition(_Spec):
    sha256: str = ""
    code: str
    name: Text
    description: Text = Text()
    members: tuple[MemberSpec, ...] = ()
    choices: ChoicesSpec | None = None
    legal_basis: tuple[LegalBasisSpec, ...] = ()


def parse_procedure(raw: Mapping[str, Any], sha256: str = "") -> ProcedureDefinition:
    """The typed form of a procedure spec that passed validation (not cached)."""
    return ProcedureDefinition.model_validate({**raw, "sha256": sha256})


def procedure_definition(raw: Mapping[str, Any] | Any, sha256: str) -> ProcedureDefinition:
    """The typed form of the spec version ``sha256``, parsed once per process (``core.refdata``).
    ``raw`` may be a callable that reads the mapping, so a cached version is never read again."""
    return refdata.cached(
        "procedure_definition", sha256, lambda: parse_procedure(raw() if callable(raw) else raw, sha256)
    )


def bundle_definition(raw: Mapping[str, Any], sha256: str) -> BundleDefinition:
    """The typed form of the bundle spec version ``sha256``, parsed once per process."""
    return refdata.cached(
        "bundle_definition", sha256, lambda: BundleDefinition.model_validate({**raw, "sha256": sha256})
    )
