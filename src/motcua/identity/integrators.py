"""Integrator clients: agency systems that call the API with credentials of their own.

The platform is the authorization server for its own API (OAuth 2.0, RFC 6749 §4.4, the client
credentials grant): a client proves itself at ``POST /api/v1/oauth/token`` and gets a short-lived
opaque bearer token, which the API accepts in ``Authorization: Bearer`` (RFC 6750) without a
session or a CSRF token. Decisions: docs/adr/0027-integrator-clients.md; guide: docs/api.md.

A client proves itself one of two ways:

- ``private_key_jwt`` (RFC 7523 §2.2, recommended): a JWT it signs with its own private key —
  ``iss`` = ``sub`` = its client id, ``aud`` = the platform (its public URL or the token
  endpoint's URL, and nothing else), ``exp`` at most five minutes ahead, a ``jti`` used once. The
  platform holds only the public key.
- ``client_secret_basic`` (RFC 6749 §2.3.1): a 256-bit random secret shown once when the client
  is registered, sent in HTTP Basic (or as ``client_secret``); kept only as its SHA-256.

Tokens are 256 random bits, stored only as their SHA-256, valid ``MOTCUA_INTEGRATOR_TOKEN_SECONDS``;
each carries roles (the client's, or fewer if ``scope`` asks for fewer) at the client's agency.
A revoked client's tokens stop working on the next request: every request reads the client.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey

from motcua.core import ratelimit
from motcua.core.actors import Actor
from motcua.core.errors import Forbidden, MotcuaError, NotFound, RateLimited
from motcua.core.logging import get_logger
from motcua.core.services import record_change
from motcua.identity.actors import Grant, IntegratorActor, OfficialActor
from motcua.identity.events import IdentityEvent, IdentitySubject
from motcua.identity.models import (
    INTEGRATOR_ROLES,
    ClientAssertionUse,
    ClientAuthMethod,
    IntegratorClient,
    IntegratorToken,
)
from motcua.units.models import Agency

log = get_logger(__name__)

TOKEN_PATH = "/api/v1/oauth/token"  # noqa: S105 (a path)
GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# always passed explicitly; "Ed25519" is RFC 9864's fully specified name (its "EdDSA" is deprecated)
ASSERTION_ALGORITHMS = ["Ed25519", "ES256"]
MAX_ASSERTION_SECONDS = 300  # an assertion may not be valid for longer than this
MAX_ASSERTION_BYTES = 8 * 1024
CLOCK_LEEWAY = 30  # seconds of clock difference tolerated on exp, nbf and iat
MAX_TOKEN_LENGTH = 128
# prefixes that make a leaked token or secret recognisable to secret scanners
_TOKEN_PREFIX = "mct_"  # noqa: S105
_SECRET_PREFIX = "mcs_"  # noqa: S105


def digest(value: str) -> str:
    """SHA-256 of a secret or token (both are 256 random bits: no salt or slow hash needed)."""
    return hashlib.sha256(value.encode()).hexdigest()


def token_endpoint_url() -> str:
    return f"{issuer()}{TOKEN_PATH}"


def issuer() -> str:
    return str(settings.MOTCUA_PUBLIC_URL).rstrip("/")


class OAuthError(MotcuaError):
    """A refusal of the token endpoint, with its RFC 6749 §5.2 ``error`` code and HTTP status."""

    def __init__(self, error: str, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


def _invalid_client() -> OAuthError:
    # one answer for an unknown client, a wrong secret or key, a revoked client: no oracle
    return OAuthError("invalid_client", _("The client could not be authenticated."), status=401)


# --- registering and revoking clients (operators' commands) ----------------------------------------


def _require_platform_or_system(actor: Actor) -> None:
    if isinstance(actor, OfficialActor) and actor.is_platform_admin:
        return
    if actor.actor_kind != "system":
        raise Forbidden(_("Only a platform administrator can do this."))


def _checked_roles(roles: Sequence[str]) -> list[str]:
    allowed = [str(role) for role in INTEGRATOR_ROLES]
    chosen = list(dict.fromkeys(role.strip() for role in roles if role.strip()))
    if not chosen or any(role not in allowed for role in chosen):
        message = _("An integrator client holds one or more of these roles: %(roles)s.")
        raise MotcuaError(message % {"roles": ", ".join(allowed)})
    return chosen


def public_key_from(data: Mapping[str, Any]) -> dict[str, Any]:
    """The client's public key as a JWK (Ed25519 or P-256), with its RFC 7638 thumbprint as ``kid``;
    a private key is refused, so that it never reaches the platform's database."""
    if "d" in data:
        raise MotcuaError(_("Register the client's public key, never its private key."))
    try:
        key: OKPKey | ECKey
        if data.get("kty") == "OKP" and data.get("crv") == "Ed25519":
            key = OKPKey.import_key(dict(data))
        elif data.get("kty") == "EC" and data.get("crv") == "P-256":
            key = ECKey.import_key(dict(data))
        else:
            raise MotcuaError(_("The client's key must be an Ed25519 or P-256 public key."))
    except (JoseError, ValueError, TypeError):
        raise MotcuaError(_("The client's key must be an Ed25519 or P-256 public key.")) from None
    public = key.as_dict(private=False)
    public["kid"] = key.thumbprint()
    return public


