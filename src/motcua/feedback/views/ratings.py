"""Rating a finished dossier: the applicant's page (linked from the dossier page and from the
notification), the counter screen an officer opens and hands over (no account: the one-time
link is the key), and the agency's ratings for its officials (never who rated)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core.errors import Conflict
from motcua.core.inputs import InvalidText
from motcua.dossiers.selectors.dossiers import get_dossier
from motcua.feedback.models import Criterion, Level
from motcua.feedback.selectors import ratings as selectors
from motcua.feedback.services import ratings as services
from motcua.feedback.views.common import field_errors
from motcua.identity.permissions import (
    applicant_of,
    applicant_required,
    official_of,
    official_required,
    public,
)

PAGE_SIZE = 100


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {
        "overall": request.POST.get("overall", ""),
        "criteria": {name: request.POST.get(f"criteria-{name}", "") for name in Criterion.values},
        "comment": request.POST.get("comment", ""),
    }


def _labels() -> dict[str, str]:
    labels = {f"criteria.{name}": str(label) for name, label in Criterion.choices}
    return {"overall": _("Overall"), "comment": _("Comment"), **labels}


def _form_context(values: dict[str, Any], errors: dict[str, str] | None = None) -> dict[str, Any]:
    errors = errors or {}
    return {
        "levels": Level.choices,
        "criteria": [
            {
                "name": name,
                "label": label,
                "value": values["criteria"].get(name, ""),
                "error": errors.get(f"criteria.{name}", ""),
            }
            for name, label in Criterion.choices
        ],
        "values": values,
        "errors": errors,
        "error_list": field_errors(errors, _labels()),
    }


@applicant_required
def rate(request: HttpRequest, code: str) -> HttpResponse:
    actor = applicant_of(request)
    dossier = get_dossier(actor, code)
    prompt = selectors.rating_prompt(actor, dossier)
    rating = prompt.rating if prompt else None
    values: dict[str, Any] = {
        "overall": rating.overall if rating else "",
        "criteria": dict(rating.criteria) if rating else {},
        "comment": rating.comment if rating else "",
    }
    status = 200
    errors: dict[str, str] = {}
    problem = ""
    if request.method == "POST":
        values = _posted(request)
        try:
            services.rate_dossier(
                actor=actor,
                dossier_code=code,
                overall=values["overall"],
                criteria=values["criteria"],
                comment=values["comment"],
            )
        except InvalidText as exc:
            errors, status = exc.fields, 422
        except Conflict as exc:
            problem, status = exc.message, 409
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return HttpResponseRedirect(reverse("dossiers:dossier", args=[code]))
    context = {"dossier": dossier, "prompt": prompt, "problem": problem, **_form_context(values, errors)}
    return render(request, "feedback/rate.html", context, status=status)


@official_required
@require_POST
def open_counter_rating(request: HttpRequest, code: str) -> HttpResponse:
    """The officer opens the screen and hands it over: the page it leads to is the person's."""
    token = services.open_counter_rating(actor=official_of(request), dossier_code=code)
    return HttpResponseRedirect(reverse("feedback:counter-rate", args=[token]))


@public
def counter_rate(request: HttpRequest, token: str) -> HttpResponse:
    screen = services.counter_screen(token)
    values: dict[str, Any] = {"overall": "", "criteria": {}, "comment": ""}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = _posted(request)
        try:
            services.rate_at_counter(
                token=token, overall=values["overall"], criteria=values["criteria"], comment=values["comment"]
            )
        except InvalidText as exc:
            errors, status = exc.fields, 422
        else:
            return render(request, "feedback/counter_thanks.html", {"dossier_code": screen.dossier.code})
    context = {"screen": screen, "dossier": screen.dossier, **_form_context(values, errors)}
    return render(request, "feedback/counter_rate.html", context, status=status)


@official_required
def agency_ratings(request: HttpRequest) -> HttpResponse:
    found = selectors.ratings_of(official_of(request))
    return render(
        request,
        "feedback/ratings.html",
        {
            "summary": selectors.rating_summary(found),
            "ratings": list(
                found.only("procedure_code", "overall", "criteria", "comment", "channel", "rated_at")[
                    :PAGE_SIZE
                ]
            ),
            "levels": dict(Level.choices),
            "criteria": dict(Criterion.choices),
        },
    )
