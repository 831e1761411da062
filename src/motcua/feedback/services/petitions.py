"""Petitions (phản ánh, kiến nghị): sent by a citizen or a business, signed in or not (then with
a contact), routed to the competent agency, and handled through steps with working-day deadlines
(``feedback.deadlines``): refuse (with a reason), request more information (the clock pauses),
the petitioner's information, transfer to another agency, answer, publish (masked). Every step
writes its audit entry and a ``feedback.petition_step`` event (the metrics contract)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.actors import Actor, ActorRef
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import Conflict, Forbidden, NotFound
from motcua.core.inputs import InvalidText, text_problem
from motcua.core.ratelimit import Rate
from motcua.core.services import record_change
from motcua.documents.models import StoredFile
from motcua.dossiers.selectors.dossiers import get_dossier
from motcua.feedback import deadlines, routing
from motcua.feedback.errors import FeedbackErrorCode
from motcua.feedback.events import FeedbackEvent, FeedbackSubject
from motcua.feedback.masking import mask_personal_data
from motcua.feedback.models import (
    Petition,
    PetitionCategory,
    PetitionChannel,
    PetitionStatus,
    PetitionStep,
    StepKind,
)
from motcua.feedback.selectors.petitions import petitions_of
from motcua.identity.actors import ApplicantActor, OfficialActor
from motcua.identity.models import Applicant, Role
from motcua.units import selectors as units

SUBJECT_MAX = 200
CONTENT_MAX = 5000
TEXT_MAX = 5000
MAX_ATTACHMENTS = 5
# how many petitions one address may send without an account (the pages and the API count them)
ANONYMOUS_SEND_RATE = Rate(limit=10, window=3600)
# who handles petitions at an agency; publishing the answer takes a leader or the agency admin
HANDLING_ROLES = (Role.RECEPTION, Role.HANDLER, Role.APPROVER, Role.AGENCY_ADMIN)
PUBLISHING_ROLES = (Role.APPROVER, Role.AGENCY_ADMIN)


@dataclass(frozen=True)
class Sent:
    petition: Petition
    access_key: str  # for a petitioner not signed in: shown once, with the code it follows it


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _check_text(fields: dict[str, str], name: str, value: str, *, max_length: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        fields[name] = _("This field is required.")
        return value
    problem = text_problem(value, max_length=max_length)
    if problem:
        fields[name] = problem
    return value


@transaction.atomic
def send_petition(
    *,
    actor: ApplicantActor | None,
    category: str,
    subject: str,
    content: str,
    procedure_code: str = "",
    dossier_code: str = "",
    commune_code: str = "",
    agency_code: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    attachments: Sequence[str] = (),
    submission_key: uuid.UUID | None = None,
    today: datetime.date | None = None,
    recorder: OfficialActor | None = None,
    channel: str = PetitionChannel.ONLINE,
    scan_names: Sequence[str] = (),
) -> Sent:
    """Receive a petition; a repeated send with the same ``submission_key`` finds the first.

    ``recorder``: the official entering, for the agency named, a petition received by
    ``channel`` (letter, phone, in person: ``feedback.services.entry``); the petitioner then
    is a contact, as when not signed in."""
    if submission_key is not None:
        earlier = Petition.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return Sent(petition=earlier, access_key="")
    fields: dict[str, str] = {}
    if category not in PetitionCategory.values:
        fields["category"] = _("Choose what the petition is about.")
    subject = _check_text(fields, "subject", subject, max_length=SUBJECT_MAX, required=True)
    content = _check_text(fields, "content", content, max_length=CONTENT_MAX, required=True)
    if content and len(set(content.split())) < 3:
        fields["content"] = _("Describe the matter in a few words at least.")
    applicant = None
    if actor is not None:
        applicant = Applicant.objects.get(pk=actor.applicant_id)
        contact_name, contact_email, contact_phone = "", "", ""
    else:
        contact_name = _check_text(fields, "contact_name", contact_name, max_length=200, required=True)
        contact_email = _check_text(fields, "contact_email", contact_email, max_length=254, required=False)
        contact_phone = _check_text(fields, "contact_phone", contact_phone, max_length=20, required=False)
        if contact_email and ("@" not in contact_email or "." not in contact_email.split("@")[-1]):
            fields["contact_email"] = _("Enter an e-mail address like ten@example.vn.")
        digits = contact_phone.replace(" ", "").replace(".", "").removeprefix("+84")
        if contact_phone and not (digits.isdigit() and 9 <= len(digits) <= 11):
            fields["contact_phone"] = _("Enter a phone number like 0912 345 678.")
        if not contact_email and not contact_phone and "contact_email" not in fields:
            fields["contact_email"] = _(
                "Give an e-mail address or a phone number so the agency can answer you."
            )
        if attachments:
            fields["attachments"] = _("Sign in to attach files.")
    procedure = None
    if procedure_code:
        procedure = Procedure.objects.filter(code=procedure_code, is_active=True).first()
        if procedure is None:
            fields["procedure_code"] = _("Choose a procedure from the list.")
    dossier = None
    if dossier_code:
        if actor is None:
            fields["dossier_code"] = _("Sign in to link one of your dossiers.")
        else:
            try:
                dossier = get_dossier(actor, dossier_code.strip())
            except NotFound:
                fields["dossier_code"] = _("This is not one of your dossiers.")
    if category == PetitionCategory.DOSSIER and dossier is None and "dossier_code" not in fields:
        fields["dossier_code"] = _("Give the code of the dossier the petition is about.")
    files: list[str] = []
    if actor is not None and attachments:
        if len(attachments) > MAX_ATTACHMENTS:
            fields["attachments"] = _("Attach at most %(count)d files.") % {"count": MAX_ATTACHMENTS}
        owned = {
            str(key)
            for key in StoredFile.objects.filter(
                owner_id=actor.applicant_id, public_id__in=[a for a in attachments if _is_uuid(a)]
            ).values_list("public_id", flat=True)
        }
        if set(attachments) - owned:
            fields["attachments"] = _("Attach only files you uploaded.")
        files = [a for a in attachments if a in owned]
    if dossier is not None:
        routed = (dossier.agency_code, dossier.commune_code)
        procedure = procedure or dossier.procedure
    else:
        routed = routing.route(
            procedure=procedure, commune_code=commune_code, agency_code=agency_code, fields=fields
        )
    if fields:
        raise InvalidText(fields)
    agency, unit = routed
    calendar = WorkingCalendar.current()
    now = timezone.now()
    day = today or timezone.localdate()
    key = secrets.token_urlsafe(12) if actor is None else ""
    repeat = routing.repeat_of(
        applicant_id=applicant.pk if applicant else None,
        contact=contact_email or contact_phone,
        dossier_id=dossier.pk if dossier else None,
        procedure_id=procedure.pk if procedure else None,
        category=category,
    )
    due = deadlines.answer_due(day, 0, calendar=calendar)
    petition = _create(
        code_day=day,
        access_key_sha256=_hash(key) if key else "",
        submission_key=submission_key,
        applicant=applicant,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        category=category,
        procedure=procedure,
        dossier=dossier,
        agency_code=agency,
        unit_code=unit,
        subject=subject,
        content=content,
        attachments=files,
        received_at=now,
        clock_started_on=day,
        due_on=due,
        repeat_of=repeat,
        updated_at=now,
        channel=channel,
        entered_by_id=recorder.user_id if recorder is not None else None,
    )
    PetitionStep.objects.create(
        petition=petition, step=StepKind.RECEIVED, at=now, to_agency=agency, due_on=due
    )
    record_change(
        actor=recorder or actor or ActorRef(kind="public", id=f"petitioner:{petition.code}"),
        type=FeedbackEvent.PETITION_RECEIVED,
        subject_type=FeedbackSubject.PETITION,
        subject_id=petition.code,
        agency_code=agency,
        unit_code=unit,
        changes={
            "status": [None, PetitionStatus.RECEIVED],
            "agency": [None, agency],
            "channel": [None, channel],
            **({"scans": [None, list(scan_names)]} if scan_names else {}),
        },
        payload={
            "petition_id": petition.pk,
            "channel": channel,
            "procedure_code": procedure.code if procedure else None,
            "dossier_id": dossier.pk if dossier else None,
            "category": category,
            "repeat_of": repeat.pk if repeat else None,
            "due_on": due.isoformat(),
        },
    )
    return Sent(petition=petition, access_key=key)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _create(*, code_day: datetime.date, **values: Any) -> Petition:
    for _attempt in range(5):
        code = f"PAKN-{code_day:%y%m%d}-{secrets.token_hex(3).upper()}"
        try:
            with transaction.atomic():
                return Petition.objects.create(code=code, **values)
        except IntegrityError:
            if values.get("submission_key") and Petition.objects.filter(
                submission_key=values["submission_key"]
            ):
                raise
            continue
    raise Conflict(_("Please send the petition again."))


def get_for_petitioner(actor: ApplicantActor | None, code: str, access_key: str = "") -> Petition:
    """The petition of a signed-in petitioner, or of one who gives its access key."""
    petition = Petition.objects.filter(code=(code or "").strip().upper()).first()
    if petition is not None:
        if isinstance(actor, ApplicantActor) and petition.applicant_id == actor.applicant_id:
            return petition
        if (
            access_key
            and petition.access_key_sha256
            and secrets.compare_digest(petition.access_key_sha256, _hash(access_key.strip()))
        ):
            return petition
    raise NotFound(_("No petition with this code and key."))


def _handled(actor: OfficialActor, code: str, *roles: str) -> Petition:
    """The petition ``code`` of an agency in the official's scope, locked; ``Forbidden`` when
    they may see it but hold none of ``roles`` there."""
    petition = petitions_of(actor).select_for_update(of=("self",)).filter(code=code).first()
    if petition is None:
        raise NotFound(_("No such petition."))
    if not actor.has_role(*roles, agency_code=petition.agency_code):
        raise Forbidden(_("Your role at this agency does not allow this step."))
    return petition


def _open(actor: OfficialActor, code: str, status: str, *roles: str) -> Petition:
    """The petition ``code`` the official may act on (``_handled``), at ``status``."""
    petition = _handled(actor, code, *roles)
    if petition.status != status:
        raise _wrong_step()
    return petition


def _wrong_step() -> Conflict:
    return Conflict(
        _("This petition is not at a step that allows this."), code=FeedbackErrorCode.PETITION_WRONG_STEP
    )


def _text(name: str, value: str, *, required_message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidText({name: required_message})
    problem = text_problem(value, max_length=TEXT_MAX)
    if problem:
        raise InvalidText({name: problem})
    return value


def _step(
    petition: Petition,
    *,
    actor: Actor,
    step: StepKind,
    day: datetime.date,
    due_on: datetime.date | None,
    changes: dict[str, Any],
    text: str = "",
    from_agency: str = "",
) -> PetitionStep:
    """One step: an official's is measured against ``due_on`` (on time when taken by it); the
    petitioner's own (``due_on`` None) is always on time."""
    official_id = actor.user_id if isinstance(actor, OfficialActor) else None
    on_time = due_on is None or day <= due_on
    now = timezone.now()
    petition.updated_at = now
    petition.save()
    made = PetitionStep.objects.create(
        petition=petition,
        step=step,
        at=now,
        official_id=official_id,
        text=text,
        from_agency=from_agency,
        to_agency=petition.agency_code if step == StepKind.TRANSFERRED else "",
        due_on=due_on,
        on_time=on_time,
    )
    record_change(
        actor=actor,
        type=FeedbackEvent.PETITION_STEP,
        subject_type=FeedbackSubject.PETITION,
        subject_id=petition.code,
        agency_code=petition.agency_code,
        unit_code=petition.unit_code,
        changes=changes,
        payload={
            "petition_id": petition.pk,
            "step": step.value,
            "on_time": on_time,
            "due_on": due_on.isoformat() if due_on else None,
            "step_id": made.pk,
            "next_due_on": petition.due_on.isoformat() if petition.due_on else None,
            "day": day.isoformat(),
        },
    )
    return made


