"""The officials' inbox: the dossiers in the official's scope with counts and deadline flags,
most urgent first, each row's texts ready.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, F, Q
from django.utils import timezone

from motcua.catalog.labels import label_for, localised
from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import (
    OPEN_STATUSES,
    Dossier,
    DossierStatus,
    Step,
)
from motcua.dossiers.selectors.dossiers import dossiers_of
from motcua.identity.actors import AgencyActor, OfficialActor, RequestActor
from motcua.identity.models import Role

# --- Officials' inbox --------------------------------------------------------------------------

# what a list row (page and API) shows: loading whole rows decoded every row's JSON and six
# timestamps, and built the procedure (spec and all), the applicant and the assignee in full
INBOX_ROW_FIELDS = (
    "code",
    "procedure__code",
    "procedure__name_vi",
    "procedure__name_en",
    "applicant__public_id",
    "applicant__name",
    "assignee__username",
    "agency_code",
    "commune_code",
    "channel",
    "status",
    "step",
    "submitted_at",
    "received_at",
    "due_on",
    "original_due_on",
    "paused_since",
    "fee_vnd",
)


class Deadline(StrEnum):
    OVERDUE = "overdue"  # open after its appointment date
    DUE_SOON = "due_soon"  # open, due today or on the next working day
    ON_TIME = "on_time"
    PAUSED = "paused"  # waiting for the applicant's supplement: the clock stands still
    NONE = "none"  # closed, or no statutory time


def deadline_of(dossier: Dossier, today: datetime.date, soon: datetime.date) -> Deadline:
    """``soon``: the last day that counts as due soon (the next working day after ``today``)."""
    if dossier.status not in OPEN_STATUSES or dossier.due_on is None:
        return Deadline.NONE
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        return Deadline.PAUSED
    if dossier.due_on < today:
        return Deadline.OVERDUE
    if dossier.due_on <= soon:
        return Deadline.DUE_SOON
    return Deadline.ON_TIME


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox, its texts ready (a page of 50 rows renders without lookups)."""

    dossier: Dossier
    code: str
    deadline: Deadline
    status_label: str
    procedure_name: str
    applicant_name: str
    received: str
    due: str
    step_label: str
    assignee: str  # the username of the official who took it, or ""


def _inbox_row(dossier: Dossier, deadline: Deadline) -> InboxRow:
    procedure = dossier.procedure
    return InboxRow(
        dossier=dossier,
        code=dossier.code,
        deadline=deadline,
        status_label=label_for("dossier_status", dossier.status),
        procedure_name=localised({"vi": procedure.name_vi, "en": procedure.name_en}),
        applicant_name=dossier.applicant.name,
        # the pages write dates as day/month/year in both languages; strftime is 10× date_format
        received=f"{timezone.localtime(dossier.received_at):%d/%m/%Y %H:%M}",
        due=f"{dossier.due_on:%d/%m/%Y}" if dossier.due_on else "—",
        step_label=label_for("step", dossier.step),
        assignee=dossier.assignee.username if dossier.assignee else "",
    )


@dataclass(frozen=True)
class Inbox:
    rows: list[InboxRow]
    total: int  # matching the filters
    by_status: dict[str, int]  # open dossiers per status in the actor's scope, ignoring the filters
    overdue: int
    due_soon: int


# which role acts on which step (the lanes of workflow/processes/onestop.bpmn; a test keeps the two equal)
STEP_ROLES: dict[str, str] = {
    Step.RECEPTION: Role.RECEPTION,
    Step.HANDLING: Role.HANDLER,
    Step.APPROVAL: Role.APPROVER,
    Step.RESULT_RETURN: Role.RECEPTION,
}


def my_queue(actor: AgencyActor) -> Q:
    """The dossiers waiting on a step one of the actor's roles acts on, at that role's agency."""
    queue = Q(pk__in=[])
    for grant in actor.grants:
        steps = [step for step, role in STEP_ROLES.items() if role == grant.role]
        if steps and grant.agency_code:
            queue |= Q(agency_code=grant.agency_code, step__in=steps)
    return queue


