"""Writes of the exchange: agency keys, consents, and pulling data with its log.

Each write is atomic and records its audit entry and event in the same transaction. Network
calls never run inside a transaction: ``pull_data`` signs and sends first, then writes the
exchange log in one short transaction, so a slow registry never holds a database lock.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core import ratelimit
from motcua.core.actors import Actor
from motcua.core.errors import MotcuaError, NotFound, RateLimited
from motcua.core.ids import mask_personal_id
from motcua.core.services import record_change
from motcua.exchange import tokens
from motcua.exchange.client import PullItem, PullOutcome, PullStatus, default_client
from motcua.exchange.events import ExchangeEvent, ExchangeSubject
from motcua.exchange.keys import (
    NoSigningKey,
    forget_cached_keys,
    open_private_key,
    seal_private_key,
    signing_key,
)
from motcua.exchange.models import AgencyKey, Consent, Exchange, KeyStatus
from motcua.exchange.sources import DataSource
from motcua.identity.actors import ApplicantActor
from motcua.identity.models import Applicant
from motcua.protocol import (
    PING_AUDIENCE,
    AccessLogRequest,
    ExchangeRequest,
    generate_key,
    public_jwk,
    sign,
)
from motcua.protocol.consent_token import CONSENT_TYPE, OnBehalfOf

PURPOSE_MAX = 300


def _mask(subject_id: str) -> str:
    return (
        mask_personal_id(subject_id)
        if len(subject_id) == 12
        else subject_id[:3] + "*" * (len(subject_id) - 3)
    )


# --- agency keys --------------------------------------------------------------------------------


def new_agency_key(agency_code: str, status: KeyStatus) -> AgencyKey:
    """An unsaved key row with a fresh key pair, its private half sealed."""
    key = generate_key()
    now = timezone.now()
    return AgencyKey(
        agency_code=agency_code,
        kid=str(key.kid),
        public_jwk=public_jwk(key),
        sealed_private_key=seal_private_key(key),
        status=status,
        created_at=now,
        activated_at=now if status == KeyStatus.ACTIVE else None,
    )


@transaction.atomic
def ensure_agency_keys(*, actor: Actor, agency_codes: Sequence[str]) -> int:
    """Give every listed agency without a key an active one; the number created (idempotent).

    Used to bootstrap a deployment: the new keys still have to be registered with the
    registries (the registration file, ``motcua exchange keys export``)."""
    keyed = set(
        AgencyKey.objects.filter(status__in=[KeyStatus.ACTIVE, KeyStatus.PENDING]).values_list(
            "agency_code", flat=True
        )
    )
    rows = [new_agency_key(code, KeyStatus.ACTIVE) for code in sorted(set(agency_codes) - keyed)]
    AgencyKey.objects.bulk_create(rows, batch_size=1000)
    if rows:
        record_change(
            actor=actor,
            type=ExchangeEvent.EXCHANGE_KEYS_CREATED,
            subject_type=ExchangeSubject.AGENCY_KEYS,
            subject_id="bulk",
            changes={"keys": [0, len(rows)]},
        )
    return len(rows)


@transaction.atomic
def rotate_agency_key(*, actor: Actor, agency_code: str) -> AgencyKey:
    """Create the agency's next key, pending until the registries have registered it."""
    if AgencyKey.objects.filter(agency_code=agency_code, status=KeyStatus.PENDING).exists():
        raise MotcuaError(f"{agency_code} already has a pending key: register and activate it first.")
    if not AgencyKey.objects.filter(agency_code=agency_code, status=KeyStatus.ACTIVE).exists():
        raise MotcuaError(f"{agency_code} has no active key to rotate; use `exchange keys ensure`.")
    row = new_agency_key(agency_code, KeyStatus.PENDING)
    row.save()
    record_change(
        actor=actor,
        type=ExchangeEvent.EXCHANGE_KEY_ROTATED,
        subject_type=ExchangeSubject.AGENCY_KEY,
        subject_id=row.kid,
        agency_code=agency_code,
        changes={"status": [None, KeyStatus.PENDING]},
    )
    return row


def ping(agency_code: str, key_row: AgencyKey) -> bool:
    """Do the registries accept this key for this agency? (A signed call, no data.)

    For the consent-signing key, the portal pings with a token signed by that key, which the
    registries verify: does the registry accept this consent issuer's key?"""
    key = open_private_key(key_row.kid, key_row.sealed_private_key)
    consent = ""
    if agency_code == tokens.consent_key_owner():
        consent = sign({"iss": tokens.consent_issuer(), "ping": True}, key, typ=CONSENT_TYPE)
        agency_code = portal_agency_code()
        key = signing_key(agency_code)
    request = AccessLogRequest(
        agency=agency_code,
        subject="",
        legal_basis="",
        purpose="",
        request_id=str(uuid.uuid4()),
        audience=PING_AUDIENCE,
        consent=consent,
    )
    client = default_client()
    outcome = client.signed_call(request, key, url=client.endpoints.ping_url)
    return outcome.status == PullStatus.OK


