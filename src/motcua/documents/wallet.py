"""Writes of the data wallet (kho quản lý dữ liệu điện tử): results land there when they are
returned; holders keep uploads there, reuse documents in later procedures and share them by
time-limited links. Every write records its audit entry and event in the same transaction.

Who may do what (the selectors scope every read to the actor's wallet: their own documents and
those of the people they act for):

- keep one of their files (an upload or a counter scan; a result arrives by itself);
- remove a document they kept — never a result: the agency issued it to the holder, and it
  stays in the wallet for as long as the record exists (revoked or not);
- share one document by a link valid from ``SHARE_MIN`` to ``SHARE_MAX`` (``SHARE_DEFAULT`` when
  not said), with a note of whom it is for, and revoke the link. The token is shown once; only
  its SHA-256 is kept;
- a visitor's opening of a valid link is logged with the network, not the address (/24 for IPv4,
  /48 for IPv6), and the browser's family and system, not its full description.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.actors import Actor, ActorRef
from motcua.core.errors import Conflict, ErrorCode, Forbidden, MotcuaError
from motcua.core.services import record_change
from motcua.core.types import EventType
from motcua.documents import selectors
from motcua.documents.models import (
    ResultDocument,
    ShareLink,
    ShareOpening,
    WalletItem,
    WalletItemKind,
)
from motcua.identity.actors import ApplicantActor

SHARE_MIN = datetime.timedelta(hours=1)
SHARE_MAX = datetime.timedelta(days=30)
SHARE_DEFAULT = datetime.timedelta(days=7)
TOKEN_BYTES = 32  # 256 bits: a link cannot be guessed; 43 characters in the URL
# a visitor of a share link, as the audit log names them (no account, no address)
VISITOR = ActorRef(kind="public", id="share-link-visitor")


def add_result(*, actor: Actor, result: ResultDocument) -> WalletItem:
    """Put a returned result in its holder's wallet (idempotent: once per result)."""
    with transaction.atomic():
        existing = WalletItem.objects.filter(result=result).first()
        if existing is not None:
            return existing
        item = WalletItem.objects.create(
            owner_id=result.holder_id,
            kind=WalletItemKind.RESULT,
            document_type=result.result_type,
            title=result.title,
            issuer=result.agency_name,
            issued_on=result.issued_on,
            valid_until=result.valid_until,
            file_id=result.file_id,
            result=result,
        )
        record_change(
            actor=actor,
            type=EventType.WALLET_ITEM_ADDED,
            subject_type="documents.wallet_item",
            subject_id=str(item.public_id),
            agency_code=result.agency_code,
            changes={"kind": [None, item.kind]},
            payload={"result": str(result.public_id), "document_type": item.document_type},
        )
    return item


def keep_upload(*, actor: ApplicantActor, file_public_id: str, title: str = "") -> WalletItem:
    """Keep one of the actor's files (or of someone they act for) in its owner's wallet.

    Keeping it again returns the same document; a document removed earlier comes back. Files an
    agency issued are not kept this way: a result enters the wallet when it is returned."""
    with transaction.atomic():
        stored = selectors.get_file(actor, file_public_id)
        if stored.issued_by_agency:
            raise MotcuaError(
                _("This is a result issued by an agency: it enters your data wallet when it is returned.")
            )
        title = " ".join(title.split())[:200] or stored.original_name
        item = WalletItem.objects.select_for_update().filter(owner_id=stored.owner_id, file=stored).first()
        if item is not None and item.removed_at is None:
            return item
        if item is None:
            try:
                with transaction.atomic():  # two keeps at once: the second finds the first's
                    item = WalletItem.objects.create(
                        owner_id=stored.owner_id, kind=WalletItemKind.UPLOAD, title=title, file=stored
                    )
            except IntegrityError:
                return WalletItem.objects.get(owner_id=stored.owner_id, file=stored)
            old = None
        else:
            item.removed_at = None
            item.title = title
            item.added_at = timezone.now()
            item.save(update_fields=["removed_at", "title", "added_at"])
            old = "removed"
        record_change(
            actor=actor,
            type=EventType.WALLET_ITEM_ADDED,
            subject_type="documents.wallet_item",
            subject_id=str(item.public_id),
            changes={"kind": [None, item.kind], "state": [old, "kept"]},
            payload={"file": str(stored.public_id), "owner": str(stored.owner.public_id)},
        )
    return item


