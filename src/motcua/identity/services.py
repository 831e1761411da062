"""Writes of identity data. Each is atomic and writes its audit row and event in the same
transaction (``core.services.record_change``); checks run before any write, so a refused
call changes nothing.

Audit rows carry public ids and roles, never names or ID numbers.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.actors import Actor, ActorRef
from motcua.core.errors import Forbidden, MotcuaError, NotFound
from motcua.core.ids import parse_personal_id
from motcua.core.inputs import clean_text
from motcua.core.services import record_change
from motcua.identity import selectors
from motcua.identity.actors import ApplicantActor, OfficialActor
from motcua.identity.events import IdentityEvent, IdentitySubject
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
from motcua.identity.validators import parse_enterprise_code
from motcua.units.models import Agency

MAX_AUTHORISATION_YEARS = 5
ADULT_AGE = 18


def _applicant_actor(applicant: Applicant) -> ActorRef:
    return ActorRef(kind="applicant", id=str(applicant.public_id))


# --- applicants and sign-in ---------------------------------------------------------------------


@dataclass(frozen=True)
class EidIdentity:
    """What the electronic identity provider asserts about a person."""

    issuer: str
    subject: str
    personal_id: str
    name: str
    birthdate: datetime.date | None
    assurance_level: int


def identity_from_claims(issuer: str, claims: Mapping[str, Any]) -> EidIdentity:
    """Validate the provider's claims; a provider that omits or garbles one is refused."""
    subject = str(claims.get("sub") or "")
    name = str(claims.get("name") or "").strip()
    if not subject or not name:
        raise MotcuaError(_("The identity provider did not say who you are (subject and name are required)."))
    personal_id = parse_personal_id(str(claims.get("personal_id") or "")).number
    try:
        level = int(claims.get("assurance_level", 0))
    except (TypeError, ValueError):
        level = 0
    if level not in (1, 2):
        raise MotcuaError(_("The identity provider gave no valid assurance level (1 or 2)."))
    birthdate = None
    if claims.get("birthdate"):
        try:
            birthdate = datetime.date.fromisoformat(str(claims["birthdate"]))
        except ValueError:
            raise MotcuaError(_("The identity provider gave an invalid date of birth.")) from None
    return EidIdentity(
        issuer=issuer,
        subject=subject,
        personal_id=personal_id,
        name=name,
        birthdate=birthdate,
        assurance_level=level,
    )


def eid_username(issuer: str, subject: str) -> str:
    """An opaque, stable username for an eID subject: no personal data in the user table's key."""
    return "eid:" + hashlib.sha256(f"{issuer}\x00{subject}".encode()).hexdigest()[:40]


@transaction.atomic
def ensure_individual(
    *, personal_id: str, name: str, birthdate: datetime.date | None = None, actor: Actor | None = None
) -> Applicant:
    """The individual applicant with this personal ID number, created (and audited, as done by
    ``actor`` when given: a reception officer at the counter) if new."""
    return _ensure_individual(parse_personal_id(personal_id).number, name, birthdate, actor=actor)


def _ensure_individual(
    personal_id: str, name: str, birthdate: datetime.date | None = None, *, actor: Actor | None = None
) -> Applicant:
    applicant = Applicant.objects.select_for_update().filter(personal_id=personal_id).first()
    if applicant is not None:
        return applicant
    try:
        with transaction.atomic():
            applicant = Applicant.objects.create(
                kind=ApplicantKind.INDIVIDUAL, personal_id=personal_id, name=name, birthdate=birthdate
            )
    except IntegrityError:
        # made meanwhile by a concurrent request (a counter reception and the person's first eID
        # login at once): the lock above cannot hold a row that did not exist yet
        existing = Applicant.objects.filter(personal_id=personal_id).first()
        if existing is None:
            raise
        return existing
    record_change(
        actor=actor or ActorRef(kind="system", id="identity"),
        type=IdentityEvent.APPLICANT_REGISTERED,
        subject_type=IdentitySubject.APPLICANT,
        subject_id=str(applicant.public_id),
        changes={"kind": [None, applicant.kind]},
    )
    return applicant