def inbox(
    actor: RequestActor | None,
    *,
    status: str = "",
    procedure: str = "",
    agency: str = "",
    deadline: str = "",
    step: str = "",
    queue: str = "",
    limit: int = 50,
    offset: int = 0,
    today: datetime.date | None = None,
) -> Inbox:
    """The dossiers an official may see, with counts and deadline flags, most urgent first
    (earliest appointment date, then oldest). By default the open ones (received, supplement
    requested, processed and awaiting return); ``status`` picks one status, or ``all``; ``step``
    one step; ``queue="mine"`` the steps the official's roles act on, ``queue="taken"`` the
    dossiers the official has taken."""
    scoped = dossiers_of(actor).select_related(None).order_by()
    day = today or timezone.localdate()
    soon = WorkingCalendar.current().add_working_days(day, 1)
    running = ~Q(status=DossierStatus.SUPPLEMENT_REQUESTED)  # a paused clock is neither late nor due
    is_overdue = Q(due_on__lt=day) & running
    is_due_soon = Q(due_on__gte=day, due_on__lte=soon) & running
    # All the counts in one statement over the open dossiers only (closed ones pile up forever,
    # the work queue does not), which PostgreSQL answers from the partial index of open dossiers
    # alone (``dossiers_inbox_open_idx``): no COUNT(id), so no row is read.
    open_ = scoped.filter(status__in=OPEN_STATUSES)
    counted = open_.values("status").annotate(
        # due_on: a column of the index, and never null where either filter holds
        n=Count("*"),
        overdue=Count("due_on", filter=is_overdue),
        due_soon=Count("due_on", filter=is_due_soon),
    )
    groups = list(counted)
    by_status = {row["status"]: row["n"] for row in groups}
    total: int | None = None
    if status == "all":
        filtered = scoped
    elif status:
        filtered = scoped.filter(status=status)
        if status in OPEN_STATUSES:
            total = by_status.get(status, 0)
    else:
        filtered = open_  # by default, the work queue
        total = sum(by_status.values())
    if procedure:
        filtered = filtered.filter(procedure__code=procedure)
    if agency:
        filtered = filtered.filter(agency_code=agency)
    if step:
        filtered = filtered.filter(step=step)
    if queue == "mine" and isinstance(actor, AgencyActor):
        filtered = filtered.filter(my_queue(actor))
    elif queue == "taken" and isinstance(actor, OfficialActor):
        filtered = filtered.filter(assignee_id=actor.user_id)
    elif queue == "taken":  # an agency system takes no dossier as its own work
        filtered = filtered.none()
    if deadline == Deadline.OVERDUE:
        filtered = filtered.filter(is_overdue, status__in=OPEN_STATUSES)
    elif deadline == Deadline.DUE_SOON:
        filtered = filtered.filter(is_due_soon, status__in=OPEN_STATUSES)
    if procedure or agency or step or queue or deadline:
        total = None  # narrower than what the counts counted
    # the page's ids first, ordered from the index alone (id is its last column but one), then
    # those rows: sorting whole rows (JSON and all) of a province's dossiers was most of the time
    ordered = filtered.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "id")
    ids = list(ordered.values_list("id", flat=True)[offset : offset + limit])
    rows = (
        Dossier.objects.filter(id__in=ids)  # ids from the scoped query: in scope
        .select_related("procedure", "applicant", "assignee")
        .only(*INBOX_ROW_FIELDS)
    )
    by_id = {d.id: d for d in rows}
    page = [by_id[pk] for pk in ids]
    return Inbox(
        rows=[_inbox_row(d, deadline_of(d, day, soon)) for d in page],
        total=filtered.count() if total is None else total,
        by_status=by_status,
        overdue=sum(row["overdue"] for row in groups),
        due_soon=sum(row["due_soon"] for row in groups),
    )
