"""Template tags that put the feedback app's prompts on other apps' pages: the rating prompt on
the applicant's dossier page, the counter screen button on the officials' dossier page."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.feedback.selectors import petitions, ratings
from motcua.feedback.services.ratings import COUNTER_ROLES, ENDED_STATUSES
from motcua.identity.actors import OfficialActor, actor_for

register = template.Library()


@register.inclusion_tag("feedback/_rating_prompt.html", takes_context=True)
def rating_prompt(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    return {"prompt": ratings.rating_prompt(actor_for(context["request"]), dossier)}


@register.inclusion_tag("feedback/_counter_rating.html", takes_context=True)
def counter_rating_button(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    actor = actor_for(context["request"])
    shown = (
        isinstance(actor, OfficialActor)
        and dossier.status in ENDED_STATUSES
        and actor.has_role(*COUNTER_ROLES, agency_code=dossier.agency_code)
    )
    return {"shown": shown, "dossier": dossier, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("feedback/_overview.html", takes_context=True)
def petition_overview(context: dict[str, Any]) -> dict[str, Any]:
    """The officials' overview: their agencies' petitions overdue and due soon, and the ratings."""
    found = petitions.inbox(actor_for(context["request"]), limit=0)
    return {"inbox": found}
