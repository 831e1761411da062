"""The public answers to petitions: searchable by words, procedure and agency, each with the
masked copy only, its linked repeats, and the useful / not useful marks (one per reader; one
address may mark at most ``MARK_RATE``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure
from motcua.core import ratelimit
from motcua.core.actors import Actor, ActorRef
from motcua.feedback.selectors import petitions as selectors
from motcua.feedback.services import marks
from motcua.identity.actors import ApplicantActor, actor_for
from motcua.identity.permissions import public
from motcua.units import selectors as units

MARK_RATE = ratelimit.Rate(limit=30, window=3600)
PAGE_SIZE = 20


@public
def answers(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    procedure = request.GET.get("procedure", "")[:64]
    agency = request.GET.get("agency", "")[:64]
    found = selectors.published_answers(query=query, procedure_code=procedure, agency_code=agency)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/answers.html",
        {
            "page": page,
            "query": query,
            "procedure": procedure,
            "agency": agency,
            "procedures": Procedure.objects.filter(is_active=True)
            .order_by("name_vi")
            .only("code", "name_vi", "name_en"),
            "names": units.agency_names({p.agency_code for p in page.object_list}),
        },
    )


@public
def answer(request: HttpRequest, code: str) -> HttpResponse:
    found = selectors.get_published(code)
    return render(
        request,
        "feedback/answer.html",
        {
            "petition": found,
            "agency": units.agency_name(found.agency_code),
            "repeats": list(selectors.repeats_of(found)),
            "linked": selectors.linked_answer(found),
        },
    )


@public
@require_POST
def mark(request: HttpRequest, code: str) -> HttpResponse:
    verdict = ratelimit.hit("answer_marks", ratelimit.client_address(request), MARK_RATE)
    if not verdict.allowed:
        messages.error(
            request,
            _("Too many requests. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.retry_after},
        )
        return HttpResponseRedirect(reverse("feedback:answer", args=[code]))
    actor = actor_for(request)
    who: Actor
    if isinstance(actor, ApplicantActor):
        voter, who = marks.voter_key("applicant", actor.applicant_public_id), actor
    else:
        if not request.session.session_key:
            request.session.save()
        voter = marks.voter_key("session", str(request.session.session_key))
        who = ActorRef(kind="public", id="reader")
    marks.mark_answer(actor=who, code=code, voter=voter, useful=request.POST.get("useful") == "1")
    messages.success(request, _("Thank you for your mark."))
    return HttpResponseRedirect(reverse("feedback:answer", args=[code]))
