"""Officials' pages: the inbox of the dossiers in their scope, a dossier's page and its
receipt, and the counter: receiving a dossier for a person at the counter or by post.

Every page is ``@official_required``; which dossiers an official sees is decided by
``dossiers.selectors.dossiers.dossiers_of`` (the agencies in their roles' scope), who may receive
at the counter by ``dossiers.services.counter.reception_agencies`` (the reception role). The dossier page
shows only the actions ``dossiers.selectors.actions.available_actions`` allows; each form posts to
one view that calls one service of ``dossiers.services``, which checks everything again. A
refused action shows the page again with the reason, nothing changed.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.backoffice import overview as queues
from motcua.catalog import selectors as catalog
from motcua.core.errors import Conflict, Forbidden, MotcuaError, NotFound
from motcua.documents import pdf_safety, results
from motcua.documents import selectors as documents_selectors
from motcua.documents.views import file_response
from motcua.dossiers.forms import field_title, form_fields
from motcua.dossiers.models import Channel, DossierStatus, Step
from motcua.dossiers.presenters import dossiers as dossier_presenters
from motcua.dossiers.presenters import forms_pdf
from motcua.dossiers.selectors import actions as action_selectors
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import inbox as inbox_selectors
from motcua.dossiers.services import assignment as assignment_services
from motcua.dossiers.services import counter as counter_services
from motcua.dossiers.services import deadlines as deadline_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import writeback
from motcua.identity.actors import OfficialActor, actor_for
from motcua.identity.permissions import official_of, official_required
from motcua.units import selectors as units
from motcua.units.models import Level

PAGE_SIZE = 50


@official_required
def overview(request: HttpRequest) -> HttpResponse:
    """Per role: the dossiers waiting on it, overdue and due soon, each linked to the inbox."""
    return render(request, "backoffice/overview.html", {"overview": queues.overview(official_of(request))})


@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    filters = {
        name: request.GET.get(name, "")
        for name in ("status", "procedure", "agency", "deadline", "step", "queue")
    }
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    found = inbox_selectors.inbox(
        actor,
        status=filters["status"],
        procedure=filters["procedure"],
        agency=filters["agency"],
        deadline=filters["deadline"],
        step=filters["step"],
        queue=filters["queue"],
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
            "steps": [value for value in Step.values if value != Step.DONE],
            "procedures": catalog.search_procedures(query="").only("code", "name_vi", "name_en"),
            "page": pages.get_page(page_number),
            "query": "&".join(f"{name}={value}" for name, value in filters.items() if value),
            # each row links to /can-bo/ho-so/<code>/: one reverse() for the page, not one a row
            "dossier_base": reverse("backoffice:dossier", args=["-"]).removesuffix("-/"),
        },
    )


def _visible_dossier(request: HttpRequest, code: str) -> Any:
    return dossier_selectors.get_dossier(actor_for(request), code)


def _dossier_page(request: HttpRequest, code: str, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = official_of(request)
    found = _visible_dossier(request, code)
    spec = catalog.definition(found.procedure, found.spec_sha256)  # the version it was filed under
    result_doc = documents_selectors.result_for_dossier(found)
    issued = writeback.filled_by_registry(spec, found, processing_services.local_today())
    return render(
        request,
        "backoffice/dossier.html",
        {
            "view": dossier_presenters.dossier_view(found),
            "result_doc": result_doc,
            "result_download": (
                reverse("backoffice:dossier-file", args=[code, result_doc.file.public_id])
                if result_doc
                else ""
            ),
            "may_revoke": bool(
                result_doc
                and not result_doc.is_revoked
                and actor.has_role(*results.REVOKING_ROLES, agency_code=result_doc.agency_code)
            ),
            "history": dossier_presenters.dossier_history(found),
            "notices": dossier_presenters.notices_of(found),
            "notice_pdf": "backoffice:notice-pdf",
            "actions": action_selectors.available_actions(actor, found),
            "step_label": found.get_step_display(),
            "supplement_components": [(c.id, c.name) for c in spec.components],
            "result_fields": [
                (name, field_title(prop) or name)
                for name, prop in spec.result_fields.items()
                if name not in issued
            ],
            # issued by a registry when the official approves (ADR 0061): nothing to type
            "registry_fields": [field_title(spec.result_fields[name]) or name for name in sorted(issued)],
            "supplement_fields": [(name, field_title(prop) or name) for name, prop in spec.fields.items()],
            # each decision is its own form showing only its inputs (ADR 0037): which need a reason
            "reason_decisions": [
                name for name, effect in processing_services.EFFECTS.items() if effect.needs_reason
            ],
            "posted": request.POST if request.method == "POST" else {},
            "error": error,
        },
        status=status,
    )


@official_required
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    return _dossier_page(request, code)


def _acted(request: HttpRequest, code: str, act: Callable[[], object], done: str) -> HttpResponse:
    try:
        act()
    except NotFound:
        raise  # the site's error page (core.middleware.DomainErrorMiddleware)
    except processing_services.IncompleteResult as exc:
        problems = "; ".join(exc.fields.values())
        return _dossier_page(request, code, error=f"{exc.message} {problems}", status=400)
    except MotcuaError as exc:
        status = 403 if isinstance(exc, Forbidden) else 409 if isinstance(exc, Conflict) else 400
        return _dossier_page(request, code, error=exc.message, status=status)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("backoffice:dossier", args=[code]))


@official_required
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    items = []
    for value in request.POST.getlist("items"):
        kind, _sep, name = value.partition(":")
        if kind in ("component", "field") and name:
            items.append({kind: name})
    return _acted(
        request,
        code,
        lambda: processing_services.decide(
            actor=official_of(request),
            code=code,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
            items=items,
            agency_code=request.POST.get("agency_code", "").strip(),
            result={k.removeprefix("result-"): v for k, v in request.POST.items() if k.startswith("result-")},
        ),
        _("Done: the dossier has moved on."),
    )


@official_required
@require_POST
def claim(request: HttpRequest, code: str) -> HttpResponse:
    return _acted(
        request,
        code,
        lambda: assignment_services.claim_dossier(actor=official_of(request), code=code),
        _("You have taken this dossier."),
    )


@official_required
@require_POST
def assign(request: HttpRequest, code: str) -> HttpResponse:
    raw = request.POST.get("user_id", "")
    user_id = int(raw) if raw.isdigit() else None
    return _acted(
        request,
        code,
        lambda: assignment_services.assign_dossier(actor=official_of(request), code=code, user_id=user_id),
        _("The dossier's assignment was saved."),
    )


def _date(raw: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(raw.strip(), pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    return None


@official_required
@require_POST
def apology(request: HttpRequest, code: str) -> HttpResponse:
    new_date = _date(request.POST.get("new_due_on", ""))
    if new_date is None:
        return _dossier_page(request, code, error=_("Enter the new date as day/month/year."), status=400)
    return _acted(
        request,
        code,
        lambda: deadline_services.issue_apology(
            actor=official_of(request), code=code, reason=request.POST.get("reason", ""), new_due_on=new_date
        ),
        _("The apology letter with the new date was issued; the applicant is told."),
    )


@official_required
@require_POST
def bulk_claim(request: HttpRequest) -> HttpResponse:
    """Take several dossiers from the inbox at once; say which were not taken, and why."""
    results = assignment_services.claim_dossiers(
        actor=official_of(request), codes=request.POST.getlist("codes")[:200]
    )
    claimed = [r.code for r in results if r.claimed]
    if claimed:
        messages.success(request, _("Taken: %(codes)s") % {"codes": ", ".join(claimed)})
    for result in results:
        if not result.claimed:
            messages.warning(request, f"{result.code}: {result.message}")
    return HttpResponseRedirect(reverse("backoffice:inbox") + "?queue=taken")


@official_required
def dossier_file(request: HttpRequest, code: str, public_id: str) -> FileResponse:
    """A scan or upload of a dossier in the official's scope, as an attachment."""
    stored = dossier_selectors.get_dossier_file(actor_for(request), code, public_id)
    return file_response(stored.storage_name, stored.content_type, stored.original_name)


