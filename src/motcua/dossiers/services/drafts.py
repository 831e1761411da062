"""Writes of drafts: start one, consent and fetch, retry, save entries, attach uploads and
documents from the data wallet, discard, purge.

Every write checks first, then changes the draft and records its audit entry and event in one
transaction. The registry calls run between transactions (``exchange.services.pull_data``): a
registry that is down or slow leaves the draft as it was, with the components that could not
be fetched marked ``failed``, ready to be retried or replaced by an upload.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog
from motcua.catalog.typed import ComponentSpec, ProcedureDefinition
from motcua.core.actors import SYSTEM, Actor
from motcua.core.errors import Conflict, MotcuaError, NotFound
from motcua.core.ids import InvalidPersonalId, parse_personal_id
from motcua.core.inserts import insert_unless_conflict
from motcua.core.services import record_change
from motcua.core.types import EventKind
from motcua.documents import services as documents
from motcua.documents import wallet as documents_wallet
from motcua.dossiers.errors import DossierErrorCode
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.dossiers.forms import clean_entries
from motcua.dossiers.models import (
    ComponentState,
    Draft,
)
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import drafts as draft_selectors
from motcua.dossiers.services import bundles as bundle_services
from motcua.exchange import services as exchange
from motcua.exchange.client import PullStatus
from motcua.exchange.sources import DataSource, data_sources
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor
from motcua.units import selectors as units
from motcua.units.models import Agency

RETRYABLE = {ComponentState.FAILED, ComponentState.NEEDS_SUBJECT}
STATE_FOR_STATUS = {
    PullStatus.OK: ComponentState.FETCHED,
    PullStatus.NOT_FOUND: ComponentState.NOT_FOUND,
    PullStatus.REFUSED: ComponentState.REFUSED,
}


def _expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(hours=settings.MOTCUA_DRAFT_TTL_HOURS)


def _save(
    draft: Draft,
    fields: Sequence[str],
    *,
    actor: ApplicantActor,
    type: EventKind | None = None,
    changes: Mapping[str, Any] | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Draft:
    """Save ``fields``, push the draft's expiry back, and audit the change as ``type`` (in the
    caller's transaction)."""
    draft.updated_at = timezone.now()
    draft.expires_at = _expiry(draft.updated_at)
    draft.save(update_fields=[*fields, "updated_at", "expires_at"])
    if type is not None:
        record_change(
            actor=actor,
            type=type,
            subject_type=DossierSubject.DRAFT,
            subject_id=str(draft.public_id),
            agency_code=draft.agency_code,
            changes=changes,
            payload=payload,
        )
    return draft


# what may change in a draft between two reads of one call (another request of the applicant's)
_DRAFT_STATE = (
    "entries",
    "components",
    "fetched",
    "consent_id",
    "updated_at",
    "expires_at",
    "bundle_members",
    "bundle_entries",
)


def _relock(draft: Draft) -> Draft:
    """Lock the draft's row (in the caller's transaction) and read again only what may have
    changed since ``draft`` was loaded: the procedure, the applicant and the rest loaded with it
    stay, so the call goes on, and answers, from this one object."""
    row = Draft.objects.select_for_update().filter(pk=draft.pk).values(*_DRAFT_STATE).get()
    for name, value in row.items():
        setattr(draft, name, value)
    return draft


def competent_agency(procedure_level: str, agency_type: str, commune_code: str) -> Agency:
    try:
        commune = units.get_commune(commune_code)
    except NotFound:
        raise MotcuaError(_("Choose the commune or ward where you apply.")) from None
    agency = units.competent_agency(
        level=procedure_level,
        agency_type=agency_type,
        province_code=commune.province.code,
        commune_code=commune.code,
    )
    if agency is None:
        raise MotcuaError(_("No agency handles this procedure for the chosen commune."))
    return agency


def _initial_components(spec: ProcedureDefinition) -> dict[str, dict[str, Any]]:
    components: dict[str, dict[str, Any]] = {}
    for component in spec.components:
        state = ComponentState.AWAITING_CONSENT if component.kind == "data" else ComponentState.MISSING
        components[component.id] = {"state": state, "kind": component.kind}
    return components


