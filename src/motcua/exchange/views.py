"""Pages of the exchange: the applicant's "who used my data" (assembled from the registries'
access logs) and their camera-detected traffic fines; the officials' writes to the registries
that were refused or could not be delivered (ADR 0043)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import MotcuaError
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.exchange import fines, selectors, writes
from motcua.exchange.labels import operation_label
from motcua.exchange.models import NEEDS_ATTENTION, RegistryWrite, WriteStatus
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor, OfficialActor, actor_for
from motcua.identity.models import RepresentationBasis
from motcua.identity.permissions import applicant_required, official_required


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


@applicant_required
@require_http_methods(["GET", "POST"])
def my_fines(request: HttpRequest) -> HttpResponse:
    """GET: what will be asked, of which database, why; POST (their consent): the fines."""
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    lookup = fines.look_up_fines(actor=actor) if request.method == "POST" else None
    return render(
        request,
        "exchange/fines.html",
        {
            "source": fines.SOURCE,
            "lookup": lookup,
            "unpaid_total": sum(fine.fine_vnd for fine in lookup.unpaid) if lookup else 0,
        },
        status=503 if lookup is not None and not lookup.available else 200,
    )


WRITE_STATUS_LABELS = {
    WriteStatus.QUEUED: gettext_lazy("Waiting to be sent"),
    WriteStatus.DONE: gettext_lazy("Recorded"),
    WriteStatus.REFUSED: gettext_lazy("Refused by the database"),
    WriteStatus.FAILED: gettext_lazy("Could not be delivered"),
    WriteStatus.RESOLVED: gettext_lazy("Closed by an official"),
}


def _rows(writes_: list[RegistryWrite]) -> list[dict[str, object]]:
    return [
        {
            "write": write,
            "operation": operation_label(write.operation),
            "subject": selectors.masked_subject(write),
            "status": str(WRITE_STATUS_LABELS.get(WriteStatus(write.status), write.status)),
            "needs_action": write.status in NEEDS_ATTENTION,
        }
        for write in writes_
    ]


def _official(request: HttpRequest) -> OfficialActor:
    actor = actor_for(request)
    assert isinstance(actor, OfficialActor)
    return actor


def _writes_page(request: HttpRequest, *, errors: list[dict[str, str]] | None = None) -> HttpResponse:
    include_settled = request.GET.get("tat-ca") == "1"
    rows = list(selectors.registry_writes(_official(request), attention_only=not include_settled)[:200])
    return render(
        request,
        "exchange/registry_writes.html",
        {"rows": _rows(rows), "include_settled": include_settled, "errors": errors or []},
        status=400 if errors else 200,
    )


@official_required
def registry_writes(request: HttpRequest) -> HttpResponse:
    return _writes_page(request)


@official_required
@require_POST
def retry_registry_write(request: HttpRequest, write_id: uuid.UUID) -> HttpResponse:
    actor = _official(request)
    try:
        writes.retry_write(actor=actor, write=selectors.get_registry_write(actor, write_id))
    except MotcuaError as error:
        if error.code == "not_found":
            raise
        return _writes_page(request, errors=[{"href": f"#write-{write_id}", "message": error.message}])
    messages.success(request, _("The write will be sent again in a moment."))
    return redirect("exchange:registry-writes")


@official_required
@require_POST
def resolve_registry_write(request: HttpRequest, write_id: uuid.UUID) -> HttpResponse:
    actor = _official(request)
    try:
        writes.resolve_write(
            actor=actor,
            write=selectors.get_registry_write(actor, write_id),
            note=request.POST.get("note", "")[:500],
        )
    except MotcuaError as error:
        if error.code == "not_found":
            raise
        return _writes_page(request, errors=[{"href": f"#note-{write_id}", "message": error.message}])
    messages.success(request, _("The write is closed."))
    return redirect("exchange:registry-writes")
