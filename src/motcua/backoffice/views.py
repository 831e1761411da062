"""Officials' pages: the inbox of the dossiers in their scope and a dossier's page.

Every page is ``@official_required``; which dossiers an official sees is decided by
``dossiers.selectors.dossiers_of`` (the agencies in their roles' scope). The processing
actions (receive, supplement, refuse, approve ...) come with the workflow.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.catalog import selectors as catalog
from motcua.core.errors import NotFound
from motcua.dossiers import selectors
from motcua.dossiers.models import DossierStatus
from motcua.identity.actors import actor_for
from motcua.identity.permissions import official_required

PAGE_SIZE = 50


@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    filters = {name: request.GET.get(name, "") for name in ("status", "procedure", "agency", "deadline")}
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    found = selectors.inbox(
        actor,
        status=filters["status"],
        procedure=filters["procedure"],
        agency=filters["agency"],
        deadline=filters["deadline"],
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
    )
    pages = Paginator(range(found.total), PAGE_SIZE)
    return render(
        request,
        "backoffice/inbox.html",
        {
            "inbox": found,
            "filters": filters,
            "statuses": DossierStatus.choices,
            "procedures": catalog.search_procedures(query="").only("code", "name_vi", "name_en"),
            "page": pages.get_page(page_number),
            "query": "&".join(f"{name}={value}" for name, value in filters.items() if value),
        },
    )


@official_required
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_for(request)
    try:
        found = selectors.get_dossier(actor, code)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "backoffice/dossier.html",
        {"view": selectors.dossier_view(found), "history": selectors.dossier_history(found)},
    )