ORGANISATION_TYPES = frozenset({"organisation", "enterprise"})  # applicant types of a spec (ADR 0065)


@transaction.atomic
def start_draft(
    *,
    actor: ApplicantActor,
    procedure_code: str,
    commune_code: str,
    applicant_public_id: str = "",
    bundle_code: str = "",
) -> Draft:
    """Open a draft for the actor (or someone they may act for in this procedure).

    Starting again the same procedure for the same person at the same place returns the draft
    already open, so a double click or a retried request does not make two. An interconnected
    application's draft (``bundle_code``, from ``bundle_services.start_bundle_draft``) is another draft
    than the plain procedure's: each resumes only its own kind, so a plain application never
    carries a bundle's later members, nor a bundle application loses them."""
    procedure = catalog.get_procedure(procedure_code)
    spec = catalog.definition(procedure)
    if "online" not in spec.methods:
        raise MotcuaError(_("This procedure cannot be done online."))
    applicant = (
        identity.get_actable_applicant(actor, applicant_public_id, procedure_code=procedure.code)
        if applicant_public_id
        else identity.default_applicant(actor, procedure_code=procedure.code)
    )
    if (
        spec.applicant_types
        and set(spec.applicant_types) <= ORGANISATION_TYPES
        and not applicant.is_organisation
    ):
        raise MotcuaError(
            _("Only organisations apply for this procedure: choose to act for your organisation first.")
        )
    agency = competent_agency(procedure.level, procedure.agency_type, commune_code)
    same = {
        "procedure": procedure,
        "applicant": applicant,
        "commune_code": commune_code,
        "bundle_code": bundle_code,
    }
    now = timezone.now()
    draft = Draft(
        **same,
        spec_sha256=spec.sha256,
        created_by_id=actor.applicant_id,
        agency_code=agency.code,
        components=_initial_components(spec),
        created_at=now,
        updated_at=now,
        expires_at=_expiry(now),
    )
    # one statement: the draft open already (or a start racing this one) holds the unique key
    # ``dossiers_draft_one_open`` (created by, applicant, procedure, commune, bundle)
    if not insert_unless_conflict(draft):
        return draft_selectors.drafts_of(actor).get(**same)
    changes: dict[str, list[Any]] = {"procedure": [None, procedure.code]}
    if bundle_code:
        changes["bundle"] = [None, bundle_code]
    record_change(
        actor=actor,
        type=DossierEvent.DRAFT_STARTED,
        subject_type=DossierSubject.DRAFT,
        subject_id=str(draft.public_id),
        agency_code=agency.code,
        unit_code=commune_code,
        changes=changes,
    )
    return draft


def _subject_for(draft: Draft, source: DataSource) -> str | None:
    """The ID the source's data is about, or None when it is not known (yet)."""
    if source.subject_field:
        value = str(draft.entries.get(source.subject_field, "")).strip()
        return value or None
    return draft.applicant.personal_id or draft.applicant.enterprise_code


def _subject_values(draft: Draft, sources: Sequence[DataSource], values: Mapping[str, str]) -> dict[str, str]:
    """Check the subjects' ID numbers typed on the consent screen; raise with the first problem."""
    checked: dict[str, str] = {}
    for source in sources:
        name = source.subject_field
        if not name or name not in values or not str(values[name]).strip():
            continue
        try:
            checked[name] = parse_personal_id(str(values[name])).number
        except InvalidPersonalId as exc:
            raise MotcuaError(exc.message) from None
    return checked


def _about_others(draft: Draft, sources: Sequence[DataSource], entries: Mapping[str, Any]) -> int:
    """How many of ``sources`` would ask about someone other than the applicant and the person
    acting for them (counted against the per-applicant limit on such requests)."""
    own = {
        draft.applicant.personal_id,
        draft.applicant.enterprise_code,
        draft.created_by.personal_id,
    } - {None, ""}
    return sum(
        1
        for source in sources
        if source.subject_field
        and str(entries.get(source.subject_field, "")).strip()
        and str(entries.get(source.subject_field, "")).strip() not in own
    )


