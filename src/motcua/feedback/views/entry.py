"""An official enters a petition received by letter, by phone or in person, on the petitioner's
behalf (``services.entry``): the form, then the code and key to hand over."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.errors import Forbidden
from motcua.core.inputs import InvalidText
from motcua.feedback.models import STAFF_CHANNELS, PetitionCategory, PetitionChannel
from motcua.feedback.services import entry
from motcua.feedback.views.common import field_errors
from motcua.feedback.views.petitions import _labels
from motcua.identity.permissions import official_of, official_required
from motcua.units import selectors as units

ENTRY_FIELDS = (
    "agency_code",
    "channel",
    "category",
    "subject",
    "content",
    "procedure_code",
    "contact_name",
    "contact_email",
    "contact_phone",
)


@official_required
def record(request: HttpRequest) -> HttpResponse:
    actor = official_of(request)
    agencies = entry.entry_agencies(actor)
    if not agencies:
        raise Forbidden(_("Your role at this agency does not allow entering petitions."))
    values = {name: str(request.POST.get(name, "")) for name in ENTRY_FIELDS}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        try:
            key = uuid.UUID(request.POST.get("submission_key", ""))
        except ValueError:
            key = uuid.uuid4()
        scans = [
            entry.Scan(file_name=upload.name or "thu", chunks=upload.chunks(), size=upload.size)
            for upload in request.FILES.getlist("attachments")
        ]
        try:
            sent = entry.record_petition(
                actor=actor,
                agency_code=values["agency_code"] or agencies[0],
                channel=values["channel"],
                category=values["category"],
                subject=values["subject"],
                content=values["content"],
                procedure_code=values["procedure_code"],
                contact_name=values["contact_name"],
                contact_email=values["contact_email"],
                contact_phone=values["contact_phone"],
                scans=scans,
                submission_key=key,
            )
        except InvalidText as exc:
            errors, status = exc.fields, 422
        else:
            return render(
                request, "feedback/entry_done.html", {"petition": sent.petition, "key": sent.access_key}
            )
    labels = {**_labels(), "channel": _("How it was received"), "contact_name": _("Petitioner's name")}
    context = {
        "values": values,
        "agencies": [(code, units.agency_name(code)) for code in agencies],
        "channels": [(c.value, c.label) for c in STAFF_CHANNELS],
        "letter": PetitionChannel.LETTER,
        "categories": [c for c in PetitionCategory.choices if c[0] != PetitionCategory.DOSSIER],
        "procedures": Procedure.objects.filter(is_active=True)
        .order_by("name_vi")
        .only("code", "name_vi", "name_en"),
        "errors": errors,
        "error_list": field_errors(errors, labels),
        "submission_key": uuid.uuid4(),
    }
    return render(request, "feedback/entry.html", context, status=status)
