"""Dossiers received at the one-stop counter or by post (tiếp nhận trực tiếp, qua bưu chính).

A reception officer receives a dossier on behalf of a person who comes to the counter, or whose
papers arrive by post (assisted submission, "no one left behind"): the person is identified by
their personal ID number, full name and birth date as on their ID card, and the officer records
how that was checked (chip read, card shown, copy enclosed in the post). The person needs no
account: their ``Applicant`` record is created if new, and if they sign in later through the
eID with that number they find the dossier in their list. The procedure's form is filled and
checked exactly as online (``submission.checked_form``), and every component is a **scan** of the
paper document (digitisation, số hóa), kept as the person's file with the officer as scanner.

Data components are scanned too: fetching from the registries needs a consent the person gives
in the exchange's consent flow, which is built around a signed-in applicant; a component whose
data may only come from its registry (``fallback: none``) therefore cannot be received here
yet (docs/dossiers.md, "Counter and post").

Everything is checked before anything is written; the scans' bytes are then stored, and the
applicant, the files, the dossier, their audit records and the ``dossiers.submitted`` event
(channel ``counter`` or ``post``) commit in one transaction — the bytes are removed again if it
fails. A submission carries a key chosen by the client (the page puts one in the form): sending
it again returns the dossier it made.
"""

from __future__ import annotations

import datetime
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Procedure
from motcua.catalog.typed import FormSpec, Text
from motcua.core.errors import Forbidden, MotcuaError, NotFound
from motcua.core.ids import parse_personal_id
from motcua.documents import services as documents
from motcua.documents import storage
from motcua.dossiers.models import Channel, Dossier, IdentityCheck, Provenance
from motcua.dossiers.services.submission import (
    Arrival,
    IncompleteDossier,
    checked_case,
    checked_form,
    receive_dossier,
)
from motcua.exchange.sources import data_sources
from motcua.identity import services as identity
from motcua.identity.actors import OfficialActor, RequestActor
from motcua.identity.models import Applicant, Role
from motcua.units import selectors as units
from motcua.units.models import Agency, Level

COUNTER_CHANNELS = (Channel.COUNTER, Channel.POST)
CHECKS_FOR_CHANNEL: dict[str, tuple[str, ...]] = {
    Channel.COUNTER: (IdentityCheck.CHIP_CARD, IdentityCheck.PAPER_ID),
    Channel.POST: (IdentityCheck.POST_COPY,),
}
# The person's identity, checked with the form machinery (12-digit ID numbers, dates, lengths).
PERSON_FORM = FormSpec.model_validate(
    {
        "required": ["personal_id", "full_name", "birth_date", "identity_check"],
        "properties": {
            "personal_id": {"type": "string", "pattern": "^[0-9]{12}$"},
            "full_name": {"type": "string", "minLength": 2, "maxLength": 200},
            "birth_date": {"type": "string", "format": "date"},
            "identity_check": {"type": "string", "enum": list(IdentityCheck.values)},
        },
    }
)


@dataclass(frozen=True)
class Person:
    """Who the dossier is for, as the officer read it from the ID card (text as typed)."""

    personal_id: str
    full_name: str
    birth_date: str  # ISO or day/month/year
    identity_check: str


@dataclass(frozen=True)
class Scan:
    """A scanned paper document for one component, as it arrives (a page or API upload)."""

    chunks: Iterable[bytes]
    file_name: str
    size: int | None = None