def remove_item(*, actor: ApplicantActor, public_id: str) -> WalletItem:
    """Take a kept document out of the wallet (the file itself stays among the owner's files, and
    a dossier it was used in keeps it). Its share links stop working. A result cannot be removed."""
    with transaction.atomic():
        item = selectors.get_wallet_item(actor, public_id)
        item = WalletItem.objects.select_for_update().get(pk=item.pk)
        if item.kind == WalletItemKind.RESULT:
            raise Forbidden(
                _(
                    "A result issued by an agency cannot be removed from your data wallet: it is the "
                    "electronic original the agency issued to you. Only documents you kept yourself "
                    "can be removed."
                ),
                code=ErrorCode.RESULT_NOT_REMOVABLE,
            )
        now = timezone.now()
        item.removed_at = now
        item.save(update_fields=["removed_at"])
        live = list(
            ShareLink.objects.select_for_update().filter(
                item=item, revoked_at__isnull=True, expires_at__gt=now
            )
        )
        # one audit entry for the step, naming the links it stopped (not one per link)
        ShareLink.objects.filter(pk__in=[link.pk for link in live]).update(revoked_at=now)
        revoked = [str(link.public_id) for link in live]
        record_change(
            actor=actor,
            type=EventType.WALLET_ITEM_REMOVED,
            subject_type="documents.wallet_item",
            subject_id=str(item.public_id),
            changes={"removed_at": [None, now.isoformat()], "shares_revoked": [[], revoked]},
            payload={"shares_revoked": revoked},
        )
    return item


# --- Reuse in a later procedure -------------------------------------------------------------------


def reusable_item(
    *, actor: ApplicantActor, item_public_id: str, owner_id: int, document_type: str
) -> WalletItem:
    """The wallet document a dossier component of ``owner_id`` may take (checked again at
    submission): one of the actor's wallet, of that owner, of the type the component asks for,
    neither revoked nor expired. Raises with the reason otherwise, changing nothing."""
    item = selectors.get_wallet_item(actor, item_public_id)
    if item.owner_id != owner_id:
        raise MotcuaError(
            _(
                "This document is in the data wallet of someone else: "
                "use one of the applicant's own documents."
            )
        )
    if not document_type or item.document_type != document_type:
        raise MotcuaError(_("This document is not of the kind this component asks for."))
    check_usable(item)
    return item


def check_usable(item: WalletItem) -> None:
    """Refuse a revoked or expired document (``Conflict``: its state forbids it)."""
    validity = selectors.validity_of(item)
    if validity == selectors.Validity.REVOKED:
        raise Conflict(
            _(
                "The issuing agency has revoked this document: it can no longer be used. "
                "Upload another document or ask the agency for a new one."
            ),
            code=ErrorCode.DOCUMENT_REVOKED,
        )
    if validity == selectors.Validity.EXPIRED:
        raise Conflict(
            _("This document has expired: it can no longer be used."), code=ErrorCode.DOCUMENT_EXPIRED
        )


# --- Sharing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewShare:
    link: ShareLink
    token: str  # shown to the holder once; only its hash is kept


