"""REST API of the data wallet: the holder's documents with their validity, one document with its
share links and their openings, the signed file unchanged, keeping a file, removing a kept one,
creating and revoking share links. Applicant-only; the public page of a link is not in the API."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema, Status

from motcua.api.errors import DENIALS, ErrorOut
from motcua.documents import selectors, wallet
from motcua.documents.models import ShareLink, WalletItem
from motcua.documents.views import file_response
from motcua.documents.wallet_views import share_url
from motcua.identity.permissions import applicant_auth, applicant_of

router = Router(tags=["wallet"])


class WalletItemOut(Schema):
    id: str
    owner: str  # the holder's public id (the caller, or someone they act for)
    owner_name: str
    kind: str  # result | upload
    kind_label: str
    document_type: str  # the result type ("" for a kept file)
    title: str
    issuer: str
    issued_on: datetime.date | None
    valid_until: datetime.date | None
    validity: str  # valid | expired | revoked | unverified (a kept file)
    validity_label: str
    number: str  # the result's number
    file: str  # the stored file's id
    content_type: str
    size: int
    added_at: datetime.datetime
    removable: bool


class OpeningOut(Schema):
    opened_at: datetime.datetime
    network: str  # the /24 (IPv4) or /48 (IPv6), never the address
    user_agent: str  # browser family and system
    downloaded: bool


class ShareOut(Schema):
    id: str
    recipient: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    state: str  # active | expired | revoked
    openings: list[OpeningOut]


class WalletItemDetailOut(WalletItemOut):
    shares: list[ShareOut]


class KeepIn(Schema):
    file: str = Field(..., max_length=64)  # one of your files (GET /files)
    title: str = Field("", max_length=200)


class ShareIn(Schema):
    valid_for_hours: int = Field(168, ge=1, le=720)  # 1 hour to 30 days; 7 days by default
    recipient: str = Field("", max_length=200)  # a note for you: whom it is for


class ShareCreatedOut(ShareOut):
    url: str  # shown once: only its hash is kept
    token: str


def _item_out(item: WalletItem) -> dict[str, Any]:
    row = selectors.wallet_row(item)
    return {
        "id": str(item.public_id),
        "owner": str(item.owner.public_id),
        "owner_name": item.owner.name,
        "kind": item.kind,
        "kind_label": row.kind_label,
        "document_type": item.document_type,
        "title": item.title,
        "issuer": item.issuer,
        "issued_on": item.issued_on,
        "valid_until": row.valid_until,
        "validity": str(row.validity),
        "validity_label": row.validity_label,
        "number": row.number,
        "file": str(item.file.public_id),
        "content_type": item.file.content_type,
        "size": item.file.size,
        "added_at": item.added_at,
        "removable": row.removable,
    }


def _share_out(link: ShareLink) -> dict[str, Any]:
    return {
        "id": str(link.public_id),
        "recipient": link.recipient,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "revoked_at": link.revoked_at,
        "state": selectors.share_state(link),
        "openings": [
            {
                "opened_at": o.opened_at,
                "network": o.network,
                "user_agent": o.user_agent,
                "downloaded": o.downloaded,
            }
            for o in link.openings.order_by("-opened_at", "-id")
        ],
    }


@router.get(
    "/wallet",
    auth=applicant_auth,
    response={200: list[WalletItemOut], **DENIALS},
    summary="My data wallet: results issued to me (and to those I act for) and documents kept",
)
def list_wallet(request: HttpRequest) -> list[dict[str, Any]]:
    return [_item_out(item) for item in selectors.wallet_of(applicant_of(request))[:500]]


@router.post(
    "/wallet",
    auth=applicant_auth,
    response={201: WalletItemOut, 400: ErrorOut, **DENIALS},
    summary="Keep one of my files in the wallet (again: the same document)",
)
def keep_file(request: HttpRequest, body: KeepIn) -> Status[dict[str, Any]]:
    item = wallet.keep_upload(actor=applicant_of(request), file_public_id=body.file, title=body.title)
    return Status(201, _item_out(item))


@router.get(
    "/wallet/{item_id}",
    auth=applicant_auth,
    response={200: WalletItemDetailOut, **DENIALS},
    summary="One wallet document, with its share links and every opening of them",
)
def get_item(request: HttpRequest, item_id: str) -> dict[str, Any]:
    item = selectors.get_wallet_item(applicant_of(request), item_id)
    return {**_item_out(item), "shares": [_share_out(link) for link in selectors.shares_of(item)]}


@router.get(
    "/wallet/{item_id}/file",
    auth=applicant_auth,
    response={200: None, **DENIALS},
    summary="Download the document (a signed result's bytes exactly as signed; as an attachment)",
)
def download_item(request: HttpRequest, item_id: str) -> FileResponse:
    item = selectors.get_wallet_item(applicant_of(request), item_id)
    return file_response(item.file.storage_name, item.file.content_type, item.file.original_name)


@router.delete(
    "/wallet/{item_id}",
    auth=applicant_auth,
    response={200: WalletItemOut, **DENIALS},
    summary="Remove a kept document (a result cannot be removed: 403 result_not_removable)",
)
def remove_item(request: HttpRequest, item_id: str) -> dict[str, Any]:
    return _item_out(wallet.remove_item(actor=applicant_of(request), public_id=item_id))


@router.post(
    "/wallet/{item_id}/shares",
    auth=applicant_auth,
    response={201: ShareCreatedOut, 400: ErrorOut, 409: ErrorOut, **DENIALS},
    summary="Share the document by a link valid 1 hour to 30 days (the token is in this answer only)",
    description="409 `document_revoked`: the issuing agency revoked it. Anyone with the link sees the "
    "title, issuer, date and validity and may download it until it expires or is revoked.",
)
def create_share(request: HttpRequest, item_id: str, body: ShareIn) -> Status[dict[str, Any]]:
    made = wallet.create_share(
        actor=applicant_of(request),
        item_public_id=item_id,
        valid_for=datetime.timedelta(hours=body.valid_for_hours),
        recipient=body.recipient,
    )
    return Status(201, {**_share_out(made.link), "url": share_url(request, made.token), "token": made.token})


@router.post(
    "/shares/{share_id}/revoke",
    auth=applicant_auth,
    response={200: ShareOut, **DENIALS},
    summary="Revoke a share link now (again: nothing changes)",
)
def revoke_share(request: HttpRequest, share_id: str) -> dict[str, Any]:
    return _share_out(wallet.revoke_share(actor=applicant_of(request), public_id=share_id))