def activate_agency_key(*, actor: Actor, agency_code: str, check_registries: bool = True) -> AgencyKey:
    """Switch the agency to its pending key, once the registries accept it; retire the old one."""
    pending = AgencyKey.objects.filter(agency_code=agency_code, status=KeyStatus.PENDING).first()
    if pending is None:
        raise MotcuaError(f"{agency_code} has no pending key to activate.")
    if check_registries and not ping(agency_code, pending):
        raise MotcuaError(
            f"The registries do not accept {agency_code}'s new key yet: export the registration file "
            "and have it imported there first (docs/exchange.md)."
        )
    with transaction.atomic():
        now = timezone.now()
        AgencyKey.objects.filter(agency_code=agency_code, status=KeyStatus.ACTIVE).update(
            status=KeyStatus.RETIRED, retired_at=now
        )
        AgencyKey.objects.filter(pk=pending.pk).update(status=KeyStatus.ACTIVE, activated_at=now)
        record_change(
            actor=actor,
            type=ExchangeEvent.EXCHANGE_KEY_ACTIVATED,
            subject_type=ExchangeSubject.AGENCY_KEY,
            subject_id=pending.kid,
            agency_code=agency_code,
            changes={"status": [KeyStatus.PENDING, KeyStatus.ACTIVE]},
        )
    forget_cached_keys()
    pending.refresh_from_db()
    return pending


# --- consent and pulls --------------------------------------------------------------------------


def _consented_component(source: DataSource) -> dict[str, Any]:
    return {
        "component": source.component_id,
        "registry": source.registry,
        "fields": list(source.fields),
        "legal_basis_code": source.legal_basis_code,
        "subject": f"form.{source.subject_field}" if source.subject_field else "applicant",
    }


@transaction.atomic(savepoint=False)  # no savepoint of its own inside a caller's transaction
def record_consent(
    *,
    actor: ApplicantActor,
    applicant: Applicant,
    procedure: Procedure,
    dossier_ref: str,
    agency_code: str,
    accepted: Sequence[DataSource],
    declined: Sequence[str],
    given_by: Applicant | None = None,
) -> Consent:
    """What the applicant agreed to have fetched for this draft, and what they will upload.

    ``given_by``: the actor's own applicant row when the caller has it already loaded (the
    consent token names that person; it is not read again)."""
    if given_by is not None and given_by.pk != actor.applicant_id:
        raise ValueError("given_by must be the actor's own applicant")
    consent = Consent.objects.create(
        **({"given_by": given_by} if given_by is not None else {"given_by_id": actor.applicant_id}),
        applicant=applicant,
        procedure_code=procedure.code,
        dossier_ref=dossier_ref,
        agency_code=agency_code,
        components=[_consented_component(source) for source in accepted],
        declined=sorted(declined),
    )
    record_change(
        actor=actor,
        type=ExchangeEvent.CONSENT_GIVEN,
        subject_type=ExchangeSubject.CONSENT,
        subject_id=str(consent.public_id),
        agency_code=agency_code,
        changes={
            "components": [None, [source.component_id for source in accepted]],
            "declined": [None, sorted(declined)],
        },
        payload={"dossier": dossier_ref, "procedure": procedure.code},
    )
    return consent


@dataclass(frozen=True)
class PullResult:
    component_id: str
    registry: str
    status: PullStatus
    data: Any
    error_code: str
    fetched_at: datetime.datetime


def limit_third_party_requests(*, actor: ApplicantActor, count: int) -> None:
    """Count ``count`` requests about people other than the applicant against the applicant's
    allowance (``RATE_LIMIT_THIRD_PARTY_APPLICANT``); over it, nothing is sent (``RateLimited``)."""
    rate = ratelimit.configured_rate("third_party_applicant")
    for _request in range(count):
        verdict = ratelimit.hit("third_party_applicant", actor.applicant_public_id, rate)
        if not verdict.allowed:
            raise RateLimited(
                _(
                    "You have asked for other people's data too many times. Try again in %(minutes)d "
                    "minutes, or type their details in the form and upload the documents instead."
                )
                % {"minutes": max(1, math.ceil(verdict.retry_after / 60))},
                retry_after=verdict.retry_after,
            )