def create_share(
    *,
    actor: ApplicantActor,
    item_public_id: str,
    valid_for: datetime.timedelta = SHARE_DEFAULT,
    recipient: str = "",
) -> NewShare:
    """A link a third party can open without signing in, to see and download one document until
    it expires or is revoked. A revoked document cannot be shared."""
    if not SHARE_MIN <= valid_for <= SHARE_MAX:
        raise MotcuaError(_("A link can be valid from one hour to 30 days."))
    with transaction.atomic():
        item = selectors.get_wallet_item(actor, item_public_id)
        if selectors.validity_of(item) == selectors.Validity.REVOKED:
            raise Conflict(
                _("The issuing agency has revoked this document: it cannot be shared."),
                code=ErrorCode.DOCUMENT_REVOKED,
            )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = timezone.now()
        link = ShareLink.objects.create(
            item=item,
            token_hash=selectors.token_hash(token),
            recipient=" ".join(recipient.split())[:200],
            created_by_id=actor.applicant_id,
            created_at=now,
            expires_at=now + valid_for,
        )
        record_change(
            actor=actor,
            type=EventType.SHARE_CREATED,
            subject_type="documents.share_link",
            subject_id=str(link.public_id),
            changes={"expires_at": [None, link.expires_at.isoformat()]},
            payload={"item": str(item.public_id)},  # the note may name a person: not in the log
        )
    return NewShare(link=link, token=token)


def revoke_share(*, actor: ApplicantActor, public_id: str) -> ShareLink:
    """Stop a link now (revoking again, or a link already expired, changes nothing)."""
    with transaction.atomic():
        link = selectors.get_share(actor, public_id, for_update=True)
        now = timezone.now()
        if link.revoked_at is None and link.expires_at > now:
            _revoke(actor, link, now, why="holder")
    return link


def _revoke(actor: Actor, link: ShareLink, now: datetime.datetime, *, why: str) -> None:
    link.revoked_at = now
    link.save(update_fields=["revoked_at"])
    record_change(
        actor=actor,
        type=EventType.SHARE_REVOKED,
        subject_type="documents.share_link",
        subject_id=str(link.public_id),
        changes={"revoked_at": [None, now.isoformat()]},
        payload={"item": str(link.item.public_id), "why": why},
    )


def record_opening(*, token: str, address: str, user_agent: str, downloaded: bool) -> ShareLink:
    """A visitor opened (or downloaded through) a valid link: log it for the holder. ``NotFound``
    for an unknown, expired or revoked token, and nothing is written."""
    with transaction.atomic():
        link = selectors.active_share(token)
        opening = ShareOpening.objects.create(
            link=link,
            network=truncated_network(address),
            user_agent=short_user_agent(user_agent),
            downloaded=downloaded,
        )
        record_change(
            actor=VISITOR,
            type=EventType.SHARE_OPENED,
            subject_type="documents.share_link",
            subject_id=str(link.public_id),
            changes={"openings": [None, opening.pk]},
            payload={"item": str(link.item.public_id), "downloaded": downloaded},
        )
    return link


def truncated_network(address: str) -> str:
    """The network an address belongs to, not the address: ``203.0.113.0/24`` for IPv4,
    ``2001:db8:1234::/48`` for IPv6 (an IPv4 address written as IPv6 counts as IPv4); "" when it
    is not an address."""
    try:
        parsed = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return ""
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


_BROWSERS = (  # the first that matches names the browser (Edge and Opera also say "Chrome")
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\bOPR/(\d+)")),
    ("Cốc Cốc", re.compile(r"\bcoc_coc_browser/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/")),
    ("curl", re.compile(r"^curl/(\d+)")),
)
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iOS", re.compile(r"\b(?:iPhone|iPad|iPod)\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def short_user_agent(user_agent: str) -> str:
    """The browser's family, major version and system ("Firefox 128, Windows"), enough for a holder
    to recognise an opening, not to fingerprint a visitor; "" when nothing is recognised."""
    text = user_agent[:1000]
    browser = next(
        (f"{name} {match.group(1)}" for name, pattern in _BROWSERS if (match := pattern.search(text))), ""
    )
    system = next((name for name, pattern in _SYSTEMS if pattern.search(text)), "")
    return ", ".join(part for part in (browser, system) if part)
