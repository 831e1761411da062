"""What the registries do: answer signed requests, and record the operator's changes.

Answering a query (``answer_query``), in order, each step refusing with a typed error:
the message is a compact JWS naming a registered, unrevoked key (``unknown_key``) whose
signature verifies (``bad_signature``) and whose agency is the issuer and is active
(``unregistered_agency``); it is for this registry (``wrong_audience``), issued within the
time window (``outside_time_window``) and carries a consent token (``missing_consent``) signed
by a registered consent issuer's key (``invalid_consent``), still valid (``consent_expired``)
and naming exactly this request (``consent_mismatch``); the fields exist (``unknown_field``)
and the legal basis grants them to this agency type for this procedure
(``unknown_legal_basis``, ``not_covered_by_legal_basis``, ``fields_not_allowed``); the subject
is of a kind the registry holds (``invalid_subject``); the person who consented may act for
the applicant they name (``representation_not_verified``) and, when the data is about someone
else, the records show a relation the policy accepts for these fields (``not_related``,
``fields_not_allowed``); and its nonce was never accepted before (``replay``). Every request,
answered or refused, gets one access-log entry; every answer is signed.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.protocol import (
    ACCESS_LOG_PAGE,
    HTTP_STATUS,
    MAX_CONSENT_BYTES,
    PING_AUDIENCE,
    REQUEST_TYPE,
    RESPONSE_TYPE,
    WRITE_TYPE,
    AccessLogRequest,
    ExchangeErrorCode,
    ExchangeRequest,
    ExchangeResponse,
    ProtocolError,
    check_time,
    digest,
    key_from_jwk,
    parse,
    sign,
    verify,
)
from motcua.protocol.consent_token import CONSENT_TYPE, ConsentToken
from motcua.registries import conf, feeds, log, relations, selectors, writing
from motcua.registries.data.records import REGISTRIES, fetch, is_valid_field, select, subject_kind
from motcua.registries.keys import current_key
from motcua.registries.models import Agency, AgencyKey, ConsentKey, LogEntry, Outcome
from motcua.registries.policy import policy
from motcua.registries.selectors import KnownConsentKey, KnownKey


@dataclass(frozen=True)
class Answer:
    http_status: int
    token: str


def _verified(token: str, entry: LogEntry, typ: str = REQUEST_TYPE) -> tuple[dict[str, Any], KnownKey]:
    """The claims of a request signed by a registered, active agency's unrevoked key."""
    compact = parse(token)
    entry.key_id = str(compact.header["kid"])[:64]
    known = selectors.find_key(entry.key_id)
    if known is None or known.revoked:
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_KEY, "No registered, unrevoked key has this kid.")
    entry.agency_code = known.agency_code
    claims = verify(compact, known.key, typ=typ)
    if claims.get("iss") != known.agency_code:
        raise ProtocolError(ExchangeErrorCode.UNREGISTERED_AGENCY, "The key is registered to another agency.")
    if not known.agency_active:
        raise ProtocolError(ExchangeErrorCode.UNREGISTERED_AGENCY, "The agency's registration is suspended.")
    entry.is_verified = True
    return claims, known


def _describe(entry: LogEntry, request: ExchangeRequest | AccessLogRequest) -> None:
    entry.request_id = request.request_id
    entry.legal_basis = request.legal_basis
    entry.purpose = request.purpose
    entry.subject_id = request.subject
    if isinstance(request, ExchangeRequest):
        entry.procedure_code = request.procedure
        entry.dossier_ref = request.dossier
        entry.fields = list(request.fields)


def _consent_claims(token: str) -> tuple[dict[str, Any], KnownConsentKey]:
    """The claims of a consent token signed by a registered, unrevoked consent-issuer key that
    names that key's issuer."""
    try:
        compact = parse(token, max_bytes=MAX_CONSENT_BYTES)
    except ProtocolError as exc:
        raise ProtocolError(ExchangeErrorCode.INVALID_CONSENT, f"The consent: {exc.message}") from None
    known = selectors.find_consent_key(str(compact.header["kid"]))
    if known is None or known.revoked:
        raise ProtocolError(
            ExchangeErrorCode.INVALID_CONSENT, "The consent is not signed by a registered consent issuer."
        )
    try:
        claims = verify(compact, known.key, typ=CONSENT_TYPE)
    except ProtocolError as exc:
        raise ProtocolError(ExchangeErrorCode.INVALID_CONSENT, f"The consent: {exc.message}") from None
    if claims.get("iss") != known.issuer:
        raise ProtocolError(
            ExchangeErrorCode.INVALID_CONSENT, "The consent names another issuer than its key's."
        )
    return claims, known


