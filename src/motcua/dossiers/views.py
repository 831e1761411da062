"""Applicant pages for a dossier: start, consent to data use, the prefilled form, submission,
the receipt and status page with the agency's notices, the supplement (form 02) and
withdrawal; and the public status lookup.

Views read through selectors and call one service each; a domain error is shown on the page it
came from (status 400), with everything the applicant entered still there.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog import selectors as catalog
from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound, RateLimited
from motcua.core.middleware import too_many_requests
from motcua.documents import pdf_safety
from motcua.documents import selectors as documents_selectors
from motcua.dossiers.models import ComponentState, Draft
from motcua.dossiers.presenters import bundles as bundle_presenters
from motcua.dossiers.presenters import dossiers as dossier_presenters
from motcua.dossiers.presenters import drafts as draft_presenters
from motcua.dossiers.presenters import forms_pdf, timeline
from motcua.dossiers.selectors import actions as action_selectors
from motcua.dossiers.selectors import bundles as bundle_selectors
from motcua.dossiers.selectors import dossiers as dossier_selectors
from motcua.dossiers.selectors import drafts as draft_selectors
from motcua.dossiers.selectors import lookup as lookup_selectors
from motcua.dossiers.services import bundles as bundle_services
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import submission as submission_services
from motcua.dossiers.services import supplement as supplement_services
from motcua.identity import selectors as identity
from motcua.identity.actors import actor_for
from motcua.identity.permissions import applicant_of, applicant_required, public
from motcua.units import selectors as units


@applicant_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    actor = applicant_of(request)
    procedure = catalog.get_procedure(code)
    params = request.POST if request.method == "POST" else request.GET
    province_code = params.get("province", "")
    commune_code = params.get("commune", "")
    provinces = list(units.list_provinces())
    communes = list(units.communes_of_province(province_code)) if province_code else []
    error = ""
    if request.method == "POST":
        try:
            draft = draft_services.start_draft(
                actor=actor,
                procedure_code=procedure.code,
                commune_code=commune_code,
                applicant_public_id=params.get("applicant", ""),
            )
        except NotFound:
            raise  # the site's error page (core.middleware.DomainErrorMiddleware)
        except MotcuaError as exc:
            error = exc.message
        else:
            if any(catalog.definition(procedure).components_of("data")) and draft.consent is None:
                return redirect("dossiers:consent", public_id=draft.public_id)
            return redirect("dossiers:draft", public_id=draft.public_id)
    return render(
        request,
        "dossiers/start.html",
        {
            "procedure": procedure,
            "provinces": provinces,
            "communes": communes,
            "province_code": province_code,
            "commune_code": commune_code,
            "applicants": identity.applicants_actor_may_act_for(actor, procedure_code=procedure.code),
            "error": error,
        },
        status=400 if error else 200,
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def start_bundle(request: HttpRequest, code: str) -> HttpResponse:
    """Start an interconnected application: the commune, and which optional members to include."""
    actor = applicant_of(request)
    bundle = catalog.get_bundle(code)
    members = catalog.bundle_members(bundle)
    params = request.POST if request.method == "POST" else request.GET
    province_code = params.get("province", "")
    commune_code = params.get("commune", "")
    chosen = params.getlist("members")
    error = ""
    if request.method == "POST":
        try:
            draft = bundle_services.start_bundle_draft(
                actor=actor, bundle_code=bundle.code, commune_code=commune_code, members=chosen
            )
        except NotFound:
            raise  # the site's error page (core.middleware.DomainErrorMiddleware)
        except MotcuaError as exc:
            error = exc.message
        else:
            if draft.consent is None:
                return redirect("dossiers:consent", public_id=draft.public_id)
            return redirect("dossiers:draft", public_id=draft.public_id)
    return render(
        request,
        "dossiers/start_bundle.html",
        {
            "bundle": bundle,
            "members": members,
            "chosen": chosen,
            "provinces": list(units.list_provinces()),
            "communes": list(units.communes_of_province(province_code)) if province_code else [],
            "province_code": province_code,
            "commune_code": commune_code,
            "error": error,
        },
        status=400 if error else 200,
    )


@applicant_required
def bundle_application(request: HttpRequest, public_id: str) -> HttpResponse:
    """One interconnected application: each member's dossier and status."""
    found = bundle_selectors.get_bundle_application(actor_for(request), public_id)
    return render(request, "dossiers/bundle_application.html", {"view": bundle_presenters.bundle_view(found)})


