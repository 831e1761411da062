"""The actor behind a request: an applicant, an official (with roles at agencies), an agency's
system (an integrator client, with roles at its one agency), or nobody.

``actor_for(request)`` is the only place that turns a session into an actor. An official
counts only once the second factor is verified (django-otp); until then the request is
anonymous as far as every selector and service is concerned. An integrator client's actor comes
from its bearer token (``identity.integrators.actor_for_token``, called by the API's bearer
authentication), never from a session.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from motcua.identity.models import (
    Applicant,
    ApplicantKind,
    Representation,
    RepresentationBasis,
    Role,
    RoleAssignment,
    User,
    UserKind,
)


@dataclass(frozen=True)
class Grant:
    """One active role at one agency, with the agency's place in the two-level hierarchy."""

    role: str
    agency_code: str  # "" for the platform administrator
    agency_level: str = ""
    province_code: str = ""
    commune_code: str = ""

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass(frozen=True)
class ApplicantActor:
    user_id: int
    applicant_id: int
    applicant_public_id: str
    assurance_level: int
    # acting for an organisation (ADR 0065): the organisation, the basis (legal representative or
    # an authorised employee) and the procedures an employee was authorised for (empty: all).
    # Audit rows still name the person (``actor_id``); what they see is the organisation's only.
    organisation_id: int = 0
    organisation_public_id: str = ""
    organisation_basis: str = ""
    organisation_scope: tuple[str, ...] = ()

    @property
    def acts_for_organisation(self) -> bool:
        return bool(self.organisation_id)

    def organisation_covers(self, procedure_code: str) -> bool:
        return not self.organisation_scope or procedure_code in self.organisation_scope

    @property
    def actor_kind(self) -> str:
        return "applicant"

    @property
    def actor_id(self) -> str:
        return self.applicant_public_id

    @property
    def actor_agency_code(self) -> str:
        return ""


class AgencyActor:
    """Whoever acts for agencies through role grants: an official, or an agency's system. The
    agency scope (``identity.selectors.agency_scope``) and the role checks of the services read
    only the grants, so both get the same answers for the same roles."""

    grants: tuple[Grant, ...]

    @property
    def is_platform_admin(self) -> bool:
        return any(grant.role == Role.PLATFORM_ADMIN for grant in self.grants)

    def has_role(self, *roles: str, agency_code: str | None = None) -> bool:
        return any(
            grant.role in roles and (agency_code is None or grant.agency_code == agency_code)
            for grant in self.grants
        )

    def agency_codes(self, *roles: str) -> set[str]:
        wanted = set(roles) or set(Role.values)
        return {grant.agency_code for grant in self.grants if grant.role in wanted and grant.agency_code}


@dataclass(frozen=True)
class OfficialActor(AgencyActor):
    user_id: int
    username: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def actor_kind(self) -> str:
        return "official"

    @property
    def actor_id(self) -> str:
        return f"user:{self.user_id}"

    @property
    def actor_agency_code(self) -> str:
        agencies = sorted({grant.agency_code for grant in self.grants if grant.agency_code})
        return agencies[0] if len(agencies) == 1 else ""


@dataclass(frozen=True)
class IntegratorActor(AgencyActor):
    """An agency's system calling the API with a bearer token: audited as itself
    (``integrator`` / ``client:<client_id>``), never as a person. Its grants are the token's
    roles at the client's one agency."""

    client_pk: int
    client_id: str
    agency_code: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    rate_limit: str = ""  # the client's own request rate ("" = the default for clients)

    @property
    def actor_kind(self) -> str:
        return "integrator"

    @property
    def actor_id(self) -> str:
        return f"client:{self.client_id}"

    @property
    def actor_agency_code(self) -> str:
        return self.agency_code


RequestActor = ApplicantActor | OfficialActor | IntegratorActor