@official_required
@require_POST
def revoke_result(request: HttpRequest, code: str) -> HttpResponse:
    """Revoke the dossier's signed result (its agency's leader or administrator), with a reason."""
    found = _visible_dossier(request, code)
    result_doc = documents_selectors.result_for_dossier(found)
    if result_doc is None:
        raise Http404
    return _acted(
        request,
        code,
        lambda: results.revoke_result(
            actor=official_of(request),
            public_id=str(result_doc.public_id),
            reason=request.POST.get("reason", ""),
        ),
        _("The result is revoked: the verifier now says so, with your reason."),
    )


@official_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01 of a dossier in the official's scope, to print and hand over at the counter."""
    found = _visible_dossier(request, code)
    return render(
        request,
        "dossiers/receipt.html",
        {
            "view": dossier_presenters.dossier_view(found),
            "pdf_url": reverse("backoffice:receipt-pdf", args=[found.code]),
        },
    )


@official_required
def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01 of a dossier in the official's scope as a PDF download."""
    view = dossier_presenters.dossier_view(_visible_dossier(request, code))
    data = forms_pdf.receipt_pdf(view, lookup_url=request.build_absolute_uri(reverse("dossiers:lookup")))
    return forms_pdf.attachment(data, forms_pdf.receipt_file_name(view))


