"""REST API of feedback: rating one's finished dossier, the counter screen, the agency's ratings
(never who gave them); petitions (sending — signed in, or anonymously with a contact —,
following, answering the agency's question), the officials' inbox and steps; the published
answers and their useful marks. Same permissions as the pages."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from motcua.api.errors import DENIALS, ErrorOut
from motcua.core import ratelimit
from motcua.core.actors import ActorRef
from motcua.core.errors import RateLimited
from motcua.dossiers.selectors.dossiers import get_dossier
from motcua.feedback.models import Petition, Rating
from motcua.feedback.selectors import petitions as petition_selectors
from motcua.feedback.selectors import ratings as rating_selectors
from motcua.feedback.services import entry, marks, repeats
from motcua.feedback.services import petitions as petition_services
from motcua.feedback.services import ratings as rating_services
from motcua.feedback.views.answers import MARK_RATE
from motcua.identity.actors import ApplicantActor
from motcua.identity.permissions import applicant_auth, applicant_of, official_auth, official_of, public

router = Router(tags=["feedback"])
LIMIT = 100
REFUSALS = {400: ErrorOut, 409: ErrorOut, **DENIALS}

Text = Annotated[str, Field(max_length=5000)]


class RatingIn(Schema):
    overall: str = Field(..., max_length=16, description="dissatisfied | satisfied | very_satisfied")
    criteria: dict[Annotated[str, Field(max_length=32)], Annotated[str, Field(max_length=16)]] = Field(
        default_factory=dict, max_length=9
    )
    comment: str = Field("", max_length=2000)


class RatingOut(Schema):
    overall: str
    criteria: dict[str, str]
    comment: str
    channel: str
    rated_at: datetime.datetime
    changeable_until: datetime.datetime


class OwnRatingOut(Schema):
    may_rate: bool
    rating: RatingOut | None


class AgencyRatingOut(Schema):
    """A rating as the agency reads it: nothing that leads to the person or the dossier."""

    procedure: str
    agency: str
    overall: str
    criteria: dict[str, str]
    comment: str
    channel: str
    rated_at: datetime.datetime


class RatingsOut(Schema):
    total: int
    by_level: dict[str, int]
    items: list[AgencyRatingOut]


class CounterScreenOut(Schema):
    url: str
    expires_in_minutes: int


def _rating(rating: Rating) -> dict[str, Any]:
    return {
        "overall": rating.overall,
        "criteria": rating.criteria,
        "comment": rating.comment,
        "channel": rating.channel,
        "rated_at": rating.rated_at,
        "changeable_until": rating.changeable_until,
    }


@router.get(
    "/dossiers/{code}/rating",
    auth=applicant_auth,
    response={200: OwnRatingOut, **DENIALS},
    summary="My rating of my dossier (null until given) and whether I may rate it now",
)
def get_rating(request: HttpRequest, code: str) -> dict[str, Any]:
    actor = applicant_of(request)
    prompt = rating_selectors.rating_prompt(actor, get_dossier(actor, code))
    rating = prompt.rating if prompt else None
    return {"may_rate": bool(prompt and prompt.may_rate), "rating": _rating(rating) if rating else None}


@router.put(
    "/dossiers/{code}/rating",
    auth=applicant_auth,
    response={200: RatingOut, **REFUSALS},
    summary="Rate my finished dossier, or change the rating within 7 days",
)
def put_rating(request: HttpRequest, code: str, body: RatingIn) -> dict[str, Any]:
    rating = rating_services.rate_dossier(
        actor=applicant_of(request),
        dossier_code=code,
        overall=body.overall,
        criteria=body.criteria,
        comment=body.comment,
    )
    return _rating(rating)


@router.post(
    "/officials/dossiers/{code}/counter-rating",
    auth=official_auth,
    response={200: CounterScreenOut, **REFUSALS},
    summary="Open a one-time rating screen for a finished dossier, to hand to the person at the counter",
)
def open_counter_rating(request: HttpRequest, code: str) -> dict[str, Any]:
    token = rating_services.open_counter_rating(actor=official_of(request), dossier_code=code)
    minutes = int(rating_services.COUNTER_SCREEN_LIFETIME.total_seconds() // 60)
    return {"url": f"/danh-gia-tai-quay/{token}/", "expires_in_minutes": minutes}


@router.post(
    "/counter-ratings/{token}",
    response={200: RatingOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Rate on a counter screen (no account: the screen's token is the key; once)",
)
@public
def rate_at_counter(request: HttpRequest, token: str, body: RatingIn) -> dict[str, Any]:
    rating = rating_services.rate_at_counter(
        token=token, overall=body.overall, criteria=body.criteria, comment=body.comment
    )
    return _rating(rating)


@router.get(
    "/officials/ratings",
    auth=official_auth,
    response={200: RatingsOut, **DENIALS},
    summary="Ratings of my agencies' dossiers (the latest 100), never who gave them",
)
def agency_ratings(request: HttpRequest) -> dict[str, Any]:
    found = rating_selectors.ratings_of(official_of(request))
    summary = rating_selectors.rating_summary(found)
    items = [
        {
            "procedure": r.procedure_code,
            "agency": r.agency_code,
            "overall": r.overall,
            "criteria": r.criteria,
            "comment": r.comment,
            "channel": r.channel,
            "rated_at": r.rated_at,
        }
        for r in found[:LIMIT]
    ]
    return {"total": summary.total, "by_level": summary.by_level, "items": items}


# --- petitions -----------------------------------------------------------------------------


class PetitionIn(Schema):
    category: str = Field(..., max_length=16, description="procedure | regulation | conduct | dossier")
    subject: str = Field(..., max_length=200)
    content: str = Field(..., max_length=5000)
    procedure: str = Field("", max_length=64)
    dossier: str = Field("", max_length=64, description="signed in only: the code of one of your dossiers")
    commune_code: str = Field("", max_length=5)
    attachments: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=5)
    submission_key: uuid.UUID | None = None


class PublicPetitionIn(PetitionIn):
    contact_name: str = Field(..., max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=20)


class StepOut(Schema):
    step: str
    at: datetime.datetime
    text: str
    on_time: bool | None
    due_on: datetime.date | None


class PetitionOut(Schema):
    code: str
    category: str
    subject: str
    content: str
    procedure: str | None
    dossier: str | None
    agency: str
    status: str
    due_on: datetime.date | None
    answer: str
    refusal_reason: str
    repeat_of: str | None
    steps: list[StepOut]


class SentOut(Schema):
    code: str
    access_key: str  # anonymous senders only ("" otherwise): shown once, follows the petition
    due_on: datetime.date | None


class InformationIn(Schema):
    information: Text


class PublicInformationIn(InformationIn):
    access_key: str = Field(..., max_length=64)


class InboxRowOut(Schema):
    code: str
    subject: str
    agency: str
    status: str
    due_on: datetime.date | None
    deadline: str  # overdue | due_soon | on_time | paused | none
    repeated: bool


class InboxOut(Schema):
    counts: dict[str, int]
    overdue: int
    due_soon: int
    items: list[InboxRowOut]


class StepIn(Schema):
    step: str = Field(
        ..., max_length=32, description="refuse | request_information | transfer | answer | publish"
    )
    reason: Text = ""
    question: Text = ""
    agency_code: str = Field("", max_length=64)
    answer: Text = ""
    subject: str = Field("", max_length=200)
    content: Text = ""


class AnswerOut(Schema):
    code: str
    subject: str
    content: str
    answer: str
    procedure: str | None
    agency: str
    published_at: datetime.datetime | None
    useful: int
    not_useful: int
    same_matter: list[str]
    # the earlier petition this one repeats, when its answer is published (its code; GET it)
    linked_answer: str | None = None


class MarkIn(Schema):
    useful: bool


def _petition(petition: Petition) -> dict[str, Any]:
    return {
        "code": petition.code,
        "category": petition.category,
        "subject": petition.subject,
        "content": petition.content,
        "procedure": petition.procedure.code if petition.procedure else None,
        "dossier": petition.dossier.code if petition.dossier else None,
        "agency": petition.agency_code,
        "status": petition.status,
        "due_on": petition.due_on,
        "answer": petition.answer,
        "refusal_reason": petition.refusal_reason,
        "repeat_of": petition.repeat_of.code if petition.repeat_of else None,
        "steps": [
            {"step": s.step, "at": s.at, "text": s.text, "on_time": s.on_time, "due_on": s.due_on}
            for s in petition.steps.all()
        ],
    }


def _sent(sent: petition_services.Sent) -> dict[str, Any]:
    return {"code": sent.petition.code, "access_key": sent.access_key, "due_on": sent.petition.due_on}


def _send(
    actor: ApplicantActor | None,
    body: PetitionIn,
    *,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> dict[str, Any]:
    """Send ``body`` as the signed-in applicant, or anonymously with ``contact``."""
    return _sent(
        petition_services.send_petition(
            actor=actor,
            category=body.category,
            subject=body.subject,
            content=body.content,
            procedure_code=body.procedure,
            dossier_code=body.dossier,
            commune_code=body.commune_code,
            attachments=body.attachments,
            submission_key=body.submission_key,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
        )
    )


@router.post(
    "/petitions",
    auth=applicant_auth,
    response={200: SentOut, **REFUSALS},
    summary="Send a petition (signed in) about a procedure, a regulation, an official or my dossier",
)
def send_petition(request: HttpRequest, body: PetitionIn) -> dict[str, Any]:
    return _send(applicant_of(request), body)


@router.post(
    "/public/petitions",
    response={200: SentOut, 400: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Send a petition without an account (a contact is required; the answer's key is returned once)",
)
@public
def send_public_petition(request: HttpRequest, body: PublicPetitionIn) -> dict[str, Any]:
    verdict = ratelimit.hit(
        "petitions_sent", ratelimit.client_address(request), petition_services.ANONYMOUS_SEND_RATE
    )
    if not verdict.allowed:
        raise RateLimited(
            _("Too many petitions from your connection; please try again later."),
            retry_after=verdict.retry_after,
        )
    return _send(
        None,
        body,
        contact_name=body.contact_name,
        contact_email=body.contact_email,
        contact_phone=body.contact_phone,
    )


@router.get(
    "/petitions",
    auth=applicant_auth,
    response={200: list[InboxRowOut], **DENIALS},
    summary="My petitions (the latest 100)",
)
def my_petitions(request: HttpRequest) -> list[dict[str, Any]]:
    return [_row(p, "none") for p in petition_selectors.own_petitions(applicant_of(request))[:LIMIT]]


@router.get(
    "/petitions/{code}",
    auth=applicant_auth,
    response={200: PetitionOut, **DENIALS},
    summary="One of my petitions, with its steps",
)
def my_petition(request: HttpRequest, code: str) -> dict[str, Any]:
    return _petition(petition_services.get_for_petitioner(applicant_of(request), code))


@router.post(
    "/petitions/{code}/information",
    auth=applicant_auth,
    response={200: PetitionOut, **REFUSALS},
    summary="Send the information the agency asked for (its time limit runs again)",
)
def provide_information(request: HttpRequest, code: str, body: InformationIn) -> dict[str, Any]:
    petition = petition_services.provide_information(
        actor=applicant_of(request), code=code, information=body.information
    )
    return _petition(petition)


@router.post(
    "/public/petitions/{code}/information",
    response={200: PetitionOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="Send the information asked for, with the petition's key (sent without an account)",
)
@public
def provide_public_information(request: HttpRequest, code: str, body: PublicInformationIn) -> dict[str, Any]:
    petition = petition_services.provide_information(
        actor=None, code=code, information=body.information, access_key=body.access_key
    )
    return _petition(petition)


def _row(petition: Petition, deadline: str) -> dict[str, Any]:
    return {
        "code": petition.code,
        "subject": petition.subject,
        "agency": petition.agency_code,
        "status": petition.status,
        "due_on": petition.due_on,
        "deadline": deadline,
        "repeated": petition.repeat_of_id is not None,
    }


@router.get(
    "/officials/petitions",
    auth=official_auth,
    response={200: InboxOut, **DENIALS},
    summary="Petitions of my agencies: counts by status, overdue and due soon, the most urgent first",
)
def petition_inbox(request: HttpRequest, status: str = "") -> dict[str, Any]:
    found = petition_selectors.inbox(official_of(request), status=status[:16], limit=LIMIT)
    return {
        "counts": found.counts,
        "overdue": found.overdue,
        "due_soon": found.due_soon,
        "items": [_row(row.petition, row.deadline.value) for row in found.rows],
    }


@router.get(
    "/officials/petitions/{code}",
    auth=official_auth,
    response={200: PetitionOut, **DENIALS},
    summary="A petition of my agencies, with its steps",
)
def official_petition(request: HttpRequest, code: str) -> dict[str, Any]:
    return _petition(petition_selectors.get_petition(official_of(request), code))


class RepeatIn(Schema):
    code: str = Field(..., max_length=40, description="the earlier petition on the same matter")


@router.put(
    "/officials/petitions/{code}/repeat-of",
    auth=official_auth,
    response={200: PetitionOut, **REFUSALS},
    summary="Link the petition to an earlier one of my agencies as a repeat of the same matter",
)
def link_repeat(request: HttpRequest, code: str, body: RepeatIn) -> dict[str, Any]:
    return _petition(repeats.link_repeat(actor=official_of(request), code=code, earlier_code=body.code))


@router.delete(
    "/officials/petitions/{code}/repeat-of",
    auth=official_auth,
    response={200: PetitionOut, **REFUSALS},
    summary="Remove the petition's link to an earlier one (made by hand or automatically)",
)
def unlink_repeat(request: HttpRequest, code: str) -> dict[str, Any]:
    return _petition(repeats.unlink_repeat(actor=official_of(request), code=code))


class RecordIn(Schema):
    agency_code: str = Field(..., max_length=64)
    channel: str = Field(..., max_length=16, description="letter | phone | in_person")
    category: str = Field(..., max_length=16, description="procedure | regulation | conduct")
    subject: str = Field(..., max_length=200)
    content: Text
    procedure_code: str = Field("", max_length=64)
    contact_name: str = Field(..., max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=20)
    submission_key: uuid.UUID | None = None


@router.post(
    "/officials/petitions",
    auth=official_auth,
    response={200: SentOut, **REFUSALS},
    summary="Enter a petition received by letter, phone or in person for my agency (multipart, scans)",
)
def record_petition(
    request: HttpRequest,
    body: Form[RecordIn],
    attachments: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> dict[str, Any]:
    sent = entry.record_petition(
        actor=official_of(request),
        scans=[
            entry.Scan(file_name=upload.name or "thu", chunks=upload.chunks(), size=upload.size)
            for upload in attachments or []
        ],
        **body.dict(),
    )
    return _sent(sent)


@router.post(
    "/officials/petitions/{code}/steps",
    auth=official_auth,
    response={200: PetitionOut, **REFUSALS},
    summary="Take a step: refuse (reason), request information (question), transfer, answer, publish",
)
def take_step(request: HttpRequest, code: str, body: StepIn) -> dict[str, Any]:
    petition = petition_services.take_step(
        actor=official_of(request), code=code, step=body.step, fields=body.dict()
    )
    return _petition(petition)


def _answer(petition: Petition) -> dict[str, Any]:
    return {
        "code": petition.code,
        "subject": petition.public_subject,
        "content": petition.public_content,
        "answer": petition.public_answer,
        "procedure": petition.procedure.code if petition.procedure else None,
        "agency": petition.agency_code,
        "published_at": petition.published_at,
        "useful": petition.useful_count,
        "not_useful": petition.not_useful_count,
        "same_matter": [p.code for p in petition_selectors.repeats_of(petition)],
        "linked_answer": linked.code if (linked := petition_selectors.linked_answer(petition)) else None,
    }


@router.get(
    "/petition-answers",
    response={200: list[AnswerOut], 429: ErrorOut},
    summary="Published answers (the latest 100): by words, procedure and agency; personal data masked",
)
@public
def answers(request: HttpRequest, q: str = "", procedure: str = "", agency: str = "") -> list[dict[str, Any]]:
    found = petition_selectors.published_answers(
        query=q[:200], procedure_code=procedure[:64], agency_code=agency[:64]
    )
    return [_answer(p) for p in found[:LIMIT]]


@router.get(
    "/petition-answers/{code}",
    response={200: AnswerOut, 404: ErrorOut, 429: ErrorOut},
    summary="One published answer",
)
@public
def answer(request: HttpRequest, code: str) -> dict[str, Any]:
    return _answer(petition_selectors.get_published(code))


@router.post(
    "/petition-answers/{code}/marks",
    response={200: AnswerOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Mark a published answer useful or not (one mark per address; changeable; rate-limited)",
)
@public
def mark_answer(request: HttpRequest, code: str, body: MarkIn) -> dict[str, Any]:
    address = ratelimit.client_address(request)
    verdict = ratelimit.hit("answer_marks", address, MARK_RATE)
    if not verdict.allowed:
        raise RateLimited(
            _("Too many requests. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.retry_after},
            retry_after=verdict.retry_after,
        )
    petition = marks.mark_answer(
        actor=ActorRef(kind="public", id="reader"),
        code=code,
        voter=marks.voter_key("address", address),
        useful=body.useful,
    )
    return _answer(petition)
