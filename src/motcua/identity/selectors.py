"""Reads of identity data, always scoped to the actor.

Officials see agencies (and, later, the agencies' dossiers) through ``agency_scope``: the
agencies where they hold a role; a supervisor also sees every agency in their unit and below
(a province-level supervisor: the province and all its communes; a commune-level one: that
commune); the platform administrator sees all. Applicants see themselves, whom they may act
for, and the representations they are party to. Anything outside the scope raises
``NotFound`` — the same answer as for an object that does not exist.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.collation import order_vietnamese
from motcua.core.errors import NotFound
from motcua.identity.actors import AgencyActor, ApplicantActor, OfficialActor, RequestActor
from motcua.identity.models import (
    Applicant,
    ApplicantKind,
    Representation,
    RepresentationBasis,
    Role,
    RoleAssignment,
)
from motcua.units.models import Agency, Level


def agency_scope(actor: AgencyActor, *, prefix: str = "") -> Q:
    """A filter over ``Agency`` (or, with ``prefix="agency__"``, over objects owned by an agency),
    for an official or an agency system alike: it reads only the actor's grants."""
    if actor.is_platform_admin:
        return Q()
    scope = Q(pk__in=[])
    for grant in actor.grants:
        if not grant.agency_code:
            continue
        if grant.role == Role.SUPERVISOR and grant.agency_level == Level.PROVINCE:
            # the province's government agencies, not the service providers serving it (ADR 0067)
            scope |= Q(**{f"{prefix}province__code": grant.province_code}) & ~Q(
                **{f"{prefix}level": Level.SERVICE_PROVIDER}
            )
        elif grant.role == Role.SUPERVISOR and grant.commune_code:
            scope |= Q(**{f"{prefix}commune__code": grant.commune_code})
        else:
            scope |= Q(**{f"{prefix}code": grant.agency_code})
    return scope


def visible_agencies(actor: AgencyActor) -> QuerySet[Agency]:
    return Agency.objects.filter(agency_scope(actor), is_active=True).select_related("province", "commune")


def get_visible_agency(actor: RequestActor | None, code: str) -> Agency:
    if not isinstance(actor, OfficialActor):
        raise NotFound(_("No such agency."))
    agency = visible_agencies(actor).filter(code=code).first()
    if agency is None:
        raise NotFound(_("No such agency."))
    return agency


def may_manage_agency(actor: OfficialActor, agency_code: str) -> bool:
    return actor.is_platform_admin or actor.has_role(Role.AGENCY_ADMIN, agency_code=agency_code)


@dataclass(frozen=True)
class StaffRole:
    assignment_id: int
    username: str
    full_name: str
    role: str
    granted_at: datetime.datetime

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def staff_of_agency(actor: RequestActor | None, agency_code: str) -> list[StaffRole]:
    agency = get_visible_agency(actor, agency_code)
    rows = (
        RoleAssignment.objects.filter(agency=agency, revoked_at__isnull=True)
        .select_related("user")
        .order_by("user__username", "role")
    )
    return [
        StaffRole(
            assignment_id=row.pk,
            username=row.user.username,
            full_name=row.user.full_name,
            role=row.role,
            granted_at=row.granted_at,
        )
        for row in rows
    ]


def get_role_assignment(actor: RequestActor | None, assignment_id: int) -> RoleAssignment:
    if not isinstance(actor, OfficialActor):
        raise NotFound(_("No such role assignment."))
    assignment = (
        RoleAssignment.objects.filter(
            agency_scope(actor, prefix="agency__") if not actor.is_platform_admin else Q(),
            pk=assignment_id,
            revoked_at__isnull=True,
        )
        .select_related("agency", "user")
        .first()
    )
    if assignment is None:
        raise NotFound(_("No such role assignment."))
    return assignment


# --- applicants -------------------------------------------------------------------------------


def own_applicant(actor: ApplicantActor) -> Applicant:
    return Applicant.objects.get(pk=actor.applicant_id)


def active_representations(on: datetime.date | None = None) -> QuerySet[Representation]:
    day = on or timezone.localdate()
    return Representation.objects.filter(revoked_at__isnull=True, valid_from__lte=day, valid_until__gt=day)


def representations_of(actor: RequestActor | None) -> QuerySet[Representation]:
    """Representations the applicant is party to: acting for someone, or being acted for —
    including, for an organisation they legally represent, the organisation's authorisations."""
    if not isinstance(actor, ApplicantActor):
        return Representation.objects.none()
    organisations = active_representations().filter(
        representative_id=actor.applicant_id, basis=RepresentationBasis.LEGAL_REPRESENTATIVE
    )
    return (
        Representation.objects.filter(
            Q(representative_id=actor.applicant_id)
            | Q(represented_id=actor.applicant_id)
            | Q(represented_id__in=organisations.values("represented_id"))
        )
        .select_related("representative", "represented")
        .order_by("-created_at", "-id")
    )


def get_representation(actor: RequestActor | None, public_id: uuid.UUID | str) -> Representation:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such representation.")) from None
    representation = representations_of(actor).filter(public_id=key).first()
    if representation is None:
        raise NotFound(_("No such representation."))
    return representation


def may_grant_for(actor: ApplicantActor, grantor: Applicant) -> bool:
    """An applicant authorises for themself, or for an organisation they legally represent."""
    if grantor.pk == actor.applicant_id:
        return True
    return (
        grantor.is_organisation
        and active_representations()
        .filter(
            representative_id=actor.applicant_id,
            represented=grantor,
            basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
        )
        .exists()
    )