def _requests(
    *, consent: Consent, sources: Sequence[DataSource], subjects: Mapping[str, str]
) -> list[tuple[DataSource, ExchangeRequest]]:
    """One request per source whose subject is known (its consent token still to be signed)."""
    return [
        (
            source,
            ExchangeRequest(
                agency=consent.agency_code,
                registry=source.registry,
                procedure=consent.procedure_code,
                dossier=consent.dossier_ref,
                purpose=source.purpose.vi[:PURPOSE_MAX],
                legal_basis=source.legal_basis_code,
                subject=subjects[source.component_id],
                fields=source.fields,
                requester=tokens.requester_id(consent),
                consent="",
                request_id=str(uuid.uuid4()),
            ),
        )
        for source in sources
        if source.component_id in subjects
    ]


def pull_data(
    *,
    actor: ApplicantActor,
    consent: Consent,
    sources: Sequence[DataSource],
    subjects: Mapping[str, str],
    claimed: OnBehalfOf | None = None,
) -> list[PullResult]:
    """Fetch each consented source for its subject, in parallel; log every call; return results.

    ``subjects`` maps component id to the personal ID number or enterprise code the data is about.
    Only the person who consented makes the requests of their consent, and each carries a
    consent token the platform signs for it now (ADR 0022). A registry that fails gives a result
    with its status (unavailable, timeout, ...), never an exception: the caller keeps the draft
    and tells the applicant what could not be fetched.

    ``claimed``: a representation the registry is asked to confirm from its own records before
    the platform has recorded it (an enterprise's legal representative, ADR 0065); otherwise the
    token names the representation the platform recorded, if any."""
    if actor.applicant_id != consent.given_by_id:
        raise NotFound("No such consent.")
    now = timezone.now()
    requests = _requests(consent=consent, sources=sources, subjects=subjects)
    if not requests:
        return []
    outcomes: list[PullOutcome | None]
    try:
        key = signing_key(consent.agency_code)
        acting_for = claimed if claimed is not None else tokens.on_behalf_of(consent)
        requests = [
            (
                source,
                dataclasses.replace(
                    request,
                    consent=tokens.issue(
                        consent, request, assurance_level=actor.assurance_level, acting_for=acting_for
                    ),
                ),
            )
            for source, request in requests
        ]
    except NoSigningKey:  # a deployment fault: every source fails, the draft is kept
        outcomes = [None] * len(requests)
    else:
        outcomes = list(
            default_client().pull(
                [
                    PullItem(label=source.component_id, request=request, key=key)
                    for source, request in requests
                ]
            )
        )
    results = [
        PullResult(
            component_id=source.component_id,
            registry=source.registry,
            status=outcome.status if outcome else PullStatus.UNAVAILABLE,
            data=outcome.data if outcome else None,
            error_code=outcome.error_code if outcome else "no_signing_key",
            fetched_at=now,
        )
        for (source, _request), outcome in zip(requests, outcomes, strict=True)
    ]
    with transaction.atomic():
        Exchange.objects.bulk_create(
            [
                Exchange(
                    public_id=uuid.UUID(request.request_id),
                    consent=consent,
                    dossier_ref=consent.dossier_ref,
                    component_id=source.component_id,
                    registry=source.registry,
                    agency_code=consent.agency_code,
                    procedure_code=consent.procedure_code,
                    legal_basis_code=source.legal_basis_code,
                    subject_masked=_mask(request.subject),
                    fields=list(request.fields),
                    status=result.status,
                    error_code=result.error_code[:40],
                    http_status=outcome.http_status if outcome else None,
                    attempts=outcome.attempts if outcome else 0,
                    duration_ms=outcome.duration_ms if outcome else 0,
                    registry_log_entry=outcome.log_entry if outcome else "",
                    request_digest=outcome.request_digest if outcome else "",
                    occurred_at=now,
                )
                for (source, request), result, outcome in zip(requests, results, outcomes, strict=True)
            ]
        )
        record_change(
            actor=actor,
            type=ExchangeEvent.DATA_PULLED,
            subject_type=ExchangeSubject.CONSENT,
            subject_id=str(consent.public_id),
            agency_code=consent.agency_code,
            changes={"components": [None, {result.component_id: str(result.status) for result in results}]},
            payload={
                "dossier": consent.dossier_ref,
                "procedure": consent.procedure_code,
                "registries": sorted({result.registry for result in results}),
                "received": sum(result.status == PullStatus.OK for result in results),
                "failed": sum(not result.status.is_answer for result in results),
            },
        )
    return results


def portal_agency_code() -> str:
    return str(settings.MOTCUA_PORTAL_AGENCY_CODE)