@applicant_required
def drafts(request: HttpRequest) -> HttpResponse:
    return render(request, "dossiers/drafts.html", {"rows": draft_presenters.draft_rows(actor_for(request))})


@applicant_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = applicant_of(request)
    draft = draft_selectors.get_draft(actor, public_id)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            updated = draft_services.give_consent(
                actor=actor,
                public_id=public_id,
                accepted=request.POST.getlist("accept"),
                subject_values={
                    name: request.POST.get(name, "") for name in request.POST if name.endswith("personal_id")
                },
            )
        except MotcuaError as exc:
            error = exc.message
            status = 429 if isinstance(exc, RateLimited) else 400
        else:
            failed = [c for c in updated.components.values() if c.get("state") == ComponentState.FAILED]
            if failed:
                messages.error(request, _("Some data could not be fetched. Your draft is saved; see below."))
            return redirect("dossiers:draft", public_id=updated.public_id)
    view = draft_presenters.draft_view(draft)
    return render(
        request,
        "dossiers/consent.html",
        {"view": view, "draft": draft, "error": error, "posted": request.POST},
        status=status,
    )


def _draft_page(
    request: HttpRequest,
    current: Draft,
    errors: dict[str, str],
    component_errors: dict[str, str] | None = None,
) -> HttpResponse:
    failed = bool(errors or component_errors)
    return render(
        request,
        "dossiers/draft.html",
        {
            "view": draft_presenters.draft_view(
                current, errors=errors, component_errors=component_errors, actor=actor_for(request)
            ),
            "draft": current,
            "row": draft_presenters.draft_row(current),
        },
        status=400 if failed else 200,
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, public_id: str) -> HttpResponse:
    """The draft: components and form. Posting saves the form; with ``submit`` it then submits.
    A draft already submitted (a second click, an old link) leads to its dossier."""
    actor = applicant_of(request)
    try:
        current = draft_selectors.get_draft(actor, public_id)
    except NotFound:
        already = dossier_selectors.dossier_from_draft(actor, public_id)
        if already is None:
            raise Http404 from None
        return redirect("dossiers:dossier", code=already.code)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in catalog.definition(current.procedure).fields}
        if current.bundle_code:  # the later members' fields of an interconnected application
            values.update(
                {k: request.POST.get(k, "") for k in request.POST if bundle_services.SEPARATOR in k}
            )
        current, errors = draft_services.save_entries(actor=actor, public_id=public_id, values=values)
        if errors:
            messages.error(request, _("Your draft is saved, but some fields need correcting."))
            return _draft_page(request, current, errors)
        if "review" in request.POST:  # the guided path: check the answers, then submit
            return redirect("dossiers:check", public_id=current.public_id)
        if "submit" not in request.POST:
            messages.success(request, _("Your draft is saved."))
            return redirect("dossiers:draft", public_id=current.public_id)
        try:
            dossier = submission_services.submit_draft(actor=actor, public_id=public_id)
        except submission_services.IncompleteDossier as exc:
            messages.error(request, exc.message)
            return _draft_page(request, current, exc.fields, exc.components)
        messages.success(request, _("Your dossier has been received."))
        return redirect("dossiers:dossier", code=dossier.code)
    return _draft_page(request, current, errors)


SUBMITTED_SESSION_KEY = "dossiers.just_submitted"


def _submit(request: HttpRequest, current: Draft) -> HttpResponse:
    """Submit a saved draft: its dossier page with the confirmation panel, or the draft page
    with what is missing marked."""
    try:
        dossier = submission_services.submit_draft(
            actor=applicant_of(request), public_id=str(current.public_id)
        )
    except submission_services.IncompleteDossier as exc:
        messages.error(request, exc.message)
        return _draft_page(request, current, exc.fields, exc.components)
    messages.success(request, _("Your dossier has been received."))
    request.session[SUBMITTED_SESSION_KEY] = dossier.code  # the next view of it shows the confirmation
    return redirect("dossiers:dossier", code=dossier.code)


