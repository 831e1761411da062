"""Writes of the one-stop processing: the decisions officials take on a dossier (the applicant's
supplement and withdrawal are in ``supplement``, claiming and assigning work in ``assignment``,
the apology letter and the deadline flags in ``deadlines``; they share this module's helpers).

The order of steps is the process definition's (``workflow/processes/onestop.bpmn``): a decision
is valid only on the step waiting for it and only if that step lists it, and only an official
holding the step's lane role at the dossier's agency may take it. What a decision does to the
dossier — its status, the notice to the applicant (forms 02, 03, 05), the paused clock, the
dates the Decision 766 indicators read — is done here, in the same transaction as the engine's
new state, the audit record and the typed event.

Rules the law sets and this module enforces:

- a supplement is requested at most once (a second request is refused), and the processing
  clock stands still from the request until the applicant completes the dossier; the working
  days it stood still are added to the appointment date;
- a dossier past its appointment date moves on only after the handler has issued the apology
  letter with a new date (form 04), which the applicant is told about;
- the applicant may withdraw a dossier until its result is approved.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import definition
from motcua.catalog.typed import ProcedureDefinition
from motcua.core.actors import Actor
from motcua.core.errors import Conflict, Forbidden, MotcuaError
from motcua.core.inputs import clean_text
from motcua.core.services import record_change
from motcua.core.types import EventKind
from motcua.documents import results, storage, wallet
from motcua.documents.models import ResultDocument
from motcua.dossiers import holds
from motcua.dossiers.errors import DossierErrorCode
from motcua.dossiers.events import APOLOGY_FIRST_WHEN_LATE, Decision, DossierEvent, DossierSubject
from motcua.dossiers.forms import clean_entries
from motcua.dossiers.models import (
    ClockPause,
    DeadlineFlag,
    Dossier,
    DossierStatus,
    Notice,
    NoticeForm,
    Provenance,
    Step,
)
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.services import writeback
from motcua.identity.actors import AgencyActor, IntegratorActor, OfficialActor
from motcua.identity.models import Role
from motcua.units.models import Agency
from motcua.workflow import engine
from motcua.workflow.models import ProcessInstance

DEFAULT_PROCESS = "onestop"
LANE_ROLES = {"reception": Role.RECEPTION, "handler": Role.HANDLER, "approver": Role.APPROVER}
SUPPLEMENT_STEPS = {Step.SUPPLEMENT_AT_RECEPTION, Step.SUPPLEMENT_AT_HANDLING}
# the roles that may write the apology letter (the handler, or the leader answering for the agency)
APOLOGY_ROLES = (Role.HANDLER, Role.APPROVER)
# the roles that hand out work at an agency
ASSIGNING_ROLES = (Role.APPROVER, Role.AGENCY_ADMIN)
WITHDRAWABLE = (DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED)

MAX_REASON_LENGTH = 4000  # a notice's reason (refusal, supplement, stop, apology...)
MAX_WITHDRAWAL_REASON_LENGTH = 2000


@dataclass(frozen=True)
class Effect:
    event: EventKind
    status: DossierStatus | None = None  # the new status, when the decision changes it
    notice: NoticeForm | None = None
    needs_reason: bool = False
    finishes: bool = False  # processing ends (NgayKetThucXuLy)


EFFECTS: dict[Decision, Effect] = {
    Decision.ACCEPT: Effect(DossierEvent.DOSSIER_ACCEPTED),
    Decision.SUPPLEMENT: Effect(
        DossierEvent.DOSSIER_SUPPLEMENT_REQUESTED,
        DossierStatus.SUPPLEMENT_REQUESTED,
        NoticeForm.SUPPLEMENT,
        needs_reason=True,
    ),
    Decision.REFUSE: Effect(
        DossierEvent.DOSSIER_REFUSED,
        DossierStatus.REFUSED,
        NoticeForm.REFUSAL,
        needs_reason=True,
        finishes=True,
    ),
    Decision.TRANSFER: Effect(
        DossierEvent.DOSSIER_TRANSFERRED, notice=NoticeForm.TRANSFER, needs_reason=True
    ),
    Decision.PROPOSE: Effect(DossierEvent.DOSSIER_PROPOSED),
    Decision.SEND_BACK: Effect(DossierEvent.DOSSIER_SENT_BACK, needs_reason=True),
    Decision.STOP: Effect(
        DossierEvent.DOSSIER_STOPPED, DossierStatus.STOPPED, NoticeForm.STOP, needs_reason=True, finishes=True
    ),
    Decision.APPROVE: Effect(DossierEvent.DOSSIER_APPROVED, DossierStatus.PROCESSED, finishes=True),
    Decision.RETURN: Effect(DossierEvent.DOSSIER_RESULT_RETURNED, DossierStatus.RESULT_RETURNED),
}


def process_id_for(dossier: Dossier) -> str:
    return _process_id(filed_spec(dossier))


def _process_id(spec: ProcedureDefinition) -> str:
    return spec.process or DEFAULT_PROCESS


def filed_spec(dossier: Dossier) -> ProcedureDefinition:
    """The spec version the dossier was filed under (ADR 0039)."""
    return definition(dossier.procedure, dossier.spec_sha256)


def prepare_process(procedure: Procedure) -> tuple[ProcessInstance, str]:
    """A new dossier's process, saved and run to its first step, and that step's name: done
    before the submission takes the dossier-code counter, which stays locked until it commits."""
    instance, ready = engine.prepare(_process_id(definition(procedure)))
    instance.save()
    return instance, ready[0].name if ready else Step.DONE


def start_process(dossier: Dossier) -> None:
    """Start an existing dossier's process and put it on its first step (the benchmarks' sample
    dossiers; a submission uses ``prepare_process`` before it takes the counter)."""
    dossier.process, dossier.step = prepare_process(dossier.procedure)
    dossier.original_due_on = dossier.due_on
    dossier.save(update_fields=["process", "step", "original_due_on"])


def indicators(dossier: Dossier) -> dict[str, Any]:
    """What the Decision 766 indicators read from every state change (domain notes §2.5)."""

    def iso(value: datetime.date | datetime.datetime | None) -> str | None:
        return value.isoformat() if value else None

    provenances = [c.get("provenance") for c in dossier.components.values()]
    finished = timezone.localdate(dossier.finished_at) if dossier.finished_at else None
    return {
        "procedure": dossier.procedure.code,
        "agency": dossier.agency_code,
        "channel": dossier.channel,
        "status": dossier.status,
        "step": dossier.step,
        "submitted_at": iso(dossier.submitted_at),
        "received_at": iso(dossier.received_at),
        "due_on": iso(dossier.due_on),
        "original_due_on": iso(dossier.original_due_on),
        "finished_at": iso(dossier.finished_at),
        "returned_at": iso(dossier.returned_at),
        "late": bool(finished and dossier.original_due_on and finished > dossier.original_due_on),
        "supplement_requests": dossier.supplement_requests,
        "components": len(provenances),
        "reused_from_registries": provenances.count(Provenance.REGISTRY),
        "reused_from_wallet": provenances.count(Provenance.WALLET),
        "digitised": provenances.count(Provenance.SCAN),
        "uploaded": provenances.count(Provenance.UPLOAD),
        "fee_vnd": dossier.fee_vnd,  # set at submission (3.5, 3.6 count fee-bearing dossiers)
        "paid_online": None,  # no fees are collected yet (payments app)
    }


def record_dossier_change(
    dossier: Dossier,
    *,
    actor: Actor,
    type: EventKind,
    changes: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
    agency_code: str = "",
) -> None:
    record_change(
        actor=actor,
        type=type,
        subject_type=DossierSubject.DOSSIER,
        subject_id=dossier.code,
        agency_code=agency_code or dossier.agency_code,
        unit_code=dossier.commune_code,
        changes=changes,
        payload={**indicators(dossier), **dict(extra or {})},
    )


def issue_notice(
    dossier: Dossier,
    form: NoticeForm,
    *,
    step: str,
    reason: str,
    issued_by: int | None,
    items: Sequence[Mapping[str, str]] = (),
    new_due_on: datetime.date | None = None,
) -> Notice:
    sequence = Notice.objects.filter(dossier=dossier, form=form).count() + 1
    return Notice.objects.create(
        dossier=dossier,
        form=form,
        number=f"{dossier.code}/{form}-{sequence}",
        step=step,
        reason=reason,
        items=[dict(item) for item in items],
        new_due_on=new_due_on,
        agency_code=dossier.agency_code,
        issued_by_id=issued_by,
    )


def local_today() -> datetime.date:
    return timezone.localdate()


def require_lane(actor: AgencyActor, dossier: Dossier, lane: str) -> None:
    role = LANE_ROLES.get(lane)
    if role is None or not actor.has_role(role, agency_code=dossier.agency_code):
        raise Forbidden(_("Your role at this agency does not act on this step of the dossier."))


def require_free_or_mine(actor: OfficialActor | IntegratorActor, dossier: Dossier) -> None:
    """A dossier an official has taken is theirs to decide (an agency system takes none)."""
    mine = isinstance(actor, OfficialActor) and dossier.assignee_id == actor.user_id
    if dossier.assignee_id and not mine:
        raise Conflict(_("Another official has taken this dossier."), code=DossierErrorCode.CLAIMED_BY_OTHER)


def person_of(actor: OfficialActor | IntegratorActor) -> int | None:
    """The official who issues a notice; None for an agency system (the notice is the agency's,
    and the audit row names the system)."""
    return actor.user_id if isinstance(actor, OfficialActor) else None


def current_step(dossier: Dossier) -> engine.Step:
    if dossier.process is None:
        raise Conflict(_("This dossier has no process."), code=DossierErrorCode.WRONG_STEP)
    for step in engine.steps(dossier.process):
        if step.name == dossier.step:
            return step
    raise Conflict(_("This step of the dossier has already been decided."), code=DossierErrorCode.WRONG_STEP)


def _supplement_items(dossier: Dossier, items: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Form 02's list of what is missing: components or form fields of the dossier's procedure."""
    spec = filed_spec(dossier)
    components = {c.id for c in spec.components}
    fields = set(spec.fields)
    checked: list[dict[str, str]] = []
    for item in items:
        if item.get("component") in components and "field" not in item:
            checked.append({"component": str(item["component"])})
        elif item.get("field") in fields and "component" not in item:
            checked.append({"field": str(item["field"])})
        else:
            raise MotcuaError(_("Name each missing item as one component or one field of this procedure."))
    if not checked:
        raise MotcuaError(_("List what the applicant must supplement."))
    return checked


