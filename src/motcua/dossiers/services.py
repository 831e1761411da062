"""Writes of drafts: start one, consent and fetch, retry, save entries, attach uploads, purge.

Every write checks first, then changes the draft and records its audit entry and event in one
transaction. The registry calls run between transactions (``exchange.services.pull_data``): a
registry that is down or slow leaves the draft as it was, with the components that could not
be fetched marked ``failed``, ready to be retried or replaced by an upload.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import decisions
from motcua.catalog import selectors as catalog
from motcua.catalog.decisions import Fee
from motcua.catalog.models import Procedure
from motcua.core.actors import SYSTEM, Actor
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import Conflict, ErrorCode, MotcuaError, NotFound
from motcua.core.ids import InvalidPersonalId, parse_personal_id
from motcua.core.services import record_change
from motcua.core.types import EventType
from motcua.documents import services as documents
from motcua.documents import wallet as documents_wallet
from motcua.documents.models import WalletItem
from motcua.dossiers import bundles, selectors
from motcua.dossiers.forms import clean_entries
from motcua.dossiers.models import (
    BundleApplication,
    Channel,
    ComponentState,
    Dossier,
    DossierCounter,
    Draft,
    Provenance,
    refused_for_relation,
)
from motcua.exchange import services as exchange
from motcua.exchange.client import PullStatus
from motcua.exchange.models import Consent
from motcua.exchange.sources import DataSource, data_sources
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor
from motcua.identity.models import Applicant
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
    type: EventType | None = None,
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
            subject_type="dossiers.draft",
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


def _competent_agency(procedure_level: str, agency_type: str, commune_code: str) -> Agency:
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


def _initial_components(spec: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    components: dict[str, dict[str, Any]] = {}
    for component in spec.get("components", []):
        state = ComponentState.AWAITING_CONSENT if component["kind"] == "data" else ComponentState.MISSING
        components[str(component["id"])] = {"state": state, "kind": component["kind"]}
    return components


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
    application's draft (``bundle_code``, from ``bundles.start_bundle_draft``) is another draft
    than the plain procedure's: each resumes only its own kind, so a plain application never
    carries a bundle's later members, nor a bundle application loses them."""
    procedure = catalog.get_procedure(procedure_code)
    if "online" not in procedure.spec.get("methods", []):
        raise MotcuaError(_("This procedure cannot be done online."))
    applicant = (
        identity.get_actable_applicant(actor, applicant_public_id, procedure_code=procedure.code)
        if applicant_public_id
        else identity.own_applicant(actor)
    )
    agency = _competent_agency(procedure.level, procedure.agency_type, commune_code)
    existing = (
        selectors.drafts_of(actor)
        .filter(procedure=procedure, applicant=applicant, commune_code=commune_code, bundle_code=bundle_code)
        .order_by("-updated_at")
        .first()
    )
    if existing is not None:
        return existing
    now = timezone.now()
    draft = Draft.objects.create(
        procedure=procedure,
        spec_sha256=procedure.spec_sha256,
        applicant=applicant,
        created_by_id=actor.applicant_id,
        commune_code=commune_code,
        agency_code=agency.code,
        components=_initial_components(procedure.spec),
        created_at=now,
        updated_at=now,
        expires_at=_expiry(now),
        bundle_code=bundle_code,
    )
    changes: dict[str, list[Any]] = {"procedure": [None, procedure.code]}
    if bundle_code:
        changes["bundle"] = [None, bundle_code]
    record_change(
        actor=actor,
        type=EventType.DRAFT_STARTED,
        subject_type="dossiers.draft",
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
            type=EventType.DRAFT_DATA_RECEIVED,
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
    draft = selectors.get_draft(actor, public_id)
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
    draft = selectors.get_draft(actor, public_id)
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
    draft = selectors.get_draft(actor, public_id, for_update=True)
    from_registry = selectors.prefilled_field_names(draft)
    editable = {name: value for name, value in values.items() if name not in from_registry}
    cleaned, errors = clean_entries(draft.procedure.spec, editable)
    changed = sorted(name for name, value in cleaned.items() if draft.entries.get(name) != value)
    draft.entries = {**draft.entries, **cleaned}
    fields = ["entries"]
    if draft.bundle_code:  # the later members' fields of an interconnected application
        later, later_errors = bundles.clean_later_entries(draft, values)
        changed += sorted(
            f"{code}{bundles.SEPARATOR}{name}"
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
        type=EventType.DRAFT_SAVED,
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
    draft = selectors.get_draft(actor, public_id)
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
            type=EventType.DRAFT_COMPONENT_UPLOADED,
            changes={component_id: [old, ComponentState.UPLOADED]},
            payload={"file": str(stored.public_id)},
        )
    return locked


def _component_spec(draft: Draft, component_id: str) -> Mapping[str, Any]:
    for component in draft.procedure.spec.get("components", []):
        if str(component["id"]) == component_id:
            return dict(component)
    raise NotFound(_("No such component."))


def _wallet_only(draft: Draft, component_id: str) -> bool:
    """A wallet component whose spec says ``fallback: none``: no upload can replace it."""
    component = _component_spec(draft, component_id)
    return component.get("kind") == "wallet" and component.get("fallback") == "none"


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
        draft = selectors.get_draft(actor, public_id, for_update=True)
        if component_id not in draft.components:
            raise NotFound(_("No such component."))
        component = _component_spec(draft, component_id)
        document_type = str(component.get("result_type", ""))
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
            type=EventType.DRAFT_COMPONENT_FROM_WALLET,
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
            draft = selectors.get_draft(actor, public_id, for_update=True)
        except NotFound:
            if selectors.dossier_from_draft(actor, public_id) is not None:
                raise Conflict(
                    _("This application was submitted: it is a dossier now. Withdraw the dossier instead."),
                    code=ErrorCode.DRAFT_SUBMITTED,
                ) from None
            if selectors.draft_discarded_by(actor, public_id):
                return
            raise
        fetched = sorted(draft.fetched)
        draft.delete()
        record_change(
            actor=actor,
            type=EventType.DRAFT_DISCARDED,
            subject_type="dossiers.draft",
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
        type=EventType.DRAFTS_PURGED,
        subject_type="dossiers.draft",
        subject_id="expired",
        changes={"drafts": [len(ids), 0]},
        payload={"drafts": ids[:1000]},
    )
    return len(ids)


# --- Submission --------------------------------------------------------------------------------


class IncompleteDossier(MotcuaError):
    """The draft cannot be submitted yet; ``fields`` and ``components`` say what is missing, each
    in the applicant's language. The draft is left exactly as it was."""

    def __init__(self, fields: Mapping[str, str], components: Mapping[str, str]) -> None:
        super().__init__(_("The application is not complete yet: see the marked fields and components."))
        self.fields = dict(fields)
        self.components = dict(components)


def _component_problem(component: Mapping[str, Any], entry: Mapping[str, Any], registry_only: bool) -> str:
    """What keeps one required component from being complete ("" when it is complete)."""
    state = entry.get("state")
    if state == ComponentState.FETCHED or (state == ComponentState.UPLOADED and not registry_only):
        return ""
    if refused_for_relation(dict(entry)):
        return ""  # the applicant's typed entry (or upload), which the official checks
    if state == ComponentState.WALLET:
        return _wallet_problem(entry)
    if state == ComponentState.AWAITING_CONSENT:
        return _("Give or decline your consent to fetching this data first.")
    if registry_only:
        return _("This data can only come from the registry: it must be fetched before you submit.")
    if state == ComponentState.NEEDS_SUBJECT:
        return _("Enter the personal ID number it is about and fetch the data, or upload the document.")
    if component.get("kind") == "data":
        return _("The data was not received from the registry: upload the document instead.")
    if component.get("kind") == "wallet":
        if component.get("fallback") == "none":
            return _("Choose this document from your data wallet.")
        return _("Choose this document from your data wallet, or upload it.")
    return _("Upload this document.")


def _wallet_problem(entry: Mapping[str, Any]) -> str:
    """What keeps a document taken from the wallet from being used now ("" when it can be):
    removed from the wallet since, or revoked or expired."""
    item = (
        WalletItem.objects.select_related("result")
        .filter(public_id=str(entry.get("wallet_item", "")), removed_at__isnull=True)
        .first()
        if entry.get("wallet_item")
        else None
    )
    if item is None:
        return _("This document is no longer in your data wallet: choose another or upload it.")
    try:
        documents_wallet.check_usable(item)
    except MotcuaError as exc:
        return exc.message
    return ""


def _provenance(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A dossier component: where it came from, and the reference to it."""
    state = entry.get("state")
    if state == ComponentState.FETCHED:
        return {
            "provenance": Provenance.REGISTRY,
            "registry": entry.get("registry", ""),
            "fetched_at": entry.get("fetched_at", ""),
        }
    if state == ComponentState.UPLOADED:
        found = {"provenance": Provenance.UPLOAD, "file": entry.get("file", "")}
        if entry.get("signature"):
            found.update(signature=entry["signature"], signer=entry.get("signer", ""))
        if entry.get("removed_content"):
            found.update(removed_content=list(entry["removed_content"]))
        return found
    if state == ComponentState.WALLET:
        return _wallet_provenance(entry)
    if refused_for_relation(dict(entry)):
        return {"provenance": Provenance.DECLARED, "refusal": entry.get("error", "")}
    return {"provenance": Provenance.NONE}


def _wallet_provenance(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A component taken from the data wallet: the wallet document and its file, and what the
    official needs to recognise it (type, title, issuer, date, the result's number)."""
    item = WalletItem.objects.select_related("result", "file").get(public_id=str(entry["wallet_item"]))
    return {
        "provenance": Provenance.WALLET,
        "file": str(item.file.public_id),
        "wallet_item": str(item.public_id),
        "document_type": item.document_type,
        "title": item.title,
        "issuer": item.issuer,
        "issued_on": item.issued_on.isoformat() if item.issued_on else "",
        "result": item.result.number if item.result is not None else "",
    }


def checked_form(spec: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The typed form values and every problem with them, required fields included (the checks
    of a submission, online or at the counter)."""
    cleaned, field_errors = clean_entries(spec, values)
    for name in spec.get("form", {}).get("required", []):
        if name not in field_errors and cleaned.get(name) in (None, "", []):
            field_errors[name] = _("This field is required.")
    return cleaned, field_errors


def checked_case(
    spec: Mapping[str, Any], values: Mapping[str, Any], *, on: datetime.date
) -> tuple[dict[str, Any], Fee | None, dict[str, str]]:
    """``checked_form``, then what the procedure's decision tables say of the case submitted on
    ``on``: its fee, and any refusal (not eligible, no fee for the values entered) as a problem
    on the form field it concerns. A field the form already faults keeps the form's message."""
    cleaned, field_errors = checked_form(spec, values)
    fee, problems = decisions.decided(spec, cleaned, on=on)
    for name, problem in problems.items():
        field_errors.setdefault(name, problem)
    return cleaned, fee, field_errors


def _checked_submission(draft: Draft) -> tuple[dict[str, Any], dict[str, dict[str, Any]], Fee | None]:
    """The form values (the applicant's entries and the registry's values), the dossier's
    components and its fee, or ``IncompleteDossier`` listing every problem at once."""
    spec = draft.procedure.spec
    today = timezone.localdate()
    cleaned, fee, field_errors = checked_case(
        spec, {**draft.entries, **selectors.prefilled_values(draft)}, on=today
    )
    registry_only = {
        source.component_id for source in data_sources(draft.procedure) if source.fallback == "none"
    }
    components: dict[str, dict[str, Any]] = {}
    component_errors: dict[str, str] = {}
    for component in spec.get("components", []):
        component_id = str(component["id"])
        entry = draft.components.get(component_id, {})
        if component.get("required", True) or entry.get("state") == ComponentState.WALLET:
            # a document taken from the wallet is checked again even where it is optional
            problem = _component_problem(component, entry, component_id in registry_only)
            if problem:
                component_errors[component_id] = problem
                continue
        components[component_id] = {"kind": component["kind"], **_provenance(entry)}
    if draft.bundle_code:
        for name, problem in bundles.later_problems(draft, cleaned, on=today).items():
            field_errors.setdefault(name, problem)
    if field_errors or component_errors:
        raise IncompleteDossier(field_errors, component_errors)
    return cleaned, components, fee


def appointment_date(
    received_on: datetime.date, working_days: int | None, *, calendar: WorkingCalendar | None = None
) -> datetime.date | None:
    """The date of the result on the receipt (form 01): ``working_days`` working days after the
    day the dossier counts as received, which is the next working day when it arrives on a day
    off. ``None`` when the procedure has no statutory time."""
    if working_days is None:
        return None
    cal = calendar or WorkingCalendar.current()
    start = received_on if cal.is_working_day(received_on) else cal.add_working_days(received_on, 1)
    return cal.add_working_days(start, working_days)


def _next_code(agency_code: str, day: datetime.date) -> str:
    """``<agency code>-<yymmdd>-<sequence>``: the counter row for (agency, day) is created or
    incremented by one statement, which both SQLite and PostgreSQL run atomically, and it stays
    locked by this transaction until it commits, so no two dossiers get the same number."""
    table = DossierCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_code, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608 (our table name)
            f"ON CONFLICT (agency_code, day) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [agency_code, day],
        )
        (number,) = cursor.fetchone()
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


@dataclass(frozen=True)
class Arrival:
    """How a dossier reached the agency: online by itself (the applicant signed in through the
    eID at ``eid_assurance_level``), or received at the counter or by post by a reception
    officer who checked the person's identity (``identity_check``)."""

    channel: str = Channel.ONLINE
    received_by_id: int | None = None
    identity_check: str = ""
    submission_key: uuid.UUID | None = None
    eid_assurance_level: int | None = None


def receive_dossier(
    *,
    actor: Actor,
    procedure: Procedure,
    applicant: Applicant,
    submitted_by_id: int,
    commune_code: str,
    agency_code: str,
    entries: Mapping[str, Any],
    components: Mapping[str, dict[str, Any]],
    arrival: Arrival,
    fetched: Mapping[str, Any] | None = None,
    consent: Consent | None = None,
    draft_public_id: uuid.UUID | None = None,
    bundle_code: str = "",
    bundle_application: BundleApplication | None = None,
    linked_from: Dossier | None = None,
    fee: Fee | None = None,
) -> Dossier:
    """Create the received dossier from checked contents, in the caller's transaction: its code,
    the appointment date, its fee, its process on its first step, the audit record and the
    ``dossiers.submitted`` event (which carries what the Decision 766 indicators count: channel,
    reuse of registry data, scans, dates, the fee). Shared by the online submission, the counter
    and the later members of an interconnected application (``linked_from``). ``fee`` is the
    one the checks found (``checked_case``); without it, it is set here from the entries."""
    from motcua.dossiers.processing import prepare_process

    now = timezone.now()
    local_day = timezone.localdate(now)
    if fee is None:
        try:
            fee = decisions.fee_of(procedure.spec, entries, on=local_day)
        except decisions.DecisionRefused as refused:
            raise MotcuaError(
                f"{procedure.code}: no fee for these entries ({', '.join(sorted(refused.fields))})"
            ) from None
    working_days = procedure.spec.get("processing_time", {}).get("working_days")
    due_on = appointment_date(local_day, working_days)
    # the process is built before the code: the counter row stays locked until this commits
    process, first_step = prepare_process(procedure)
    dossier = Dossier.objects.create(
        code=_next_code(agency_code, local_day),
        draft_public_id=draft_public_id,
        procedure=procedure,
        spec_sha256=procedure.spec_sha256,
        applicant=applicant,
        submitted_by_id=submitted_by_id,
        received_by_id=arrival.received_by_id,
        identity_check=arrival.identity_check,
        submission_key=arrival.submission_key,
        commune_code=commune_code,
        agency_code=agency_code,
        channel=arrival.channel,
        entries=dict(entries),
        components=dict(components),
        fetched=dict(fetched or {}),
        consent=consent,
        submitted_at=now,
        received_at=now,
        due_on=due_on,
        original_due_on=due_on,
        process=process,
        step=first_step,
        working_days=working_days,
        fee_vnd=fee.amount_vnd,
        fee_basis=fee.basis,
        updated_at=now,
        bundle_application=bundle_application,
        linked_from=linked_from,
    )
    changes: dict[str, list[Any]] = {"status": [None, dossier.status], "channel": [None, arrival.channel]}
    if linked_from is not None:
        changes["linked_from"] = [None, linked_from.code]
    if draft_public_id is not None:
        changes["draft"] = [str(draft_public_id), None]
    if arrival.received_by_id is not None:
        changes["received_by"] = [None, f"user:{arrival.received_by_id}"]
    provenances = [c["provenance"] for c in components.values()]
    record_change(
        actor=actor,
        type=EventType.DOSSIER_SUBMITTED,
        subject_type="dossiers.dossier",
        subject_id=dossier.code,
        agency_code=dossier.agency_code,
        unit_code=dossier.commune_code,
        changes=changes,
        payload={
            "procedure": procedure.code,
            "channel": arrival.channel,
            "submitted_at": now.isoformat(),
            "received_at": now.isoformat(),
            "due_on": dossier.due_on.isoformat() if dossier.due_on else None,
            "components": len(components),
            "reused_from_registries": provenances.count(Provenance.REGISTRY),
            "uploaded": provenances.count(Provenance.UPLOAD),
            "scanned": provenances.count(Provenance.SCAN),
            "reused_from_wallet": provenances.count(Provenance.WALLET),
            "received_by": f"user:{arrival.received_by_id}" if arrival.received_by_id else None,
            "identity_check": arrival.identity_check or None,
            "eid_assurance_level": arrival.eid_assurance_level,
            "linked": provenances.count(Provenance.LINKED),
            "bundle": (bundle_application.bundle_code if bundle_application else bundle_code) or None,
            "linked_from": linked_from.code if linked_from else None,
            "fee_vnd": fee.amount_vnd,  # Decision 766 3.5, 3.6: dossiers of fee-bearing procedures
        },
    )
    return dossier


def submit_draft(*, actor: ApplicantActor, public_id: str) -> Dossier:
    """Turn a complete draft into a received dossier, with its code and appointment date.

    Everything is checked first; an incomplete draft raises ``IncompleteDossier`` and stays as
    it was. On success the draft is deleted and its fetched data becomes part of the dossier, in
    the same transaction as the audit record and the ``dossiers.submitted`` event.

    Submitting a draft again (a double click, a retried request) returns the dossier it became."""
    with transaction.atomic():
        try:
            draft = selectors.get_draft(actor, public_id, for_update=True)
        except NotFound:
            already = selectors.dossier_from_draft(actor, public_id)
            if already is None:
                raise
            return already
        # checked against the procedure as published now, even if it changed since the draft began
        entries, components, fee = _checked_submission(draft)
        dossier = receive_dossier(
            actor=actor,
            procedure=draft.procedure,
            applicant=draft.applicant,
            submitted_by_id=actor.applicant_id,
            commune_code=draft.commune_code,
            agency_code=draft.agency_code,
            entries=entries,
            components=components,
            fetched=draft.fetched,
            consent=draft.consent,
            draft_public_id=draft.public_id,
            # applicants sign in only through eID
            arrival=Arrival(channel=Channel.ONLINE, eid_assurance_level=actor.assurance_level),
            bundle_code=draft.bundle_code,
            fee=fee,
        )
        if draft.bundle_code:
            bundles.open_application(actor=actor, draft=draft, dossier=dossier)
        draft.delete()
    return dossier


def create_linked_dossier(
    *,
    actor: Actor,
    application: BundleApplication,
    procedure: Procedure,
    entries: Mapping[str, Any],
    linked_from: Dossier,
) -> Dossier:
    """A later member of an interconnected application becomes a dossier of its own agency (in
    the caller's transaction): routed from the application's commune, with its own code,
    appointment date and process, received as soon as the member it follows has its result."""
    spec = procedure.spec
    cleaned, errors = clean_entries(spec, entries)
    missing = [n for n in spec.get("form", {}).get("required", []) if cleaned.get(n) in (None, "", [])]
    if errors or missing:
        raise MotcuaError(
            f"{procedure.code}: cannot be filled from the linked dossier "
            f"(invalid: {sorted(errors)}, missing: {sorted(missing)})"
        )
    agency = _competent_agency(procedure.level, procedure.agency_type, application.commune_code)
    return receive_dossier(
        actor=actor,
        procedure=procedure,
        applicant=application.applicant,
        submitted_by_id=application.submitted_by_id,
        commune_code=application.commune_code,
        agency_code=agency.code,
        entries=cleaned,
        components=bundles.linked_components(spec, linked_from),
        # the bundle arrived once: a later member carries how (and, at the counter, by whom and
        # on what identity check) the application was received
        arrival=Arrival(
            channel=linked_from.channel,
            received_by_id=linked_from.received_by_id,
            identity_check=linked_from.identity_check,
        ),
        bundle_application=application,
        linked_from=linked_from,
    )