def default_applicant(actor: ApplicantActor, *, procedure_code: str = "") -> Applicant:
    """Whom the actor files or uploads for when they name nobody: the organisation they act for
    now (``NotFound`` for a procedure outside an employee's scope), else themself."""
    if actor.acts_for_organisation:
        found = applicants_actor_may_act_for(actor, procedure_code=procedure_code)
        if not found:
            raise NotFound(_("No such applicant."))
        return found[0]
    return own_applicant(actor)


def get_grantor(actor: RequestActor | None, public_id: uuid.UUID | str) -> Applicant:
    """Whom the actor may authorise for: themself, or an organisation they legally represent
    (whether they act for it now or not); anyone else is ``NotFound``."""
    if isinstance(actor, ApplicantActor):
        try:
            key = uuid.UUID(str(public_id))
        except ValueError:
            key = None
        found = Applicant.objects.filter(public_id=key).first() if key else None
        if found is not None and may_grant_for(actor, found):
            return found
    raise NotFound(_("No such applicant."))


def applicants_actor_may_act_for(
    actor: RequestActor | None, *, procedure_code: str = "", on: datetime.date | None = None
) -> list[Applicant]:
    """Themself first, then everyone an active representation lets them act for.

    Acting for an organisation (ADR 0065): the organisation alone, and only for the procedures
    the actor's representation covers; acting for themself, never an organisation — so neither
    side's dossiers, files and wallet show through the other."""
    if not isinstance(actor, ApplicantActor):
        return []
    if actor.acts_for_organisation:
        if procedure_code and not actor.organisation_covers(procedure_code):
            return []
        return list(Applicant.objects.filter(pk=actor.organisation_id))
    own = own_applicant(actor)
    others = [
        representation.represented
        for representation in active_representations(on)
        .filter(representative_id=actor.applicant_id)
        .exclude(represented__kind=ApplicantKind.ORGANISATION)
        .select_related("represented")
        .order_by(order_vietnamese("represented__name"), "id")
        if not procedure_code or representation.covers(procedure_code)
    ]
    unique = {applicant.pk: applicant for applicant in others if applicant.pk != own.pk}
    return [own, *unique.values()]


def get_actable_applicant(
    actor: RequestActor | None, public_id: uuid.UUID | str, *, procedure_code: str = ""
) -> Applicant:
    for applicant in applicants_actor_may_act_for(actor, procedure_code=procedure_code):
        if str(applicant.public_id) == str(public_id):
            return applicant
    raise NotFound(_("No such applicant."))


# --- organisations (ADR 0065) -------------------------------------------------------------------


@dataclass(frozen=True)
class ActableOrganisation:
    """An organisation the person may choose to act for, and on what basis."""

    organisation: Applicant
    basis: str
    scope: tuple[str, ...]
    valid_until: datetime.date

    @property
    def is_legal_representative(self) -> bool:
        return self.basis == RepresentationBasis.LEGAL_REPRESENTATIVE


def organisations_of(actor: RequestActor | None) -> list[ActableOrganisation]:
    """The organisations the person (whatever they act for now) legally represents or was
    authorised by, as the platform has recorded it today."""
    if not isinstance(actor, ApplicantActor):
        return []
    rows = (
        active_representations()
        .filter(
            representative_id=actor.applicant_id,
            represented__kind=ApplicantKind.ORGANISATION,
            basis__in=[RepresentationBasis.LEGAL_REPRESENTATIVE, RepresentationBasis.AUTHORISATION],
        )
        .select_related("represented")
        .order_by(order_vietnamese("represented__name"), "id")
    )
    found: dict[int, ActableOrganisation] = {}
    for row in rows:
        known = found.get(row.represented_id)
        if known is not None and known.is_legal_representative:
            continue
        found[row.represented_id] = ActableOrganisation(
            organisation=row.represented,
            basis=row.basis,
            scope=tuple(row.scope or ()),
            valid_until=row.valid_until,
        )
    return list(found.values())


def person_actor(actor: ApplicantActor) -> ApplicantActor:
    """The same person acting for themself (to switch, or to ask a registry in their own name)."""
    return ApplicantActor(
        user_id=actor.user_id,
        applicant_id=actor.applicant_id,
        applicant_public_id=actor.applicant_public_id,
        assurance_level=actor.assurance_level,
    )


def acting_organisation(actor: RequestActor | None) -> Applicant | None:
    """The organisation the actor acts for now, or None when they act for themself."""
    if not isinstance(actor, ApplicantActor) or not actor.acts_for_organisation:
        return None
    return Applicant.objects.filter(pk=actor.organisation_id).first()


def authorisations_of_organisation(actor: RequestActor | None) -> QuerySet[Representation]:
    """The employees' authorisations of the organisation its legal representative acts for now
    (an authorised employee does not see the others')."""
    if (
        not isinstance(actor, ApplicantActor)
        or actor.organisation_basis != RepresentationBasis.LEGAL_REPRESENTATIVE
    ):
        return Representation.objects.none()
    return (
        Representation.objects.filter(
            represented_id=actor.organisation_id, basis=RepresentationBasis.AUTHORISATION
        )
        .select_related("representative")
        .order_by("-created_at", "-id")
    )
