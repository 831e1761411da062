"""Submission: the checks a dossier must pass (the form, the components, the decision tables),
and receiving it (its code, appointment date, audit record and event), shared by the online,
counter and linked (interconnected) channels.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import decisions
from motcua.catalog.decisions import Fee
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import definition
from motcua.catalog.typed import ComponentSpec, FormSpec, ProcedureDefinition
from motcua.core.actors import Actor
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import MotcuaError, NotFound
from motcua.core.services import record_change
from motcua.documents import wallet as documents_wallet
from motcua.documents.models import WalletItem
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.dossiers.forms import clean_entries
from motcua.dossiers.models import (
    BundleApplication,
    Channel,
    ComponentState,
    Dossier,
    DossierCounter,
    Draft,
    Notice,
    Provenance,
    refused_for_relation,
)
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import drafts as draft_selectors
from motcua.dossiers.services import bundles as bundle_services
from motcua.dossiers.services.drafts import competent_agency
from motcua.exchange.models import Consent
from motcua.exchange.sources import data_sources
from motcua.identity.actors import ApplicantActor
from motcua.identity.models import Applicant


class IncompleteDossier(MotcuaError):
    """The draft cannot be submitted yet; ``fields`` and ``components`` say what is missing, each
    in the applicant's language. The draft is left exactly as it was."""

    def __init__(self, fields: Mapping[str, str], components: Mapping[str, str]) -> None:
        super().__init__(_("The application is not complete yet: see the marked fields and components."))
        self.fields = dict(fields)
        self.components = dict(components)


def _component_problem(component: ComponentSpec, entry: Mapping[str, Any], registry_only: bool) -> str:
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
    if component.kind == "data":
        return _("The data was not received from the registry: upload the document instead.")
    if component.kind == "wallet":
        if component.fallback == "none":
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


def checked_form(form: FormSpec, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The typed form values and every problem with them, required fields included (the checks
    of a submission, online or at the counter)."""
    cleaned, field_errors = clean_entries(form.fields, values)
    for name in form.required:
        if name not in field_errors and cleaned.get(name) in (None, "", []):
            field_errors[name] = _("This field is required.")
    return cleaned, field_errors


def checked_case(
    spec: ProcedureDefinition, values: Mapping[str, Any], *, on: datetime.date
) -> tuple[dict[str, Any], Fee | None, dict[str, str]]:
    """``checked_form``, then what the procedure's decision tables say of the case submitted on
    ``on``: its fee, and any refusal (not eligible, no fee for the values entered) as a problem
    on the form field it concerns. A field the form already faults keeps the form's message."""
    cleaned, field_errors = checked_form(spec.form, values)
    fee, problems = decisions.decided(spec, cleaned, on=on)
    for name, problem in problems.items():
        field_errors.setdefault(name, problem)
    return cleaned, fee, field_errors


def _checked_submission(draft: Draft) -> tuple[dict[str, Any], dict[str, dict[str, Any]], Fee | None]:
    """The form values (the applicant's entries and the registry's values), the dossier's
    components and its fee, or ``IncompleteDossier`` listing every problem at once."""
    spec = definition(draft.procedure)
    today = timezone.localdate()
    cleaned, fee, field_errors = checked_case(
        spec, {**draft.entries, **draft_selectors.prefilled_values(draft)}, on=today
    )
    registry_only = {
        source.component_id for source in data_sources(draft.procedure) if source.fallback == "none"
    }
    components: dict[str, dict[str, Any]] = {}
    component_errors: dict[str, str] = {}
    for component in spec.components:
        component_id = component.id
        entry = draft.components.get(component_id, {})
        if component.required or entry.get("state") == ComponentState.WALLET:
            # a document taken from the wallet is checked again even where it is optional
            problem = _component_problem(component, entry, component_id in registry_only)
            if problem:
                component_errors[component_id] = problem
                continue
        components[component_id] = {"kind": component.kind, **_provenance(entry)}
    if draft.bundle_code:
        for name, problem in bundle_services.later_problems(draft, cleaned, on=today).items():
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
    from motcua.dossiers.services.processing import prepare_process

    now = timezone.now()
    local_day = timezone.localdate(now)
    spec = definition(procedure)  # the version the dossier is filed under (spec_sha256)
    if fee is None:
        try:
            fee = decisions.fee_of(spec, entries, on=local_day)
        except decisions.DecisionRefused as refused:
            raise MotcuaError(
                f"{procedure.code}: no fee for these entries ({', '.join(sorted(refused.fields))})"
            ) from None
    working_days = spec.working_days
    due_on = appointment_date(local_day, working_days)
    # the process is built before the code: the counter row stays locked until this commits
    process, first_step = prepare_process(procedure)
    dossier = Dossier.objects.create(
        code=_next_code(agency_code, local_day),
        draft_public_id=draft_public_id,
        procedure=procedure,
        spec_sha256=spec.sha256,
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
        type=DossierEvent.DOSSIER_SUBMITTED,
        subject_type=DossierSubject.DOSSIER,
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
            draft = draft_selectors.get_draft(actor, public_id, for_update=True)
        except NotFound:
            already = dossier_selectors.dossier_from_draft(actor, public_id)
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
            bundle_services.open_application(actor=actor, draft=draft, dossier=dossier)
        draft.delete()
    # received just now, it has no notices (only its processing issues them): its answer is
    # rendered without reading them
    dossier._prefetched_objects_cache = {"notices": Notice.objects.none()}  # type: ignore[attr-defined]
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
    spec = definition(procedure)
    cleaned, errors = clean_entries(spec.fields, entries)
    missing = [n for n in spec.required_fields if cleaned.get(n) in (None, "", [])]
    if errors or missing:
        raise MotcuaError(
            f"{procedure.code}: cannot be filled from the linked dossier "
            f"(invalid: {sorted(errors)}, missing: {sorted(missing)})"
        )
    agency = competent_agency(procedure.level, procedure.agency_type, application.commune_code)
    return receive_dossier(
        actor=actor,
        procedure=procedure,
        applicant=application.applicant,
        submitted_by_id=application.submitted_by_id,
        commune_code=application.commune_code,
        agency_code=agency.code,
        entries=cleaned,
        components=bundle_services.linked_components(spec, linked_from),
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
