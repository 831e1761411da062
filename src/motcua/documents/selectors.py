"""Reads of stored files, results and wallets, scoped to the actor: an applicant sees the files,
results and wallet of everyone they may act for (themself and those they represent); an
official sees a file through the dossier it is attached to (dossiers app) and the results
their own agencies issued. The public sees a result only by its number and check code
together, and then only its status, issuer, date and holder's initials."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog
from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound
from motcua.documents.models import (
    IssuedKind,
    ResultDocument,
    ShareLink,
    ShareOpening,
    StoredFile,
    WalletItem,
    WalletItemKind,
)
from motcua.identity import selectors as identity
from motcua.identity.actors import ApplicantActor, OfficialActor, RequestActor
from motcua.units import selectors as units

if TYPE_CHECKING:
    from motcua.documents.results import ResultSubject


def files_of(actor: RequestActor | None) -> QuerySet[StoredFile]:
    if not isinstance(actor, ApplicantActor):
        return StoredFile.objects.none()
    owners = [applicant.pk for applicant in identity.applicants_actor_may_act_for(actor)]
    found = StoredFile.objects.filter(owner_id__in=owners)
    if actor.organisation_scope:  # an employee authorised for some procedures: what they uploaded
        found = found.filter(uploaded_by_id=actor.applicant_id)
    return found.select_related("owner").order_by("-created_at", "-id")


def get_file(actor: RequestActor | None, public_id: uuid.UUID | str) -> StoredFile:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("No such file.")) from None
    stored = files_of(actor).filter(public_id=key).first()
    if stored is None:
        raise NotFound(_("No such file."))
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
    found = ResultDocument.objects.filter(holder_id__in=owners)
    if actor.organisation_scope:  # an employee sees the results of the procedures they act in
        found = found.filter(dossier__procedure__code__in=actor.organisation_scope)
    return found.select_related("file").order_by("-issued_on", "-id")


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
    found = WalletItem.objects.filter(owner_id__in=owners, removed_at__isnull=True)
    if actor.organisation_scope:  # an employee: the results of the procedures they act in
        found = found.filter(result__dossier__procedure__code__in=actor.organisation_scope)
    return found.select_related("file", "result", "owner").order_by("-added_at", "-id")


def result_for_dossier(dossier: ResultSubject) -> ResultDocument | None:
    """The signed result of a dossier the caller already obtained through a scoped selector
    (``dossiers.selectors.dossiers.get_dossier``): whoever may see the dossier may see its result."""
    return (
        ResultDocument.objects.filter(dossier_id=dossier.pk, kind=IssuedKind.RESULT)
        .select_related("file", "approved_by")
        .first()
    )


# --- The data wallet -----------------------------------------------------------------------------


class Validity(StrEnum):
    """A wallet document's standing, as the holder, a later procedure and a share link show it."""

    VALID = "valid"  # an agency's signed result, in force
    EXPIRED = "expired"  # past its ``valid_until``
    REVOKED = "revoked"  # revoked by the issuing agency
    UNVERIFIED = "unverified"  # a file the holder kept: nobody vouches for it


VALIDITY_LABELS = {
    Validity.VALID: gettext_lazy("Valid"),
    Validity.EXPIRED: gettext_lazy("Expired"),
    Validity.REVOKED: gettext_lazy("Revoked by the issuing agency"),
    Validity.UNVERIFIED: gettext_lazy("Kept by you (not issued by an agency)"),
}


def validity_of(item: WalletItem, *, today: datetime.date | None = None) -> Validity:
    """From the result's record for an issued document (its revocation and end of validity are
    the agency's), ``unverified`` for a file the holder kept."""
    result = item.result
    if result is None:
        return Validity.UNVERIFIED
    if result.revoked_at is not None:
        return Validity.REVOKED
    valid_until = result.valid_until or item.valid_until
    if valid_until is not None and valid_until < (today or timezone.localdate()):
        return Validity.EXPIRED
    return Validity.VALID


def valid_until_of(item: WalletItem) -> datetime.date | None:
    return item.result.valid_until if item.result is not None else item.valid_until


def get_wallet_item(actor: RequestActor | None, public_id: uuid.UUID | str) -> WalletItem:
    """One document of the actor's wallet (or of someone they act for); removed ones are gone."""
    key = parse_uuid(public_id)
    found = wallet_of(actor).filter(public_id=key).first() if key else None
    if found is None:
        raise NotFound(_("No such document in your data wallet."))
    return found


def wallet_matches(actor: RequestActor | None, *, owner_id: int, document_type: str) -> list[WalletItem]:
    """The wallet documents of ``owner_id`` a component asking for ``document_type`` (a result
    type) may reuse — only results carry a type, so only results match — newest first. Revoked
    and expired ones are included (the page says why they cannot be used)."""
    if not document_type:
        return []
    return list(wallet_of(actor).filter(owner_id=owner_id, kind="result", document_type=document_type))


def shares_of(item: WalletItem) -> list[ShareLink]:
    """The links made for a document (the caller has checked the actor sees it), newest first,
    each with its openings."""
    return list(
        ShareLink.objects.filter(item=item)
        .prefetch_related(Prefetch("openings", queryset=ShareOpening.objects.order_by("-opened_at", "-id")))
        .order_by("-created_at", "-id")
    )


