"""Reads of drafts, scoped to the actor: an applicant sees the drafts they started (for
themself or for someone they act for), nobody else's; officials see no drafts at all (a draft
becomes visible to an agency only once submitted). Missing and forbidden both raise ``NotFound``.

``draft_view`` assembles what the pages and the API show: every component with its source and
state, the fetched data marked with its registry, and the form with the prefilled fields.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.labels import label_for, localised
from motcua.core.errors import NotFound
from motcua.dossiers.forms import FormField, SourceMark, form_fields
from motcua.dossiers.models import ComponentState, Draft
from motcua.exchange.labels import field_label
from motcua.exchange.sources import DataSource, data_sources, prefills, value_at
from motcua.identity.actors import ApplicantActor, RequestActor
from motcua.units.models import Commune


def drafts_of(actor: RequestActor | None) -> QuerySet[Draft]:
    if not isinstance(actor, ApplicantActor):
        return Draft.objects.none()
    return (
        Draft.objects.filter(created_by_id=actor.applicant_id)
        .select_related("procedure", "applicant", "consent")
        .order_by("-updated_at", "-id")
    )


def get_draft(actor: RequestActor | None, public_id: uuid.UUID | str, *, for_update: bool = False) -> Draft:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("No such draft.") from None
    queryset = drafts_of(actor)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    draft = queryset.filter(public_id=key).first()
    if draft is None:
        raise NotFound("No such draft.")
    return draft


def prefilled_field_names(draft: Draft) -> set[str]:
    """Form fields whose value comes from data fetched for this draft, and is therefore not the
    applicant's to change. Where several records disagree (two parcels, two vehicles), the
    applicant picks one, so such a field stays editable."""
    properties = draft.procedure.spec.get("form", {}).get("properties", {})
    locked = set()
    for prefill in prefills(draft.procedure.spec, data_sources(draft.procedure)):
        if prefill.component_id not in draft.fetched:
            continue
        value = value_at(draft.fetched[prefill.component_id], prefill.path)
        several = isinstance(value, list) and len({str(item) for item in value}) > 1
        if not several or properties.get(prefill.form_field, {}).get("type") == "array":
            locked.add(prefill.form_field)
    return locked


STATE_MESSAGES = {
    ComponentState.AWAITING_CONSENT: gettext_lazy("Waiting for your consent."),
    ComponentState.NEEDS_SUBJECT: gettext_lazy("Enter the personal ID number it is about, then fetch it."),
    ComponentState.FETCHED: gettext_lazy("Received from the registry."),
    ComponentState.NOT_FOUND: gettext_lazy("The registry holds no record: upload the document instead."),
    ComponentState.REFUSED: gettext_lazy("The registry did not provide it: upload the document instead."),
    ComponentState.FAILED: gettext_lazy(
        "The registry could not be reached. Try again later, or upload the document; your draft is kept."
    ),
    ComponentState.DECLINED: gettext_lazy("You chose to upload this document yourself."),
    ComponentState.MISSING: gettext_lazy("Not uploaded yet."),
    ComponentState.UPLOADED: gettext_lazy("Uploaded."),
}


REGISTRY_ONLY_DECLINED = gettext_lazy(
    "This data can only come from the registry: give your consent to fetch it, "
    "or the application cannot go on."
)


@dataclass
class FetchedValue:
    label: str
    value: str


@dataclass
class ComponentView:
    id: str
    name: str
    kind: str
    required: bool
    state: str
    message: str
    registry: str = ""
    registry_label: str = ""
    purpose: str = ""
    legal_basis: str = ""
    field_labels: list[str] = field(default_factory=list)
    subject_field: str = ""
    fetched_at: datetime.datetime | None = None
    values: list[FetchedValue] = field(default_factory=list)
    file: str = ""
    registry_only: bool = False  # a data component with ``fallback: none``: no upload can replace it

    @property
    def may_upload(self) -> bool:
        if self.registry_only:
            return False
        return self.state not in {ComponentState.FETCHED, ComponentState.AWAITING_CONSENT}

    @property
    def may_retry(self) -> bool:
        return self.state in {ComponentState.FAILED, ComponentState.NEEDS_SUBJECT}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _text(value: Any) -> str:
    """Fetched data as a person reads it: dates as day/month/year, an address as its one line."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value) if value else "—"
    if isinstance(value, dict):
        if value.get("address"):
            return str(value["address"])
        return ", ".join(
            f"{field_label(key)}: {_text(item)}" for key, item in value.items() if item not in (None, "")
        )
    if isinstance(value, str) and _ISO_DATE.match(value):
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def _values(data: Any, fields: tuple[str, ...]) -> list[FetchedValue]:
    if isinstance(data, list):  # several records (parcels, vehicles): one line per record and field
        return [value for record in data for value in _values(record, fields)]
    return [FetchedValue(field_label(name), _field_text(name, value_at(data, name))) for name in fields]


