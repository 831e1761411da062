"""Reads of drafts, scoped to the actor: an applicant sees the drafts they started (for
themself or for someone they act for), nobody else's; officials see no drafts at all (a draft
becomes visible to an agency only once submitted). Missing and forbidden both raise ``NotFound``.

``draft_view`` assembles what the pages and the API show: every component with its source and
state, the fetched data marked with its registry, and the form with the prefilled fields.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import decisions
from motcua.catalog.labels import label_for, localised
from motcua.catalog.models import Bundle
from motcua.catalog.selectors import with_spec
from motcua.core import ratelimit
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import MotcuaError, NotFound
from motcua.core.selectors import audit_trail_for_subject
from motcua.core.text import format_vnd
from motcua.core.types import EventType
from motcua.documents.models import ResultDocument, StoredFile
from motcua.documents.pdf_safety import removal_notice
from motcua.dossiers.forms import FormField, SourceMark, field_title, form_fields
from motcua.dossiers.models import OPEN_STATUSES as OPEN_STATUSES  # re-exported: processing reads it here
from motcua.dossiers.models import (
    RELATION_REFUSALS,
    BundleApplication,
    ComponentState,
    Dossier,
    DossierStatus,
    Draft,
    Notice,
    Step,
    refused_for_relation,
)
from motcua.exchange.labels import field_label
from motcua.exchange.sources import DataSource, data_sources, prefills, value_at
from motcua.identity import selectors as identity
from motcua.identity.actors import AgencyActor, ApplicantActor, OfficialActor, RequestActor
from motcua.identity.models import Role, User
from motcua.units import selectors as units


def drafts_of(actor: RequestActor | None) -> QuerySet[Draft]:
    if not isinstance(actor, ApplicantActor):
        return Draft.objects.none()
    return (
        Draft.objects.filter(created_by_id=actor.applicant_id)
        .select_related("procedure", "applicant", "consent")
        .order_by("-updated_at", "-id")
    )


@dataclass(frozen=True)
class DraftRow:
    """A draft in the applicant's list: an interconnected application's draft is named by its
    bundle too, so it is not mistaken for a plain draft of the same procedure."""

    draft: Draft
    bundle_name: str  # "" for a plain draft


def _bundle_names(codes: set[str]) -> dict[str, str]:
    rows = Bundle.objects.filter(code__in=codes).values_list("code", "name_vi", "name_en")
    return {code: localised({"vi": vi, "en": en}) for code, vi, en in rows}


def draft_rows(actor: RequestActor | None) -> list[DraftRow]:
    drafts = list(drafts_of(actor))
    names = _bundle_names({d.bundle_code for d in drafts if d.bundle_code})
    return [DraftRow(draft=d, bundle_name=names.get(d.bundle_code, d.bundle_code)) for d in drafts]


def draft_row(draft: Draft) -> DraftRow:
    names = _bundle_names({draft.bundle_code}) if draft.bundle_code else {}
    return DraftRow(draft=draft, bundle_name=names.get(draft.bundle_code, draft.bundle_code))


def get_draft(actor: RequestActor | None, public_id: uuid.UUID | str, *, for_update: bool = False) -> Draft:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such draft.")) from None
    # the procedure's spec is not read with every draft: it comes from the per-process cache
    queryset = drafts_of(actor).select_related("created_by").defer("procedure__spec")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    draft = queryset.filter(public_id=key).first()
    if draft is None:
        raise NotFound(_("No such draft."))
    with_spec(draft.procedure)
    return draft


def prefilled_values(draft: Draft) -> dict[str, Any]:
    """Form fields whose value comes from data fetched for this draft, with that value: they are
    not the applicant's to change. Where several records disagree (two parcels, two vehicles),
    the applicant picks one, so such a field is left out and stays editable."""
    properties = draft.procedure.spec.get("form", {}).get("properties", {})
    locked: dict[str, Any] = {}
    for prefill in prefills(draft.procedure.spec, data_sources(draft.procedure)):
        if prefill.component_id not in draft.fetched:
            continue
        value = value_at(draft.fetched[prefill.component_id], prefill.path)
        several = isinstance(value, list) and len({str(item) for item in value}) > 1
        is_list_field = properties.get(prefill.form_field, {}).get("type") == "array"
        if is_list_field:
            locked[prefill.form_field] = value
        elif not several:
            locked[prefill.form_field] = (value[0] if value else "") if isinstance(value, list) else value
    return locked


def prefilled_field_names(draft: Draft) -> set[str]:
    return set(prefilled_values(draft))


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
    ComponentState.WALLET: gettext_lazy("Taken from your data wallet."),
}


# What a registry's refusal means for the applicant, by its code (the rest: STATE_MESSAGES).
REFUSAL_MESSAGES = {
    "not_related": gettext_lazy(
        "The registry does not record you as a relative or household member of this person, so it "
        "gave none of their data. Type their details in the form (the official checks them), or "
        "upload a document."
    ),
    "representation_not_verified": gettext_lazy(
        "The registry could not confirm that you may act for this person, so it gave none of their "
        "data. Type the details in the form (the official checks them), or upload a document."
    ),
}

REGISTRY_ONLY_DECLINED = gettext_lazy(
    "This data can only come from the registry: give your consent to fetch it, "
    "or the application cannot go on."
)


@dataclass
class FetchedValue:
    label: str
    value: str


@dataclass(frozen=True)
class WalletChoice:
    """A document of the applicant's data wallet that a component could take (one click)."""

    id: str
    title: str
    issuer: str
    issued_on: datetime.date | None
    validity: str
    validity_label: str
    usable: bool  # neither revoked nor expired
    chosen: bool


