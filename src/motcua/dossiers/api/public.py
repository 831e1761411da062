"""The public status lookup: anyone holding a dossier's code and its receipt PIN (or the applicant's
ID number) learns its status, nothing personal; rate-limited, the same 404 for every miss.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from motcua.api.errors import ErrorOut
from motcua.core import ratelimit
from motcua.core.errors import NotFound
from motcua.core.middleware import too_many_requests
from motcua.dossiers.api.public_schemas import LookupIn, PublicStatusOut
from motcua.dossiers.selectors import lookup as lookup_selectors
from motcua.identity.permissions import (
    public,
)

router = Router()  # tagged "dossiers" where mounted (api/__init__.py)


@router.post(
    "/dossier-status",
    response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public lookup of a dossier's status by its code and PIN (or the applicant's ID number)",
    description="The same 404 for a wrong code and a wrong number; no personal data; rate-limited.",
)
@public
def lookup_dossier(request: HttpRequest, body: LookupIn) -> Status[Any] | HttpResponse:
    try:
        status = lookup_selectors.throttled_public_status(
            ratelimit.client_address(request), body.code, body.factor
        )
    except lookup_selectors.LookupBlocked as exc:
        response = too_many_requests(request, exc.retry_after)  # with Retry-After
        return response
    except NotFound as exc:
        return Status(404, {"code": "not_found", "message": exc.message})
    return Status(200, vars(status))