@applicant_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, public_id: str) -> HttpResponse:
    """Check your answers: everything the draft holds, each with a link to change it, and the
    button that submits (step 4 of 5)."""
    actor = applicant_of(request)
    try:
        current = draft_selectors.get_draft(actor, public_id)
    except NotFound:
        already = dossier_selectors.dossier_from_draft(actor, public_id)
        if already is None:
            raise Http404 from None
        return redirect("dossiers:dossier", code=already.code)
    if request.method == "POST":
        return _submit(request, current)
    return render(
        request,
        "dossiers/check.html",
        {"view": draft_presenters.draft_view(current, actor=actor_for(request)), "draft": current},
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def discard(request: HttpRequest, public_id: str) -> HttpResponse:
    """Discard a draft: a page that says what will be deleted and asks to confirm (GET), then
    the deletion (POST). A draft already submitted leads to its dossier; one already discarded,
    to the list of drafts."""
    actor = applicant_of(request)
    if request.method == "POST":
        try:
            draft_services.discard_draft(actor=actor, public_id=public_id)
        except NotFound:
            raise  # the site's error page (core.middleware.DomainErrorMiddleware)
        except MotcuaError as exc:
            messages.error(request, exc.message)
            already = dossier_selectors.dossier_from_draft(actor, public_id)
            if already is not None:
                return redirect("dossiers:dossier", code=already.code)
            return redirect("dossiers:drafts")
        messages.success(request, _("The draft and the data fetched for it were deleted."))
        return redirect("dossiers:drafts")
    try:
        current = draft_selectors.get_draft(actor, public_id)
    except NotFound:
        already = dossier_selectors.dossier_from_draft(actor, public_id)
        if already is None:
            raise Http404 from None
        return redirect("dossiers:dossier", code=already.code)
    return render(
        request, "dossiers/discard.html", {"draft": current, "row": draft_presenters.draft_row(current)}
    )


@applicant_required
def dossiers(request: HttpRequest) -> HttpResponse:
    return render(
        request, "dossiers/dossiers.html", {"dossiers": dossier_selectors.dossiers_of(actor_for(request))}
    )


def _dossier_page(
    request: HttpRequest,
    code: str,
    *,
    error: str = "",
    field_errors: Mapping[str, str] | None = None,
    component_errors: Mapping[str, str] | None = None,
    status: int = 200,
    confirmation: bool = False,
) -> HttpResponse:
    actor = actor_for(request)
    found = dossier_selectors.get_dossier(actor, code)
    result_doc = documents_selectors.result_for_dossier(found)
    return render(
        request,
        "dossiers/dossier.html",
        {
            "view": dossier_presenters.dossier_view(found),
            "result_doc": result_doc,
            "result_download": reverse("documents:result-file", args=[result_doc.public_id])
            if result_doc
            else "",
            "notices": dossier_presenters.notices_of(found),
            "notice_pdf": "dossiers:notice-pdf",
            "actions": action_selectors.available_actions(actor, found),
            "supplement": dossier_presenters.supplement_request(
                found, values=request.POST, field_errors=field_errors, component_errors=component_errors
            ),
            "error": error,
            "confirmation": confirmation,
            "timeline": timeline.applicant_timeline(found),
        },
        status=status,
    )


@applicant_required
def dossier(request: HttpRequest, code: str) -> HttpResponse:
    # Just submitted: once, the confirmation panel (the code, the date, what happens next).
    submitted = request.session.get(SUBMITTED_SESSION_KEY) == code
    if submitted:
        del request.session[SUBMITTED_SESSION_KEY]
    return _dossier_page(request, code, confirmation=submitted)


@applicant_required
@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant's answer to form 02: the corrected fields and the new files."""
    files = {}
    for name in request.FILES:
        upload = request.FILES.get(name)
        if name.startswith("file-") and upload is not None:
            files[name.removeprefix("file-")] = supplement_services.SupplementFile(
                chunks=upload.chunks(), file_name=upload.name or "", size=upload.size
            )
    entries = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    try:
        answered = supplement_services.supplement_dossier(
            actor=applicant_of(request), code=code, entries=entries, files=files
        )
    except NotFound:
        raise  # the site's error page (core.middleware.DomainErrorMiddleware)
    except supplement_services.IncompleteSupplement as exc:
        return _dossier_page(
            request,
            code,
            error=exc.message,
            field_errors=exc.fields,
            component_errors=exc.components,
            status=400,
        )
    except MotcuaError as exc:
        return _dossier_page(request, code, error=exc.message, status=409)
    messages.success(request, _("Thank you: the dossier is complete again and its processing continues."))
    removed = {r for cid in files for r in answered.components.get(cid, {}).get("removed_content", [])}
    if removed:
        messages.warning(request, pdf_safety.removal_notice(removed))
    return HttpResponseRedirect(reverse("dossiers:dossier", args=[code]))


@applicant_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    try:
        supplement_services.withdraw_dossier(
            actor=applicant_of(request), code=code, reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise  # the site's error page (core.middleware.DomainErrorMiddleware)
    except MotcuaError as exc:
        return _dossier_page(request, code, error=exc.message, status=409)
    messages.success(request, _("The dossier was withdrawn."))
    return HttpResponseRedirect(reverse("dossiers:dossier", args=[code]))


@applicant_required
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01: the receipt and appointment slip, printable."""
    found = dossier_selectors.get_dossier(actor_for(request), code)
    return render(
        request,
        "dossiers/receipt.html",
        {
            "view": dossier_presenters.dossier_view(found),
            "pdf_url": reverse("dossiers:receipt-pdf", args=[found.code]),
        },
    )


@applicant_required
def receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Form 01 as a PDF download, from the same view-model as the page."""
    view = dossier_presenters.dossier_view(dossier_selectors.get_dossier(actor_for(request), code))
    data = forms_pdf.receipt_pdf(view, lookup_url=request.build_absolute_uri(reverse("dossiers:lookup")))
    return forms_pdf.attachment(data, forms_pdf.receipt_file_name(view))


@applicant_required
def notice_pdf(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """One of the dossier's notices 02–05 (``<code>/<key>``) as a PDF download."""
    found = dossier_selectors.get_dossier(actor_for(request), code)
    view = dossier_presenters.dossier_view(found)
    item = forms_pdf.pdf_notice(view, dossier_presenters.notices_of(found), key)
    if item is None:
        raise Http404
    return forms_pdf.attachment(forms_pdf.notice_pdf(view, item), forms_pdf.notice_file_name(view, item))


@public
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Anyone with the dossier code and its PIN (or the applicant's ID number) sees its status."""
    status = None
    error = ""
    code = request.POST.get("code", "").strip()
    if request.method == "POST":
        try:
            status = lookup_selectors.throttled_public_status(
                ratelimit.client_address(request), code, request.POST.get("factor", "")
            )
        except lookup_selectors.LookupBlocked as exc:
            return too_many_requests(request, exc.retry_after)
        except NotFound as exc:
            error = exc.message
    return render(
        request,
        "dossiers/lookup.html",
        {"status": status, "error": error, "code": code},
        status=404 if error else 200,
    )


@applicant_required
@require_POST
def retry(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = applicant_of(request)
    draft_selectors.get_draft(actor, public_id)
    try:
        updated = draft_services.retry_pull(
            actor=actor, public_id=public_id, component_ids=request.POST.getlist("component")
        )
    except MotcuaError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:draft", public_id=public_id)
    if any(c.get("state") == ComponentState.FAILED for c in updated.components.values()):
        messages.error(
            request, _("Some data still could not be fetched. Try again later or upload the documents.")
        )
    else:
        messages.success(request, _("The data was fetched."))
    return redirect("dossiers:draft", public_id=public_id)


@applicant_required
@require_POST
def component_upload(request: HttpRequest, public_id: str, component_id: str) -> HttpResponse:
    actor = applicant_of(request)
    draft_selectors.get_draft(actor, public_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect("dossiers:draft", public_id=public_id)
    try:
        draft = draft_services.upload_component(
            actor=actor,
            public_id=public_id,
            component_id=component_id,
            chunks=upload.chunks(),
            file_name=upload.name or "tep-tin",
            size=upload.size,
        )
    except NotFound:
        raise  # the site's error page (core.middleware.DomainErrorMiddleware)
    except MotcuaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is attached."))
        removed = draft.components[component_id].get("removed_content")
        if removed:
            messages.warning(request, pdf_safety.removal_notice(removed))
    return redirect("dossiers:draft", public_id=public_id)


@applicant_required
@require_POST
def component_wallet(request: HttpRequest, public_id: str, component_id: str) -> HttpResponse:
    """Take a document from the data wallet for a component (one click instead of an upload)."""
    actor = applicant_of(request)
    draft_selectors.get_draft(actor, public_id)
    try:
        draft_services.use_wallet_item(
            actor=actor,
            public_id=public_id,
            component_id=component_id,
            item_public_id=request.POST.get("item", ""),
        )
    except NotFound:
        raise  # the site's error page (core.middleware.DomainErrorMiddleware)
    except MotcuaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document from your data wallet is attached."))
    return redirect("dossiers:draft", public_id=public_id)