@transaction.atomic
def sign_in_applicant(*, identity: EidIdentity) -> User:
    """The user for an eID login: created on first login, linked to the person's applicant
    record (which may already exist, e.g. as someone's authorised representative)."""
    username = eid_username(identity.issuer, identity.subject)
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, kind=UserKind.APPLICANT, full_name=identity.name)
    elif user.kind != UserKind.APPLICANT:
        raise MotcuaError(_("This account cannot sign in through the electronic identity."))
    linked = Applicant.objects.filter(user=user).first()
    if linked is not None and linked.personal_id != identity.personal_id:
        raise MotcuaError(
            _("The identity provider changed this account's personal ID number; sign-in refused.")
        )
    applicant = _ensure_individual(identity.personal_id, identity.name, identity.birthdate)
    if applicant.user_id not in (None, user.pk):
        raise MotcuaError(
            _("Another electronic identity account is already linked to this personal ID number.")
        )
    old_level = applicant.assurance_level
    applicant.user = user
    applicant.name = identity.name
    applicant.birthdate = identity.birthdate or applicant.birthdate
    applicant.assurance_level = identity.assurance_level
    applicant.save(update_fields=["user", "name", "birthdate", "assurance_level"])
    if user.full_name != identity.name:
        user.full_name = identity.name
        user.save(update_fields=["full_name"])
    record_change(
        actor=_applicant_actor(applicant),
        type=IdentityEvent.APPLICANT_SIGNED_IN,
        subject_type=IdentitySubject.APPLICANT,
        subject_id=str(applicant.public_id),
        changes={"assurance_level": [old_level, identity.assurance_level]}
        if old_level != identity.assurance_level
        else {},
    )
    return user


@transaction.atomic
def register_organisation(*, actor: Actor, enterprise_code: str, name: str) -> Applicant:
    """Record an organisation applicant (idempotent on the enterprise code)."""
    code = parse_enterprise_code(enterprise_code)
    name = name.strip()
    if not name:
        raise MotcuaError(_("An organisation needs a name."))
    existing = Applicant.objects.filter(enterprise_code=code).first()
    if existing is not None:
        return existing
    organisation = Applicant.objects.create(kind=ApplicantKind.ORGANISATION, enterprise_code=code, name=name)
    record_change(
        actor=actor,
        type=IdentityEvent.APPLICANT_REGISTERED,
        subject_type=IdentitySubject.APPLICANT,
        subject_id=str(organisation.public_id),
        changes={"kind": [None, organisation.kind]},
    )
    return organisation


# --- representation ---------------------------------------------------------------------------