class IncompleteResult(MotcuaError):
    """The result's data is missing or invalid; ``fields`` says what, per field."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(_("Enter the result's data: see the marked fields."))
        self.fields = dict(fields)


def _checked_result(dossier: Dossier, result: Mapping[str, Any]) -> dict[str, Any]:
    """The result's data the procedure declares (``result.fields``), every field required."""
    fields = filed_spec(dossier).result_fields
    if not fields:
        return {}
    cleaned, errors = clean_entries(fields, result)
    for name in fields:
        if name not in errors and cleaned.get(name) in (None, ""):
            errors[name] = _("This field is required.")
    if errors:
        raise IncompleteResult(errors)
    return cleaned


def _has_electronic_result(dossier: Dossier) -> bool:
    result = filed_spec(dossier).result
    return result is not None and bool(result.type) and result.electronic


def decide(
    *,
    actor: OfficialActor | IntegratorActor,
    code: str,
    decision: Decision | str,
    reason: str = "",
    items: Sequence[Mapping[str, str]] = (),
    agency_code: str = "",
    result: Mapping[str, Any] | None = None,
    today: datetime.date | None = None,
) -> Dossier:
    """Take ``decision`` on the step the dossier waits on: ``accept``, ``supplement`` (with
    ``items``), ``refuse``, ``transfer`` (to ``agency_code``) at reception; ``propose``,
    ``supplement``, ``stop``, ``transfer`` in handling; ``approve``, ``send_back``, ``stop`` at
    approval; ``return`` at result return. ``reason`` is required where a notice says why;
    ``result`` carries the result's data when approving a procedure whose result declares
    fields (``IncompleteResult`` names what is missing)."""
    try:
        decision = Decision(decision)
        effect = EFFECTS[decision]
    except (ValueError, KeyError):
        raise MotcuaError(_("Unknown decision.")) from None
    reason = clean_text(reason.strip(), field="reason", max_length=MAX_REASON_LENGTH)
    if effect.needs_reason and not reason:
        raise MotcuaError(_("Give the reason: the applicant will read it."))
    day = today or local_today()
    written_back = _write_before_result(actor, code, decision, day)
    if written_back.result:  # what the registry answered, never what was typed (ADR 0061)
        result = {**(result or {}), **written_back.result}
    written: list[str] = []  # a signed result's file, removed again if the decision rolls back
    try:
        return _decide(
            actor=actor,
            code=code,
            decision=decision,
            effect=effect,
            reason=reason,
            items=items,
            agency_code=agency_code,
            result=result,
            day=day,
            written=written,
            written_back=written_back,
        )
    except BaseException:
        for name in written:
            storage.discard(name)
        raise


