"""Reads of ratings. The applicant reads the rating of their own dossier; officials read the
ratings of the agencies in their scope without anything that leads to the person (no dossier
code, no name: level, criteria, comment, procedure, channel and date only)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors.dossiers import get_dossier
from motcua.feedback.models import Criterion, Level, Rating, RatingInvitation
from motcua.feedback.services.ratings import ENDED_STATUSES
from motcua.identity import selectors as identity
from motcua.identity.actors import AgencyActor, ApplicantActor, RequestActor


def own_rating(actor: ApplicantActor, dossier_code: str) -> Rating | None:
    """The rating of the applicant's dossier (``NotFound`` when the dossier is not theirs)."""
    dossier = get_dossier(actor, dossier_code)
    return Rating.objects.filter(dossier=dossier).first()


@dataclass(frozen=True)
class RatingPrompt:
    """What the applicant's dossier page says about rating it."""

    dossier_code: str
    rating: Rating | None
    may_rate: bool  # not rated yet, or still changeable
    asked: bool  # the invitation was made (the dossier ended and its event was dispatched)

    @property
    def changeable_until(self) -> datetime.datetime | None:
        return self.rating.changeable_until if self.rating else None


def rating_prompt(actor: RequestActor | None, dossier: Dossier) -> RatingPrompt | None:
    """The prompt for the applicant's own finished dossier (None otherwise)."""
    if not isinstance(actor, ApplicantActor) or dossier.status not in ENDED_STATUSES:
        return None
    if actor.applicant_id not in {dossier.applicant_id, dossier.submitted_by_id}:
        return None
    rating = Rating.objects.filter(dossier=dossier).first()
    may_rate = rating is None or timezone.now() <= rating.changeable_until
    asked = RatingInvitation.objects.filter(dossier=dossier).exists()
    return RatingPrompt(dossier_code=dossier.code, rating=rating, may_rate=may_rate, asked=asked)


def ratings_of(actor: RequestActor | None) -> QuerySet[Rating]:
    """The ratings of the agencies in an official's (or agency system's) scope, newest first."""
    if not isinstance(actor, AgencyActor):
        return Rating.objects.none()
    codes = identity.visible_agencies(actor).values("code")
    return Rating.objects.filter(agency_code__in=codes).order_by("-rated_at", "-id")


@dataclass(frozen=True)
class RatingSummary:
    total: int
    by_level: dict[str, int]  # every level, 0 when none
    by_criterion: dict[str, dict[str, int]]  # criterion -> level -> count (those answered)

    @property
    def satisfied_share(self) -> int | None:
        """Percent rated satisfied or very satisfied (None when none rated)."""
        if not self.total:
            return None
        happy = self.by_level[Level.SATISFIED] + self.by_level[Level.VERY_SATISFIED]
        return round(100 * happy / self.total)


def rating_summary(ratings: QuerySet[Rating]) -> RatingSummary:
    by_level = {level: 0 for level in Level.values}
    for row in ratings.order_by().values("overall").annotate(n=Count("id")):
        by_level[row["overall"]] = row["n"]
    by_criterion: dict[str, dict[str, int]] = {
        name: {level: 0 for level in Level.values} for name in Criterion.values
    }
    for criteria in ratings.values_list("criteria", flat=True):
        for name, level in (criteria or {}).items():
            if name in by_criterion and level in Level.values:
                by_criterion[name][level] += 1
    return RatingSummary(total=sum(by_level.values()), by_level=by_level, by_criterion=by_criterion)