def wallet_choices(
    actor: RequestActor | None, draft: Draft, result_type: str, chosen: str = ""
) -> list[WalletChoice]:
    """The documents of the draft's applicant in the actor's wallet of ``result_type``."""
    from motcua.documents import selectors as documents

    choices = []
    for item in documents.wallet_matches(actor, owner_id=draft.applicant_id, document_type=result_type):
        validity = documents.validity_of(item)
        choices.append(
            WalletChoice(
                id=str(item.public_id),
                title=item.title,
                issuer=item.issuer,
                issued_on=item.issued_on,
                validity=str(validity),
                validity_label=str(documents.VALIDITY_LABELS[validity]),
                usable=validity == documents.Validity.VALID,
                chosen=str(item.public_id) == chosen,
            )
        )
    return choices


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
    error: str = ""  # what keeps it from being submitted, after a submission attempt
    registry_only: bool = False  # a data component with ``fallback: none``: no upload can replace it
    result_type: str = ""  # the result type a wallet document must have to be taken for it
    wallet_item: str = ""  # the wallet document taken for it
    wallet_only: bool = False  # a wallet component with ``fallback: none``: no upload can replace it
    wallet_choices: list[WalletChoice] = field(default_factory=list)  # the matching wallet documents
    refusal: str = ""  # the registry's refusal code (state "refused"), e.g. "not_related"
    # active content the platform took out of the uploaded PDF, and the sentence saying so
    removed_content: list[str] = field(default_factory=list)
    notice: str = ""

    @property
    def may_upload(self) -> bool:
        if self.wallet_only or (self.registry_only and self.refusal not in RELATION_REFUSALS):
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
        commune = units.find_commune(value)
        if commune is not None:
            commune_name = localised({"vi": commune.full_name, "en": commune.full_name_en})
            province = commune.province
            province_name = localised({"vi": province.full_name, "en": province.full_name_en})
            return f"{commune_name}, {province_name} ({value})"
    return _text(value)


def _when(iso: str) -> datetime.datetime | None:
    """The stored ISO time of a fetch (aware; templates show it in local time)."""
    return parse_datetime(iso) if iso else None


@dataclass(frozen=True)
class FeeView:
    """The fee as a page shows it: ``text`` the amount (or that there is none, or that the agency
    sets it), ``note`` how it is set or what it still depends on; ``problem`` when the values
    entered give no fee."""

    amount_vnd: int | None
    kind: str
    text: str
    note: str = ""
    problem: bool = False


def fee_text(amount_vnd: int | None) -> str:
    if amount_vnd is None:
        return _("Set by the agency")
    return format_vnd(amount_vnd) if amount_vnd else _("No fee")


def _titles(spec: Mapping[str, Any], names: list[str]) -> str:
    properties = spec.get("form", {}).get("properties", {})
    return ", ".join(field_title(properties.get(name, {})) or name for name in names)


def draft_fee(draft: Draft) -> FeeView:
    """The fee the draft would be charged if submitted today with the values it shows (a field
    not yet saved counts with its default, as the form shows it)."""
    spec = draft.procedure.spec
    properties = spec.get("form", {}).get("properties", {})
    defaults = {name: prop["default"] for name, prop in properties.items() if "default" in prop}
    entries = {**defaults, **draft.entries, **prefilled_values(draft)}
    preview = decisions.fee_preview(spec, entries, on=timezone.localdate())
    if preview.problem:
        return FeeView(None, preview.kind, _("Not set"), preview.problem, problem=True)
    if preview.waiting_for:
        note = _("Set once you fill in: %(fields)s.") % {"fields": _titles(spec, preview.waiting_for)}
        return FeeView(None, preview.kind, _("Not set yet"), note)
    note = ""
    if preview.kind == "dmn":
        note = _("Set by the procedure's fee rules from: %(fields)s.") % {
            "fields": _titles(spec, decisions.fee_fields(spec))
        }
    elif preview.amount_vnd is None:
        note = _("The catalog does not state this procedure's fee; the agency tells you.")
    return FeeView(preview.amount_vnd, preview.kind, fee_text(preview.amount_vnd), note)


@dataclass(frozen=True)
class LaterMemberForm:
    """The fields a later member of an interconnected application needs from the applicant."""

    procedure_code: str
    procedure_name: str
    fields: list[FormField]  # named <procedure>__<field>


@dataclass
class DraftView:
    draft: Draft
    sources: list[DataSource]
    components: list[ComponentView]
    fields: list[FormField]
    fee: FeeView
    later_members: list[LaterMemberForm] = field(default_factory=list)

    @property
    def pending_consent(self) -> bool:
        return any(c.state == ComponentState.AWAITING_CONSENT for c in self.components)

    @property
    def failed(self) -> list[ComponentView]:
        return [c for c in self.components if c.may_retry]


