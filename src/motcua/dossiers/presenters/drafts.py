"""What a draft's page and API show (view-models): every component with its source and state, the
fetched data marked with its registry, the form with the prefilled fields, the fee, and the
later members of an interconnected application. The draft itself is read through
``selectors.drafts``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog import decisions
from motcua.catalog.labels import label_for, localised
from motcua.catalog.models import Bundle
from motcua.catalog.selectors import definition
from motcua.catalog.typed import FormSpec, ProcedureDefinition
from motcua.documents.pdf_safety import removal_notice
from motcua.dossiers.forms import FormField, SourceMark, field_title, form_fields
from motcua.dossiers.models import (
    RELATION_REFUSALS,
    ComponentState,
    Draft,
    refused_for_relation,
)
from motcua.dossiers.presenters.common import FetchedValue, fee_text, fetched_time, values_of
from motcua.dossiers.selectors.drafts import drafts_of, prefilled_values
from motcua.exchange.sources import DataSource, data_sources, prefills, value_at
from motcua.identity.actors import RequestActor


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
                title=documents.item_title(item),
                issuer=documents.item_issuer(item),
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


def _titles(spec: ProcedureDefinition, names: list[str]) -> str:
    return ", ".join(field_title(spec.fields.get(name)) or name for name in names)


def draft_fee(draft: Draft) -> FeeView:
    """The fee the draft would be charged if submitted today with the values it shows (a field
    not yet saved counts with its default, as the form shows it)."""
    spec = definition(draft.procedure)
    defaults = {name: prop.default for name, prop in spec.fields.items() if prop.default is not None}
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
    spec = definition(draft.procedure)
    sources = data_sources(draft.procedure)
    by_id = {source.component_id: source for source in sources}
    components = []
    for raw in spec.components:
        component_id = raw.id
        entry = draft.components.get(component_id, {})
        state = str(entry.get("state", ComponentState.MISSING))
        view = ComponentView(
            id=component_id,
            name=localised(raw.name),
            kind=raw.kind,
            required=raw.required,
            state=state,
            message=str(STATE_MESSAGES.get(ComponentState(state), "")),
            file=str(entry.get("file", "")),
            error=(component_errors or {}).get(component_id, ""),
            result_type=raw.result_type,
            wallet_item=str(entry.get("wallet_item", "")),
            wallet_only=raw.kind == "wallet" and raw.fallback == "none",
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
            view.fetched_at = fetched_time(str(entry.get("fetched_at", "")))
            if component_id in draft.fetched:
                view.values = values_of(draft.fetched[component_id], source.fields)
        components.append(view)
    prefilled: dict[str, tuple[Any, SourceMark]] = {}
    for prefill in prefills(spec, sources):
        if prefill.component_id in draft.fetched:
            entry = draft.components.get(prefill.component_id, {})
            prefilled[prefill.form_field] = (
                value_at(draft.fetched[prefill.component_id], prefill.path),
                SourceMark(
                    label_for("registry", prefill.registry), fetched_time(str(entry.get("fetched_at", "")))
                ),
            )
    fields = form_fields(spec.form, draft.entries, prefilled=prefilled, errors=errors or {})
    return DraftView(
        draft=draft,
        sources=sources,
        components=components,
        fields=fields,
        fee=draft_fee(draft),
        later_members=_later_forms(draft, errors),
    )


def _later_forms(draft: Draft, errors: Mapping[str, str] | None) -> list[LaterMemberForm]:
    from motcua.dossiers.services import bundles as bundle_services

    forms = []
    for member in bundle_services.later_members(draft):
        code = member.procedure.code
        prefix = f"{code}{bundle_services.SEPARATOR}"
        later = bundle_services.later_fields(member)
        required = set(definition(member.procedure).required_fields)
        form = FormSpec(
            properties={prefix + name: prop for name, prop in later.items()},
            required=tuple(prefix + name for name in later if name in required),
        )
        entries = {prefix + name: value for name, value in draft.bundle_entries.get(code, {}).items()}
        forms.append(
            LaterMemberForm(
                procedure_code=code,
                procedure_name=localised({"vi": member.procedure.name_vi, "en": member.procedure.name_en}),
                fields=form_fields(form, entries, prefilled={}, errors=errors or {}),
            )
        )
    return forms