def check_registration(*, agency_code: str, roles: Sequence[str]) -> tuple[Agency, list[str]]:
    """The active agency and the roles a new client would get; ``MotcuaError`` if either is wrong."""
    agency = Agency.objects.filter(code=agency_code.strip(), is_active=True).first()
    if agency is None:
        raise NotFound(_("No such agency."))
    return agency, _checked_roles(roles)


@dataclass(frozen=True)
class RegisteredClient:
    client: IntegratorClient
    secret: str  # the secret, for a client_secret_basic client: shown once, stored nowhere


@transaction.atomic
def create_client(
    *,
    actor: Actor,
    name: str,
    agency_code: str,
    roles: Sequence[str],
    public_jwk: Mapping[str, Any] | None = None,
    rate_limit: str = "",
) -> RegisteredClient:
    """Register an agency system: with ``public_jwk`` a private_key_jwt client, without it a
    client_secret_basic one whose secret is returned here once."""
    _require_platform_or_system(actor)
    name = name.strip()
    if not name or len(name) > 200:
        raise MotcuaError(_("Name the client (the agency system), in at most 200 characters."))
    agency, chosen = check_registration(agency_code=agency_code, roles=roles)
    if rate_limit:
        try:
            ratelimit.Rate.parse(rate_limit)
        except ValueError as exc:
            raise MotcuaError(str(exc)) from None
    secret = ""
    client = IntegratorClient(name=name, agency=agency, roles=chosen, rate_limit=rate_limit.strip())
    if public_jwk is not None:
        client.auth_method = ClientAuthMethod.PRIVATE_KEY_JWT
        client.public_jwk = public_key_from(public_jwk)
    else:
        secret = _SECRET_PREFIX + secrets.token_urlsafe(32)
        client.auth_method = ClientAuthMethod.CLIENT_SECRET
        client.secret_hash = digest(secret)
    client.client_id = f"{agency.code.lower().replace('.', '-')}-{secrets.token_hex(4)}"
    client.save()
    record_change(
        actor=actor,
        type=IdentityEvent.INTEGRATOR_CLIENT_CREATED,
        subject_type=IdentitySubject.INTEGRATOR_CLIENT,
        subject_id=client.client_id,
        agency_code=agency.code,
        changes={
            "roles": [None, chosen],
            "auth_method": [None, client.auth_method],
            "key": [None, client.public_jwk.get("kid", "")],
        },
    )
    return RegisteredClient(client=client, secret=secret)


@transaction.atomic
def revoke_client(*, actor: Actor, client_id: str) -> IntegratorClient:
    """Revoke a client: its tokens stop working on the next request and are deleted; it gets no
    new ones. Revoking again changes nothing."""
    _require_platform_or_system(actor)
    client = IntegratorClient.objects.select_for_update().filter(client_id=client_id.strip()).first()
    if client is None:
        raise NotFound(_("No such integrator client."))
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    deleted, _by_model = IntegratorToken.objects.filter(client=client).delete()
    record_change(
        actor=actor,
        type=IdentityEvent.INTEGRATOR_CLIENT_REVOKED,
        subject_type=IdentitySubject.INTEGRATOR_CLIENT,
        subject_id=client.client_id,
        agency_code=client.agency.code,
        changes={"revoked_at": [None, client.revoked_at.isoformat()], "tokens_deleted": [None, deleted]},
    )
    return client


def clients(actor: Actor) -> QuerySet[IntegratorClient]:
    """Every client, for the platform's operators (no credential is readable in them)."""
    _require_platform_or_system(actor)
    return IntegratorClient.objects.select_related("agency").order_by("agency__code", "client_id")