def _fetch(actor: ApplicantActor, draft: Draft, sources: Sequence[DataSource]) -> Draft:
    """Pull ``sources`` under the draft's consent and record each component's new state."""
    assert draft.consent is not None
    subjects = {}
    for source in sources:
        subject = _subject_for(draft, source)
        if subject is not None:
            subjects[source.component_id] = subject
    results = exchange.pull_data(actor=actor, consent=draft.consent, sources=sources, subjects=subjects)
    by_component = {result.component_id: result for result in results}
    with transaction.atomic():
        locked = _relock(draft)
        changes: dict[str, list[Any]] = {}
        for source in sources:
            entry = dict(locked.components.get(source.component_id, {}))
            old = entry.get("state")
            result = by_component.get(source.component_id)
            if result is None:
                entry.update(state=ComponentState.NEEDS_SUBJECT, error="")
            else:
                entry.update(
                    state=STATE_FOR_STATUS.get(result.status, ComponentState.FAILED),
                    registry=source.registry,
                    status=str(result.status),
                    error=result.error_code,
                    fetched_at=result.fetched_at.isoformat(),
                )
                if result.status == PullStatus.OK:
                    locked.fetched[source.component_id] = result.data
                else:
                    locked.fetched.pop(source.component_id, None)
            locked.components[source.component_id] = entry
            if entry["state"] != old:
                changes[source.component_id] = [old, entry["state"]]
        reused = sum(1 for entry in locked.components.values() if entry["state"] == ComponentState.FETCHED)
        _save(
            locked,
            ["components", "fetched"],
            actor=actor,
            type=DossierEvent.DRAFT_DATA_RECEIVED,
            changes=changes,
            payload={"reused_from_registries": reused},
        )
    return locked


def give_consent(
    *,
    actor: ApplicantActor,
    public_id: str,
    accepted: Iterable[str],
    subject_values: Mapping[str, str] | None = None,
) -> Draft:
    """The applicant's decision on the consent screen, then the pull of what they accepted.

    ``accepted`` lists the data components they agree to have fetched; every other data
    component is declined and will be uploaded instead. ``subject_values`` are ID numbers asked
    on the consent screen for data about someone else (the deceased, ...)."""
    draft = draft_selectors.get_draft(actor, public_id)
    sources = data_sources(draft.procedure)
    known = {source.component_id for source in sources}
    chosen = set(accepted)
    unknown = sorted(chosen - known)
    if unknown:
        raise MotcuaError(_("This procedure has no data component %(ids)s.") % {"ids": ", ".join(unknown)})
    values = _subject_values(draft, sources, subject_values or {})
    accepted_sources = [source for source in sources if source.component_id in chosen]
    declined = sorted(known - chosen)
    # before anything changes: over the limit, the draft stays as it was
    exchange.limit_third_party_requests(
        actor=actor, count=_about_others(draft, accepted_sources, {**draft.entries, **values})
    )
    with transaction.atomic():
        locked = _relock(draft)
        consent = exchange.record_consent(
            actor=actor,
            applicant=locked.applicant,
            procedure=locked.procedure,
            dossier_ref=str(locked.public_id),
            agency_code=locked.agency_code,
            accepted=accepted_sources,
            declined=declined,
            given_by=locked.created_by,  # the actor's own applicant, loaded with the draft
        )
        locked.consent = consent
        locked.entries = {**locked.entries, **values}
        for component_id in declined:
            locked.components[component_id] = {"state": ComponentState.DECLINED, "kind": "data"}
            locked.fetched.pop(component_id, None)
        _save(locked, ["consent", "entries", "components", "fetched"], actor=actor)  # audited by the consent
    if not accepted_sources:
        return locked
    return _fetch(actor, locked, accepted_sources)


def retry_pull(*, actor: ApplicantActor, public_id: str, component_ids: Sequence[str] = ()) -> Draft:
    """Fetch again the consented components that failed or waited for an ID number."""
    draft = draft_selectors.get_draft(actor, public_id)
    if draft.consent is None:
        raise MotcuaError(_("Give or decline consent first."))
    consented = {item["component"] for item in draft.consent.components}
    wanted = set(component_ids) or consented
    sources = [
        source
        for source in data_sources(draft.procedure)
        if source.component_id in consented & wanted
        and draft.components.get(source.component_id, {}).get("state") in RETRYABLE
    ]
    if not sources:
        raise MotcuaError(_("Nothing is waiting to be fetched again."))
    exchange.limit_third_party_requests(actor=actor, count=_about_others(draft, sources, draft.entries))
    return _fetch(actor, draft, sources)


