"""Ratings of finished dossiers: the ask (made from the dossier's closing event), the rating by
the applicant online or by the person at the counter on a screen the officer hands over, and
its change within the period allowed. Every write records its audit entry and event."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.actors import SYSTEM, Actor, ActorRef
from motcua.core.errors import Conflict, Forbidden, MotcuaError, NotFound
from motcua.core.inputs import InvalidText, clean_text
from motcua.core.services import record_change
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.dossiers.selectors import dossiers
from motcua.feedback.errors import FeedbackErrorCode
from motcua.feedback.events import FeedbackEvent, FeedbackSubject
from motcua.feedback.models import (
    CounterRatingScreen,
    Criterion,
    Level,
    Rating,
    RatingChannel,
    RatingInvitation,
)
from motcua.identity.actors import ApplicantActor, OfficialActor
from motcua.identity.models import Role

# the statuses in which a dossier has ended: the applicant may rate it
ENDED_STATUSES = (
    DossierStatus.RESULT_RETURNED,
    DossierStatus.REFUSED,
    DossierStatus.STOPPED,
    DossierStatus.WITHDRAWN,
)
# how long a rating may be changed after it was first given (our choice, ADR 0045)
CHANGE_PERIOD = datetime.timedelta(days=7)
# how long a counter rating screen stays open once the officer opened it
COUNTER_SCREEN_LIFETIME = datetime.timedelta(minutes=15)
COMMENT_MAX_LENGTH = 2000
# who may hand over the counter screen: the officers who receive and return dossiers
COUNTER_ROLES = (Role.RECEPTION, Role.HANDLER, Role.AGENCY_ADMIN)


@transaction.atomic
def request_rating(*, dossier_code: str, actor: Actor = SYSTEM) -> RatingInvitation | None:
    """Ask the applicant of a finished dossier to rate it (once: a second call does nothing)."""
    dossier = (
        Dossier.objects.filter(code=dossier_code)
        .only("id", "code", "status", "agency_code", "commune_code")
        .first()
    )
    if dossier is None or dossier.status not in ENDED_STATUSES:
        return None
    if RatingInvitation.objects.filter(dossier=dossier).exists():
        return None
    try:
        with transaction.atomic():
            invitation = RatingInvitation.objects.create(dossier=dossier, agency_code=dossier.agency_code)
    except IntegrityError:  # another dispatcher asked meanwhile
        return None
    record_change(
        actor=actor,
        type=FeedbackEvent.RATING_REQUESTED,
        subject_type=FeedbackSubject.RATING,
        subject_id=dossier.code,
        agency_code=dossier.agency_code,
        unit_code=dossier.commune_code,
        changes={"invited": [None, True]},
        payload={"dossier_id": dossier.pk, "dossier_code": dossier.code, "status": dossier.status},
    )
    return invitation


def _clean(overall: str, criteria: Mapping[str, str] | None, comment: str) -> tuple[str, dict[str, str], str]:
    fields: dict[str, str] = {}
    if overall not in Level.values:
        fields["overall"] = _("Choose how satisfied you are overall.")
    cleaned: dict[str, str] = {}
    for name, value in (criteria or {}).items():
        if not value:
            continue  # an unanswered criterion
        if name not in Criterion.values:
            fields[f"criteria.{name}"] = _("This is not one of the criteria.")
        elif value not in Level.values:
            fields[f"criteria.{name}"] = _("Choose one of the three levels.")
        else:
            cleaned[name] = value
    comment = (comment or "").strip()
    try:
        clean_text(comment, field="comment", max_length=COMMENT_MAX_LENGTH)
    except MotcuaError as error:
        fields["comment"] = error.message
    if fields:
        raise InvalidText(fields)
    return overall, cleaned, comment


def _save_rating(
    *,
    actor: Actor,
    dossier: Dossier,
    overall: str,
    criteria: dict[str, str],
    comment: str,
    channel: RatingChannel,
) -> Rating:
    now = timezone.now()
    rating = Rating.objects.select_for_update().filter(dossier=dossier).first()
    previous: str | None = None
    if rating is None:
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    dossier=dossier,
                    procedure_code=dossier.procedure.code,
                    agency_code=dossier.agency_code,
                    unit_code=dossier.commune_code,
                    overall=overall,
                    criteria=criteria,
                    comment=comment,
                    channel=channel,
                    rated_at=now,
                    changeable_until=now + CHANGE_PERIOD,
                )
        except IntegrityError:  # rated twice at once: the first one stands, this is a change
            rating = Rating.objects.select_for_update().get(dossier=dossier)
        else:
            _record_rating(actor, rating, previous=None, changes={"overall": [None, overall]})
            return rating
    if now > rating.changeable_until:
        raise Conflict(
            _("This dossier's rating can no longer be changed (changes are possible for %(days)d days).")
            % {"days": CHANGE_PERIOD.days},
            code=FeedbackErrorCode.RATING_CLOSED,
        )
    if (rating.overall, rating.criteria, rating.comment) == (overall, criteria, comment):
        return rating  # the same rating again (a repeated submit): nothing changes
    previous = rating.overall
    changes: dict[str, Any] = {"overall": [previous, overall]}
    if rating.criteria != criteria:
        changes["criteria"] = [rating.criteria, criteria]
    if rating.comment != comment:
        changes["comment_changed"] = [False, True]
    rating.overall, rating.criteria, rating.comment, rating.changed_at = overall, criteria, comment, now
    rating.save(update_fields=["overall", "criteria", "comment", "changed_at"])
    _record_rating(actor, rating, previous=previous, changes=changes)
    return rating


def _record_rating(actor: Actor, rating: Rating, *, previous: str | None, changes: dict[str, Any]) -> None:
    dossier = rating.dossier
    record_change(
        actor=actor,
        type=FeedbackEvent.DOSSIER_RATED,
        subject_type=FeedbackSubject.RATING,
        subject_id=dossier.code,
        agency_code=rating.agency_code,
        unit_code=rating.unit_code,
        changes=changes,
        payload={
            "dossier_id": dossier.pk,
            "dossier_code": dossier.code,
            "procedure_code": rating.procedure_code,
            "overall": rating.overall,
            "previous": previous,
            "criteria": dict(rating.criteria),
            "channel": rating.channel,
        },
    )


def _ended(dossier: Dossier) -> None:
    if dossier.status not in ENDED_STATUSES:
        raise Conflict(
            _("A dossier can be rated once it has ended (result returned, refused, stopped or withdrawn)."),
            code=FeedbackErrorCode.RATING_NOT_OPEN,
        )


@transaction.atomic
def rate_dossier(
    *,
    actor: ApplicantActor,
    dossier_code: str,
    overall: str,
    criteria: Mapping[str, str] | None = None,
    comment: str = "",
) -> Rating:
    """The applicant's rating of their finished dossier (or its change within the period)."""
    dossier = dossiers.get_dossier(actor, dossier_code, for_update=True)
    _ended(dossier)
    level, cleaned, comment = _clean(overall, criteria, comment)
    return _save_rating(
        actor=actor,
        dossier=dossier,
        overall=level,
        criteria=cleaned,
        comment=comment,
        channel=RatingChannel.ONLINE,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def open_counter_rating(*, actor: OfficialActor, dossier_code: str) -> str:
    """Open a rating screen for a finished dossier of the officer's agency, to hand over to the
    person at the counter; returns the screen's one-time token (kept only as its hash)."""
    dossier = dossiers.get_dossier(actor, dossier_code)
    if not actor.has_role(*COUNTER_ROLES, agency_code=dossier.agency_code):
        raise Forbidden(_("Only the agency's counter officers can open a rating screen."))
    _ended(dossier)
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    screen = CounterRatingScreen.objects.create(
        token_sha256=_token_hash(token),
        dossier=dossier,
        opened_by_id=actor.user_id,
        opened_at=now,
        expires_at=now + COUNTER_SCREEN_LIFETIME,
    )
    record_change(
        actor=actor,
        type=FeedbackEvent.COUNTER_RATING_OPENED,
        subject_type=FeedbackSubject.RATING,
        subject_id=dossier.code,
        agency_code=dossier.agency_code,
        unit_code=dossier.commune_code,
        changes={"screen": [None, screen.pk]},
        payload={"dossier_id": dossier.pk, "dossier_code": dossier.code},
    )
    return token


def counter_screen(token: str, *, for_update: bool = False) -> CounterRatingScreen:
    """The open counter screen of ``token``; ``NotFound`` when unknown, used or expired."""
    found = CounterRatingScreen.objects.select_related("dossier__procedure").filter(
        token_sha256=_token_hash(token or ""), used_at__isnull=True, expires_at__gt=timezone.now()
    )
    if for_update:
        found = found.select_for_update(of=("self",))
    screen = found.first()
    if screen is None:
        raise NotFound(
            _("This rating screen has expired or was already used: ask the officer for a new one.")
        )
    return screen


@transaction.atomic
def rate_at_counter(
    *, token: str, overall: str, criteria: Mapping[str, str] | None = None, comment: str = ""
) -> Rating:
    """The rating given on a counter screen (no account: the screen stands for the person)."""
    screen = counter_screen(token, for_update=True)
    level, cleaned, comment = _clean(overall, criteria, comment)
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=screen.dossier_id)
    )
    rating = _save_rating(
        actor=ActorRef(kind="public", id=f"counter_screen:{screen.pk}"),
        dossier=dossier,
        overall=level,
        criteria=cleaned,
        comment=comment,
        channel=RatingChannel.COUNTER,
    )
    screen.used_at = timezone.now()
    screen.save(update_fields=["used_at"])
    return rating
