"""Work distribution: an official takes a dossier's current step as their work (one or several at
once), or a leader or agency administrator assigns it to an official holding the step's role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden, MotcuaError
from motcua.core.types import EventType
from motcua.dossiers.models import (
    Dossier,
)
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.services.processing import (
    ASSIGNING_ROLES,
    LANE_ROLES,
    current_step,
    record_dossier_change,
    require_free_or_mine,
    require_lane,
)
from motcua.identity.actors import OfficialActor
from motcua.identity.models import RoleAssignment


def claim_dossier(*, actor: OfficialActor, code: str) -> Dossier:
    """Take the dossier's current step as one's own work (it shows as taken to colleagues)."""
    with transaction.atomic():
        dossier = dossier_selectors.get_dossier(actor, code, for_update=True)
        step = current_step(dossier)
        require_lane(actor, dossier, step.lane)
        if dossier.assignee_id == actor.user_id:
            return dossier
        require_free_or_mine(actor, dossier)
        dossier.assignee_id = actor.user_id
        dossier.save(update_fields=["assignee"])
        record_dossier_change(
            dossier,
            actor=actor,
            type=EventType.DOSSIER_CLAIMED,
            changes={"assignee": [None, f"user:{actor.user_id}"]},
        )
    return dossier


@dataclass(frozen=True)
class ClaimResult:
    code: str
    claimed: bool
    message: str = ""


def claim_dossiers(*, actor: OfficialActor, codes: Sequence[str]) -> list[ClaimResult]:
    """Claim several dossiers at once; each is its own transaction, and each answer says why a
    dossier was not claimed (taken by someone else, not a step of the official's role)."""
    results = []
    for code in dict.fromkeys(codes):  # once each, in the order given
        try:
            claim_dossier(actor=actor, code=code)
            results.append(ClaimResult(code, True))
        except MotcuaError as exc:
            results.append(ClaimResult(code, False, exc.message))
    return results


def assign_dossier(*, actor: OfficialActor, code: str, user_id: int | None) -> Dossier:
    """A leader or the agency's administrator gives the current step to one official holding
    the step's role at the agency (or, with ``None``, frees it)."""
    with transaction.atomic():
        dossier = dossier_selectors.get_dossier(actor, code, for_update=True)
        if not any(actor.has_role(role, agency_code=dossier.agency_code) for role in ASSIGNING_ROLES):
            raise Forbidden(_("Only the agency's leader or administrator assigns dossiers."))
        step = current_step(dossier)
        if user_id is not None:
            role = LANE_ROLES.get(step.lane)
            holds = RoleAssignment.objects.filter(
                user_id=user_id, role=role, agency__code=dossier.agency_code, revoked_at__isnull=True
            ).exists()
            if not holds:
                raise MotcuaError(_("This official does not hold the role for this step at the agency."))
        old = dossier.assignee_id
        dossier.assignee_id = user_id
        dossier.save(update_fields=["assignee"])
        record_dossier_change(
            dossier,
            actor=actor,
            type=EventType.DOSSIER_ASSIGNED,
            changes={"assignee": [f"user:{old}" if old else None, f"user:{user_id}" if user_id else None]},
        )
    return dossier