def _checked_consent(entry: LogEntry, request: ExchangeRequest) -> ConsentToken:
    """The request's consent token, verified and matching the request; the entry records who
    consented (and for whom), which is what the access log keeps as evidence."""
    if not request.consent.strip():
        raise ProtocolError(ExchangeErrorCode.MISSING_CONSENT, "The request carries no consent token.")
    entry.detail = {"consent_digest": digest(request.consent)}
    claims, known = _consent_claims(request.consent)
    consent = ConsentToken.from_claims(claims)
    entry.consent_ref = consent.consent_id
    entry.detail.update(
        consent_issuer=consent.issuer,
        consent_kid=known.kid,
        requester=consent.consented_by,
        assurance_level=consent.assurance_level,
    )
    if consent.on_behalf_of is not None:
        entry.detail["on_behalf_of"] = consent.on_behalf_of.claims()
    consent.check_time(skew_seconds=conf.request_window_seconds())
    mismatched = consent.mismatches(request)
    if mismatched:
        raise ProtocolError(
            ExchangeErrorCode.CONSENT_MISMATCH,
            "The consent does not cover this request: " + ", ".join(mismatched) + " differ.",
        )
    return consent


def _relation(entry: LogEntry, consent: ConsentToken, request: ExchangeRequest) -> str:
    """How the applicant stands to the subject: ``self``, ``represented`` or a relation the
    policy accepts for these fields; otherwise the typed refusal. The entry keeps every relation
    the records showed (evidence of the decision)."""
    if consent.on_behalf_of is not None:
        relations.check_representation(
            consent.consented_by,
            consent.on_behalf_of,
            procedure=request.procedure,
            today=timezone.localdate(),
        )
    if (
        subject_kind(request.subject) == "plate"
    ):  # a vehicle's data: only its owner's (or their representative's)
        owner = relations.plate_owner(request.subject)
        entry.detail["plate"] = request.subject
        if owner is None or owner not in {consent.consented_by, consent.applicant}:
            raise ProtocolError(
                ExchangeErrorCode.NOT_RELATED, "The applicant is not recorded as this vehicle's owner."
            )
        entry.subject_id = owner  # so the owner sees it in "who used my data"
        return "self" if owner == consent.consented_by else "represented"
    if request.subject == consent.consented_by:
        return "self"
    if consent.on_behalf_of is not None and request.subject == consent.on_behalf_of.subject:
        return "represented"
    rules = policy()
    wanted = rules.third_party_relations(registry=request.registry, procedure=request.procedure)
    held = relations.relations_between(consent.applicant, request.subject, wanted) if wanted else set()
    entry.detail["relations_found"] = sorted(held)
    return rules.authorise_third_party(
        registry=request.registry, procedure=request.procedure, relations=held, fields=request.fields
    )


def _record_accepted(entry: LogEntry, nonce: str) -> None:
    """Insert the entry with its nonce; a nonce seen before makes it a replay."""
    entry.nonce = nonce
    try:
        log.writer.submit(entry)
    except log.Replay:
        entry.nonce = None
        raise ProtocolError(
            ExchangeErrorCode.REPLAY, "This nonce was already used: the request is a replay."
        ) from None


def _signed_answer(response: ExchangeResponse, status: int) -> Answer:
    return Answer(status, sign(response.claims(), current_key(), typ=RESPONSE_TYPE))


def delay(registry: str) -> None:
    """Answer slowly when told to (MOTCUA_REGISTRIES_DELAY_MS: fault injection for tests and benchmarks)."""
    milliseconds = conf.delay_ms().get(registry, 0)
    if milliseconds:
        time.sleep(milliseconds / 1000)


Served = tuple[str, Any]  # the answer's status and data
Serve = Callable[[LogEntry, dict[str, Any], KnownKey], Served]


