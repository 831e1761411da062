"""The applicant's side of processing: answering the supplement request (form 02), after which
the paused clock runs again with the paused working days added to the appointment date, and
withdrawing the dossier until its result is approved.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.selectors import definition
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import Conflict, MotcuaError
from motcua.core.inputs import clean_text
from motcua.documents import services as documents
from motcua.documents import storage
from motcua.dossiers.errors import DossierErrorCode
from motcua.dossiers.events import Decision, DossierEvent
from motcua.dossiers.forms import clean_entries
from motcua.dossiers.models import (
    ClockPause,
    DeadlineFlag,
    Dossier,
    DossierStatus,
    NoticeForm,
    Provenance,
    Step,
)
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.services.processing import (
    MAX_WITHDRAWAL_REASON_LENGTH,
    SUPPLEMENT_STEPS,
    WITHDRAWABLE,
    issue_notice,
    record_dossier_change,
)
from motcua.identity.actors import ApplicantActor
from motcua.workflow import engine


@dataclass(frozen=True)
class SupplementFile:
    chunks: Iterable[bytes]
    file_name: str
    size: int | None


class IncompleteSupplement(MotcuaError):
    """The supplement does not yet answer the request; ``fields`` and ``components`` say what is
    missing, in the applicant's language. Nothing was changed."""

    def __init__(self, fields: Mapping[str, str], components: Mapping[str, str]) -> None:
        super().__init__(_("The supplement is not complete: see the marked items."))
        self.fields = dict(fields)
        self.components = dict(components)


def _open_pause(dossier: Dossier) -> ClockPause | None:
    return ClockPause.objects.filter(dossier=dossier, ended_at__isnull=True).order_by("-started_at").first()


def _resume_clock(dossier: Dossier, now: datetime.datetime) -> int:
    """End the open pause and push the appointment date back by the working days it lasted."""
    pause = _open_pause(dossier)
    dossier.paused_since = None
    if pause is None:
        return 0
    calendar = WorkingCalendar.current()
    days = max(
        0, calendar.working_days_between(timezone.localdate(pause.started_at), timezone.localdate(now))
    )
    pause.ended_at = now
    pause.working_days = days
    pause.save(update_fields=["ended_at", "working_days"])
    if dossier.due_on is not None and days:
        dossier.due_on = calendar.add_working_days(dossier.due_on, days)
    return days


def supplement_dossier(
    *,
    actor: ApplicantActor,
    code: str,
    entries: Mapping[str, Any],
    files: Mapping[str, SupplementFile],
) -> Dossier:
    """Answer the supplement request (form 02): new values for the listed fields and a new file
    for each listed component. Everything is checked before anything is stored; the dossier then
    goes back to the step that asked, and the clock runs again with the paused days added."""
    dossier = dossier_selectors.get_dossier(actor, code)
    if dossier.step not in SUPPLEMENT_STEPS:
        raise Conflict(_("No supplement is requested for this dossier."), code=DossierErrorCode.WRONG_STEP)
    request = dossier.notices.filter(form=NoticeForm.SUPPLEMENT).order_by("-issued_at").first()
    wanted_fields = [i["field"] for i in (request.items if request else []) if "field" in i]
    wanted_components = [i["component"] for i in (request.items if request else []) if "component" in i]
    merged = {**dossier.entries, **{k: v for k, v in entries.items() if k in wanted_fields}}
    cleaned, errors = clean_entries(definition(dossier.procedure, dossier.spec_sha256).fields, merged)
    field_errors = {name: errors[name] for name in wanted_fields if name in errors}
    for name in wanted_fields:
        if name not in entries and name not in field_errors:
            field_errors[name] = _("Enter the corrected value.")
    component_errors = {
        cid: _("Upload the document asked for.") for cid in wanted_components if cid not in files
    }
    if field_errors or component_errors:
        raise IncompleteSupplement(field_errors, component_errors)
    owner = "" if dossier.applicant_id == actor.applicant_id else str(dossier.applicant.public_id)
    stored = {}
    refused: dict[str, str] = {}
    for cid in wanted_components:
        try:
            stored[cid] = documents.upload_file(
                actor=actor,
                chunks=files[cid].chunks,
                file_name=files[cid].file_name,
                declared_size=files[cid].size,
                owner_public_id=owner,
            )
        except storage.UploadRejected as exc:  # a file refused (type, size, a PDF's content)
            refused[cid] = exc.message
    if refused:
        raise IncompleteSupplement({}, refused)
    with transaction.atomic():
        dossier = dossier_selectors.get_dossier(actor, code, for_update=True)
        if dossier.step not in SUPPLEMENT_STEPS:  # answered meanwhile (a double submit)
            return dossier
        now = timezone.now()
        old_status, old_step = dossier.status, dossier.step
        for name in wanted_fields:
            dossier.entries[name] = cleaned.get(name)
        for cid, record in stored.items():
            previous = dossier.components.get(cid, {})
            dossier.components[cid] = {
                "kind": previous.get("kind", "document"),
                "provenance": Provenance.UPLOAD,
                "file": str(record.public_id),
                "supplemented_at": now.isoformat(),
                "replaced": previous.get("file", ""),
                **({"removed_content": list(record.removed_content)} if record.removed_content else {}),
            }
        ready = engine.complete(dossier.process, step=dossier.step, decision=Decision.SUPPLEMENTED)  # type: ignore[arg-type]
        dossier.step = ready[0].name if ready else Step.DONE
        dossier.status = DossierStatus.RECEIVED
        paused_days = _resume_clock(dossier, now)
        dossier.deadline_flag = DeadlineFlag.ON_TIME
        dossier.updated_at = now
        dossier.save()
        record_dossier_change(
            dossier,
            actor=actor,
            type=DossierEvent.DOSSIER_SUPPLEMENTED,
            changes={
                "status": [old_status, dossier.status],
                "step": [old_step, dossier.step],
                "fields": [None, sorted(wanted_fields)],
                "components": [None, sorted(wanted_components)],
            },
            extra={"paused_working_days": paused_days},
        )
    return dossier


def withdraw_dossier(*, actor: ApplicantActor, code: str, reason: str = "") -> Dossier:
    """The applicant takes the dossier back (before its result is approved); the process ends."""
    reason = clean_text(reason.strip(), field="reason", max_length=MAX_WITHDRAWAL_REASON_LENGTH)
    with transaction.atomic():
        dossier = dossier_selectors.get_dossier(actor, code, for_update=True)
        if dossier.status == DossierStatus.WITHDRAWN:
            return dossier  # a repeated request
        if dossier.status not in WITHDRAWABLE:
            raise Conflict(_("This dossier can no longer be withdrawn."), code=DossierErrorCode.WRONG_STEP)
        now = timezone.now()
        old_status, old_step = dossier.status, dossier.step
        if dossier.process is not None:
            engine.cancel(dossier.process)
        _resume_clock(dossier, now)
        notice = issue_notice(
            dossier,
            NoticeForm.WITHDRAWAL,
            step=old_step,
            reason=reason or _("Withdrawn at the applicant's request."),
            issued_by=None,
        )
        dossier.status = DossierStatus.WITHDRAWN
        dossier.step = Step.DONE
        dossier.assignee = None
        dossier.finished_at = now
        dossier.deadline_flag = DeadlineFlag.NONE
        dossier.updated_at = now
        dossier.save()
        record_dossier_change(
            dossier,
            actor=actor,
            type=DossierEvent.DOSSIER_WITHDRAWN,
            changes={"status": [old_status, dossier.status], "step": [old_step, dossier.step]},
            extra={"notice": notice.number},
        )
    return dossier