# --- the token endpoint ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenRequest:
    """What the token endpoint received: its form fields and the HTTP Basic credentials, if any."""

    grant_type: str = ""
    scope: str = ""
    client_id: str = ""
    client_secret: str = ""
    client_assertion_type: str = ""
    client_assertion: str = ""
    basic: tuple[str, str] | None = None  # (client id, secret) from the Authorization header


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    roles: list[str]
    client: IntegratorClient


def _client_by_secret(client_id: str, secret: str) -> IntegratorClient:
    client = IntegratorClient.objects.select_related("agency").filter(client_id=client_id).first()
    expected = client.secret_hash if client is not None else "0" * 64
    matches = hmac.compare_digest(digest(secret), expected)  # computed even for an unknown client
    if client is None or not matches or client.auth_method != ClientAuthMethod.CLIENT_SECRET:
        raise _invalid_client()
    return client


def _unverified_claims(assertion: str) -> dict[str, Any]:
    if len(assertion) > MAX_ASSERTION_BYTES:
        raise _invalid_client()
    try:
        compact = jws.extract_compact(assertion.encode("ascii"))
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError):
        raise _invalid_client() from None
    if not isinstance(claims, dict):
        raise _invalid_client()
    return claims


def _client_by_assertion(
    assertion: str, client_id: str, *, now: datetime.datetime
) -> tuple[IntegratorClient, str, datetime.datetime]:
    """The client whose key signed ``assertion`` (RFC 7523 §3), its ``jti`` and expiry; every
    refusal is ``invalid_client``, and says why only in the log."""
    claimed = str(_unverified_claims(assertion).get("iss", ""))
    if not claimed or (client_id and client_id != claimed):
        raise _invalid_client()
    client = IntegratorClient.objects.select_related("agency").filter(client_id=claimed).first()
    if client is None or client.auth_method != ClientAuthMethod.PRIVATE_KEY_JWT:
        raise _invalid_client()
    key: OKPKey | ECKey = (
        OKPKey.import_key(client.public_jwk)
        if client.public_jwk.get("kty") == "OKP"
        else ECKey.import_key(client.public_jwk)
    )
    at = int(now.timestamp())
    registry = jwt.JWTClaimsRegistry(
        now=at,
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": client.client_id},
        sub={"essential": True, "value": client.client_id},
        aud={"essential": True},
        exp={"essential": True},
        jti={"essential": True},
    )
    try:
        token = jwt.decode(assertion, key, algorithms=ASSERTION_ALGORITHMS)
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        log.warning("client_assertion_refused", client=client.client_id, reason=type(exc).__name__)
        raise _invalid_client() from None
    claims = token.claims
    audience = claims["aud"]
    audiences = audience if isinstance(audience, list) else [audience]
    # exactly one audience, and it is this platform: an assertion made for another server (the
    # eID provider, another platform) is never accepted here
    if len(audiences) != 1 or audiences[0] not in {issuer(), token_endpoint_url()}:
        log.warning("client_assertion_refused", client=client.client_id, reason="audience")
        raise _invalid_client()
    expires = int(claims["exp"])
    if expires - at > MAX_ASSERTION_SECONDS + CLOCK_LEEWAY or len(str(claims["jti"])) > 255:
        log.warning("client_assertion_refused", client=client.client_id, reason="lifetime_or_jti")
        raise _invalid_client()
    return client, str(claims["jti"]), datetime.datetime.fromtimestamp(expires, tz=datetime.UTC)


def _requested_roles(client: IntegratorClient, scope: str) -> list[str]:
    asked = [role for role in scope.split() if role]
    if not asked:
        return list(client.roles)
    if any(role not in client.roles for role in asked):
        raise OAuthError("invalid_scope", _("The scope asks for a role this client does not hold."))
    return list(dict.fromkeys(asked))


def _actor_of(client: IntegratorClient, roles: Sequence[str]) -> IntegratorActor:
    agency = client.agency
    grants = tuple(
        Grant(
            role=role,
            agency_code=agency.code,
            agency_level=agency.level,
            province_code=agency.province.code if agency.province else "",
            commune_code=agency.commune.code if agency.commune else "",
        )
        for role in roles
    )
    return IntegratorActor(
        client_pk=client.pk,
        client_id=client.client_id,
        agency_code=agency.code,
        grants=grants,
        rate_limit=client.rate_limit,
    )