@transaction.atomic
def refuse_petition(
    *, actor: OfficialActor, code: str, reason: str, today: datetime.date | None = None
) -> Petition:
    """Refuse to receive it (not the agency's, not a petition…): a reason is required."""
    petition = _open(actor, code, PetitionStatus.RECEIVED, *HANDLING_ROLES)
    reason = _text("reason", reason, required_message=_("Give the reason for refusing."))
    day = today or timezone.localdate()
    due = deadlines.refuse_due(petition.clock_started_on, calendar=WorkingCalendar.current())
    old = petition.status
    petition.status, petition.refusal_reason, petition.due_on = PetitionStatus.REFUSED, reason, None
    _step(
        petition,
        actor=actor,
        step=StepKind.REFUSED,
        day=day,
        due_on=due,
        text=reason,
        changes={"status": [old, petition.status]},
    )
    return petition


@transaction.atomic
def request_information(
    *, actor: OfficialActor, code: str, question: str, today: datetime.date | None = None
) -> Petition:
    """Ask the petitioner for more information: the clock stops until they answer."""
    petition = _open(actor, code, PetitionStatus.RECEIVED, *HANDLING_ROLES)
    question = _text("question", question, required_message=_("Write what the petitioner should add."))
    day = today or timezone.localdate()
    due = deadlines.info_request_due(petition.clock_started_on, calendar=WorkingCalendar.current())
    petition.status, petition.paused_on, petition.due_on = PetitionStatus.INFO_REQUESTED, day, None
    _step(
        petition,
        actor=actor,
        step=StepKind.INFO_REQUESTED,
        day=day,
        due_on=due,
        text=question,
        changes={"status": [PetitionStatus.RECEIVED, petition.status]},
    )
    return petition


