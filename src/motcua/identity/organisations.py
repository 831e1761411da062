"""Writes for organisations as applicants (ADR 0065), kept apart from ``services.py`` for its size.

A person acts for an organisation on one of two bases:

- **legal representative** (người đại diện theo pháp luật): the enterprise registry names them.
  The platform records it only after a signed registry read made with the person's consent
  (``exchange.organisations``), for one day (``LEGAL_REPRESENTATION_DAYS``): each time they
  choose to act for the organisation on a later day the registry is asked again, and when it no
  longer names them the recorded representation is revoked (the stale-representative threat in
  docs/threat-model.md);
- **authorisation** (ủy quyền): the legal representative authorises an employee, by personal ID
  number, for chosen procedures (``services.authorise`` with the organisation as grantor), and
  either side revokes it (``services.revoke_representation``).

Choosing to act for an organisation, and going back to acting for oneself, are audited; the view
keeps the choice in the session and ``actors.acting_for_organisation`` checks it on each request.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.core.services import record_change
from motcua.identity import selectors
from motcua.identity.actors import ApplicantActor, acting_for_organisation
from motcua.identity.events import IdentityEvent, IdentitySubject
from motcua.identity.models import Applicant, ApplicantKind, Representation, RepresentationBasis
from motcua.identity.validators import parse_enterprise_code

LEGAL_REPRESENTATION_DAYS = 1


def _ensure_organisation(actor: ApplicantActor, code: str, name: str) -> Applicant:
    organisation = Applicant.objects.select_for_update().filter(enterprise_code=code).first()
    if organisation is None:
        organisation = Applicant.objects.create(
            kind=ApplicantKind.ORGANISATION, enterprise_code=code, name=name
        )
        record_change(
            actor=actor,
            type=IdentityEvent.APPLICANT_REGISTERED,
            subject_type=IdentitySubject.APPLICANT,
            subject_id=str(organisation.public_id),
            changes={"kind": [None, organisation.kind]},
            payload={"source": "registry:enterprise"},
        )
    elif name and organisation.name != name:  # the registry's name is the organisation's name
        organisation.name = name
        organisation.save(update_fields=["name"])
    return organisation


@transaction.atomic
def confirm_legal_representation(
    *, actor: ApplicantActor, enterprise_code: str, name: str, evidence: str
) -> Representation:
    """Record that the enterprise registry names the actor as the organisation's legal
    representative (``evidence``: the registry's access-log reference of the signed read).
    Call it only with what a verified registry answer said."""
    code = parse_enterprise_code(enterprise_code)
    organisation = _ensure_organisation(actor, code, name.strip()[:200] or code)
    today = timezone.localdate()
    existing = (
        selectors.active_representations(today)
        .filter(
            representative_id=actor.applicant_id,
            represented=organisation,
            basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
        )
        .order_by("id")
        .first()
    )
    if existing is not None:
        return existing
    until = today + datetime.timedelta(days=LEGAL_REPRESENTATION_DAYS)
    representation = Representation.objects.create(
        representative_id=actor.applicant_id,
        represented=organisation,
        basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
        scope=[],
        valid_from=today,
        valid_until=until,
    )
    record_change(
        actor=actor,
        type=IdentityEvent.REPRESENTATION_GRANTED,
        subject_type=IdentitySubject.REPRESENTATION,
        subject_id=str(representation.public_id),
        changes={
            "representative": [None, actor.applicant_public_id],
            "represented": [None, str(organisation.public_id)],
            "basis": [None, RepresentationBasis.LEGAL_REPRESENTATIVE],
            "scope": [None, []],
            "valid_until": [None, until.isoformat()],
        },
        payload={"evidence": evidence[:80], "source": "registry:enterprise"},
    )
    return representation


@transaction.atomic
def withdraw_legal_representation(*, actor: ApplicantActor, enterprise_code: str, evidence: str) -> int:
    """The registry no longer names the actor as the organisation's legal representative: revoke
    what the platform recorded (how many). The organisation's authorisations of employees stay
    until the new legal representative revokes them or they end."""
    code = parse_enterprise_code(enterprise_code)
    stale = list(
        Representation.objects.select_for_update().filter(
            representative_id=actor.applicant_id,
            represented__enterprise_code=code,
            basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
            revoked_at__isnull=True,
        )
    )
    now = timezone.now()
    for representation in stale:
        representation.revoked_at = now
        representation.save(update_fields=["revoked_at"])
        record_change(
            actor=actor,
            type=IdentityEvent.REPRESENTATION_REVOKED,
            subject_type=IdentitySubject.REPRESENTATION,
            subject_id=str(representation.public_id),
            changes={"revoked_at": [None, now.isoformat()]},
            payload={"evidence": evidence[:80], "reason": "registry_no_longer_names"},
        )
    return len(stale)


@transaction.atomic
def start_acting(*, actor: ApplicantActor, organisation_public_id: str) -> ApplicantActor:
    """The actor acting for the organisation from now on (the caller keeps the choice in the
    session). ``NotFound`` unless an active representation lets them."""
    acting = acting_for_organisation(actor, organisation_public_id)
    if acting is None:
        raise NotFound(_("No such organisation."))
    record_change(
        actor=actor,
        type=IdentityEvent.ORGANISATION_ACTING_STARTED,
        subject_type=IdentitySubject.APPLICANT,
        subject_id=acting.organisation_public_id,
        changes={"acting_for": [None, acting.organisation_public_id]},
        payload={"basis": acting.organisation_basis, "scope": list(acting.organisation_scope)},
    )
    return acting


@transaction.atomic
def stop_acting(*, actor: ApplicantActor) -> None:
    """Back to acting for oneself (audited when they were acting for an organisation)."""
    if not actor.acts_for_organisation:
        return
    record_change(
        actor=actor,
        type=IdentityEvent.ORGANISATION_ACTING_STOPPED,
        subject_type=IdentitySubject.APPLICANT,
        subject_id=actor.organisation_public_id,
        changes={"acting_for": [actor.organisation_public_id, None]},
    )