def get_share(
    actor: RequestActor | None, public_id: uuid.UUID | str, *, for_update: bool = False
) -> ShareLink:
    """A link to a document of the actor's wallet (whoever of those acting for its holder made it)."""
    key = parse_uuid(public_id)
    found = (
        ShareLink.objects.filter(public_id=key, item__in=wallet_of(actor)).select_related("item").first()
        if key
        else None
    )
    if found is None:
        raise NotFound(_("No such share link."))
    if for_update:
        return ShareLink.objects.select_for_update().select_related("item").get(pk=found.pk)
    return found


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_share_active(link: ShareLink, *, now: datetime.datetime | None = None) -> bool:
    return (
        link.revoked_at is None and link.expires_at > (now or timezone.now()) and link.item.removed_at is None
    )


def active_share(token: str, *, now: datetime.datetime | None = None) -> ShareLink:
    """The link a visitor's token opens, while it is valid: not revoked, not expired, its document
    still in the wallet. ``NotFound`` otherwise — the same for an unknown, an expired and a
    revoked token, so a visitor learns nothing from a dead link."""
    cleaned = token.strip()
    link = (
        ShareLink.objects.filter(token_hash=token_hash(cleaned))
        .select_related("item", "item__result", "item__file", "item__owner")
        .first()
        if 20 <= len(cleaned) <= 100
        else None
    )
    if link is None or not is_share_active(link, now=now):
        raise NotFound(str(SHARE_NOT_FOUND))
    return link


SHARE_NOT_FOUND = gettext_lazy(
    "This link does not exist or is no longer valid. Ask the person who shared it for a new one."
)


class ShareLookupBlocked(MotcuaError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too many unusable links opened from your address. Try again later."))
        self.retry_after = retry_after


def throttled_active_share(address: str, token: str) -> ShareLink:
    """``active_share``, refused for an address after too many dead or unknown tokens (the
    per-address request rate of public pages applies on top, in the rate-limit middleware)."""
    rates = [ratelimit.configured_rate("share_failures_address")]
    verdict = ratelimit.is_blocked("share_link", address, rates)
    if not verdict.allowed:
        raise ShareLookupBlocked(verdict.retry_after)
    try:
        return active_share(token)
    except NotFound:
        ratelimit.record_failure("share_link", address, rates)
        raise


@dataclass(frozen=True)
class WalletRow:
    """One wallet document as the pages and the API show it."""

    item: WalletItem
    kind_label: str
    validity: Validity
    validity_label: str
    valid_until: datetime.date | None
    number: str  # the result's number ("" for a kept file)
    removable: bool  # only documents the holder kept; a result stays
    title: str = ""  # in the reader's language where the catalog has it (the stored title else)
    issuer: str = ""  # the issuing agency's name in the reader's language


def item_title(item: WalletItem) -> str:
    """A result's title in the reader's language: the catalog's English name of its result type
    in English (the document itself is in Vietnamese), else the stored title."""
    if item.document_type and (get_language() or "vi").startswith("en"):
        english = catalog.result_name(item.document_type).get("en")
        if english:
            return english
    return item.title


def item_issuer(item: WalletItem) -> str:
    """The issuing agency's name in the reader's language (the stored name when unknown)."""
    if item.result is not None and (get_language() or "vi").startswith("en"):
        return units.agency_names([item.result.agency_code]).get(item.result.agency_code, item.issuer)
    return item.issuer


KIND_LABELS = {
    WalletItemKind.RESULT: gettext_lazy("Result issued by an agency"),
    WalletItemKind.UPLOAD: gettext_lazy("Kept by you"),
}


def wallet_row(item: WalletItem) -> WalletRow:
    validity = validity_of(item)
    return WalletRow(
        item=item,
        kind_label=str(KIND_LABELS.get(WalletItemKind(item.kind), item.kind)),
        validity=validity,
        validity_label=str(VALIDITY_LABELS[validity]),
        valid_until=valid_until_of(item),
        number=item.result.number if item.result is not None else "",
        removable=item.kind == WalletItemKind.UPLOAD,
        title=item_title(item),
        issuer=item_issuer(item),
    )


@dataclass(frozen=True)
class ShareRow:
    link: ShareLink
    state: str  # active | expired | revoked
    state_label: str
    openings: list[ShareOpening]


SHARE_STATE_LABELS = {
    "active": gettext_lazy("Active"),
    "expired": gettext_lazy("Expired"),
    "revoked": gettext_lazy("Revoked"),
}


def share_state(link: ShareLink, *, now: datetime.datetime | None = None) -> str:
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= (now or timezone.now()):
        return "expired"
    return "active"


def share_row(link: ShareLink) -> ShareRow:
    state = share_state(link)
    return ShareRow(
        link=link, state=state, state_label=str(SHARE_STATE_LABELS[state]), openings=list(link.openings.all())
    )


def receipt_for_dossier(dossier: ResultSubject) -> ResultDocument | None:
    """The electronic receipt of a dossier's paid fee (``documents.receipts``), for a caller that
    already obtained the dossier through a scoped selector."""
    return (
        ResultDocument.objects.filter(dossier_id=dossier.pk, kind=IssuedKind.RECEIPT)
        .select_related("file")
        .first()
    )
