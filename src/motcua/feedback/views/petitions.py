"""Petition pages: sending one (signed in, or with a contact), following it (one's own, or with
its code and key), answering the agency's question; and the officials' inbox, a petition's
page and its steps."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog.models import Procedure
from motcua.core import ratelimit
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import Conflict, Forbidden, MotcuaError
from motcua.core.inputs import InvalidText
from motcua.documents import services as documents
from motcua.documents.views import file_response
from motcua.feedback.models import PetitionCategory, PetitionStatus
from motcua.feedback.selectors import petitions as selectors
from motcua.feedback.services import petitions as services
from motcua.feedback.services.entry import ENTRY_ROLES
from motcua.feedback.views.common import field_errors
from motcua.identity.actors import ApplicantActor, actor_for
from motcua.identity.permissions import (
    applicant_of,
    applicant_required,
    official_of,
    official_required,
    public,
)
from motcua.units import selectors as units

SEND_FIELDS = (
    "category",
    "subject",
    "content",
    "procedure_code",
    "dossier_code",
    "commune_code",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _labels() -> dict[str, str]:
    return {
        "category": _("What is it about?"),
        "subject": _("Subject"),
        "content": _("Content"),
        "procedure_code": _("Procedure"),
        "dossier_code": _("Dossier code"),
        "commune_code": _("Commune or ward"),
        "contact_name": _("Your name"),
        "contact_email": _("E-mail"),
        "contact_phone": _("Phone"),
        "attachments": _("Attachments"),
        "reason": _("Reason"),
        "question": _("Question"),
        "information": _("Information"),
        "answer": _("Answer"),
        "agency_code": _("Agency"),
        "repeat_of": _("Code of the earlier petition on the same matter"),
    }


@public
def send(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    applicant = actor if isinstance(actor, ApplicantActor) else None
    values = {name: request.POST.get(name, request.GET.get(name, "")) for name in SEND_FIELDS}
    province = request.GET.get("province", request.POST.get("province", ""))
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and applicant is None and not _within_send_rate(request):
        errors, status = (
            {"content": _("Too many petitions from your connection; please try again later.")},
            429,
        )
    elif request.method == "POST":
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
        except ValueError:
            key = uuid.uuid4()
        try:
            attachments = _uploads(request, applicant)
            sent = services.send_petition(
                actor=applicant,
                attachments=attachments,
                submission_key=key,
                category=values["category"],
                subject=values["subject"],
                content=values["content"],
                procedure_code=values["procedure_code"],
                dossier_code=values["dossier_code"],
                commune_code=values["commune_code"],
                contact_name=values["contact_name"],
                contact_email=values["contact_email"],
                contact_phone=values["contact_phone"],
            )
        except InvalidText as exc:
            errors, status = exc.fields, 422
        except MotcuaError as exc:  # an upload refused (type, size)
            errors, status = {"attachments": exc.message}, 422
        else:
            return render(
                request, "feedback/petition_sent.html", {"petition": sent.petition, "key": sent.access_key}
            )
    context = {
        "values": values,
        "applicant": applicant,
        "categories": PetitionCategory.choices,
        "procedures": Procedure.objects.filter(is_active=True)
        .order_by("name_vi")
        .only("code", "name_vi", "name_en"),
        "provinces": list(units.list_provinces()),
        "province_code": province,
        "communes": list(units.communes_of_province(province)) if province else [],
        "errors": errors,
        "error_list": field_errors(errors, _labels()),
        "submission_key": uuid.uuid4(),
    }
    return render(request, "feedback/petition_send.html", context, status=status)


def _within_send_rate(request: HttpRequest) -> bool:
    """Anonymous sends per address (spam): ``services.ANONYMOUS_SEND_RATE``."""
    return ratelimit.hit(
        "petitions_sent", ratelimit.client_address(request), services.ANONYMOUS_SEND_RATE
    ).allowed


def _uploads(request: HttpRequest, applicant: ApplicantActor | None) -> list[str]:
    """Each attached file checked and kept as an upload of the petitioner (documents' rules)."""
    files = request.FILES.getlist("attachments")
    if not files:
        return []
    if applicant is None:
        raise InvalidText({"attachments": _("Sign in to attach files.")})
    if len(files) > services.MAX_ATTACHMENTS:
        raise InvalidText(
            {"attachments": _("Attach at most %(count)d files.") % {"count": services.MAX_ATTACHMENTS}}
        )
    return [
        str(
            documents.upload_file(
                actor=applicant,
                chunks=upload.chunks(),
                file_name=upload.name or "tep-tin",
                declared_size=upload.size,
            ).public_id
        )
        for upload in files
    ]


def _petitioner_page(
    request: HttpRequest, petition: Any, *, key: str = "", errors: dict[str, str] | None = None
) -> HttpResponse:
    errors = errors or {}
    context = {
        "petition": petition,
        "steps": list(petition.steps.all()),
        "key": key,
        "errors": errors,
        "error_list": field_errors(errors, _labels()),
        "agency": units.agency_name(petition.agency_code),
    }
    return render(request, "feedback/petition.html", context, status=422 if errors else 200)


@applicant_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.own_petitions(applicant_of(request))[:100])
    return render(request, "feedback/petitions_mine.html", {"petitions": rows})