@transaction.atomic
def save_entries(
    *, actor: ApplicantActor, public_id: str, values: Mapping[str, Any]
) -> tuple[Draft, dict[str, str]]:
    """Keep what the applicant typed, valid or not, and return the problems to show.

    Fields filled from a registry are not the applicant's to change: a value sent for one of
    them is ignored, and the registry's value stays."""
    draft = draft_selectors.get_draft(actor, public_id, for_update=True)
    from_registry = draft_selectors.prefilled_field_names(draft)
    editable = {name: value for name, value in values.items() if name not in from_registry}
    cleaned, errors = clean_entries(catalog.definition(draft.procedure).fields, editable)
    changed = sorted(name for name, value in cleaned.items() if draft.entries.get(name) != value)
    draft.entries = {**draft.entries, **cleaned}
    fields = ["entries"]
    if draft.bundle_code:  # the later members' fields of an interconnected application
        later, later_errors = bundle_services.clean_later_entries(draft, values)
        changed += sorted(
            f"{code}{bundle_services.SEPARATOR}{name}"
            for code, entries in later.items()
            for name, value in entries.items()
            if draft.bundle_entries.get(code, {}).get(name) != value
        )
        draft.bundle_entries = later
        errors.update(later_errors)
        fields.append("bundle_entries")
    _save(
        draft,
        fields,
        actor=actor,
        type=DossierEvent.DRAFT_SAVED,
        changes={"fields": [None, changed]},
        payload={"invalid_fields": sorted(errors)},
    )
    return draft, errors


def upload_component(
    *,
    actor: ApplicantActor,
    public_id: str,
    component_id: str,
    chunks: Iterable[bytes],
    file_name: str,
    size: int | None,
) -> Draft:
    """Attach an upload to a document component, or to a data component instead of its data."""
    draft = draft_selectors.get_draft(actor, public_id)
    if component_id not in draft.components:
        raise NotFound(_("No such component."))
    if draft.components[component_id].get("state") == ComponentState.FETCHED:
        raise MotcuaError(_("This component was received from a registry; there is nothing to upload."))
    if _wallet_only(draft, component_id):
        raise MotcuaError(_("This document can only be taken from your data wallet: choose it there."))
    stored = documents.upload_file(
        actor=actor,
        chunks=chunks,
        file_name=file_name,
        declared_size=size,
        owner_public_id="" if draft.applicant_id == actor.applicant_id else str(draft.applicant.public_id),
        # the actor's own applicant, loaded with the draft (not read again)
        owner=draft.applicant if draft.applicant_id == actor.applicant_id else None,
    )
    with transaction.atomic():
        locked = _relock(draft)
        old = locked.components.get(component_id, {}).get("state")
        locked.components[component_id] = {
            **_without_wallet(locked.components.get(component_id, {})),
            "state": ComponentState.UPLOADED,
            "file": str(stored.public_id),
            # the verdict on the PDF's own signatures (e.g. a declaration the company signed)
            "signature": stored.signature.get("status", ""),
            "signer": stored.signature.get("signer_organisation", ""),
            # active content the platform took out of the PDF before keeping it (ADR 0024)
            "removed_content": list(stored.removed_content),
        }
        _save(
            locked,
            ["components"],
            actor=actor,
            type=DossierEvent.DRAFT_COMPONENT_UPLOADED,
            changes={component_id: [old, ComponentState.UPLOADED]},
            payload={"file": str(stored.public_id)},
        )
    return locked


def _component_spec(draft: Draft, component_id: str) -> ComponentSpec:
    component = catalog.definition(draft.procedure).component(component_id)
    if component is None:
        raise NotFound(_("No such component."))
    return component