@transaction.atomic
def provide_information(
    *,
    actor: ApplicantActor | None,
    code: str,
    information: str,
    access_key: str = "",
    today: datetime.date | None = None,
) -> Petition:
    """The petitioner's answer: the clock runs again, the days it stood still added."""
    petition = get_for_petitioner(actor, code, access_key)
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if petition.status != PetitionStatus.INFO_REQUESTED or petition.paused_on is None:
        raise _wrong_step()
    information = _text("information", information, required_message=_("Write the information asked for."))
    day = today or timezone.localdate()
    calendar = WorkingCalendar.current()
    petition.paused_days += deadlines.paused_working_days(petition.paused_on, day, calendar=calendar)
    petition.paused_on = None
    petition.status = PetitionStatus.RECEIVED
    petition.due_on = deadlines.answer_due(petition.clock_started_on, petition.paused_days, calendar=calendar)
    _step(
        petition,
        actor=actor or ActorRef(kind="public", id=f"petitioner:{petition.code}"),
        step=StepKind.INFO_RECEIVED,
        day=day,
        due_on=None,
        text=information,
        changes={
            "status": [PetitionStatus.INFO_REQUESTED, petition.status],
            "paused_days": [None, petition.paused_days],
        },
    )
    return petition


@transaction.atomic
def transfer_petition(
    *, actor: OfficialActor, code: str, agency_code: str, reason: str, today: datetime.date | None = None
) -> Petition:
    """Hand it to the competent agency: its clock starts afresh there ([M], feedback.deadlines)."""
    petition = _open(actor, code, PetitionStatus.RECEIVED, *HANDLING_ROLES)
    reason = _text("reason", reason, required_message=_("Give the reason for the transfer."))
    target = units.agencies().filter(code=agency_code).select_related("province", "commune").first()
    if target is None or target.code == petition.agency_code:
        raise InvalidText({"agency_code": _("Choose another agency from the list.")})
    day = today or timezone.localdate()
    calendar = WorkingCalendar.current()
    due = deadlines.refuse_due(petition.clock_started_on, calendar=calendar)
    old = petition.agency_code
    petition.agency_code = target.code
    petition.unit_code = (
        target.commune.code if target.commune else (target.province.code if target.province else "")
    )
    petition.clock_started_on, petition.paused_days = day, 0
    petition.due_on = deadlines.answer_due(day, 0, calendar=calendar)
    _step(
        petition,
        actor=actor,
        step=StepKind.TRANSFERRED,
        day=day,
        due_on=due,
        text=reason,
        changes={"agency": [old, target.code]},
        from_agency=old,
    )
    return petition


