"""The one-stop processing of a dossier through its BPMN process: every decision of every step,
the once-only supplement with the paused clock, the apology letter, withdrawal, transfer,
claiming and assigning — and the refusals, each with its reason."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import Conflict, Forbidden, MotcuaError, NotFound
from motcua.core.models import AuditEntry, Event
from motcua.dossiers.errors import DossierErrorCode
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.models import (
    ClockPause,
    DeadlineFlag,
    Dossier,
    DossierStatus,
    NoticeForm,
    Provenance,
    Step,
)
from motcua.dossiers.presenters import dossiers as dossier_presenters
from motcua.dossiers.selectors import actions as action_selectors
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import inbox as inbox_selectors
from motcua.dossiers.services import assignment as assignment_services
from motcua.dossiers.services import deadlines as deadline_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.dossiers.services import supplement as supplement_services
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.models import Role
from motcua.workflow import engine
from tests.identity.world import (
    AGENCY_A,
    AGENCY_B,
    PDF,
    applicant_actor,
    complete_birth_draft,
    load_small_units,
    make_applicant,
    make_official,
)

PAPER = supplement_services.SupplementFile(chunks=[PDF], file_name="ban-sao.pdf", size=None)


class People:
    def __init__(self) -> None:
        self.applicant = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
        self.other_applicant = make_applicant("079190067890", "Trần Thị Bình", datetime.date(1990, 7, 9))
        grants: dict[str, list[tuple[str, str]]] = {
            "reception": [(Role.RECEPTION, AGENCY_A)],
            "handler": [(Role.HANDLER, AGENCY_A)],
            "handler2": [(Role.HANDLER, AGENCY_A)],
            "approver": [(Role.APPROVER, AGENCY_A)],
            "admin": [(Role.AGENCY_ADMIN, AGENCY_A)],
            "reception_b": [(Role.RECEPTION, AGENCY_B)],
            "handler_b": [(Role.HANDLER, AGENCY_B)],
        }
        self.users = {name: make_official(f"{name}.test", g)[0] for name, g in grants.items()}

    def official(self, name: str) -> OfficialActor:
        actor = actor_for_user(self.users[name], verified=True)
        assert isinstance(actor, OfficialActor)
        return actor

    def submit(self) -> Dossier:
        actor = applicant_actor(self.applicant)
        return submission_services.submit_draft(
            actor=actor, public_id=str(complete_birth_draft(actor).public_id)
        )


@pytest.fixture
def people(db, tmp_path, settings) -> People:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return People()


def events_of(code: str) -> list[str]:
    return list(Event.objects.filter(subject_id=code).order_by("id").values_list("type", flat=True))


def test_a_dossier_goes_through_reception_handling_approval_and_result_return(people):
    dossier = people.submit()
    assert (dossier.step, dossier.status) == (Step.RECEPTION, DossierStatus.RECEIVED)
    assert dossier.process is not None
    assert not dossier.process.completed
    code = dossier.code
    steps = [
        ("reception", "accept", Step.HANDLING, DossierStatus.RECEIVED),
        ("handler", "propose", Step.APPROVAL, DossierStatus.RECEIVED),
        ("approver", "send_back", Step.HANDLING, DossierStatus.RECEIVED),
        ("handler", "propose", Step.APPROVAL, DossierStatus.RECEIVED),
        ("approver", "approve", Step.RESULT_RETURN, DossierStatus.PROCESSED),
        ("reception", "return", Step.DONE, DossierStatus.RESULT_RETURNED),
    ]
    for who, decision, step, status in steps:
        dossier = processing_services.decide(
            actor=people.official(who),
            code=code,
            decision=decision,
            reason="Cần xem lại căn cứ.",
            result={"personal_id": "001226012345"},  # only the approval reads it
        )
        assert (dossier.step, dossier.status) == (step, status), decision
    dossier.refresh_from_db()
    assert dossier.process.completed
    assert dossier.process.outcome == "returned"
    assert dossier.finished_at is not None
    assert dossier.returned_at is not None
    assert dossier.deadline_flag == DeadlineFlag.NONE
    assert events_of(code) == [
        DossierEvent.DOSSIER_SUBMITTED,
        DossierEvent.DOSSIER_ACCEPTED,
        DossierEvent.DOSSIER_PROPOSED,
        DossierEvent.DOSSIER_SENT_BACK,
        DossierEvent.DOSSIER_PROPOSED,
        DossierEvent.DOSSIER_APPROVED,
        DossierEvent.DOSSIER_RESULT_RETURNED,
    ]
    # every state change carries what the Decision 766 indicators read
    approved = Event.objects.get(subject_id=code, type=DossierEvent.DOSSIER_APPROVED)
    assert approved.payload["status"] == DossierStatus.PROCESSED
    assert approved.payload["channel"] == "online"
    assert approved.payload["finished_at"] == dossier.finished_at.isoformat()
    assert approved.payload["late"] is False
    assert approved.payload["uploaded"] == 4
    assert approved.payload["reused_from_registries"] == 0
    assert approved.payload["supplement_requests"] == 0
    # and the audit record, in the same transaction, names the official
    audit = AuditEntry.objects.get(subject_id=code, type=DossierEvent.DOSSIER_APPROVED)
    assert audit.actor_id == f"user:{people.users['approver'].pk}"
    assert audit.changes == {"status": ["received", "processed"], "step": ["approval", "result_return"]}
    # the public lookup and the applicant's list see the new status
    assert (
        dossier_selectors.get_dossier(applicant_actor(people.applicant), code).status
        == DossierStatus.RESULT_RETURNED
    )


def test_only_the_role_of_the_step_at_the_dossiers_agency_may_decide(people):
    code = people.submit().code
    with pytest.raises(Forbidden):
        processing_services.decide(actor=people.official("handler"), code=code, decision="accept")
    with pytest.raises(Forbidden):
        processing_services.decide(actor=people.official("approver"), code=code, decision="accept")
    with pytest.raises(NotFound):  # another commune's reception does not even see it
        processing_services.decide(actor=people.official("reception_b"), code=code, decision="accept")
    with pytest.raises(Conflict) as wrong:  # a decision of another step
        processing_services.decide(actor=people.official("reception"), code=code, decision="approve")
    assert wrong.value.code == DossierErrorCode.WRONG_STEP
    with pytest.raises(MotcuaError):
        processing_services.decide(actor=people.official("reception"), code=code, decision="launch")
    assert Dossier.objects.get(code=code).step == Step.RECEPTION
    assert events_of(code) == [DossierEvent.DOSSIER_SUBMITTED]


def test_a_supplement_is_requested_once_the_clock_pauses_and_the_paused_days_are_added(people):
    dossier = people.submit()
    code = dossier.code
    reception = people.official("reception")
    processing_services.decide(actor=reception, code=code, decision="accept")
    handler = people.official("handler")
    with pytest.raises(MotcuaError):  # form 02 says why and what
        processing_services.decide(actor=handler, code=code, decision="supplement", reason="")
    with pytest.raises(MotcuaError):
        processing_services.decide(
            actor=handler, code=code, decision="supplement", reason="Thiếu", items=[{"component": "x"}]
        )
    dossier = processing_services.decide(
        actor=handler,
        code=code,
        decision="supplement",
        reason="Giấy chứng sinh không đọc được; họ tên trẻ sai chính tả.",
        items=[{"component": "birth-certificate"}, {"field": "child_full_name"}],
    )
    assert (dossier.step, dossier.status) == (Step.SUPPLEMENT_AT_HANDLING, DossierStatus.SUPPLEMENT_REQUESTED)
    assert dossier.paused_since is not None
    assert dossier.deadline_flag == DeadlineFlag.PAUSED
    notice = dossier.notices.get()
    assert notice.form == NoticeForm.SUPPLEMENT
    assert notice.number == f"{code}/02-1"
    assert notice.items == [{"component": "birth-certificate"}, {"field": "child_full_name"}]
    [shown] = dossier_presenters.notices_of(dossier)
    assert shown.items == ["Giấy chứng sinh", "Họ, chữ đệm và tên của trẻ"]
    # while it waits nobody can decide on it, and the applicant's answer must be complete
    with pytest.raises(Forbidden):
        processing_services.decide(actor=handler, code=code, decision="propose")
    applicant = applicant_actor(people.applicant)
    with pytest.raises(supplement_services.IncompleteSupplement) as incomplete:
        supplement_services.supplement_dossier(
            actor=applicant, code=code, entries={"child_full_name": "X"}, files={}
        )
    assert set(incomplete.value.components) == {"birth-certificate"}
    assert "child_full_name" in incomplete.value.fields  # too short for the form's schema
    assert Dossier.objects.get(code=code).step == Step.SUPPLEMENT_AT_HANDLING
    # the request went out three working days ago (arranged: the clock is the world's)
    calendar = WorkingCalendar.current()
    today = timezone.localdate()
    started = today
    for _ in range(3):
        started -= datetime.timedelta(days=1)
        while not calendar.is_working_day(started):
            started -= datetime.timedelta(days=1)
    paused_at = timezone.make_aware(datetime.datetime.combine(started, datetime.time(9)))
    ClockPause.objects.filter(dossier=dossier).update(started_at=paused_at)
    due_before = Dossier.objects.get(code=code).due_on
    assert due_before is not None
    dossier = supplement_services.supplement_dossier(
        actor=applicant,
        code=code,
        entries={
            "child_full_name": "Nguyễn Văn Bảo Anh",
            "child_sex": "female",
        },  # only what was asked counts
        files={"birth-certificate": PAPER},
    )
    assert (dossier.step, dossier.status) == (Step.HANDLING, DossierStatus.RECEIVED)
    assert dossier.entries["child_full_name"] == "Nguyễn Văn Bảo Anh"
    assert dossier.entries["child_sex"] == "male"
    paused = calendar.working_days_between(started, today)
    assert paused == 3
    assert dossier.due_on == calendar.add_working_days(due_before, paused)
    assert dossier.original_due_on == due_before
    assert dossier.components["birth-certificate"]["provenance"] == Provenance.UPLOAD
    assert dossier.components["birth-certificate"]["replaced"]
    assert ClockPause.objects.get(dossier=dossier).working_days == 3
    event = Event.objects.get(subject_id=code, type=DossierEvent.DOSSIER_SUPPLEMENTED)
    assert event.payload["paused_working_days"] == 3
    # a second request is refused by the system, at any step
    with pytest.raises(Conflict) as second:
        processing_services.decide(
            actor=handler, code=code, decision="supplement", reason="Lần hai", items=[{"field": "child_sex"}]
        )
    assert second.value.code == DossierErrorCode.SUPPLEMENT_LIMIT
    assert "supplement" not in action_selectors.available_actions(handler, dossier).decisions
    assert Dossier.objects.get(code=code).supplement_requests == 1


def test_refusal_and_stop_end_the_process_with_their_notice(people):
    refused = people.submit()
    processing_services.decide(
        actor=people.official("reception"),
        code=refused.code,
        decision="refuse",
        reason="Không thuộc thẩm quyền.",
    )
    refused.refresh_from_db()
    assert (refused.status, refused.step) == (DossierStatus.REFUSED, Step.DONE)
    assert refused.process.outcome == "refused"
    assert refused.finished_at is not None
    assert refused.notices.get().form == NoticeForm.REFUSAL
    stopped = people.submit()
    processing_services.decide(actor=people.official("reception"), code=stopped.code, decision="accept")
    processing_services.decide(
        actor=people.official("handler"), code=stopped.code, decision="stop", reason="Người yêu cầu đã chết."
    )
    stopped.refresh_from_db()
    assert (stopped.status, stopped.process.outcome) == (DossierStatus.STOPPED, "stopped")
    assert stopped.notices.get().form == NoticeForm.STOP
    with pytest.raises(Conflict):  # nothing more happens to a finished dossier
        processing_services.decide(actor=people.official("handler"), code=stopped.code, decision="propose")


def test_the_applicant_withdraws_until_the_result_is_approved(people):
    applicant = applicant_actor(people.applicant)
    dossier = people.submit()
    processing_services.decide(actor=people.official("reception"), code=dossier.code, decision="accept")
    with pytest.raises(NotFound):  # only their own
        supplement_services.withdraw_dossier(actor=applicant_actor(people.other_applicant), code=dossier.code)
    dossier = supplement_services.withdraw_dossier(actor=applicant, code=dossier.code, reason="Nộp nhầm.")
    assert (dossier.status, dossier.step) == (DossierStatus.WITHDRAWN, Step.DONE)
    assert dossier.process.completed
    assert dossier.process.outcome == engine.CANCELLED
    assert (
        supplement_services.withdraw_dossier(actor=applicant, code=dossier.code).status
        == DossierStatus.WITHDRAWN
    )
    assert events_of(dossier.code).count(DossierEvent.DOSSIER_WITHDRAWN) == 1
    approved = people.submit()
    for who, decision in [("reception", "accept"), ("handler", "propose"), ("approver", "approve")]:
        processing_services.decide(
            actor=people.official(who),
            code=approved.code,
            decision=decision,
            result={"personal_id": "001226012345"},
        )
    with pytest.raises(Conflict):
        supplement_services.withdraw_dossier(actor=applicant, code=approved.code)


def test_transfer_moves_the_dossier_to_the_other_agencys_reception(people):
    dossier = people.submit()
    for wrong in (AGENCY_A, "CAX.00008"):  # itself, or an agency of another kind
        with pytest.raises(MotcuaError):
            processing_services.decide(
                actor=people.official("reception"),
                code=dossier.code,
                decision="transfer",
                reason="x",
                agency_code=wrong,
            )
    processing_services.decide(
        actor=people.official("reception"),
        code=dossier.code,
        decision="transfer",
        reason="Cha mẹ cư trú tại phường Ngọc Hà.",
        agency_code=AGENCY_B,
    )
    dossier.refresh_from_db()
    assert (dossier.agency_code, dossier.step) == (AGENCY_B, Step.RECEPTION)
    with pytest.raises(NotFound):  # out of commune A's sight now
        processing_services.decide(actor=people.official("reception"), code=dossier.code, decision="accept")
    processing_services.decide(actor=people.official("reception_b"), code=dossier.code, decision="accept")
    assert Dossier.objects.get(code=dossier.code).step == Step.HANDLING
    audit = AuditEntry.objects.get(subject_id=dossier.code, type=DossierEvent.DOSSIER_TRANSFERRED)
    assert audit.changes["agency"] == [AGENCY_A, AGENCY_B]
    assert audit.agency_code == AGENCY_A  # in the chain of the agency that let it go
    notice = dossier.notices.get(form=NoticeForm.TRANSFER)
    assert notice.agency_code == AGENCY_A
    assert notice.reason == "Cha mẹ cư trú tại phường Ngọc Hà."


def test_claiming_assigning_and_the_queue_of_each_role(people):
    first, second = people.submit(), people.submit()
    handler, handler2 = people.official("handler"), people.official("handler2")
    reception = people.official("reception")
    assert {row.dossier.code for row in inbox_selectors.inbox(reception, queue="mine").rows} == {
        first.code,
        second.code,
    }
    assert inbox_selectors.inbox(handler, queue="mine").rows == []  # nothing at handling yet
    results = assignment_services.claim_dossiers(actor=reception, codes=[first.code, second.code, "NO-SUCH"])
    assert [(r.code, r.claimed) for r in results] == [
        (first.code, True),
        (second.code, True),
        ("NO-SUCH", False),
    ]
    assert {row.dossier.code for row in inbox_selectors.inbox(reception, queue="taken").rows} == {
        first.code,
        second.code,
    }
    processing_services.decide(actor=reception, code=first.code, decision="accept")
    assert Dossier.objects.get(code=first.code).assignee is None  # the next step is anyone's
    assert [row.dossier.code for row in inbox_selectors.inbox(handler, queue="mine").rows] == [first.code]
    assignment_services.claim_dossier(actor=handler, code=first.code)
    with pytest.raises(Conflict) as taken:
        assignment_services.claim_dossier(actor=handler2, code=first.code)
    assert taken.value.code == DossierErrorCode.CLAIMED_BY_OTHER
    with pytest.raises(Conflict):
        processing_services.decide(actor=handler2, code=first.code, decision="propose")
    with pytest.raises(Forbidden):  # handing out work is the leader's
        assignment_services.assign_dossier(actor=handler, code=first.code, user_id=handler2.user_id)
    with pytest.raises(MotcuaError):  # only to someone holding the step's role there
        assignment_services.assign_dossier(
            actor=people.official("admin"), code=first.code, user_id=people.users["handler_b"].pk
        )
    assignment_services.assign_dossier(
        actor=people.official("admin"), code=first.code, user_id=handler2.user_id
    )
    assert (
        processing_services.decide(actor=handler2, code=first.code, decision="propose").step == Step.APPROVAL
    )
    assert DossierEvent.DOSSIER_ASSIGNED in events_of(first.code)


def test_a_late_dossier_needs_the_apology_letter_with_a_new_date_first(people):
    dossier = people.submit()  # birth registration: due the day it is received
    calendar = WorkingCalendar.current()
    due = dossier.due_on
    late = calendar.add_working_days(due, 2)
    reception, handler = people.official("reception"), people.official("handler")
    with pytest.raises(Conflict) as refused:
        processing_services.decide(actor=reception, code=dossier.code, decision="accept", today=late)
    assert refused.value.code == DossierErrorCode.APOLOGY_REQUIRED
    # the officer's page offers what the service allows: not accepting, until the apology
    offered = action_selectors.available_actions(reception, _get(reception, dossier.code), today=late)
    assert "accept" not in offered.decisions
    assert {"refuse", "supplement"} <= set(offered.decisions)
    assert (
        "accept"
        in action_selectors.available_actions(reception, _get(reception, dossier.code), today=due).decisions
    )
    # the periodic check flags it, once
    assert deadline_services.flag_deadlines(today=late) >= 1
    assert Dossier.objects.get(code=dossier.code).deadline_flag == DeadlineFlag.OVERDUE
    assert deadline_services.flag_deadlines(today=late) == 0
    flagged = Event.objects.get(subject_id=dossier.code, type=DossierEvent.DOSSIER_DEADLINE_FLAGGED)
    assert flagged.payload["due_on"] == due.isoformat()
    assert [
        row.dossier.code for row in inbox_selectors.inbox(handler, deadline="overdue", today=late).rows
    ] == [dossier.code]
    with pytest.raises(Forbidden):  # the reception officer does not write it
        deadline_services.issue_apology(
            actor=reception, code=dossier.code, reason="x", new_due_on=late, today=late
        )
    with pytest.raises(MotcuaError):  # a date in the past, or no reason
        deadline_services.issue_apology(
            actor=handler, code=dossier.code, reason="Hệ thống lỗi.", new_due_on=due, today=late
        )
    with pytest.raises(MotcuaError):
        deadline_services.issue_apology(
            actor=handler, code=dossier.code, reason=" ", new_due_on=late, today=late
        )
    new_date = calendar.add_working_days(late, 2)
    dossier = deadline_services.issue_apology(
        actor=handler, code=dossier.code, reason="Chờ xác minh nơi sinh.", new_due_on=new_date, today=late
    )
    assert dossier.due_on == new_date
    assert dossier.original_due_on == due
    assert dossier.deadline_flag == DeadlineFlag.ON_TIME
    apology = dossier.notices.get(form=NoticeForm.APOLOGY)
    assert apology.new_due_on == new_date
    assert apology.number == f"{dossier.code}/04-1"
    # the applicant is told: the notice is on their dossier
    mine = dossier_selectors.get_dossier(applicant_actor(people.applicant), dossier.code)
    assert [n.notice.form for n in dossier_presenters.notices_of(mine)] == [NoticeForm.APOLOGY]
    assert (
        "accept"
        in action_selectors.available_actions(reception, _get(reception, dossier.code), today=late).decisions
    )
    dossier = processing_services.decide(actor=reception, code=dossier.code, decision="accept", today=late)
    assert dossier.step == Step.HANDLING
    with pytest.raises(Conflict):  # not late (any more): no apology due
        deadline_services.issue_apology(
            actor=handler,
            code=dossier.code,
            reason="x",
            new_due_on=calendar.add_working_days(new_date, 3),
            today=late,
        )


def test_the_role_lanes_of_the_shipped_process_match_the_inbox_queues():
    """inbox_selectors.STEP_ROLES repeats the lanes of onestop.bpmn for the inbox; they must agree."""
    from motcua.workflow.engine import lanes_of

    lanes = lanes_of("onestop")
    for step, role in inbox_selectors.STEP_ROLES.items():
        assert processing_services.LANE_ROLES[lanes[step]] == role
    assert lanes[Step.SUPPLEMENT_AT_RECEPTION] == lanes[Step.SUPPLEMENT_AT_HANDLING] == "applicant"
    assert set(lanes) == {s for s in Step.values if s != Step.DONE}


def _get(actor: OfficialActor, code: str) -> Dossier:
    return dossier_selectors.get_dossier(actor, code)