def _wallet_only(draft: Draft, component_id: str) -> bool:
    """A wallet component whose spec says ``fallback: none``: no upload can replace it."""
    component = _component_spec(draft, component_id)
    return component.kind == "wallet" and component.fallback == "none"


def _without_wallet(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in {"wallet_item", "file"}}


def use_wallet_item(
    *, actor: ApplicantActor, public_id: str, component_id: str, item_public_id: str
) -> Draft:
    """Take a document from the data wallet for a component, instead of an upload (one click).

    Only a component that names the result type it needs (``result_type``: the ``wallet``
    components) can take one, and only a document of the draft's applicant, from the actor's
    wallet, of that type, neither revoked nor expired (``documents.wallet.reusable_item``).
    Everything is checked before the draft changes; a refusal leaves it as it was. Submission
    checks the document again."""
    with transaction.atomic():
        draft = draft_selectors.get_draft(actor, public_id, for_update=True)
        if component_id not in draft.components:
            raise NotFound(_("No such component."))
        component = _component_spec(draft, component_id)
        document_type = component.result_type
        if not document_type:
            raise MotcuaError(_("This component cannot be taken from the data wallet: upload the document."))
        item = documents_wallet.reusable_item(
            actor=actor,
            item_public_id=item_public_id,
            owner_id=draft.applicant_id,
            document_type=document_type,
        )
        old = draft.components[component_id].get("state")
        draft.components[component_id] = {
            **_without_wallet(draft.components[component_id]),
            "state": ComponentState.WALLET,
            "wallet_item": str(item.public_id),
            "file": str(item.file.public_id),
        }
        _save(
            draft,
            ["components"],
            actor=actor,
            type=DossierEvent.DRAFT_COMPONENT_FROM_WALLET,
            changes={component_id: [old, ComponentState.WALLET]},
            payload={"wallet_item": str(item.public_id), "file": str(item.file.public_id)},
        )
    return draft


def discard_draft(*, actor: ApplicantActor, public_id: str) -> None:
    """Delete a draft the actor started (for themself, or for someone they act for) with
    everything fetched for it, at their request, audited in the same transaction.

    Idempotent: discarding it again (a double click, a retried ``DELETE``) does nothing more. A
    draft that became a dossier cannot be discarded (``Conflict``: withdraw the dossier
    instead). The consent and the exchange logs stay, as after a purge (ADR 0012): they are the
    evidence of who fetched what; uploaded files stay in the applicant's files."""
    with transaction.atomic():
        try:
            draft = draft_selectors.get_draft(actor, public_id, for_update=True)
        except NotFound:
            if dossier_selectors.dossier_from_draft(actor, public_id) is not None:
                raise Conflict(
                    _("This application was submitted: it is a dossier now. Withdraw the dossier instead."),
                    code=DossierErrorCode.DRAFT_SUBMITTED,
                ) from None
            if draft_selectors.draft_discarded_by(actor, public_id):
                return
            raise
        fetched = sorted(draft.fetched)
        draft.delete()
        record_change(
            actor=actor,
            type=DossierEvent.DRAFT_DISCARDED,
            subject_type=DossierSubject.DRAFT,
            subject_id=str(draft.public_id),
            agency_code=draft.agency_code,
            unit_code=draft.commune_code,
            changes={"draft": [str(draft.public_id), None], "fetched": [fetched, []]},
            payload={"procedure": draft.procedure.code, "bundle": draft.bundle_code or None},
        )


@transaction.atomic
def purge_expired_drafts(*, actor: Actor = SYSTEM, now: datetime.datetime | None = None) -> int:
    """Delete drafts nobody touched for ``MOTCUA_DRAFT_TTL_HOURS``, with the data fetched for them."""
    expired = Draft.objects.filter(expires_at__lt=now or timezone.now())
    ids = [str(public_id) for public_id in expired.values_list("public_id", flat=True)]
    if not ids:
        return 0
    expired.delete()
    record_change(
        actor=actor,
        type=DossierEvent.DRAFTS_PURGED,
        subject_type=DossierSubject.DRAFT,
        subject_id="expired",
        changes={"drafts": [len(ids), 0]},
        payload={"drafts": ids[:1000]},
    )
    return len(ids)
