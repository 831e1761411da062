"""An official's overview (ADR 0037, docs/ui.md "Officials"): for each of their roles, how many
dossiers wait on it, how many are overdue and how many are due today or the next working day,
each linked to the inbox filtered to them.

Read-only and scoped: it counts only what ``dossiers.selectors.dossiers_of`` lets the official
see, and of that only the open dossiers on a step their roles act on (``my_queue``), with the
deadline rules of the inbox (a paused clock is neither late nor due).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from motcua.catalog.labels import label_for
from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import OPEN_STATUSES, DossierStatus
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import inbox as inbox_selectors
from motcua.identity.actors import OfficialActor
from motcua.identity.models import Role


@dataclass(frozen=True)
class StepQueue:
    step: str
    step_label: str
    waiting: int
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class RoleQueue:
    role: str
    role_label: str
    steps: list[StepQueue]

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.steps)

    @property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.steps)

    @property
    def due_soon(self) -> int:
        return sum(s.due_soon for s in self.steps)


@dataclass(frozen=True)
class Overview:
    roles: list[RoleQueue]
    taken_by_me: int


def overview(actor: OfficialActor, *, today: datetime.date | None = None) -> Overview:
    day = today or timezone.localdate()
    soon = WorkingCalendar.current().add_working_days(day, 1)
    running = ~Q(status=DossierStatus.SUPPLEMENT_REQUESTED)
    queued = (
        dossier_selectors.dossiers_of(actor)
        .select_related(None)
        .order_by()
        .filter(status__in=OPEN_STATUSES)
        .filter(inbox_selectors.my_queue(actor))
    )
    counted: dict[str, dict[str, int]] = {
        row["step"]: {"n": row["n"], "overdue": row["overdue"], "due_soon": row["due_soon"]}
        for row in queued.values("step").annotate(
            n=Count("*"),
            overdue=Count("due_on", filter=Q(due_on__lt=day) & running),
            due_soon=Count("due_on", filter=Q(due_on__gte=day, due_on__lte=soon) & running),
        )
    }
    held = {grant.role for grant in actor.grants}
    roles = []
    for role in Role:
        steps = [step for step, step_role in inbox_selectors.STEP_ROLES.items() if step_role == role]
        if role not in held or not steps:
            continue
        roles.append(
            RoleQueue(
                role=role,
                role_label=str(role.label),
                steps=[
                    StepQueue(
                        step=step,
                        step_label=label_for("step", step),
                        waiting=counted.get(step, {}).get("n", 0),
                        overdue=counted.get(step, {}).get("overdue", 0),
                        due_soon=counted.get(step, {}).get("due_soon", 0),
                    )
                    for step in steps
                ],
            )
        )
    taken = (
        dossier_selectors.dossiers_of(actor)
        .filter(status__in=OPEN_STATUSES, assignee_id=actor.user_id)
        .count()
    )
    return Overview(roles=roles, taken_by_me=taken)
