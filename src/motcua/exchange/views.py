"""The applicant's "who used my data" page, assembled from the registries' access logs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.exchange import selectors
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor, actor_for
from motcua.identity.models import RepresentationBasis
from motcua.identity.permissions import applicant_required


@applicant_required
def data_use(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    before = request.GET.get("truoc", "")
    history = selectors.data_access_history(
        actor,
        applicant_public_id=request.GET.get("cho", ""),
        before=int(before) if before.isdigit() else 0,
    )
    references = dossier_selectors.data_use_references(
        actor, {access.dossier_ref for access in history.accesses}
    )
    represented = [
        representation.represented
        for representation in identity.active_representations()
        .filter(
            representative_id=actor.applicant_id,
            basis__in=[RepresentationBasis.PARENT, RepresentationBasis.LEGAL_REPRESENTATIVE],
        )
        .select_related("represented")
    ]
    return render(
        request,
        "exchange/data_use.html",
        {"history": history, "references": references, "represented": represented},
        status=200 if history.available else 503,
    )