def grants_of(user: User) -> tuple[Grant, ...]:
    assignments = (
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("agency__province", "agency__commune")
        .order_by("id")
    )
    grants = []
    for assignment in assignments:
        agency = assignment.agency
        if agency is None:
            grants.append(Grant(role=assignment.role, agency_code=""))
            continue
        if not agency.is_active:
            continue
        grants.append(
            Grant(
                role=assignment.role,
                agency_code=agency.code,
                agency_level=agency.level,
                province_code=agency.province.code if agency.province else "",
                commune_code=agency.commune.code if agency.commune else "",
            )
        )
    return tuple(grants)


def actor_for_user(user: User, *, verified: bool) -> RequestActor | None:
    """The actor for a signed-in user, or None when the user may not act (yet)."""
    if not user.is_active:
        return None
    if user.kind == UserKind.APPLICANT:
        applicant = Applicant.objects.filter(user=user).only("id", "public_id", "assurance_level").first()
        if applicant is None:
            return None
        return ApplicantActor(
            user_id=user.pk,
            applicant_id=applicant.pk,
            applicant_public_id=str(applicant.public_id),
            assurance_level=applicant.assurance_level,
        )
    if user.kind == UserKind.OFFICIAL and verified:
        return OfficialActor(user_id=user.pk, username=user.username, grants=grants_of(user))
    return None


def actor_for(request: HttpRequest) -> RequestActor | None:
    """The request's actor, computed once per request (``request.actor``) and resolved once per
    session (``SESSION_ACTOR_KEY``, ADR 0033)."""
    if hasattr(request, "actor"):
        cached: RequestActor | None = request.actor
        return cached
    actor: RequestActor | None = None
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        verified = bool(getattr(user, "is_verified", lambda: False)())
        actor = _session_actor(request, user, verified=verified)
    request.actor = actor  # type: ignore[attr-defined]
    return actor


# --- The actor kept in the session -------------------------------------------------------------
# An applicant's or an official's actor is worked out on the first request of a session and kept
# in it, with a stamp of what it was worked out from; later requests rebuild it from the session
# without a query. What revokes it still takes effect on the next request:
# - a logged-out session is flushed (the stamp is gone with it); the stamp names the session key
#   and the time of the user's last login (Django moves it on every login, and a login by the
#   user already signed in keeps the session key), so a new login (a higher eID level) never
#   reuses an old actor;
# - a disabled account: ``is_active`` is read from the user row, which Django loads on every
#   request anyway (the session's authentication hash is checked against it);
# - an official's grants: the user row is loaded with a stamp of their role assignments
#   (``OfficialBackend.get_user``: how many are active at an active agency, and the newest one's
#   id), so granting, revoking or deactivating the agency changes it; and the second factor is
#   checked on every request by django-otp, as before;
# - the reference data the grants describe (an agency's place in the hierarchy) is stamped with
#   the reference-data version (``core.refdata``), bumped by ``units load``.
SESSION_ACTOR_KEY = "_motcua_actor"
# the organisation the applicant chose to act for (its public id): checked against an active
# representation on every request, so a revoked or ended one takes effect on the next request
SESSION_ORGANISATION_KEY = "_motcua_organisation"
GRANTS_STAMP_ATTRIBUTE = "grants_stamp"  # set by identity.auth.OfficialBackend.get_user


