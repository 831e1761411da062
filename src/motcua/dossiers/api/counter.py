"""The counter's API: a reception officer receives a dossier for a person at the counter or by
post, with scans of the paper documents (officials only, reception role).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from motcua.api.errors import DENIALS, ErrorOut
from motcua.dossiers.api.counter_schemas import CounterDossierIn, CounterIncompleteOut
from motcua.dossiers.api.schemas import OfficialDossierOut, official_out
from motcua.dossiers.services import counter as counter_services
from motcua.identity.permissions import (
    official_auth,
    official_of,
)

router = Router()  # tagged "dossiers" where mounted (api/__init__.py)


@router.post(
    "/counter/dossiers",
    auth=official_auth,
    response={201: OfficialDossierOut, 400: ErrorOut, 422: CounterIncompleteOut, **DENIALS},
    summary="Receive a dossier at the counter or by post for a person, with scans of the paper documents",
    description=(
        "Multipart: the fields below, and one file part `scans` per scanned component, named in "
        "`scan_components` in the same order. Reception officers only (403 for other officials, "
        "404 for an agency where the caller does not receive). 422 lists every problem with the "
        "person's identity (`person`), the form (`fields`) and the scans (`components`); nothing "
        "is kept then. The same `key` again returns the dossier received the first time."
    ),
)
def receive_at_counter(
    request: HttpRequest,
    data: Form[CounterDossierIn],
    scans: File[list[UploadedFile]] = [],  # noqa: B006 (ninja reads the default, never mutates it)
) -> Status[dict[str, Any]]:
    files = list(scans)
    if len(files) != len(data.scan_components) or len(set(data.scan_components)) != len(files):
        return Status(
            400,
            {"code": "invalid_input", "message": _("Name the component of every scan, each once.")},
        )
    try:
        entries = json.loads(data.entries or "{}")
    except (ValueError, RecursionError):  # not JSON, or nested beyond what the parser follows
        entries = None
    if not isinstance(entries, dict):
        return Status(400, {"code": "invalid_input", "message": _("The entries must be a JSON object.")})
    try:
        dossier = counter_services.receive_at_counter(
            actor=official_of(request),
            procedure_code=data.procedure,
            channel=data.channel,
            agency_code=data.agency,
            commune_code=data.commune_code,
            person=counter_services.Person(
                personal_id=data.personal_id,
                full_name=data.full_name,
                birth_date=data.birth_date,
                identity_check=data.identity_check,
            ),
            entries=entries,
            scans={
                component: counter_services.Scan(
                    chunks=upload.chunks(), file_name=upload.name or "ban-quet", size=upload.size
                )
                for component, upload in zip(data.scan_components, files, strict=True)
            },
            key=data.key,
        )
    except counter_services.IncompleteReception as exc:
        body = {
            "code": "incomplete",
            "message": exc.message,
            "fields": exc.fields,
            "components": exc.components,
            "person": exc.person,
        }
        return Status(422, body)
    return Status(201, official_out(dossier, official_of(request)))
