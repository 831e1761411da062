"""Reads of stored files, results and wallets, scoped to the actor: an applicant sees the files,
results and wallet of everyone they may act for (themself and those they represent); an
official sees a file through the dossier it is attached to (dossiers app) and the results
their own agencies issued. The public sees a result only by its number and check code
together, and then only its status, issuer, date and holder's initials."""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound
from motcua.documents.models import ResultDocument, StoredFile, WalletItem
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor, OfficialActor, RequestActor

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier


def files_of(actor: RequestActor | None) -> QuerySet[StoredFile]:
    if not isinstance(actor, ApplicantActor):
        return StoredFile.objects.none()
    owners = [applicant.pk for applicant in identity.applicants_actor_may_act_for(actor)]
    return (
        StoredFile.objects.filter(owner_id__in=owners).select_related("owner").order_by("-created_at", "-id")
    )


def get_file(actor: RequestActor | None, public_id: uuid.UUID | str) -> StoredFile:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("No such file.") from None
    stored = files_of(actor).filter(public_id=key).first()
    if stored is None:
        raise NotFound("No such file.")
    return stored


def parse_uuid(public_id: uuid.UUID | str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(public_id))
    except ValueError:
        return None


def results_issued_by(actor: RequestActor | None) -> QuerySet[ResultDocument]:
    """Results the official's agencies issued (any role there), newest first."""
    if not isinstance(actor, OfficialActor):
        return ResultDocument.objects.none()
    return (
        ResultDocument.objects.filter(agency_code__in=actor.agency_codes())
        .select_related("dossier", "file")
        .order_by("-issued_on", "-id")
    )


def get_issued_result(
    actor: RequestActor | None, public_id: uuid.UUID | str, *, for_update: bool = False
) -> ResultDocument:
    key = parse_uuid(public_id)
    found = results_issued_by(actor).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such result."))
    if for_update:
        return ResultDocument.objects.select_for_update().get(pk=found.pk)
    return found


def results_of(actor: RequestActor | None) -> QuerySet[ResultDocument]:
    """Results issued to the applicant or to those they act for."""
    if not isinstance(actor, ApplicantActor):
        return ResultDocument.objects.none()
    owners = [applicant.pk for applicant in identity.applicants_actor_may_act_for(actor)]
    return (
        ResultDocument.objects.filter(holder_id__in=owners)
        .select_related("file")
        .order_by("-issued_on", "-id")
    )


def public_result(number: str, check_code: str) -> ResultDocument:
    """The QR code's lookup: the number and the check code together, else ``NotFound`` (the same
    answer for a wrong code as for no document, so numbers cannot be probed)."""
    found = ResultDocument.objects.filter(number=number.strip()[:80]).first()
    given = check_code.strip().upper()[:12]
    if found is None or not secrets.compare_digest(found.check_code.encode(), given.encode()):
        raise NotFound(_("No document has this number and check code."))
    return found


class LookupBlocked(MotcuaError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too many unsuccessful lookups from your address. Try again later."))
        self.retry_after = retry_after


def throttled_public_result(address: str, number: str, check_code: str) -> ResultDocument:
    """``public_result``, refused for an address after too many misses (shared with the dossier
    status lookup's failure budget: both are probes of a code space)."""
    rates = [ratelimit.configured_rate("lookup_failures_address")]
    verdict = ratelimit.is_blocked("result_lookup", address, rates)
    if not verdict.allowed:
        raise LookupBlocked(verdict.retry_after)
    try:
        return public_result(number, check_code)
    except NotFound:
        ratelimit.record_failure("result_lookup", address, rates)
        raise


def is_issued_file(sha256: str) -> bool:
    """Whether these exact bytes are a result the platform issued."""
    return StoredFile.objects.filter(sha256=sha256).exclude(issued_by_agency="").exists()


def result_by_digest(digest: str) -> ResultDocument | None:
    """The result a verified PDF's signature belongs to (public verifier: the signature proved it)."""
    return ResultDocument.objects.filter(digest=digest).first()


def wallet_of(actor: RequestActor | None) -> QuerySet[WalletItem]:
    """The wallet documents of the applicant and of those they act for (removed ones left out)."""
    if not isinstance(actor, ApplicantActor):
        return WalletItem.objects.none()
    owners = [applicant.pk for applicant in identity.applicants_actor_may_act_for(actor)]
    return (
        WalletItem.objects.filter(owner_id__in=owners, removed_at__isnull=True)
        .select_related("file", "result", "owner")
        .order_by("-added_at", "-id")
    )


def result_for_dossier(dossier: Dossier) -> ResultDocument | None:
    """The signed result of a dossier the caller already obtained through a scoped selector
    (``dossiers.selectors.get_dossier``): whoever may see the dossier may see its result."""
    return ResultDocument.objects.filter(dossier=dossier).select_related("file", "approved_by").first()