@transaction.atomic
def answer_petition(
    *, actor: OfficialActor, code: str, answer: str, today: datetime.date | None = None
) -> Petition:
    """The agency's answer; it waits to be published (within 2 working days)."""
    petition = _open(actor, code, PetitionStatus.RECEIVED, *HANDLING_ROLES)
    answer = _text("answer", answer, required_message=_("Write the answer."))
    day = today or timezone.localdate()
    calendar = WorkingCalendar.current()
    due = deadlines.answer_due(petition.clock_started_on, petition.paused_days, calendar=calendar)
    petition.status, petition.answer, petition.answered_on = PetitionStatus.ANSWERED, answer, day
    petition.due_on = deadlines.publish_due(day, calendar=calendar)
    _step(
        petition,
        actor=actor,
        step=StepKind.ANSWERED,
        day=day,
        due_on=due,
        text=answer,
        changes={"status": [PetitionStatus.RECEIVED, petition.status]},
    )
    return petition


def known_personal_data(petition: Petition) -> list[str]:
    """What the platform knows of the petitioner, to mask wherever it appears."""
    known = [petition.contact_name, petition.contact_email, petition.contact_phone]
    if petition.applicant_id is not None:
        applicant = Applicant.objects.filter(pk=petition.applicant_id).values("name", "personal_id").first()
        if applicant:
            known += [applicant["name"], applicant["personal_id"] or ""]
    return [value for value in known if value]


