"""What an actor may do with a dossier now, computed from the same rules the services enforce
(the pages show these buttons, no others; the services check again).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.events import APOLOGY_FIRST_WHEN_LATE
from motcua.dossiers.models import (
    Dossier,
    DossierStatus,
    Step,
)
from motcua.dossiers.selectors.inbox import STEP_ROLES
from motcua.identity.actors import AgencyActor, ApplicantActor, OfficialActor, RequestActor
from motcua.identity.models import Role

# --- Processing: what an actor may do now, and the notices -----------------------------------------


@dataclass(frozen=True)
class Actions:
    """What the actor may do with the dossier now (the pages show these buttons, no others)."""

    step_role: str  # the role acting on the current step ("" when none)
    decisions: tuple[str, ...]  # on the current step, for an official holding its role
    may_claim: bool
    may_assign: bool
    may_apologise: bool
    may_supplement: bool  # the applicant answers a supplement request
    may_withdraw: bool
    assignable: tuple[tuple[int, str], ...] = ()  # (user id, username) of those holding the step's role


def available_actions(
    actor: RequestActor | None, dossier: Dossier, *, today: datetime.date | None = None
) -> Actions:
    """Computed from the same rules the services enforce; the services check again."""
    from motcua.identity.models import RoleAssignment

    day = today or timezone.localdate()
    role = STEP_ROLES.get(dossier.step, "")
    is_open = dossier.step != Step.DONE
    if isinstance(actor, ApplicantActor):
        return Actions(
            step_role=role,
            decisions=(),
            may_claim=False,
            may_assign=False,
            may_apologise=False,
            may_supplement=dossier.step in (Step.SUPPLEMENT_AT_RECEPTION, Step.SUPPLEMENT_AT_HANDLING),
            may_withdraw=dossier.status in (DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED),
        )
    if not isinstance(actor, AgencyActor) or not is_open:
        return Actions(role, (), False, False, False, False, False)
    agency = dossier.agency_code
    acts = bool(role) and actor.has_role(role, agency_code=agency)
    is_person = isinstance(actor, OfficialActor)
    free_or_mine = dossier.assignee_id is None or (
        isinstance(actor, OfficialActor) and dossier.assignee_id == actor.user_id
    )
    decisions: tuple[str, ...] = ()
    if acts and free_or_mine and dossier.process is not None:
        from motcua.workflow import engine

        for ready in engine.steps(dossier.process):
            if ready.name == dossier.step:
                decisions = ready.decisions
        if dossier.supplement_requests >= 1:
            decisions = tuple(d for d in decisions if d != "supplement")
        if dossier.due_on is not None and day > dossier.due_on:
            decisions = tuple(d for d in decisions if d not in APOLOGY_FIRST_WHEN_LATE)
    # work is taken by and given to people: an agency system neither claims nor assigns
    may_assign = (
        is_person
        and bool(role)
        and any(actor.has_role(r, agency_code=agency) for r in (Role.APPROVER, Role.AGENCY_ADMIN))
    )
    assignable: tuple[tuple[int, str], ...] = ()
    if may_assign:
        assignable = tuple(
            RoleAssignment.objects.filter(role=role, agency__code=agency, revoked_at__isnull=True)
            .order_by("user__username")
            .values_list("user_id", "user__username")
        )
    late_or_soon = (
        dossier.due_on is not None
        and dossier.status != DossierStatus.SUPPLEMENT_REQUESTED
        and dossier.due_on <= WorkingCalendar.current().add_working_days(day, 1)
    )
    return Actions(
        step_role=role,
        decisions=decisions,
        may_claim=is_person and acts and dossier.assignee_id is None,
        may_assign=may_assign,
        may_apologise=late_or_soon
        and any(actor.has_role(r, agency_code=agency) for r in (Role.HANDLER, Role.APPROVER)),
        may_supplement=False,
        may_withdraw=False,
        assignable=assignable,
    )