def _answer(token: str, *, chain: str, serve: Serve, typ: str = REQUEST_TYPE) -> Answer:
    """Verify, let ``serve`` check and answer, log the request, sign the answer or the refusal.

    ``serve`` gets the entry (to describe the request in it and set its outcome), the verified
    claims and the key; it raises ``ProtocolError`` to refuse. Every request gets one entry."""
    entry = LogEntry(chain=chain, request_digest=digest(token))
    claims: dict[str, Any] = {}
    try:
        claims, known = _verified(token, entry, typ)
        status, data = serve(entry, claims, known)
        _record_accepted(entry, str(claims["nonce"]))
    except ProtocolError as refusal:
        entry.outcome = Outcome.REFUSED
        entry.error_code = refusal.code
        entry.nonce = None
        log.writer.submit(entry)
        nonce = claims.get("nonce") if entry.is_verified else ""
        response = ExchangeResponse(
            registry=chain,
            agency=entry.agency_code if entry.is_verified else "",
            in_reply_to=nonce if isinstance(nonce, str) else "",
            request_digest=entry.request_digest,
            status="refused",
            error_code=refusal.code,
            error_message=refusal.message,
            log_entry=entry.reference,
        )
        return _signed_answer(response, HTTP_STATUS.get(refusal.code, 400))
    response = ExchangeResponse(
        registry=chain,
        agency=entry.agency_code,
        in_reply_to=str(claims["nonce"]),
        request_digest=entry.request_digest,
        status=status,
        data=data,
        log_entry=entry.reference,
    )
    return _signed_answer(response, 200)


def answer_query(registry: str, token: str) -> Answer:
    """Answer one signed request to ``registry``."""

    def serve(entry: LogEntry, claims: dict[str, Any], known: KnownKey) -> Served:
        if registry not in REGISTRIES:
            raise ProtocolError(ExchangeErrorCode.UNKNOWN_REGISTRY, f"There is no registry {registry!r}.")
        request = ExchangeRequest.from_claims(claims)
        _describe(entry, request)
        if request.registry != registry:
            raise ProtocolError(ExchangeErrorCode.WRONG_AUDIENCE, f"The request is for {request.audience}.")
        check_time(request.issued_at, window_seconds=conf.request_window_seconds())
        consent = _checked_consent(entry, request)
        unknown = [name for name in request.fields if not is_valid_field(registry, name)]
        if unknown:
            raise ProtocolError(
                ExchangeErrorCode.UNKNOWN_FIELD, f"{registry} has no field: {', '.join(unknown)}."
            )
        policy().authorise(
            registry=registry,
            legal_basis=request.legal_basis,
            procedure=request.procedure,
            agency_type=known.agency_type,
            fields=request.fields,
        )
        if subject_kind(request.subject) not in REGISTRIES[registry].subject_kinds:
            raise ProtocolError(
                ExchangeErrorCode.INVALID_SUBJECT, f"{registry} holds no subject of this kind."
            )
        entry.detail["relation"] = _relation(entry, consent, request)
        delay(registry)
        record = fetch(registry, request.subject)
        if record is None:
            entry.outcome = Outcome.NOT_FOUND
            return "not_found", None
        entry.outcome = Outcome.SERVED
        return "ok", select(record, request.fields)

    return _answer(token, chain=registry if registry in REGISTRIES else "gateway", serve=serve)


def answer_write(registry: str, token: str) -> Answer:
    """Answer one signed write to ``registry`` (``writing``, ADR 0043)."""

    def serve(entry: LogEntry, claims: dict[str, Any], known: KnownKey) -> Served:
        return writing.serve_write(registry, entry, claims, known)

    return _answer(
        token, chain=registry if registry in REGISTRIES else "gateway", serve=serve, typ=WRITE_TYPE
    )


def answer_feed(registry: str, token: str) -> Answer:
    """Answer one signed change-feed request for ``registry`` (``feeds``, ADR 0063)."""
    return _answer(
        token,
        chain=registry if registry in REGISTRIES else "gateway",
        serve=functools.partial(feeds.serve_feed, registry),
    )


def _access_log_view(entries: list[LogEntry]) -> list[dict[str, Any]]:
    return [
        {
            "id": entry.pk,
            "reference": entry.reference,
            "registry": entry.chain,
            "agency_code": entry.agency_code,
            "purpose": entry.purpose,
            "procedure": entry.procedure_code,
            "dossier": entry.dossier_ref,
            "legal_basis": entry.legal_basis,
            "fields": entry.fields,
            "outcome": entry.outcome,
            "error_code": entry.error_code,
            # how the applicant stood to the person (self, represented, child, ...): never who
            "relation": str(entry.detail.get("relation", "")) if isinstance(entry.detail, dict) else "",
            "operation": str(entry.detail.get("operation", "")) if isinstance(entry.detail, dict) else "",
            "occurred_at": entry.occurred_at.isoformat(),
        }
        for entry in entries
    ]