def masked_copy(
    petition: Petition, *, subject: str = "", content: str = "", answer: str = ""
) -> dict[str, str]:
    """The copy the public page would show (the official's edits, or the petition's own text)."""
    known = known_personal_data(petition)
    return {
        "subject": mask_personal_data(subject or petition.subject, known=known)[:SUBJECT_MAX],
        "content": mask_personal_data(content or petition.content, known=known),
        "answer": mask_personal_data(answer or petition.answer, known=known),
    }


@transaction.atomic
def publish_answer(
    *,
    actor: OfficialActor,
    code: str,
    subject: str = "",
    content: str = "",
    answer: str = "",
    today: datetime.date | None = None,
) -> Petition:
    """Publish the answer, its personal data masked (the official may edit the public copy;
    the edit is masked too)."""
    petition = _handled(actor, code, *PUBLISHING_ROLES)
    if petition.status != PetitionStatus.ANSWERED or petition.answered_on is None:
        raise _wrong_step()
    fields: dict[str, str] = {}
    for name, value in (("subject", subject), ("content", content), ("answer", answer)):
        problem = text_problem(value or "", max_length=SUBJECT_MAX if name == "subject" else TEXT_MAX)
        if problem:
            fields[name] = problem
    if fields:
        raise InvalidText(fields)
    day = today or timezone.localdate()
    due = deadlines.publish_due(petition.answered_on, calendar=WorkingCalendar.current())
    copy = masked_copy(petition, subject=subject.strip(), content=content.strip(), answer=answer.strip())
    petition.public_subject, petition.public_content, petition.public_answer = (
        copy["subject"],
        copy["content"],
        copy["answer"],
    )
    petition.status, petition.published_at, petition.due_on = PetitionStatus.PUBLISHED, timezone.now(), None
    _step(
        petition,
        actor=actor,
        step=StepKind.PUBLISHED,
        day=day,
        due_on=due,
        changes={"status": [PetitionStatus.ANSWERED, petition.status]},
    )
    return petition


# the officials' steps by name, as the page's forms and the API send them
STEPS = ("refuse", "request_information", "transfer", "answer", "publish")


def take_step(*, actor: OfficialActor, code: str, step: str, fields: Mapping[str, str]) -> Petition:
    """Take the official's step named ``step`` with the texts it reads from ``fields``."""

    def field(name: str) -> str:
        return str(fields.get(name, "") or "")

    if step == "refuse":
        return refuse_petition(actor=actor, code=code, reason=field("reason"))
    if step == "request_information":
        return request_information(actor=actor, code=code, question=field("question"))
    if step == "transfer":
        return transfer_petition(
            actor=actor, code=code, agency_code=field("agency_code"), reason=field("reason")
        )
    if step == "answer":
        return answer_petition(actor=actor, code=code, answer=field("answer"))
    if step == "publish":
        return publish_answer(
            actor=actor, code=code, subject=field("subject"), content=field("content"), answer=field("answer")
        )
    raise InvalidText({"step": _("Choose a step.")})