def draft_view(
    draft: Draft,
    *,
    errors: dict[str, str] | None = None,
    component_errors: dict[str, str] | None = None,
    actor: RequestActor | None = None,
) -> DraftView:
    """What a draft's page and API show; with ``actor``, each wallet component also lists the
    matching documents of the actor's wallet (``wallet_choices``)."""
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
            error=(component_errors or {}).get(component_id, ""),
            result_type=str(raw.get("result_type", "")),
            wallet_item=str(entry.get("wallet_item", "")),
            wallet_only=raw["kind"] == "wallet" and raw.get("fallback") == "none",
        )
        if state == ComponentState.UPLOADED and entry.get("removed_content"):
            view.removed_content = list(entry["removed_content"])
            view.notice = removal_notice(view.removed_content)
        if view.result_type and actor is not None:
            view.wallet_choices = wallet_choices(actor, draft, view.result_type, view.wallet_item)
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
            if refused_for_relation(entry):
                view.refusal = str(entry.get("error", ""))
                if state == ComponentState.REFUSED:
                    view.message = str(REFUSAL_MESSAGES[view.refusal])
            elif state == ComponentState.REFUSED:
                view.refusal = str(entry.get("error", ""))
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
    return DraftView(
        draft=draft,
        sources=sources,
        components=components,
        fields=fields,
        fee=draft_fee(draft),
        later_members=_later_forms(draft, errors),
    )


def _later_forms(draft: Draft, errors: Mapping[str, str] | None) -> list[LaterMemberForm]:
    from motcua.dossiers import bundles

    forms = []
    for member in bundles.later_members(draft):
        code = member.procedure.code
        prefix = f"{code}{bundles.SEPARATOR}"
        later = bundles.later_fields(member)
        required = set(member.procedure.spec.get("form", {}).get("required", []))
        spec = {
            "form": {
                "properties": {prefix + name: prop for name, prop in later.items()},
                "required": [prefix + name for name in later if name in required],
            }
        }
        entries = {prefix + name: value for name, value in draft.bundle_entries.get(code, {}).items()}
        forms.append(
            LaterMemberForm(
                procedure_code=code,
                procedure_name=localised({"vi": member.procedure.name_vi, "en": member.procedure.name_en}),
                fields=form_fields(spec, entries, prefilled={}, errors=errors or {}),
            )
        )
    return forms


# --- Submitted dossiers ------------------------------------------------------------------------


def dossiers_of(actor: RequestActor | None) -> QuerySet[Dossier]:
    """An applicant sees the dossiers they submitted and those submitted for them; an official or
    an agency system, the dossiers of the agencies in their scope (``identity.selectors.agency_scope``)."""
    base = Dossier.objects.select_related("procedure", "applicant", "submitted_by", "received_by")
    if isinstance(actor, ApplicantActor):
        mine = Q(submitted_by_id=actor.applicant_id) | Q(applicant_id=actor.applicant_id)
        return base.filter(mine).order_by("-submitted_at", "-id")
    if isinstance(actor, AgencyActor):
        codes = identity.visible_agencies(actor).values("code")
        return base.filter(agency_code__in=codes).order_by("-submitted_at", "-id")
    return Dossier.objects.none()


def get_dossier(actor: RequestActor | None, code: str, *, for_update: bool = False) -> Dossier:
    """The dossier ``code`` if the actor may see it; ``for_update`` locks its row (only its row)
    until the caller's transaction ends."""
    found = dossiers_of(actor).filter(code=code)
    if for_update:
        found = found.select_for_update(of=("self",))
    dossier = found.first()
    if dossier is None:
        raise NotFound(_("No such dossier."))
    return dossier


def get_dossier_file(actor: RequestActor | None, code: str, file_public_id: uuid.UUID | str) -> StoredFile:
    """A file attached to a dossier the actor may see, or its signed result (an official reads the
    scans, uploads and result of their agencies' dossiers this way; applicants read their own
    files through ``documents``)."""
    dossier = get_dossier(actor, code)
    attached = {str(entry.get("file")) for entry in dossier.components.values() if entry.get("file")}
    issued = ResultDocument.objects.filter(dossier=dossier).values_list("file__public_id", flat=True).first()
    if issued is not None:
        attached.add(str(issued))
    if str(file_public_id) not in attached:
        raise NotFound(_("No such file."))
    stored = StoredFile.objects.filter(public_id=str(file_public_id), owner_id=dossier.applicant_id).first()
    if stored is None:
        raise NotFound(_("No such file."))
    return stored


def dossier_from_draft(actor: RequestActor | None, draft_public_id: uuid.UUID | str) -> Dossier | None:
    """The actor's dossier that the draft ``draft_public_id`` became, if it was submitted."""
    try:
        key = uuid.UUID(str(draft_public_id))
    except ValueError:
        return None
    return dossiers_of(actor).filter(draft_public_id=key).first()


def draft_discarded_by(actor: RequestActor | None, draft_public_id: uuid.UUID | str) -> bool:
    """Whether ``actor`` discarded the draft ``draft_public_id`` (its audit entry says so): a
    repeated discard is then answered as done, never with another actor's draft."""
    if not isinstance(actor, ApplicantActor):
        return False
    try:
        key = uuid.UUID(str(draft_public_id))
    except ValueError:
        return False
    return (
        audit_trail_for_subject(subject_type="dossiers.draft", subject_id=str(key))
        .filter(type=EventType.DRAFT_DISCARDED, actor_id=actor.actor_id)
        .exists()
    )