def answer_signed_call(token: str, *, audience: str) -> Answer:
    """The portal's calls that are not registry queries: a person's access log, and ping."""

    def serve(entry: LogEntry, claims: dict[str, Any], known: KnownKey) -> Served:
        request = AccessLogRequest.from_claims(claims)
        _describe(entry, request)
        if request.audience != audience:
            raise ProtocolError(ExchangeErrorCode.WRONG_AUDIENCE, f"The request is for {request.audience}.")
        check_time(request.issued_at, window_seconds=conf.request_window_seconds())
        if audience == PING_AUDIENCE:
            entry.outcome = Outcome.ADMIN
            entry.detail = {"ping": True}
            answer = {"agency": known.agency_code, "kid": known.kid}
            if request.consent:  # does the registry accept this consent issuer's key?
                _claims, consent_key = _consent_claims(request.consent)
                entry.detail["consent_kid"] = answer["consent_kid"] = consent_key.kid
                answer["consent_issuer"] = consent_key.issuer
            return "ok", answer
        policy().authorise_access_log(legal_basis=request.legal_basis, agency_type=known.agency_type)
        if subject_kind(request.subject) is None:
            raise ProtocolError(
                ExchangeErrorCode.INVALID_SUBJECT, "Not a personal ID number or enterprise code."
            )
        entry.outcome = Outcome.SERVED
        page = selectors.accesses_to(request.subject, before=request.before)
        return "ok", {
            "entries": _access_log_view(page),
            "next_before": page[-1].pk if len(page) == ACCESS_LOG_PAGE else None,
        }

    return _answer(token, chain="gateway" if audience == PING_AUDIENCE else "access_log", serve=serve)


# --- the operator's changes (audited in the "admin" chain) -------------------------------------


@dataclass
class ImportReport:
    agencies_created: int = 0
    agencies_updated: int = 0
    keys_added: int = 0
    keys_revoked: int = 0
    consent_keys_added: int = 0
    consent_keys_revoked: int = 0


def _admin_entry(*, actor: str, action: str, detail: Mapping[str, Any]) -> None:
    """One admin-chain entry per operator change, in the change's transaction."""
    log.append(
        LogEntry(
            chain="admin",
            outcome=Outcome.ADMIN,
            is_verified=True,
            purpose=action,
            detail={"actor": actor, **detail},
        )
    )
    selectors.forget_keys()


def _public_keys(raw: Mapping[str, Any], where: str) -> list[dict[str, Any]]:
    keys = []
    for key_index, jwk in enumerate(raw.get("keys", [])):
        try:
            key = key_from_jwk(jwk)
        except ProtocolError as exc:
            raise ValueError(f"{where}.keys[{key_index}]: {exc.message}") from None
        if key.is_private:
            raise ValueError(f"{where}.keys[{key_index}]: a private key; send public keys only.")
        keys.append({**dict(key.as_dict(private=False)), "kid": key.kid})
    return keys


def _consent_issuers(document: Mapping[str, Any]) -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    issuers = document.get("consent_issuers", [])
    if not isinstance(issuers, list):
        raise ValueError("The registration file's 'consent_issuers' must be a list.")
    parsed = []
    for index, raw in enumerate(issuers):
        if not isinstance(raw, dict) or not isinstance(raw.get("issuer"), str) or not raw["issuer"]:
            raise ValueError(f"consent_issuers[{index}]: needs issuer and keys.")
        where = f"consent_issuers[{index}]"
        parsed.append(
            (raw["issuer"][:64], _public_keys(raw, where), [str(k) for k in raw.get("retired_keys", [])])
        )
    return parsed


def _import_consent_keys(
    issuers: list[tuple[str, list[dict[str, Any]], list[str]]], report: ImportReport
) -> tuple[list[str], list[str]]:
    """Add the consent issuers' new keys and revoke their retired ones; the kids of both."""
    now = timezone.now()
    known = set(ConsentKey.objects.values_list("kid", flat=True))
    added = [
        ConsentKey(kid=jwk["kid"], issuer=issuer, public_jwk=jwk, added_at=now)
        for issuer, keys, _retired in issuers
        for jwk in keys
        if jwk["kid"] not in known
    ]
    ConsentKey.objects.bulk_create(added)
    retired = [kid for _issuer, _keys, kids in issuers for kid in kids]
    revoked = sorted(
        ConsentKey.objects.filter(kid__in=retired, revoked_at__isnull=True).values_list("kid", flat=True)
    )
    ConsentKey.objects.filter(kid__in=revoked).update(revoked_at=now)
    report.consent_keys_added, report.consent_keys_revoked = len(added), len(revoked)
    return sorted(key.kid for key in added), revoked


