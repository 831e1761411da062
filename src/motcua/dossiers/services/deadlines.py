"""Deadlines: the apology letter with a new appointment date (form 04) for a late dossier, and the
periodic deadline flags (due soon, overdue), with an event per change.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.actors import SYSTEM, Actor
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import Conflict, ErrorCode, Forbidden, MotcuaError
from motcua.core.inputs import clean_text
from motcua.core.types import EventType
from motcua.dossiers.models import (
    OPEN_STATUSES,
    DeadlineFlag,
    Dossier,
    NoticeForm,
    Step,
)
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import inbox as inbox_selectors
from motcua.dossiers.services.processing import (
    APOLOGY_ROLES,
    MAX_REASON_LENGTH,
    SUPPLEMENT_STEPS,
    issue_notice,
    local_today,
    person_of,
    record_dossier_change,
)
from motcua.identity.actors import IntegratorActor, OfficialActor


def issue_apology(
    *,
    actor: OfficialActor | IntegratorActor,
    code: str,
    reason: str,
    new_due_on: datetime.date,
    today: datetime.date | None = None,
) -> Dossier:
    """The apology letter with a new appointment date (form 04), for a dossier that is late or
    will be: due today or on the next working day, or already past its date."""
    reason = clean_text(reason.strip(), field="reason", max_length=MAX_REASON_LENGTH)
    if not reason:
        raise MotcuaError(_("Give the reason for the delay: the applicant will read it."))
    day = today or local_today()
    calendar = WorkingCalendar.current()
    with transaction.atomic():
        dossier = dossier_selectors.get_dossier(actor, code, for_update=True)
        if not any(actor.has_role(role, agency_code=dossier.agency_code) for role in APOLOGY_ROLES):
            raise Forbidden(
                _("Only the handling officer or the leader of the agency issues the apology letter.")
            )
        if dossier.step == Step.DONE or dossier.step in SUPPLEMENT_STEPS or dossier.due_on is None:
            raise Conflict(_("This dossier has no running deadline."), code=ErrorCode.WRONG_STEP)
        if dossier.due_on > calendar.add_working_days(day, 1):
            raise Conflict(_("The dossier is not late: no apology is due yet."), code=ErrorCode.WRONG_STEP)
        if new_due_on <= max(day, dossier.due_on) or not calendar.is_working_day(new_due_on):
            raise MotcuaError(_("The new date must be a working day after today and after the current date."))
        old_due = dossier.due_on
        notice = issue_notice(
            dossier,
            NoticeForm.APOLOGY,
            step=dossier.step,
            reason=reason,
            issued_by=person_of(actor),
            new_due_on=new_due_on,
        )
        dossier.due_on = new_due_on
        dossier.deadline_flag = flag_for(dossier, day, calendar)
        dossier.updated_at = timezone.now()
        dossier.save(update_fields=["due_on", "deadline_flag", "updated_at"])
        record_dossier_change(
            dossier,
            actor=actor,
            type=EventType.DOSSIER_APOLOGY_ISSUED,
            changes={"due_on": [old_due.isoformat(), new_due_on.isoformat()]},
            extra={"notice": notice.number},
        )
    return dossier


def flag_for(dossier: Dossier, day: datetime.date, calendar: WorkingCalendar) -> DeadlineFlag:
    """The deadline flag of the dossier on ``day`` (the inbox colours use the same rule)."""
    deadline = inbox_selectors.deadline_of(dossier, day, calendar.add_working_days(day, 1))
    return DeadlineFlag(deadline.value)


def flag_deadlines(*, actor: Actor = SYSTEM, today: datetime.date | None = None, batch: int = 500) -> int:
    """The periodic deadline check: record each open dossier whose flag changed (on time → due
    soon → overdue), with its event, so the handler is told once per change. Returns how many."""
    day = today or local_today()
    calendar = WorkingCalendar.current()
    soon = calendar.add_working_days(day, 1)
    running = Dossier.objects.filter(status__in=OPEN_STATUSES, paused_since__isnull=True)
    candidates = running.filter(due_on__lt=day).exclude(deadline_flag=DeadlineFlag.OVERDUE) | running.filter(
        due_on__gte=day, due_on__lte=soon
    ).exclude(deadline_flag=DeadlineFlag.DUE_SOON)
    changed = 0
    # at most 20 batches a run, most urgent first; the rest waits for the next run (15 minutes)
    ids = list(candidates.order_by("due_on", "id").values_list("id", flat=True)[: batch * 20])
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            for dossier in (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure")
                .filter(id__in=ids[start : start + batch])
            ):
                flag = flag_for(dossier, day, calendar)
                if flag == dossier.deadline_flag:
                    continue
                old = dossier.deadline_flag
                dossier.deadline_flag = flag
                dossier.save(update_fields=["deadline_flag"])
                record_dossier_change(
                    dossier,
                    actor=actor,
                    type=EventType.DOSSIER_DEADLINE_FLAGGED,
                    changes={"deadline": [old, flag]},
                )
                changed += 1
    return changed