def _validated_scope(scope: Sequence[str]) -> list[str]:
    codes = sorted({code.strip() for code in scope if code.strip()})
    known = set(Procedure.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise MotcuaError(
            _("No published procedure has the code: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return codes


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def authorise(
    *,
    actor: ApplicantActor,
    representative_personal_id: str,
    representative_name: str,
    valid_until: datetime.date,
    scope: Sequence[str] = (),
    grantor_public_id: str = "",
) -> Representation:
    """The actor (or an organisation they legally represent) authorises a person (ủy quyền).

    A retry with the same content returns the existing authorisation instead of a second one.
    """
    grantor = (
        selectors.get_grantor(actor, grantor_public_id)
        if grantor_public_id
        else selectors.own_applicant(actor)
    )
    if not selectors.may_grant_for(actor, grantor):
        raise NotFound(_("No such applicant."))
    personal_id = parse_personal_id(representative_personal_id).number
    if personal_id == grantor.personal_id:
        raise MotcuaError(_("You cannot authorise yourself."))
    name = clean_text(representative_name.strip(), field="representative_name", max_length=200)
    if len(name) < 2:
        raise MotcuaError(_("Enter the full name of the person you authorise."))
    today = timezone.localdate()
    if valid_until <= today:
        raise MotcuaError(_("The authorisation must end after today."))
    if valid_until > _add_years(today, MAX_AUTHORISATION_YEARS):
        raise MotcuaError(
            _("An authorisation can last at most %(years)d years.") % {"years": MAX_AUTHORISATION_YEARS}
        )
    codes = _validated_scope(scope)
    representative = _ensure_individual(personal_id, name)
    existing = (
        selectors.active_representations()
        .filter(
            representative=representative,
            represented=grantor,
            basis=RepresentationBasis.AUTHORISATION,
            valid_until=valid_until,
        )
        .first()
    )
    if existing is not None and sorted(existing.scope) == codes:
        return existing
    return _create_representation(
        actor=actor,
        representative=representative,
        represented=grantor,
        basis=RepresentationBasis.AUTHORISATION,
        scope=codes,
        valid_from=today,
        valid_until=valid_until,
    )


def _create_representation(
    *,
    actor: Actor,
    representative: Applicant,
    represented: Applicant,
    basis: RepresentationBasis,
    scope: list[str],
    valid_from: datetime.date,
    valid_until: datetime.date,
) -> Representation:
    representation = Representation.objects.create(
        representative=representative,
        represented=represented,
        basis=basis,
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    record_change(
        actor=actor,
        type=IdentityEvent.REPRESENTATION_GRANTED,
        subject_type=IdentitySubject.REPRESENTATION,
        subject_id=str(representation.public_id),
        changes={
            "representative": [None, str(representative.public_id)],
            "represented": [None, str(represented.public_id)],
            "basis": [None, basis],
            "scope": [None, scope],
            "valid_until": [None, valid_until.isoformat()],
        },
    )
    return representation


@transaction.atomic
def revoke_representation(*, actor: ApplicantActor, public_id: str) -> Representation:
    """The grantor withdraws an authorisation, or the representative renounces it.

    Parenthood and legal representation come from national registries and cannot be revoked
    here. Revoking twice is harmless: the second call changes nothing.
    """
    representation = selectors.get_representation(actor, public_id)
    representation = Representation.objects.select_for_update().get(pk=representation.pk)
    if representation.basis != RepresentationBasis.AUTHORISATION:
        raise Forbidden(_("This representation comes from a national registry and cannot be revoked here."))
    is_party = representation.representative_id == actor.applicant_id or selectors.may_grant_for(
        actor, representation.represented
    )
    if not is_party:
        raise Forbidden(_("Only the person who gave or received an authorisation can revoke it."))
    if representation.revoked_at is not None:
        return representation
    representation.revoked_at = timezone.now()
    representation.save(update_fields=["revoked_at"])
    record_change(
        actor=actor,
        type=IdentityEvent.REPRESENTATION_REVOKED,
        subject_type=IdentitySubject.REPRESENTATION,
        subject_id=str(representation.public_id),
        changes={"revoked_at": [None, representation.revoked_at.isoformat()]},
    )
    return representation


@transaction.atomic
def record_representation(
    *,
    actor: Actor,
    representative_personal_id: str,
    representative_name: str,
    represented: Applicant,
    basis: RepresentationBasis,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> Representation:
    """Record a representation a national registry attests: a parent of a minor child (valid
    until the child's 18th birthday) or an organisation's legal representative. Idempotent."""
    if isinstance(actor, ApplicantActor):
        raise Forbidden(_("Only the platform records parenthood and legal representation."))
    if basis == RepresentationBasis.PARENT:
        if represented.birthdate is None:
            raise MotcuaError(_("A child's date of birth is needed to record parenthood."))
        valid_until = _add_years(represented.birthdate, ADULT_AGE)
    if valid_until is None or valid_until <= valid_from:
        raise MotcuaError(_("A representation needs an end date after its start."))
    personal_id = parse_personal_id(representative_personal_id).number
    representative = _ensure_individual(personal_id, representative_name.strip())
    existing = (
        Representation.objects.filter(
            representative=representative, represented=represented, basis=basis, revoked_at__isnull=True
        )
        .order_by("id")
        .first()
    )
    if existing is not None:
        return existing
    return _create_representation(
        actor=actor,
        representative=representative,
        represented=represented,
        basis=basis,
        scope=[],
        valid_from=valid_from,
        valid_until=valid_until,
    )


# --- officials ------------------------------------------------------------------------------------


def _require_platform_or_system(actor: Actor) -> None:
    if isinstance(actor, OfficialActor):
        if not actor.is_platform_admin:
            raise Forbidden(_("Only a platform administrator can do this."))
    elif actor.actor_kind != "system":
        raise Forbidden(_("Only a platform administrator can do this."))


@transaction.atomic
def create_official(*, actor: Actor, username: str, full_name: str, password: str, email: str = "") -> User:
    """An official's account; roles come separately (``grant_role``), the TOTP device at first login."""
    _require_platform_or_system(actor)
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise MotcuaError(_("A username uses letters, digits, dots, hyphens and underscores only."))
    if User.objects.filter(username=username).exists():
        raise MotcuaError(_("The username %(username)s is taken.") % {"username": username})
    candidate = User(username=username, kind=UserKind.OFFICIAL, full_name=full_name.strip(), email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise MotcuaError(" ".join(exc.messages)) from None
    user = User.objects.create_user(
        username=username, password=password, kind=UserKind.OFFICIAL, full_name=full_name.strip(), email=email
    )
    record_change(
        actor=actor,
        type=IdentityEvent.OFFICIAL_CREATED,
        subject_type=IdentitySubject.USER,
        subject_id=user.pk,
        changes={"kind": [None, user.kind]},
    )
    return user


@transaction.atomic
def grant_role(*, actor: Actor, username: str, role: str, agency_code: str = "") -> RoleAssignment:
    """Give an official a role at an agency (idempotent: an active identical role is returned)."""
    if role not in Role.values:
        raise MotcuaError(_("Unknown role: %(role)s.") % {"role": role})
    agency: Agency | None = None
    if role == Role.PLATFORM_ADMIN:
        _require_platform_or_system(actor)
    else:
        if isinstance(actor, OfficialActor):
            agency = selectors.get_visible_agency(actor, agency_code)
            if not selectors.may_manage_agency(actor, agency.code):
                raise Forbidden(_("Only the agency's administrator can change its roles."))
        elif actor.actor_kind == "system":
            agency = Agency.objects.filter(code=agency_code, is_active=True).first()
            if agency is None:
                raise NotFound(_("No such agency."))
        else:
            raise NotFound(_("No such agency."))
    user = User.objects.filter(username=username.strip().lower(), kind=UserKind.OFFICIAL).first()
    if user is None:
        raise MotcuaError(_("No official has the username %(username)s.") % {"username": username})
    existing = RoleAssignment.objects.filter(
        user=user, role=role, agency=agency, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    assignment = RoleAssignment.objects.create(user=user, role=role, agency=agency)
    record_change(
        actor=actor,
        type=IdentityEvent.ROLE_GRANTED,
        subject_type=IdentitySubject.ROLE_ASSIGNMENT,
        subject_id=assignment.pk,
        agency_code=agency.code if agency else "",
        changes={"user": [None, user.pk], "role": [None, role]},
    )
    return assignment


@transaction.atomic
def revoke_role(*, actor: OfficialActor, assignment_id: int) -> RoleAssignment:
    assignment = selectors.get_role_assignment(actor, assignment_id)
    # lock only the assignment row: PostgreSQL refuses FOR UPDATE on the nullable side of the join
    locked = RoleAssignment.objects.select_for_update(of=("self",)).select_related("agency")
    assignment = locked.get(pk=assignment.pk)
    agency_code = assignment.agency.code if assignment.agency else ""
    if assignment.role == Role.PLATFORM_ADMIN or not agency_code:
        if not actor.is_platform_admin:
            raise Forbidden(_("Only a platform administrator can do this."))
    elif not selectors.may_manage_agency(actor, agency_code):
        raise Forbidden(_("Only the agency's administrator can change its roles."))
    if assignment.user_id == actor.user_id:
        raise Forbidden(_("You cannot revoke your own role; ask another administrator."))
    if assignment.revoked_at is not None:
        return assignment
    assignment.revoked_at = timezone.now()
    assignment.save(update_fields=["revoked_at"])
    record_change(
        actor=actor,
        type=IdentityEvent.ROLE_REVOKED,
        subject_type=IdentitySubject.ROLE_ASSIGNMENT,
        subject_id=assignment.pk,
        agency_code=agency_code,
        changes={"revoked_at": [None, assignment.revoked_at.isoformat()]},
    )
    return assignment


@transaction.atomic
def record_official_sign_in(*, user: User) -> None:
    record_change(
        actor=ActorRef(kind="official", id=f"user:{user.pk}"),
        type=IdentityEvent.OFFICIAL_SIGNED_IN,
        subject_type=IdentitySubject.USER,
        subject_id=user.pk,
    )


@transaction.atomic
def confirm_totp_device(*, user: User, key_hex: str, token: str) -> bool:
    """Confirm a new TOTP device if ``token`` matches; returns whether it did."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Forbidden(_("A second factor is already set up for this account."))
    device = TOTPDevice(user=user, name="authenticator", key=key_hex, confirmed=False)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save()
    record_change(
        actor=ActorRef(kind="official", id=f"user:{user.pk}"),
        type=IdentityEvent.TOTP_DEVICE_CONFIRMED,
        subject_type=IdentitySubject.USER,
        subject_id=user.pk,
    )
    return True