@transaction.atomic
def import_registrations(document: Mapping[str, Any], *, actor: str) -> ImportReport:
    """Register the agencies and keys of a registration file from the platform (idempotent).

    New agencies and keys are added, names and types updated, agencies missing from the file
    left as they are, and keys the file lists under ``retired_keys`` revoked; the same for the
    consent issuers' keys (``consent_issuers``). Nothing is written unless the whole file is
    valid."""
    agencies = document.get("agencies")
    if not isinstance(agencies, list):
        raise ValueError("The registration file has no 'agencies' list.")
    parsed: list[tuple[dict[str, Any], list[dict[str, Any]], list[str]]] = []
    for index, raw in enumerate(agencies):
        if not isinstance(raw, dict) or not raw.get("code") or not raw.get("agency_type"):
            raise ValueError(f"agencies[{index}]: needs code, name and agency_type.")
        keys = _public_keys(raw, f"agencies[{index}]")
        parsed.append((raw, keys, [str(kid) for kid in raw.get("retired_keys", [])]))
    issuers = _consent_issuers(document)
    report = ImportReport()
    now = timezone.now()
    existing = {agency.code: agency for agency in Agency.objects.all()}
    known_kids = set(AgencyKey.objects.values_list("kid", flat=True))
    new_agencies, new_keys, retired = [], [], []
    for raw, keys, retired_kids in parsed:
        code = str(raw["code"])
        agency = existing.get(code)
        fields = {
            "name": str(raw.get("name", ""))[:255],
            "agency_type": str(raw["agency_type"])[:48],
            "province_code": str(raw.get("province_code", ""))[:2],
        }
        if agency is None:
            new_agencies.append(Agency(code=code, registered_at=now, updated_at=now, **fields))
            report.agencies_created += 1
        elif any(getattr(agency, name) != value for name, value in fields.items()):
            Agency.objects.filter(code=code).update(updated_at=now, **fields)
            report.agencies_updated += 1
        for jwk in keys:
            if jwk["kid"] not in known_kids:
                new_keys.append(AgencyKey(kid=jwk["kid"], agency_id=code, public_jwk=jwk, added_at=now))
                known_kids.add(jwk["kid"])
        retired.extend(retired_kids)
    Agency.objects.bulk_create(new_agencies, batch_size=2000)
    AgencyKey.objects.bulk_create(new_keys, batch_size=2000)
    report.keys_added = len(new_keys)
    revoked_kids = sorted(
        AgencyKey.objects.filter(kid__in=retired, revoked_at__isnull=True).values_list("kid", flat=True)
    )
    for start in range(0, len(revoked_kids), 500):
        AgencyKey.objects.filter(kid__in=revoked_kids[start : start + 500]).update(revoked_at=now)
    report.keys_revoked = len(revoked_kids)
    consent_added, consent_revoked = _import_consent_keys(issuers, report)
    _admin_entry(
        actor=actor,
        action="registrations imported",
        detail={
            "agencies_created": report.agencies_created,
            "agencies_updated": report.agencies_updated,
            "keys_added": sorted(key.kid for key in new_keys),
            "keys_revoked": revoked_kids,
            "consent_keys_added": consent_added,
            "consent_keys_revoked": consent_revoked,
        },
    )
    return report


@transaction.atomic
def revoke_key(*, kid: str, reason: str, actor: str) -> AgencyKey | ConsentKey:
    """Stop accepting one key, an agency's or a consent issuer's."""
    key: AgencyKey | ConsentKey | None = AgencyKey.objects.select_for_update().filter(kid=kid).first()
    if key is None:
        key = ConsentKey.objects.select_for_update().filter(kid=kid).first()
    if key is None:
        raise ValueError(f"No registered key {kid}.")
    if key.revoked_at is None:
        type(key).objects.filter(kid=kid).update(revoked_at=timezone.now())
        _admin_entry(actor=actor, action="key revoked", detail={"kid": kid, "reason": reason})
    key.refresh_from_db()
    return key


@transaction.atomic
def set_agency_active(*, code: str, active: bool, actor: str) -> Agency:
    agency = Agency.objects.select_for_update().filter(code=code).first()
    if agency is None:
        raise ValueError(f"No registered agency {code}.")
    if agency.is_active != active:
        Agency.objects.filter(code=code).update(is_active=active, updated_at=timezone.now())
        _admin_entry(
            actor=actor,
            action="agency reinstated" if active else "agency suspended",
            detail={"agency": code},
        )
    agency.refresh_from_db()
    return agency