def _write_before_result(
    actor: OfficialActor | IntegratorActor, code: str, decision: Decision, day: datetime.date
) -> writeback.WrittenBack:
    """An approval whose spec writes before the result sends those writes first, outside the
    approving transaction (a registry's answer can take seconds; no row is locked meanwhile), and
    only for the official who may take this approval now (ADR 0061)."""
    if decision != Decision.APPROVE:
        return writeback.WrittenBack()
    dossier = dossier_selectors.get_dossier(actor, code)
    spec = filed_spec(dossier)
    if not any(write.before_result for write in spec.writes):
        return writeback.WrittenBack()
    step = current_step(dossier)
    require_lane(actor, dossier, step.lane)
    if decision not in step.decisions:
        raise Conflict(_("This decision cannot be taken at this step."), code=DossierErrorCode.WRONG_STEP)
    require_free_or_mine(actor, dossier)
    return writeback.write_before_result(spec, dossier, day)


def _decide(
    *,
    actor: OfficialActor | IntegratorActor,
    code: str,
    decision: Decision,
    effect: Effect,
    reason: str,
    items: Sequence[Mapping[str, str]],
    agency_code: str,
    result: Mapping[str, Any] | None,
    day: datetime.date,
    written: list[str],
    written_back: writeback.WrittenBack,
) -> Dossier:
    with transaction.atomic():
        dossier = dossier_selectors.get_dossier(actor, code, for_update=True)
        step = current_step(dossier)
        require_lane(actor, dossier, step.lane)
        if decision not in step.decisions:
            raise Conflict(_("This decision cannot be taken at this step."), code=DossierErrorCode.WRONG_STEP)
        require_free_or_mine(actor, dossier)
        holds.require_no_hold(dossier, decision)
        if decision in APOLOGY_FIRST_WHEN_LATE and dossier.due_on and day > dossier.due_on:
            raise Conflict(
                _("The dossier is past its appointment date: first issue the apology with a new date."),
                code=DossierErrorCode.APOLOGY_REQUIRED,
            )
        checked_items: list[dict[str, str]] = []
        if decision == Decision.SUPPLEMENT:
            if dossier.supplement_requests >= 1:
                raise Conflict(
                    _("A supplement was already requested for this dossier: the law allows only one."),
                    code=DossierErrorCode.SUPPLEMENT_LIMIT,
                )
            checked_items = _supplement_items(dossier, items)
        result_data: dict[str, Any] = {}
        if decision == Decision.APPROVE:
            result_data = _checked_result(dossier, result or {})
        target: Agency | None = None
        if decision == Decision.TRANSFER:
            # to the same kind of agency elsewhere (another commune's People's Committee, …)
            target = Agency.objects.filter(
                code=agency_code, is_active=True, agency_type=dossier.procedure.agency_type
            ).first()
            if target is None or target.code == dossier.agency_code:
                raise MotcuaError(_("Choose an agency of the same kind that handles this procedure."))
        old_status, old_step, old_agency = dossier.status, dossier.step, dossier.agency_code
        now = timezone.now()
        ready = engine.complete(dossier.process, step=step.name, decision=decision)  # type: ignore[arg-type]
        dossier.step = ready[0].name if ready else Step.DONE
        if effect.status:
            dossier.status = effect.status
        if effect.finishes:
            dossier.finished_at = now
        if decision == Decision.RETURN:
            dossier.returned_at = now
        if result_data:
            dossier.result = result_data
        dossier.assignee = None  # a new step is anyone's to take
        notice = None
        if effect.notice:  # issued by the agency deciding, before a transfer moves the dossier
            notice = issue_notice(
                dossier,
                effect.notice,
                step=old_step,
                reason=reason,
                issued_by=person_of(actor),
                items=checked_items,
            )
        if target is not None:
            dossier.agency_code = target.code
        if decision == Decision.SUPPLEMENT:
            dossier.supplement_requests += 1
            dossier.paused_since = now
            dossier.deadline_flag = DeadlineFlag.PAUSED
            assert notice is not None
            ClockPause.objects.create(dossier=dossier, notice=notice, started_at=now)
        if dossier.step == Step.DONE:
            dossier.deadline_flag = DeadlineFlag.NONE
        dossier.updated_at = now
        dossier.save()
        changes: dict[str, Any] = {"status": [old_status, dossier.status], "step": [old_step, dossier.step]}
        if target is not None:
            changes["agency"] = [old_agency, target.code]
        extra: dict[str, Any] = {"decision": decision}
        if notice is not None:
            extra["notice"] = notice.number
        if decision == Decision.APPROVE and _has_electronic_result(dossier):
            # signed by the agency's key at the approval step, naming the approving official (an
            # agency system never holds the approver's role: INTEGRATOR_ROLES)
            if not isinstance(actor, OfficialActor):
                raise Forbidden(_("Your role at this agency does not act on this step of the dossier."))
            issued = results.issue_result(actor=actor, dossier=dossier, on_written=written.append)
            extra["result"] = issued.number
        if decision == Decision.APPROVE:
            spec = filed_spec(dossier)
            kept = writeback.record(actor=actor, spec=spec, dossier=dossier, day=day, written=written_back)
            if kept:
                extra["registry_writes"] = [str(write.public_id) for write in kept]
        if decision == Decision.RETURN:
            issued_result = ResultDocument.objects.filter(dossier=dossier, kind="result").first()
            if issued_result is not None:  # returned online: into the holder's data wallet
                wallet.add_result(actor=actor, result=issued_result)
                extra["result"] = issued_result.number
        # in the deciding agency's audit chain (for a transfer, the agency that let it go)
        record_dossier_change(
            dossier, actor=actor, type=effect.event, changes=changes, extra=extra, agency_code=old_agency
        )
    return dossier