class IncompleteReception(IncompleteDossier):
    """``IncompleteDossier`` plus ``person``: what is wrong with the identity or the commune."""

    def __init__(
        self,
        fields: Mapping[str, str],
        components: Mapping[str, str],
        person: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(fields, components)
        self.message = _("The dossier cannot be received yet: see the marked fields and documents.")
        self.args = (self.message,)
        self.person = dict(person or {})


# --- reads -------------------------------------------------------------------------------------


def reception_agencies(actor: RequestActor | None) -> QuerySet[Agency]:
    """The active agencies where the actor holds the reception role; ``Forbidden`` for anyone
    who holds it nowhere (they may not receive at all)."""
    if not isinstance(actor, OfficialActor) or not actor.agency_codes(Role.RECEPTION):
        raise Forbidden(_("Only a reception officer can receive dossiers at the counter."))
    return (
        Agency.objects.filter(code__in=actor.agency_codes(Role.RECEPTION), is_active=True)
        .select_related("province", "commune")
        .order_by("code")
    )


def get_reception_agency(actor: RequestActor | None, code: str = "") -> Agency:
    """One of the actor's reception agencies (``code`` may be empty when they have just one);
    an agency where they do not receive is ``NotFound``."""
    agencies = reception_agencies(actor)
    if not code:
        found = list(agencies[:2])
        if len(found) == 1:
            return found[0]
        raise MotcuaError(_("Choose the agency you receive for."))
    agency = agencies.filter(code=code).first()
    if agency is None:
        raise NotFound(_("No such agency."))
    return agency


def counter_procedures(agency: Agency, channel: str = "") -> list[Procedure]:
    """The procedures this agency handles that may be submitted at the counter (or by post)."""
    wanted = {channel} if channel else set(COUNTER_CHANNELS)
    return [
        procedure
        for procedure in catalog.search_procedures(level=agency.level, agency_type=agency.agency_type)
        if wanted & set(catalog.definition(procedure).methods)
    ]


@dataclass(frozen=True)
class ScannableComponent:
    """A component of the spec as the counter's form shows it: whether a scan can stand for it
    (not for registry-only data), and the problem with what was handed in."""

    id: str
    name: Text
    kind: str
    required: bool
    registry_only: bool
    error: str = ""


def scannable_components(procedure: Procedure) -> list[ScannableComponent]:
    """The spec's components with whether a scan can stand for each (not for registry-only data)."""
    registry_only = {s.component_id for s in data_sources(procedure) if s.fallback == "none"}
    return [
        ScannableComponent(
            id=component.id,
            name=component.name,
            kind=component.kind,
            required=component.required,
            registry_only=component.id in registry_only,
        )
        for component in catalog.definition(procedure).components
    ]


# --- checks ------------------------------------------------------------------------------------


def _same_name(first: str, second: str) -> bool:
    def fold(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return fold(first) == fold(second)


def _checked_person(person: Person, channel: str) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {
        "personal_id": person.personal_id,
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "identity_check": person.identity_check,
    }
    cleaned, errors = checked_form(PERSON_FORM, raw)
    if "identity_check" not in errors and cleaned["identity_check"] not in CHECKS_FOR_CHANNEL.get(
        channel, ()
    ):
        errors["identity_check"] = (
            _("A dossier by post is identified by the copy of the ID card it encloses.")
            if channel == Channel.POST
            else _("At the counter, read the ID card's chip or look at the card the person shows.")
        )
    if errors.keys() & {"personal_id", "birth_date"}:
        return cleaned, errors
    number = parse_personal_id(cleaned["personal_id"])
    born = datetime.date.fromisoformat(cleaned["birth_date"])
    if born > timezone.localdate():
        errors["birth_date"] = _("The birth date is in the future.")
    elif born.year != number.birth_year:
        errors["birth_date"] = _(
            "The personal ID number says the person was born in %(year)d: "
            "check the number and the birth date."
        ) % {"year": number.birth_year}
    if "full_name" in errors or "birth_date" in errors:
        return cleaned, errors
    known = Applicant.objects.filter(personal_id=number.number).only("name", "birthdate").first()
    if known is not None and (
        not _same_name(known.name, cleaned["full_name"]) or known.birthdate not in (None, born)
    ):
        errors["full_name"] = _(
            "The name or birth date differs from what is recorded for this personal ID number: "
            "check them against the ID card."
        )
    return cleaned, errors


def _commune_for(agency: Agency, procedure: Procedure, commune_code: str) -> tuple[str, str]:
    """The dossier's commune and the problem with it ("" when fine): a commune agency receives
    for its own commune; a province agency for any commune of its province, which must be given."""
    if agency.level == Level.COMMUNE and agency.commune is not None:
        own = agency.commune.code
        if commune_code and commune_code != own:
            return commune_code, _("Your agency receives only for its own commune.")
        return own, ""
    if not commune_code:
        return "", _("Choose the commune or ward where the person applies.")
    try:
        commune = units.get_commune(commune_code)
    except NotFound:
        return commune_code, _("Choose the commune or ward where the person applies.")
    competent = units.competent_agencies(
        level=procedure.level,
        agency_type=procedure.agency_type,
        province_code=commune.province.code,
        commune_code=commune.code,
    ).first()
    if competent is None or competent.code != agency.code:
        return commune_code, _("Your agency does not handle this procedure for that commune.")
    return commune_code, ""


def _component_problems(procedure: Procedure, scans: Mapping[str, Scan]) -> dict[str, str]:
    components = {c.id: c for c in scannable_components(procedure)}
    problems = {cid: _("This procedure has no such component.") for cid in scans if cid not in components}
    for cid, component in components.items():
        required = component.required
        if component.registry_only and (required or cid in scans):
            problems[cid] = _(
                "This data can only come from the registry: "
                "the dossier cannot be received at the counter yet."
            )
        elif cid not in scans and required:
            problems[cid] = _("Scan this paper document.")
    return problems


# --- the write ---------------------------------------------------------------------------------


def _parse_key(key: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(key))
    except ValueError:
        raise MotcuaError(_("The submission key must be a UUID.")) from None


def _already_received(actor: OfficialActor, key: uuid.UUID) -> Dossier | None:
    """The dossier this key made, if the actor made it; a key someone else used is refused."""
    dossier = Dossier.objects.filter(submission_key=key).select_related("procedure", "applicant").first()
    if dossier is None:
        return None
    if dossier.received_by_id != actor.user_id:
        raise MotcuaError(_("This submission key was already used."))
    return dossier


def receive_at_counter(
    *,
    actor: OfficialActor,
    procedure_code: str,
    channel: str,
    person: Person,
    entries: Mapping[str, Any],
    scans: Mapping[str, Scan],
    key: str,
    agency_code: str = "",
    commune_code: str = "",
) -> Dossier:
    """Receive a dossier at the counter or by post for ``person``, filed by the reception
    officer ``actor`` for one of their agencies, with scans of the paper documents.

    Raises ``Forbidden`` for an official without the reception role, ``NotFound`` for an agency
    where they do not receive, ``MotcuaError`` for a procedure or channel that does not fit,
    and ``IncompleteReception`` listing every problem at once; nothing is written then. Sent
    again with the same ``key``, it returns the dossier received the first time."""
    agency = get_reception_agency(actor, agency_code)
    submission_key = _parse_key(key)
    already = _already_received(actor, submission_key)
    if already is not None:
        return already
    if channel not in COUNTER_CHANNELS:
        raise MotcuaError(_("Choose the channel: at the counter or by post."))
    procedure = catalog.get_procedure(procedure_code)
    if procedure.code not in {p.code for p in counter_procedures(agency, channel)}:
        raise MotcuaError(_("Your agency does not receive this procedure by this channel."))
    person_values, person_errors = _checked_person(person, channel)
    commune, commune_problem = _commune_for(agency, procedure, commune_code)
    if commune_problem:
        person_errors["commune_code"] = commune_problem
    spec = catalog.definition(procedure)
    form_values, fee, field_errors = checked_case(spec, entries, on=timezone.localdate())
    component_errors = _component_problems(procedure, scans)
    if person_errors or field_errors or component_errors:
        raise IncompleteReception(field_errors, component_errors, person_errors)

    stored: dict[str, storage.StoredBytes] = {}
    rejected: dict[str, str] = {}
    try:
        for component_id, scan in scans.items():
            try:
                stored[component_id] = storage.store(scan.chunks, declared_size=scan.size)
            except storage.UploadRejected as exc:
                rejected[component_id] = exc.message
        if rejected:
            raise IncompleteReception({}, rejected)
        with transaction.atomic():
            applicant = identity.ensure_individual(
                personal_id=person_values["personal_id"],
                name=person_values["full_name"],
                birthdate=datetime.date.fromisoformat(person_values["birth_date"]),
                actor=actor,
            )
            now = timezone.now().isoformat()
            components: dict[str, dict[str, Any]] = {}
            for component in spec.components:
                component_id = component.id
                if component_id not in stored:
                    components[component_id] = {"kind": component.kind, "provenance": Provenance.NONE}
                    continue
                record = documents.record_scan(
                    actor=actor,
                    owner=applicant,
                    stored=stored[component_id],
                    file_name=scans[component_id].file_name,
                )
                components[component_id] = {
                    "kind": component.kind,
                    "provenance": Provenance.SCAN,
                    "file": str(record.public_id),
                    "scanned_by": actor.user_id,
                    "scanned_at": now,
                    **({"removed_content": list(record.removed_content)} if record.removed_content else {}),
                }
            dossier = receive_dossier(
                actor=actor,
                procedure=procedure,
                applicant=applicant,
                submitted_by_id=applicant.pk,  # the person submits; the officer receives
                commune_code=commune,
                agency_code=agency.code,
                entries=form_values,
                components=components,
                arrival=Arrival(
                    channel=channel,
                    received_by_id=actor.user_id,
                    identity_check=person_values["identity_check"],
                    submission_key=submission_key,
                ),
                fee=fee,
            )
    except BaseException as exc:
        for kept in stored.values():
            storage.discard(kept.storage_name)
        if isinstance(exc, IntegrityError):  # the same key, sent twice at once: the other one won
            again = _already_received(actor, submission_key)
            if again is not None:
                return again
        raise
    return dossier