def _field_text(name: str, value: Any) -> str:
    """A commune code reads as the commune's name (the code alone means nothing to a person)."""
    if name.endswith("commune_code") and isinstance(value, str) and value:
        commune = Commune.objects.filter(code=value).select_related("province").first()
        if commune is not None:
            commune_name = localised({"vi": commune.full_name, "en": commune.full_name_en})
            province = commune.province
            province_name = localised({"vi": province.full_name, "en": province.full_name_en})
            return f"{commune_name}, {province_name} ({value})"
    return _text(value)


def _when(iso: str) -> datetime.datetime | None:
    """The stored ISO time of a fetch (aware; templates show it in local time)."""
    return parse_datetime(iso) if iso else None


@dataclass
class DraftView:
    draft: Draft
    sources: list[DataSource]
    components: list[ComponentView]
    fields: list[FormField]

    @property
    def pending_consent(self) -> bool:
        return any(c.state == ComponentState.AWAITING_CONSENT for c in self.components)

    @property
    def failed(self) -> list[ComponentView]:
        return [c for c in self.components if c.may_retry]


def draft_view(draft: Draft, *, errors: dict[str, str] | None = None) -> DraftView:
    spec = draft.procedure.spec
    sources = data_sources(draft.procedure)
    by_id = {source.component_id: source for source in sources}
    components = []
    for raw in spec.get("components", []):
        component_id = str(raw["id"])
        entry = draft.components.get(component_id, {})
        state = str(entry.get("state", ComponentState.MISSING))
        view = ComponentView(
            id=component_id,
            name=localised(raw["name"]),
            kind=str(raw["kind"]),
            required=bool(raw.get("required", True)),
            state=state,
            message=str(STATE_MESSAGES.get(ComponentState(state), "")),
            file=str(entry.get("file", "")),
        )
        source = by_id.get(component_id)
        if source is not None:
            view.registry = source.registry
            view.registry_label = source.registry_label
            view.purpose = source.display_purpose
            view.legal_basis = source.legal_basis_label
            view.field_labels = source.field_labels
            view.subject_field = source.subject_field
            view.registry_only = source.fallback == "none"
            if view.registry_only and state == ComponentState.DECLINED:
                view.message = str(REGISTRY_ONLY_DECLINED)
            view.fetched_at = _when(str(entry.get("fetched_at", "")))
            if component_id in draft.fetched:
                view.values = _values(draft.fetched[component_id], source.fields)
        components.append(view)
    prefilled: dict[str, tuple[Any, SourceMark]] = {}
    for prefill in prefills(spec, sources):
        if prefill.component_id in draft.fetched:
            entry = draft.components.get(prefill.component_id, {})
            prefilled[prefill.form_field] = (
                value_at(draft.fetched[prefill.component_id], prefill.path),
                SourceMark(label_for("registry", prefill.registry), _when(str(entry.get("fetched_at", "")))),
            )
    fields = form_fields(spec, draft.entries, prefilled=prefilled, errors=errors or {})
    return DraftView(draft=draft, sources=sources, components=components, fields=fields)