def _stamp(request: HttpRequest, user: User) -> str | None:
    """What the actor kept in this session was worked out from; None when it cannot be kept."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return None
    # a login by the same user keeps the session (and its key): its time tells the logins apart
    key = f"{key}:{user.last_login.isoformat() if user.last_login else ''}"
    if user.kind == UserKind.OFFICIAL:
        grants_stamp = getattr(user, GRANTS_STAMP_ATTRIBUTE, None)
        if grants_stamp is None:  # not loaded by OfficialBackend: work the grants out each time
            return None
        from motcua.core import refdata

        key = f"{key}:{grants_stamp}:{refdata.version()}"
    return f"{user.pk}:" + hashlib.sha256(key.encode()).hexdigest()[:24]


def _session_actor(request: HttpRequest, user: User, *, verified: bool) -> RequestActor | None:
    actor = _session_person(request, user, verified=verified)
    if isinstance(actor, ApplicantActor):
        session = getattr(request, "session", None)
        chosen = session.get(SESSION_ORGANISATION_KEY) if session is not None else None
        if chosen:
            acting = acting_for_organisation(actor, str(chosen))
            if acting is None and session is not None:
                del session[SESSION_ORGANISATION_KEY]
            return acting or actor
    return actor


def acting_for_organisation(actor: ApplicantActor, organisation_public_id: str) -> ApplicantActor | None:
    """The actor acting for the organisation, if an active representation lets them (one query);
    a legal representative acts for every procedure, an authorised employee for their scope."""
    try:
        key = uuid.UUID(organisation_public_id)
    except ValueError:
        return None
    day: datetime.date = timezone.localdate()
    found = (
        Representation.objects.filter(
            Q(basis=RepresentationBasis.LEGAL_REPRESENTATIVE) | Q(basis=RepresentationBasis.AUTHORISATION),
            representative_id=actor.applicant_id,
            represented__public_id=key,
            represented__kind=ApplicantKind.ORGANISATION,
            revoked_at__isnull=True,
            valid_from__lte=day,
            valid_until__gt=day,
        )
        .order_by("id")
        .values_list("represented_id", "basis", "scope")
    )
    rows = list(found)
    if not rows:
        return None
    legal = [row for row in rows if row[1] == RepresentationBasis.LEGAL_REPRESENTATIVE]
    organisation_id, basis, _scope = legal[0] if legal else rows[0]
    scope: tuple[str, ...] = ()
    if not legal:
        scopes = [tuple(row[2] or ()) for row in rows]
        scope = () if any(not entry for entry in scopes) else tuple(sorted({c for s in scopes for c in s}))
    return ApplicantActor(
        user_id=actor.user_id,
        applicant_id=actor.applicant_id,
        applicant_public_id=actor.applicant_public_id,
        assurance_level=actor.assurance_level,
        organisation_id=int(organisation_id),
        organisation_public_id=str(key),
        organisation_basis=str(basis),
        organisation_scope=scope,
    )


def _session_person(request: HttpRequest, user: User, *, verified: bool) -> RequestActor | None:
    if not user.is_active:
        return None
    stamp = _stamp(request, user)
    if stamp is None:
        return actor_for_user(user, verified=verified)
    session = request.session
    kept = session.get(SESSION_ACTOR_KEY)
    if isinstance(kept, dict) and kept.get("stamp") == stamp:
        actor = _from_session(kept, user, verified=verified)
        if actor is not None:
            return actor
    actor = actor_for_user(user, verified=verified)
    if actor is not None:
        session[SESSION_ACTOR_KEY] = {"stamp": stamp, **_to_session(actor)}
    elif SESSION_ACTOR_KEY in session:
        del session[SESSION_ACTOR_KEY]
    return actor


def _to_session(actor: RequestActor) -> dict[str, Any]:
    if isinstance(actor, ApplicantActor):
        return {
            "kind": "applicant",
            "applicant_id": actor.applicant_id,
            "public_id": actor.applicant_public_id,
            "level": actor.assurance_level,
        }
    if isinstance(actor, OfficialActor):
        return {
            "kind": "official",
            "grants": [
                [g.role, g.agency_code, g.agency_level, g.province_code, g.commune_code] for g in actor.grants
            ],
        }
    return {"kind": "none"}  # integrators come from their token, never from a session


def _from_session(kept: dict[str, Any], user: User, *, verified: bool) -> RequestActor | None:
    try:
        if kept["kind"] == "applicant" and user.kind == UserKind.APPLICANT:
            return ApplicantActor(
                user_id=user.pk,
                applicant_id=int(kept["applicant_id"]),
                applicant_public_id=str(kept["public_id"]),
                assurance_level=int(kept["level"]),
            )
        if kept["kind"] == "official" and user.kind == UserKind.OFFICIAL and verified:
            grants = tuple(Grant(*(str(part) for part in grant)) for grant in kept["grants"])
            return OfficialActor(user_id=user.pk, username=user.username, grants=grants)
    except (KeyError, TypeError, ValueError):  # written by another version: work it out again
        return None
    return None