@applicant_required
def petition(request: HttpRequest, code: str) -> HttpResponse:
    return _petitioner_page(request, services.get_for_petitioner(applicant_of(request), code))


@public
def lookup(request: HttpRequest) -> HttpResponse:
    """A petitioner not signed in follows their petition with its code and key (a POST, so the
    key stays out of addresses and logs)."""
    if request.method == "POST":
        code, key = request.POST.get("code", ""), request.POST.get("key", "")
        try:
            found = services.get_for_petitioner(None, code, key)
        except MotcuaError as exc:
            return render(
                request, "feedback/petition_lookup.html", {"problem": exc.message, "code": code}, status=404
            )
        return _petitioner_page(request, found, key=key)
    # a message's link fills in the code (never the key: ADR 0058)
    return render(request, "feedback/petition_lookup.html", {"code": str(request.GET.get("ma", ""))[:32]})


@public
@require_POST
def provide(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_for(request)
    applicant = actor if isinstance(actor, ApplicantActor) else None
    key = request.POST.get("key", "")
    try:
        found = services.provide_information(
            actor=applicant, code=code, information=request.POST.get("information", ""), access_key=key
        )
    except InvalidText as exc:
        return _petitioner_page(
            request, services.get_for_petitioner(applicant, code, key), key=key, errors=exc.fields
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        found = services.get_for_petitioner(applicant, code, key)
    else:
        messages.success(request, _("Your information was sent; the agency's time limit runs again."))
    if applicant is not None:
        return HttpResponseRedirect(reverse("feedback:petition", args=[found.code]))
    return _petitioner_page(request, found, key=key)


# --- officials -----------------------------------------------------------------------------


@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in PetitionStatus.values:
        status = ""
    deadline = request.GET.get("deadline", "")
    found = selectors.inbox(official_of(request), status=status, deadline=deadline)
    return render(
        request,
        "feedback/inbox.html",
        {
            "inbox": found,
            "status": status,
            "statuses": PetitionStatus.choices,
            "names": units.agency_names({row.petition.agency_code for row in found.rows}),
            "may_enter": bool(official_of(request).agency_codes(*ENTRY_ROLES)),
        },
    )


def _official_page(
    request: HttpRequest,
    code: str,
    *,
    errors: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    actor = official_of(request)
    found = selectors.get_petition(actor, code)
    today = timezone.localdate()
    soon = WorkingCalendar.current().add_working_days(today, 1)
    errors = errors or {}
    context = {
        "petition": found,
        "steps": list(found.steps.all()),
        "deadline": selectors.deadline_of(found, today, soon),
        "agency": units.agency_name(found.agency_code),
        "may_handle": actor.has_role(*services.HANDLING_ROLES, agency_code=found.agency_code),
        "may_publish": actor.has_role(*services.PUBLISHING_ROLES, agency_code=found.agency_code),
        "preview": services.masked_copy(found) if found.status == PetitionStatus.ANSWERED else None,
        "agencies": units.agencies(province_code=_province_of(found.unit_code)).exclude(
            code=found.agency_code
        )[:300],
        "errors": errors,
        "error_list": field_errors(errors, _labels()),
        "problem": problem,
        "repeats": list(selectors.repeats_of(found)),
    }
    return render(request, "feedback/official_petition.html", context, status=status)


def _province_of(unit_code: str) -> str:
    commune = units.find_commune(unit_code) if len(unit_code) == 5 else None
    return commune.province.code if commune else unit_code


@official_required
def official_petition(request: HttpRequest, code: str) -> HttpResponse:
    return _official_page(request, code)


@official_required
@require_POST
def take_step(request: HttpRequest, code: str) -> HttpResponse:
    actor = official_of(request)
    step = request.POST.get("step", "")
    post = request.POST
    if step not in services.STEPS:
        return _official_page(request, code, problem=_("Choose a step."), status=400)
    try:
        services.take_step(actor=actor, code=code, step=step, fields=post)
    except InvalidText as exc:
        return _official_page(request, code, errors=exc.fields, status=422)
    except (Conflict, Forbidden) as exc:
        return _official_page(
            request, code, problem=exc.message, status=409 if isinstance(exc, Conflict) else 403
        )
    messages.success(request, _("Done."))
    if selectors.petitions_of(actor).filter(code=code).exists():
        return HttpResponseRedirect(reverse("feedback:official-petition", args=[code]))
    return HttpResponseRedirect(reverse("feedback:inbox"))  # transferred out of the official's scope


@official_required
def petition_file(request: HttpRequest, code: str, public_id: str) -> FileResponse:
    stored = selectors.get_petition_file(official_of(request), code, public_id)
    return file_response(stored.storage_name, stored.content_type, stored.original_name)
