"""The actor behind a request: an applicant, an official (with roles at agencies), an agency's
system (an integrator client, with roles at its one agency), or nobody.

``actor_for(request)`` is the only place that turns a session into an actor. An official
counts only once the second factor is verified (django-otp); until then the request is
anonymous as far as every selector and service is concerned. An integrator client's actor comes
from its bearer token (``identity.integrators.actor_for_token``, called by the API's bearer
authentication), never from a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from motcua.identity.models import Applicant, Role, RoleAssignment, User, UserKind


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
    """The request's actor, computed once per request (``request.actor``)."""
    if hasattr(request, "actor"):
        cached: RequestActor | None = request.actor
        return cached
    actor: RequestActor | None = None
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        verified = bool(getattr(user, "is_verified", lambda: False)())
        actor = actor_for_user(user, verified=verified)
    request.actor = actor  # type: ignore[attr-defined]
    return actor
