"""The public status lookup: the dossier's code and a second factor (the receipt's PIN or the
applicant's ID number) give its status and nothing personal; failures are throttled per address.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.labels import label_for, localised
from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound
from motcua.dossiers.models import (
    Dossier,
)
from motcua.dossiers.selectors.dossiers import agency_name

# --- Public status lookup ----------------------------------------------------------------------


def lookup_pin(code: str) -> str:
    """The 8-digit PIN printed on the receipt: derived from the code with a server secret, so it
    needs no storage and cannot be guessed from the code."""
    key = hmac.new(settings.SECRET_KEY.encode(), b"motcua dossier lookup pin", hashlib.sha256).digest()
    number = int.from_bytes(hmac.new(key, code.encode(), hashlib.sha256).digest()[:8], "big")
    return f"{number % 100_000_000:08d}"


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code and the second factor may learn: no personal data."""

    code: str
    procedure_name: str
    agency_name: str
    status: str
    status_label: str
    received_at: datetime.datetime
    due_on: datetime.date | None


def public_status(code: str, second_factor: str) -> PublicStatus:
    """The status of the dossier ``code`` if ``second_factor`` is its receipt PIN or the
    applicant's personal ID number (or enterprise code); ``NotFound`` otherwise, the same for a
    wrong code and a wrong factor."""
    factor = "".join(second_factor.split())
    dossier = (
        Dossier.objects.select_related("procedure", "applicant").filter(code=code.strip()).first()
        if factor
        else None
    )
    if dossier is None:
        raise NotFound(str(LOOKUP_NOT_FOUND))
    known = [
        lookup_pin(dossier.code),
        dossier.applicant.personal_id or "",
        dossier.applicant.enterprise_code or "",
    ]
    if not any(value and hmac.compare_digest(value, factor) for value in known):
        raise NotFound(str(LOOKUP_NOT_FOUND))
    return PublicStatus(
        code=dossier.code,
        procedure_name=localised({"vi": dossier.procedure.name_vi, "en": dossier.procedure.name_en}),
        agency_name=agency_name(dossier.agency_code),
        status=dossier.status,
        status_label=label_for("dossier_status", dossier.status),
        received_at=dossier.received_at,
        due_on=dossier.due_on,
    )


LOOKUP_NOT_FOUND = gettext_lazy(
    "No dossier matches this code and this number. Check both as printed on your receipt."
)


class LookupBlocked(MotcuaError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too many unsuccessful lookups from your address. Try again later."))
        self.retry_after = retry_after


def throttled_public_status(address: str, code: str, second_factor: str) -> PublicStatus:
    """``public_status``, refused for an address after too many misses (the per-address request
    rate of public lookups applies on top, in the rate-limit middleware)."""
    rates = [ratelimit.configured_rate("lookup_failures_address")]
    verdict = ratelimit.is_blocked("dossier_lookup", address, rates)
    if not verdict.allowed:
        raise LookupBlocked(verdict.retry_after)
    try:
        return public_status(code, second_factor)
    except NotFound:
        ratelimit.record_failure("dossier_lookup", address, rates)
        raise