@dataclass(frozen=True)
class DataUseReference:
    """What an application named in a person's access log is, as "who used my data" shows it."""

    code: str  # the dossier's code once submitted ("" while it is a draft)
    own_dossier: bool  # the reader's own dossier (submitted by or for them): linked
    own_draft: bool  # the reader's own draft, not submitted yet: linked


def data_use_references(actor: RequestActor | None, refs: Iterable[str]) -> dict[str, DataUseReference]:
    """For the dossier references of the reader's access log (a draft's id, or a dossier's code):
    the dossier code of each application that was submitted, whoever's it is (a person has the
    right to know which dossier used their data; the code alone opens nothing), and whether the
    dossier or draft is the reader's own. Only references the registries' log of the reader's
    own data named are looked up."""
    if not isinstance(actor, ApplicantActor):
        return {}
    drafts: dict[uuid.UUID, str] = {}
    codes: set[str] = set()
    for ref in refs:
        try:
            drafts[uuid.UUID(ref)] = ref
        except ValueError:
            if ref:
                codes.add(ref)
    submitted = {
        str(draft_id): code
        for draft_id, code in Dossier.objects.filter(draft_public_id__in=list(drafts)).values_list(
            "draft_public_id", "code"
        )
    }
    submitted.update(
        {code: code for code in Dossier.objects.filter(code__in=codes).values_list("code", flat=True)}
    )
    own_codes = set(dossiers_of(actor).filter(code__in=submitted.values()).values_list("code", flat=True))
    own_drafts = {
        str(public_id)
        for public_id in drafts_of(actor)
        .filter(public_id__in=list(drafts))
        .values_list("public_id", flat=True)
    }
    return {
        ref: DataUseReference(
            code=submitted.get(ref, ""),
            own_dossier=submitted.get(ref, "") in own_codes,
            own_draft=ref in own_drafts,
        )
        for ref in [*drafts.values(), *codes]
    }


@dataclass(frozen=True)
class DossierComponentView:
    id: str
    name: str
    kind: str
    provenance: str
    provenance_label: str
    registry_label: str
    fetched_at: datetime.datetime | None
    file: str
    values: list[FetchedValue]
    scanned_by: str = ""  # the official who scanned the paper document (provenance scan)
    scanned_at: datetime.datetime | None = None
    # provenance wallet: the document taken from the applicant's data wallet, as it was then,
    # and its standing now (a result may have been revoked since)
    wallet_title: str = ""
    wallet_issuer: str = ""
    wallet_issued_on: datetime.date | None = None
    wallet_number: str = ""
    wallet_validity: str = ""
    wallet_validity_label: str = ""
    # active content the platform took out of the file before keeping it (ADR 0024)
    removed_content: list[str] = field(default_factory=list)
    notice: str = ""


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    agency_name: str
    commune_name: str
    status_label: str
    channel_label: str
    components: list[DossierComponentView]
    received_by: str  # the reception officer (counter and post), "" online
    identity_check_label: str
    answers: list[FetchedValue]  # the form as submitted, as a person reads it
    lookup_pin: str
    fee_label: str  # the fee set at submission ("No fee", an amount, or set by the agency)


def _agency_name(code: str) -> str:
    return units.agency_name(code)