def issue_token(request: TokenRequest, *, now: datetime.datetime | None = None) -> IssuedToken:
    """The client credentials grant: authenticate the client, then issue a token for the roles
    asked for (all of the client's by default). ``OAuthError`` says why not; nothing is written
    then. The token's issue is audited with the client as the actor."""
    at = now or timezone.now()
    if not request.grant_type:
        raise OAuthError("invalid_request", _("Name the grant_type: client_credentials."))
    if request.grant_type != GRANT_TYPE:
        raise OAuthError("unsupported_grant_type", _("Only the client_credentials grant is available."))
    by_secret = request.basic is not None or bool(request.client_secret)
    by_assertion = bool(request.client_assertion_type or request.client_assertion)
    if by_secret == by_assertion:
        raise OAuthError(
            "invalid_request", _("Authenticate the client one way: a client assertion or a client secret.")
        )
    jti = ""
    assertion_expires = at
    if by_assertion:
        if request.client_assertion_type != ASSERTION_TYPE:
            raise OAuthError("invalid_request", _("Unsupported client_assertion_type."))
        client, jti, assertion_expires = _client_by_assertion(
            request.client_assertion, request.client_id, now=at
        )
    else:
        client_id, secret = request.basic or (request.client_id, request.client_secret)
        if request.basic is not None and request.client_id and request.client_id != client_id:
            raise _invalid_client()
        client = _client_by_secret(client_id, secret)
    if client.revoked_at is not None or not client.agency.is_active:
        raise _invalid_client()
    roles = _requested_roles(client, request.scope)
    verdict = ratelimit.hit("token_client", client.client_id, ratelimit.configured_rate("token_client"))
    if not verdict.allowed:
        raise RateLimited(
            _("Too many tokens asked for: use each token until it expires."), retry_after=verdict.retry_after
        )
    return _issue(client, roles, jti=jti, assertion_expires=assertion_expires, at=at)


@transaction.atomic
def _issue(
    client: IntegratorClient,
    roles: list[str],
    *,
    jti: str,
    assertion_expires: datetime.datetime,
    at: datetime.datetime,
) -> IssuedToken:
    # lock the client's row: a revocation committed meanwhile wins, and no token outlives it
    active = IntegratorClient.objects.select_for_update().filter(pk=client.pk, revoked_at__isnull=True)
    if active.values_list("pk", flat=True).first() is None:
        raise _invalid_client()
    if jti:
        try:
            with transaction.atomic():
                ClientAssertionUse.objects.create(client=client, jti=jti, expires_at=assertion_expires)
        except IntegrityError:
            log.warning("client_assertion_replayed", client=client.client_id)
            raise _invalid_client() from None
    lifetime = int(settings.MOTCUA_INTEGRATOR_TOKEN_SECONDS)
    value = _TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = at + datetime.timedelta(seconds=lifetime)
    IntegratorToken.objects.create(
        token_hash=digest(value), client=client, roles=roles, issued_at=at, expires_at=expires_at
    )
    record_change(
        actor=_actor_of(client, roles),
        type=IdentityEvent.INTEGRATOR_TOKEN_ISSUED,
        subject_type=IdentitySubject.INTEGRATOR_CLIENT,
        subject_id=client.client_id,
        agency_code=client.agency.code,
        changes={"roles": [None, roles], "expires_at": [None, expires_at.isoformat()]},
    )
    return IssuedToken(access_token=value, expires_in=lifetime, roles=roles, client=client)


# --- bearer tokens on the API ---------------------------------------------------------------------


def actor_for_token(token: str, *, now: datetime.datetime | None = None) -> IntegratorActor | None:
    """The client behind a bearer token, or None when the token is unknown, expired, or its
    client (or the client's agency) is no longer active. One indexed query."""
    token = token.strip()
    if not token.startswith(_TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = (
        IntegratorToken.objects.filter(
            token_hash=digest(token),
            expires_at__gt=now or timezone.now(),
            client__revoked_at__isnull=True,
            client__agency__is_active=True,
        )
        .select_related("client__agency__province", "client__agency__commune")
        .first()
    )
    if found is None:
        return None
    client = found.client
    return _actor_of(client, [role for role in found.roles if role in client.roles])


def client_rate(actor: IntegratorActor) -> ratelimit.Rate:
    if actor.rate_limit:
        return ratelimit.Rate.parse(actor.rate_limit)
    return ratelimit.configured_rate("api_client")


def purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete expired tokens and the ``jti`` of expired assertions (bookkeeping, not evidence:
    each token's issue is in the audit log). Returns how many rows went."""
    at = now or timezone.now()
    tokens, _tokens = IntegratorToken.objects.filter(expires_at__lte=at).delete()
    uses, _uses = ClientAssertionUse.objects.filter(
        expires_at__lte=at - datetime.timedelta(seconds=CLOCK_LEEWAY)
    ).delete()
    return tokens + uses
