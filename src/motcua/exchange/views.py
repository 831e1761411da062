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

from motcua.core.errors import MotcuaError, NotFound
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.exchange import fines, organisations, selectors, writes
from motcua.exchange.labels import operation_label
from motcua.exchange.models import NEEDS_ATTENTION, RegistryWrite, WriteStatus
from motcua.identity import organisations as identity_organisations
from motcua.identity import selectors as identity
from motcua.identity.actors import SESSION_ORGANISATION_KEY, ApplicantActor, OfficialActor, actor_for
from motcua.identity.models import ApplicantKind, RepresentationBasis
from motcua.identity.permissions import applicant_required, official_required
from motcua.identity.validators import parse_enterprise_code


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
        .exclude(represented__kind=ApplicantKind.ORGANISATION)
        .select_related("represented")
        if not actor.acts_for_organisation
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


# --- organisations as applicants (ADR 0065) ------------------------------------------------------

ORGANISATION_CHECK_ERRORS = {
    organisations.CheckOutcome.NOT_NAMED: gettext_lazy(
        "The national enterprise registration database does not name you as this enterprise's legal "
        "representative. If that has changed recently, ask the business registration office to update it."
    ),
    organisations.CheckOutcome.NOT_OPERATING: gettext_lazy(
        "The national enterprise registration database says this enterprise is not operating."
    ),
    organisations.CheckOutcome.UNAVAILABLE: gettext_lazy(
        "The national databases cannot be asked right now. Please try again in a few minutes."
    ),
}


def _applicant(request: HttpRequest) -> ApplicantActor:
    actor = actor_for(request)
    assert isinstance(actor, ApplicantActor)
    return actor


def _act(request: HttpRequest, actor: ApplicantActor, organisation_public_id: str) -> HttpResponse:
    acting = identity_organisations.start_acting(actor=actor, organisation_public_id=organisation_public_id)
    request.session[SESSION_ORGANISATION_KEY] = acting.organisation_public_id
    request.actor = acting  # type: ignore[attr-defined]
    messages.success(request, _("You are now acting for the organisation."))
    return redirect("exchange:organisations")


def _organisations_page(
    request: HttpRequest, actor: ApplicantActor, *, code: str = "", errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    return render(
        request,
        "exchange/organisations.html",
        {
            "source": organisations.SOURCE,
            "acting": identity.acting_organisation(actor),
            "acting_basis": actor.organisation_basis,
            "acting_scope": actor.organisation_scope,
            "organisations": identity.organisations_of(actor),
            "authorisations": identity.authorisations_of_organisation(actor),
            "code": code,
            "errors": errors or [],
        },
        status=(503 if any(e.get("unavailable") for e in errors) else 400) if errors else 200,
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def organisations_page(request: HttpRequest) -> HttpResponse:
    """GET: the organisations the person may act for, and the form to act for an enterprise as its
    legal representative; POST (their consent to the registry read): the check, then acting."""
    actor = _applicant(request)
    if request.method == "GET":
        return _organisations_page(request, actor)
    code = request.POST.get("enterprise_code", "").strip()[:20]
    try:
        parse_enterprise_code(code)
    except MotcuaError as error:
        return _organisations_page(
            request, actor, code=code, errors=[{"href": "#enterprise-code", "message": error.message}]
        )
    return _check_and_act(request, actor, code)


def _check_and_act(request: HttpRequest, actor: ApplicantActor, code: str) -> HttpResponse:
    person = identity.person_actor(actor)
    check = organisations.check_legal_representative(actor=person, enterprise_code=code)
    if check.outcome != organisations.CheckOutcome.CONFIRMED or check.representation is None:
        error = {"href": "#enterprise-code", "message": str(ORGANISATION_CHECK_ERRORS[check.outcome])}
        if check.outcome == organisations.CheckOutcome.UNAVAILABLE:
            error["unavailable"] = "1"
        if actor.acts_for_organisation:  # what they acted for may have just been revoked
            request.session.pop(SESSION_ORGANISATION_KEY, None)
        return _organisations_page(request, person, code=code, errors=[error])
    return _act(request, person, str(check.representation.represented.public_id))


@applicant_required
@require_POST
def organisation_choose(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Act for an organisation from the list: a legal representative is checked with the registry
    again (what it says today), an authorised employee acts under the authorisation."""
    actor = _applicant(request)
    entry = next((e for e in identity.organisations_of(actor) if e.organisation.public_id == public_id), None)
    if entry is None:
        raise NotFound(_("No such organisation."))
    if entry.is_legal_representative:
        return _check_and_act(request, actor, entry.organisation.enterprise_code or "")
    return _act(request, identity.person_actor(actor), str(public_id))


@applicant_required
@require_POST
def organisation_leave(request: HttpRequest) -> HttpResponse:
    """Back to acting for oneself."""
    actor = _applicant(request)
    identity_organisations.stop_acting(actor=actor)
    request.session.pop(SESSION_ORGANISATION_KEY, None)
    messages.success(request, _("You are acting for yourself again."))
    return redirect("identity:my-space")
