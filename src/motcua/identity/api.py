"""REST API for identity: the caller's own profile and representations (applicants), and an
agency's staff and roles (officials). Authentication is the browser session (CSRF-checked);
no session → 401, the other kind of account → 403, an object outside the caller's scope → 404.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from motcua.api.errors import DENIALS, ErrorOut
from motcua.identity import selectors, services
from motcua.identity.models import Applicant, Representation
from motcua.identity.permissions import applicant_auth, applicant_of, official_auth, official_of

router = Router(tags=["identity"])


class ApplicantOut(Schema):
    id: str
    kind: str
    name: str
    personal_id_masked: str = ""
    enterprise_code: str = ""
    assurance_level: int

    @staticmethod
    def resolve_id(obj: Applicant) -> str:
        return str(obj.public_id)

    @staticmethod
    def resolve_personal_id_masked(obj: Applicant) -> str:
        return f"{obj.personal_id[:3]}******{obj.personal_id[-3:]}" if obj.personal_id else ""

    @staticmethod
    def resolve_enterprise_code(obj: Applicant) -> str:
        return obj.enterprise_code or ""


class MeOut(Schema):
    applicant: ApplicantOut
    may_act_for: list[ApplicantOut]


class RepresentationOut(Schema):
    id: str
    representative: ApplicantOut
    represented: ApplicantOut
    basis: str
    scope: list[str]
    valid_from: datetime.date
    valid_until: datetime.date
    revoked: bool

    @staticmethod
    def resolve_id(obj: Representation) -> str:
        return str(obj.public_id)

    @staticmethod
    def resolve_revoked(obj: Representation) -> bool:
        return obj.revoked_at is not None


class AuthorisationIn(Schema):
    representative_personal_id: str = Field(..., max_length=32)
    representative_name: str = Field(..., max_length=200)
    valid_until: datetime.date
    scope: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=200)
    on_behalf_of: str = Field("", max_length=64)


class GrantOut(Schema):
    role: str
    agency_code: str


class OfficialMeOut(Schema):
    username: str
    roles: list[GrantOut]


class StaffOut(Schema):
    assignment_id: int
    username: str
    full_name: str
    role: str
    granted_at: datetime.datetime


class RoleIn(Schema):
    username: str = Field(..., max_length=150)
    role: str = Field(..., max_length=32)


@router.get("/me", auth=applicant_auth, response={200: MeOut, **DENIALS}, summary="The signed-in applicant")
def me(request: HttpRequest) -> dict[str, object]:
    actor = applicant_of(request)
    applicants = selectors.applicants_actor_may_act_for(actor)
    return {"applicant": applicants[0], "may_act_for": applicants[1:]}


@router.get(
    "/me/representations",
    auth=applicant_auth,
    response={200: list[RepresentationOut], **DENIALS},
    summary="Representations the applicant gives or receives",
)
def my_representations(request: HttpRequest) -> list[Representation]:
    return list(selectors.representations_of(applicant_of(request)))


@router.post(
    "/me/authorisations",
    auth=applicant_auth,
    response={201: RepresentationOut, 400: ErrorOut, **DENIALS},
    summary="Authorise a person to act for you (ủy quyền)",
)
def create_authorisation(request: HttpRequest, body: AuthorisationIn) -> Status[Representation]:
    representation = services.authorise(
        actor=applicant_of(request),
        grantor_public_id=body.on_behalf_of,
        representative_personal_id=body.representative_personal_id,
        representative_name=body.representative_name,
        valid_until=body.valid_until,
        scope=body.scope,
    )
    return Status(201, representation)


@router.post(
    "/me/representations/{representation_id}/revoke",
    auth=applicant_auth,
    response={200: RepresentationOut, **DENIALS},
    summary="Revoke or renounce an authorisation",
)
def revoke_representation(request: HttpRequest, representation_id: str) -> Representation:
    return services.revoke_representation(actor=applicant_of(request), public_id=representation_id)


@router.get(
    "/officials/me",
    auth=official_auth,
    response={200: OfficialMeOut, **DENIALS},
    summary="The signed-in official",
)
def official_me(request: HttpRequest) -> dict[str, object]:
    actor = official_of(request)
    return {
        "username": actor.username,
        "roles": [{"role": grant.role, "agency_code": grant.agency_code} for grant in actor.grants],
    }


@router.get(
    "/agencies/{agency_code}/staff",
    auth=official_auth,
    response={200: list[StaffOut], **DENIALS},
    summary="Officials and their roles at an agency",
)
def agency_staff(request: HttpRequest, agency_code: str) -> list[selectors.StaffRole]:
    return selectors.staff_of_agency(official_of(request), agency_code)


@router.post(
    "/agencies/{agency_code}/roles",
    auth=official_auth,
    response={201: StaffOut, 400: ErrorOut, **DENIALS},
    summary="Grant an official a role at the agency",
)
def grant_role(request: HttpRequest, agency_code: str, body: RoleIn) -> Status[selectors.StaffRole]:
    assignment = services.grant_role(
        actor=official_of(request), username=body.username, role=body.role, agency_code=agency_code
    )
    return Status(
        201,
        selectors.StaffRole(
            assignment_id=assignment.pk,
            username=assignment.user.username,
            full_name=assignment.user.full_name,
            role=assignment.role,
            granted_at=assignment.granted_at,
        ),
    )


@router.post(
    "/role-assignments/{assignment_id}/revoke",
    auth=official_auth,
    response={204: None, **DENIALS},
    summary="Revoke a role",
)
def revoke_role(request: HttpRequest, assignment_id: int) -> Status[None]:
    services.revoke_role(actor=official_of(request), assignment_id=assignment_id)
    return Status(204, None)