@official_required
def notice_pdf(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """One of the notices 02–05 of a dossier in the official's scope as a PDF download."""
    found = _visible_dossier(request, code)
    view = dossier_presenters.dossier_view(found)
    item = forms_pdf.pdf_notice(view, dossier_presenters.notices_of(found), key)
    if item is None:
        raise Http404
    return forms_pdf.attachment(forms_pdf.notice_pdf(view, item), forms_pdf.notice_file_name(view, item))


def _scans(request: HttpRequest) -> dict[str, counter_services.Scan]:
    """The scans posted with the counter form, by component (file fields ``scan-<component>``)."""
    scans = {}
    for name in request.FILES:
        upload = request.FILES.get(name)
        if name.startswith("scan-") and upload is not None:
            scans[name.removeprefix("scan-")] = counter_services.Scan(
                upload.chunks(), upload.name or "ban-quet", upload.size
            )
    return scans


PERSON_FIELDS = ("personal_id", "full_name", "birth_date", "identity_check", "commune_code")


@official_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """Receive a dossier for a person at the counter or by post. The agency, procedure and
    channel are chosen first (the query string); then the person's identity, the form and a
    scan of each paper document are posted together; success leads to the receipt."""
    actor = actor_for(request)
    assert isinstance(actor, OfficialActor)
    agencies = list(counter_services.reception_agencies(actor))
    choice = {name: request.GET.get(name, "") for name in ("agency", "procedure", "channel")}
    channel = choice["channel"] if choice["channel"] in counter_services.COUNTER_CHANNELS else Channel.COUNTER
    if choice["agency"]:
        agency = next((a for a in agencies if a.code == choice["agency"]), None)
        if agency is None:  # not an agency they receive for
            raise Http404
    else:
        agency = agencies[0] if len(agencies) == 1 else None
    procedures = counter_services.counter_procedures(agency, channel) if agency is not None else []
    procedure = next((p for p in procedures if p.code == choice["procedure"]), None)
    context: dict[str, Any] = {
        "agencies": agencies,
        "agency": agency,
        "procedures": procedures,
        "procedure": procedure,
        "channel": channel,
        "channels": counter_services.COUNTER_CHANNELS,
        "identity_checks": counter_services.CHECKS_FOR_CHANNEL[channel],
        "key": request.POST.get("counter-key") or str(uuid.uuid4()),
        "person": {name: request.POST.get(f"applicant-{name}", "") for name in PERSON_FIELDS},
        "person_errors": {},
        "error": "",
    }
    if agency is None or procedure is None:
        if request.method == "POST":
            raise Http404
        return render(request, "backoffice/counter.html", context)
    spec = catalog.definition(procedure)
    entries = {name: request.POST.get(name, "") for name in spec.fields} if request.method == "POST" else {}
    field_errors: dict[str, str] = {}
    component_errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            received = counter_services.receive_at_counter(
                actor=actor,
                procedure_code=procedure.code,
                channel=channel,
                agency_code=agency.code,
                commune_code=context["person"]["commune_code"],
                person=counter_services.Person(
                    personal_id=context["person"]["personal_id"],
                    full_name=context["person"]["full_name"],
                    birth_date=context["person"]["birth_date"],
                    identity_check=context["person"]["identity_check"],
                ),
                entries=entries,
                scans=_scans(request),
                key=context["key"],
            )
        except NotFound:
            raise  # the site's error page (core.middleware.DomainErrorMiddleware)
        except counter_services.IncompleteReception as exc:
            field_errors, component_errors = exc.fields, exc.components
            context["person_errors"] = exc.person
            context["error"] = exc.message
        except MotcuaError as exc:
            context["error"] = exc.message
        else:
            messages.success(request, _("The dossier is received. Print the receipt and hand it over."))
            removed = {r for entry in received.components.values() for r in entry.get("removed_content", [])}
            if removed:
                messages.warning(request, pdf_safety.removal_notice(removed))
            return redirect("backoffice:receipt", code=received.code)
    context.update(
        fields=form_fields(spec.form, entries, prefilled={}, errors=field_errors),
        components=[
            dataclasses.replace(component, error=component_errors.get(component.id, ""))
            for component in counter_services.scannable_components(procedure)
        ],
        communes=(
            units.communes_of_province(agency.province.code)
            if agency.level == Level.PROVINCE and agency.province is not None
            else []
        ),
    )
    return render(request, "backoffice/counter.html", context, status=400 if context["error"] else 200)