def _wallet_facts(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A component taken from the data wallet: what it was, and whether it still stands."""
    if entry.get("provenance") != "wallet":
        return {}
    from motcua.documents import selectors as documents
    from motcua.documents.models import WalletItem

    item = WalletItem.objects.select_related("result").filter(public_id=str(entry.get("wallet_item"))).first()
    validity = documents.validity_of(item) if item is not None else None
    issued = str(entry.get("issued_on", ""))
    return {
        "wallet_title": str(entry.get("title", "")),
        "wallet_issuer": str(entry.get("issuer", "")),
        "wallet_issued_on": datetime.date.fromisoformat(issued) if _ISO_DATE.match(issued) else None,
        "wallet_number": str(entry.get("result", "")),
        "wallet_validity": str(validity or ""),
        "wallet_validity_label": str(documents.VALIDITY_LABELS[validity]) if validity else "",
    }


def dossier_view(dossier: Dossier) -> DossierView:
    spec = dossier.procedure.spec
    by_id = {source.component_id: source for source in data_sources(dossier.procedure)}
    scanner_ids = {
        entry.get("scanned_by") for entry in dossier.components.values() if entry.get("scanned_by")
    }
    scanners = (
        dict(User.objects.filter(pk__in=scanner_ids).values_list("pk", "full_name")) if scanner_ids else {}
    )
    components = []
    for component in spec.get("components", []):
        component_id = str(component["id"])
        entry = dossier.components.get(component_id)
        if entry is None:
            continue
        source = by_id.get(component_id)
        values = (
            _values(dossier.fetched[component_id], source.fields)
            if source is not None and component_id in dossier.fetched
            else []
        )
        components.append(
            DossierComponentView(
                id=component_id,
                name=localised(component.get("name", {})),
                kind=str(component["kind"]),
                provenance=str(entry.get("provenance", "")),
                provenance_label=label_for("provenance", str(entry.get("provenance", ""))),
                registry_label=label_for("registry", str(entry.get("registry", "")))
                if entry.get("registry")
                else "",
                fetched_at=_when(str(entry.get("fetched_at", ""))),
                file=str(entry.get("file", "")),
                values=values,
                scanned_by=scanners.get(entry.get("scanned_by"), ""),
                scanned_at=_when(str(entry.get("scanned_at", ""))),
                removed_content=list(entry.get("removed_content", [])),
                notice=removal_notice(entry.get("removed_content", [])),
                **_wallet_facts(entry),
            )
        )
    commune = units.find_commune(dossier.commune_code)
    return DossierView(
        dossier=dossier,
        agency_name=_agency_name(dossier.agency_code),
        commune_name=commune.full_name if commune is not None else dossier.commune_code,
        status_label=label_for("dossier_status", dossier.status),
        channel_label=label_for("channel", dossier.channel),
        components=components,
        received_by=dossier.received_by.full_name if dossier.received_by else "",
        identity_check_label=label_for("identity_check", dossier.identity_check)
        if dossier.identity_check
        else "",
        answers=[
            FetchedValue(field.label, _text(field.value) if field.kind == "date" else field.display)
            for field in form_fields(spec, dossier.entries, prefilled={}, errors={})
            if field.display
        ],
        lookup_pin=lookup_pin(dossier.code),
        fee_label=fee_text(dossier.fee_vnd),
    )


# --- Public status lookup ----------------------------------------------------------------------


def lookup_pin(code: str) -> str:
    """The 8-digit PIN printed on the receipt: derived from the code with a server secret, so it
    needs no storage and cannot be guessed from the code."""
    key = hmac.new(settings.SECRET_KEY.encode(), b"motcua dossier lookup pin", hashlib.sha256).digest()
    number = int.from_bytes(hmac.new(key, code.encode(), hashlib.sha256).digest()[:8], "big")
    return f"{number % 100_000_000:08d}"


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code and the second factor may learn: no personal data."""

    code: str
    procedure_name: str
    agency_name: str
    status: str
    status_label: str
    received_at: datetime.datetime
    due_on: datetime.date | None


def public_status(code: str, second_factor: str) -> PublicStatus:
    """The status of the dossier ``code`` if ``second_factor`` is its receipt PIN or the
    applicant's personal ID number (or enterprise code); ``NotFound`` otherwise, the same for a
    wrong code and a wrong factor."""
    factor = "".join(second_factor.split())
    dossier = (
        Dossier.objects.select_related("procedure", "applicant").filter(code=code.strip()).first()
        if factor
        else None
    )
    if dossier is None:
        raise NotFound(str(LOOKUP_NOT_FOUND))
    known = [
        lookup_pin(dossier.code),
        dossier.applicant.personal_id or "",
        dossier.applicant.enterprise_code or "",
    ]
    if not any(value and hmac.compare_digest(value, factor) for value in known):
        raise NotFound(str(LOOKUP_NOT_FOUND))
    return PublicStatus(
        code=dossier.code,
        procedure_name=localised({"vi": dossier.procedure.name_vi, "en": dossier.procedure.name_en}),
        agency_name=_agency_name(dossier.agency_code),
        status=dossier.status,
        status_label=label_for("dossier_status", dossier.status),
        received_at=dossier.received_at,
        due_on=dossier.due_on,
    )


LOOKUP_NOT_FOUND = gettext_lazy(
    "No dossier matches this code and this number. Check both as printed on your receipt."
)


class LookupBlocked(MotcuaError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too many unsuccessful lookups from your address. Try again later."))
        self.retry_after = retry_after


def throttled_public_status(address: str, code: str, second_factor: str) -> PublicStatus:
    """``public_status``, refused for an address after too many misses (the per-address request
    rate of public lookups applies on top, in the rate-limit middleware)."""
    rates = [ratelimit.configured_rate("lookup_failures_address")]
    verdict = ratelimit.is_blocked("dossier_lookup", address, rates)
    if not verdict.allowed:
        raise LookupBlocked(verdict.retry_after)
    try:
        return public_status(code, second_factor)
    except NotFound:
        ratelimit.record_failure("dossier_lookup", address, rates)
        raise


# --- Officials' inbox --------------------------------------------------------------------------

# what a list row (page and API) shows: loading whole rows decoded every row's JSON and six
# timestamps, and built the procedure (spec and all), the applicant and the assignee in full
INBOX_ROW_FIELDS = (
    "code",
    "procedure__code",
    "procedure__name_vi",
    "procedure__name_en",
    "applicant__public_id",
    "applicant__name",
    "assignee__username",
    "agency_code",
    "commune_code",
    "channel",
    "status",
    "step",
    "submitted_at",
    "received_at",
    "due_on",
    "original_due_on",
    "paused_since",
    "fee_vnd",
)


class Deadline(StrEnum):
    OVERDUE = "overdue"  # open after its appointment date
    DUE_SOON = "due_soon"  # open, due today or on the next working day
    ON_TIME = "on_time"
    PAUSED = "paused"  # waiting for the applicant's supplement: the clock stands still
    NONE = "none"  # closed, or no statutory time


def deadline_of(dossier: Dossier, today: datetime.date, soon: datetime.date) -> Deadline:
    """``soon``: the last day that counts as due soon (the next working day after ``today``)."""
    if dossier.status not in OPEN_STATUSES or dossier.due_on is None:
        return Deadline.NONE
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        return Deadline.PAUSED
    if dossier.due_on < today:
        return Deadline.OVERDUE
    if dossier.due_on <= soon:
        return Deadline.DUE_SOON
    return Deadline.ON_TIME


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox, its texts ready (a page of 50 rows renders without lookups)."""

    dossier: Dossier
    code: str
    deadline: Deadline
    status_label: str
    procedure_name: str
    applicant_name: str
    received: str
    due: str
    step_label: str
    assignee: str  # the username of the official who took it, or ""


def _inbox_row(dossier: Dossier, deadline: Deadline) -> InboxRow:
    procedure = dossier.procedure
    return InboxRow(
        dossier=dossier,
        code=dossier.code,
        deadline=deadline,
        status_label=label_for("dossier_status", dossier.status),
        procedure_name=localised({"vi": procedure.name_vi, "en": procedure.name_en}),
        applicant_name=dossier.applicant.name,
        # the pages write dates as day/month/year in both languages; strftime is 10× date_format
        received=f"{timezone.localtime(dossier.received_at):%d/%m/%Y %H:%M}",
        due=f"{dossier.due_on:%d/%m/%Y}" if dossier.due_on else "—",
        step_label=label_for("step", dossier.step),
        assignee=dossier.assignee.username if dossier.assignee else "",
    )


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    total: int  # matching the filters
    by_status: dict[str, int]  # open dossiers per status in the actor's scope, ignoring the filters
    overdue: int
    due_soon: int


# which role acts on which step (the lanes of workflow/processes/onestop.bpmn; a test keeps the two equal)
STEP_ROLES: dict[str, str] = {
    Step.RECEPTION: Role.RECEPTION,
    Step.HANDLING: Role.HANDLER,
    Step.APPROVAL: Role.APPROVER,
    Step.RESULT_RETURN: Role.RECEPTION,
}


def my_queue(actor: AgencyActor) -> Q:
    """The dossiers waiting on a step one of the actor's roles acts on, at that role's agency."""
    queue = Q(pk__in=[])
    for grant in actor.grants:
        steps = [step for step, role in STEP_ROLES.items() if role == grant.role]
        if steps and grant.agency_code:
            queue |= Q(agency_code=grant.agency_code, step__in=steps)
    return queue


def inbox(
    actor: RequestActor | None,
    *,
    status: str = "",
    procedure: str = "",
    agency: str = "",
    deadline: str = "",
    step: str = "",
    queue: str = "",
    limit: int = 50,
    offset: int = 0,
    today: datetime.date | None = None,
) -> Inbox:
    """The dossiers an official may see, with counts and deadline flags, most urgent first
    (earliest appointment date, then oldest). By default the open ones (received, supplement
    requested, processed and awaiting return); ``status`` picks one status, or ``all``; ``step``
    one step; ``queue="mine"`` the steps the official's roles act on, ``queue="taken"`` the
    dossiers the official has taken."""
    scoped = dossiers_of(actor).select_related(None).order_by()
    day = today or timezone.localdate()
    soon = WorkingCalendar.current().add_working_days(day, 1)
    running = ~Q(status=DossierStatus.SUPPLEMENT_REQUESTED)  # a paused clock is neither late nor due
    is_overdue = Q(due_on__lt=day) & running
    is_due_soon = Q(due_on__gte=day, due_on__lte=soon) & running
    # All the counts in one statement over the open dossiers only (closed ones pile up forever,
    # the work queue does not), which PostgreSQL answers from the partial index of open dossiers
    # alone (``dossiers_inbox_open_idx``): no COUNT(id), so no row is read.
    open_ = scoped.filter(status__in=OPEN_STATUSES)
    counted = open_.values("status").annotate(
        # due_on: a column of the index, and never null where either filter holds
        n=Count("*"),
        overdue=Count("due_on", filter=is_overdue),
        due_soon=Count("due_on", filter=is_due_soon),
    )
    groups = list(counted)
    by_status = {row["status"]: row["n"] for row in groups}
    total: int | None = None
    if status == "all":
        filtered = scoped
    elif status:
        filtered = scoped.filter(status=status)
        if status in OPEN_STATUSES:
            total = by_status.get(status, 0)
    else:
        filtered = open_  # by default, the work queue
        total = sum(by_status.values())
    if procedure:
        filtered = filtered.filter(procedure__code=procedure)
    if agency:
        filtered = filtered.filter(agency_code=agency)
    if step:
        filtered = filtered.filter(step=step)
    if queue == "mine" and isinstance(actor, AgencyActor):
        filtered = filtered.filter(my_queue(actor))
    elif queue == "taken" and isinstance(actor, OfficialActor):
        filtered = filtered.filter(assignee_id=actor.user_id)
    elif queue == "taken":  # an agency system takes no dossier as its own work
        filtered = filtered.none()
    if deadline == Deadline.OVERDUE:
        filtered = filtered.filter(is_overdue, status__in=OPEN_STATUSES)
    elif deadline == Deadline.DUE_SOON:
        filtered = filtered.filter(is_due_soon, status__in=OPEN_STATUSES)
    if procedure or agency or step or queue or deadline:
        total = None  # narrower than what the counts counted
    # the page's ids first, ordered from the index alone (id is its last column but one), then
    # those rows: sorting whole rows (JSON and all) of a province's dossiers was most of the time
    ordered = filtered.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")
    ids = list(ordered.values_list("id", flat=True)[offset : offset + limit])
    rows = (
        Dossier.objects.filter(id__in=ids)  # ids from the scoped query: in scope
        .select_related("procedure", "applicant", "assignee")
        .only(*INBOX_ROW_FIELDS)
    )
    by_id = {d.id: d for d in rows}
    page = [by_id[pk] for pk in ids]
    return Inbox(
        rows=[_inbox_row(d, deadline_of(d, day, soon)) for d in page],
        total=filtered.count() if total is None else total,
        by_status=by_status,
        overdue=sum(row["overdue"] for row in groups),
        due_soon=sum(row["due_soon"] for row in groups),
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    what: str
    actor_kind: str


def dossier_history(dossier: Dossier) -> list[HistoryEntry]:
    """What happened to the dossier, oldest first (from the audit log; the caller has already
    checked that the actor may see the dossier)."""
    return [
        HistoryEntry(entry.occurred_at, label_for("event_type", entry.type), entry.actor_kind)
        for entry in audit_trail_for_subject(subject_type="dossiers.dossier", subject_id=dossier.code)
    ]


# --- Processing: what an actor may do now, and the notices -----------------------------------------


@dataclass(frozen=True)
class Actions:
    """What the actor may do with the dossier now (the pages show these buttons, no others)."""

    step_role: str  # the role acting on the current step ("" when none)
    decisions: tuple[str, ...]  # on the current step, for an official holding its role
    may_claim: bool
    may_assign: bool
    may_apologise: bool
    may_supplement: bool  # the applicant answers a supplement request
    may_withdraw: bool
    assignable: tuple[tuple[int, str], ...] = ()  # (user id, username) of those holding the step's role


def available_actions(
    actor: RequestActor | None, dossier: Dossier, *, today: datetime.date | None = None
) -> Actions:
    """Computed from the same rules the services enforce; the services check again."""
    from motcua.identity.models import RoleAssignment

    day = today or timezone.localdate()
    role = STEP_ROLES.get(dossier.step, "")
    is_open = dossier.step != Step.DONE
    if isinstance(actor, ApplicantActor):
        return Actions(
            step_role=role,
            decisions=(),
            may_claim=False,
            may_assign=False,
            may_apologise=False,
            may_supplement=dossier.step in (Step.SUPPLEMENT_AT_RECEPTION, Step.SUPPLEMENT_AT_HANDLING),
            may_withdraw=dossier.status in (DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED),
        )
    if not isinstance(actor, AgencyActor) or not is_open:
        return Actions(role, (), False, False, False, False, False)
    agency = dossier.agency_code
    acts = bool(role) and actor.has_role(role, agency_code=agency)
    is_person = isinstance(actor, OfficialActor)
    free_or_mine = dossier.assignee_id is None or (
        isinstance(actor, OfficialActor) and dossier.assignee_id == actor.user_id
    )
    decisions: tuple[str, ...] = ()
    if acts and free_or_mine and dossier.process is not None:
        from motcua.workflow import engine

        for ready in engine.steps(dossier.process):
            if ready.name == dossier.step:
                decisions = ready.decisions
        if dossier.supplement_requests >= 1:
            decisions = tuple(d for d in decisions if d != "supplement")
    # work is taken by and given to people: an agency system neither claims nor assigns
    may_assign = (
        is_person
        and bool(role)
        and any(actor.has_role(r, agency_code=agency) for r in (Role.APPROVER, Role.AGENCY_ADMIN))
    )
    assignable: tuple[tuple[int, str], ...] = ()
    if may_assign:
        assignable = tuple(
            RoleAssignment.objects.filter(role=role, agency__code=agency, revoked_at__isnull=True)
            .order_by("user__username")
            .values_list("user_id", "user__username")
        )
    late_or_soon = (
        dossier.due_on is not None
        and dossier.status != DossierStatus.SUPPLEMENT_REQUESTED
        and dossier.due_on <= WorkingCalendar.current().add_working_days(day, 1)
    )
    return Actions(
        step_role=role,
        decisions=decisions,
        may_claim=is_person and acts and dossier.assignee_id is None,
        may_assign=may_assign,
        may_apologise=late_or_soon
        and any(actor.has_role(r, agency_code=agency) for r in (Role.HANDLER, Role.APPROVER)),
        may_supplement=False,
        may_withdraw=False,
        assignable=assignable,
    )


@dataclass(frozen=True)
class NoticeView:
    notice: Notice
    form_label: str
    step_label: str
    items: list[str]  # what is asked for (form 02), by name
    issued_by: str  # the agency's name: the applicant is not told which official


def notices_of(dossier: Dossier) -> list[NoticeView]:
    """The notices about the dossier, oldest first (the caller has checked that the actor sees it)."""
    spec = dossier.procedure.spec
    names = {str(c["id"]): localised(c.get("name", {})) or str(c["id"]) for c in spec.get("components", [])}
    titles = {
        name: field_title(prop) or name for name, prop in spec.get("form", {}).get("properties", {}).items()
    }
    views = []
    for notice in dossier.notices.order_by("issued_at", "id"):
        items = [
            names.get(i["component"], i["component"])
            if "component" in i
            else titles.get(i["field"], i["field"])
            for i in notice.items
        ]
        views.append(
            NoticeView(
                notice=notice,
                form_label=label_for("notice_form", notice.form),
                step_label=label_for("step", notice.step),
                items=items,
                issued_by=_agency_name(notice.agency_code),
            )
        )
    return views


@dataclass(frozen=True)
class SupplementItem:
    id: str  # a component id or a field name
    name: str
    title: str = ""
    value: str = ""
    error: str = ""


@dataclass(frozen=True)
class SupplementRequest:
    components: list[SupplementItem]
    fields: list[SupplementItem]


def supplement_request(
    dossier: Dossier,
    *,
    values: Mapping[str, Any] | None = None,
    field_errors: Mapping[str, str] | None = None,
    component_errors: Mapping[str, str] | None = None,
) -> SupplementRequest | None:
    """What the open form 02 asks for, ready for the applicant's form (``None`` when nothing is
    asked). ``values`` are what the applicant typed, shown again after an error."""
    if dossier.step not in (Step.SUPPLEMENT_AT_RECEPTION, Step.SUPPLEMENT_AT_HANDLING):
        return None
    request = dossier.notices.filter(form="02").order_by("-issued_at", "-id").first()
    if request is None:
        return None
    spec = dossier.procedure.spec
    names = {str(c["id"]): localised(c.get("name", {})) or str(c["id"]) for c in spec.get("components", [])}
    props = spec.get("form", {}).get("properties", {})
    typed = values or {}
    errors_f, errors_c = field_errors or {}, component_errors or {}
    components = [
        SupplementItem(
            id=i["component"],
            name=names.get(i["component"], i["component"]),
            error=errors_c.get(i["component"], ""),
        )
        for i in request.items
        if "component" in i
    ]
    fields = [
        SupplementItem(
            id=i["field"],
            name=i["field"],
            title=field_title(props.get(i["field"], {})) or i["field"],
            value=str(typed.get(i["field"], dossier.entries.get(i["field"], "")) or ""),
            error=errors_f.get(i["field"], ""),
        )
        for i in request.items
        if "field" in i
    ]
    return SupplementRequest(components=components, fields=fields)


# --- Interconnected applications ---------------------------------------------------------------


def bundle_applications_of(actor: RequestActor | None) -> QuerySet[BundleApplication]:
    """An applicant's interconnected applications (made by them or for them)."""
    if not isinstance(actor, ApplicantActor):
        return BundleApplication.objects.none()
    mine = Q(submitted_by_id=actor.applicant_id) | Q(applicant_id=actor.applicant_id)
    return BundleApplication.objects.filter(mine).order_by("-created_at", "-id")


def get_bundle_application(actor: RequestActor | None, public_id: uuid.UUID | str) -> BundleApplication:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such application.")) from None
    found = bundle_applications_of(actor).filter(public_id=key).first()
    if found is None:
        raise NotFound(_("No such application."))
    return found


@dataclass(frozen=True)
class BundleMemberView:
    procedure_code: str
    procedure_name: str
    dossier_code: str  # "" until the member's dossier exists
    status: str  # the dossier's status, or "" while it waits for the members before it
    status_label: str
    agency_name: str
    due_on: datetime.date | None
    waiting_for: list[str]  # the names of the members it follows


@dataclass(frozen=True)
class BundleView:
    application: BundleApplication
    name: str
    members: list[BundleMemberView]
    complete: bool  # every chosen member has its result


def bundle_view(application: BundleApplication) -> BundleView:
    from motcua.catalog import selectors as catalog

    bundle = catalog.get_bundle(application.bundle_code)
    dossiers = {
        d.procedure.code: d
        for d in Dossier.objects.filter(bundle_application=application).select_related("procedure")
    }
    members = [m for m in catalog.bundle_members(bundle) if m.procedure.code in application.members]
    names = {
        m.procedure.code: localised({"vi": m.procedure.name_vi, "en": m.procedure.name_en}) for m in members
    }
    views = []
    for member in members:
        code = member.procedure.code
        dossier = dossiers.get(code)
        views.append(
            BundleMemberView(
                procedure_code=code,
                procedure_name=names[code],
                dossier_code=dossier.code if dossier else "",
                status=dossier.status if dossier else "",
                status_label=label_for("dossier_status", dossier.status) if dossier else _("Waiting"),
                agency_name=_agency_name(dossier.agency_code) if dossier else "",
                due_on=dossier.due_on if dossier else None,
                waiting_for=[names.get(after, after) for after in member.after] if dossier is None else [],
            )
        )
    done = (DossierStatus.PROCESSED, DossierStatus.RESULT_RETURNED)
    return BundleView(
        application=application,
        name=localised({"vi": bundle.name_vi, "en": bundle.name_en}),
        members=views,
        complete=all(v.status in done for v in views),
    )
