"""Pages of the data wallet (kho quản lý dữ liệu điện tử): the holder's list, one document with
its share links and their openings, keeping a file, removing it, sharing and revoking; and the
public page a share link opens (no sign-in, rate-limited, every opening logged).

Views read through the selectors and call one service each (``documents.wallet``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.core import ratelimit
from motcua.core.errors import MotcuaError, NotFound
from motcua.core.middleware import too_many_requests
from motcua.documents import selectors, wallet
from motcua.documents.models import WalletItem
from motcua.documents.views import file_response
from motcua.identity.permissions import applicant_of, applicant_required, public

# how long a link may stay valid, as the page offers it (the API takes any number of hours in bounds)
SHARE_DURATIONS: tuple[tuple[int, Any], ...] = (
    (1, gettext_lazy("1 hour")),
    (24, gettext_lazy("1 day")),
    (72, gettext_lazy("3 days")),
    (168, gettext_lazy("7 days")),
    (336, gettext_lazy("14 days")),
    (720, gettext_lazy("30 days")),
)
DEFAULT_SHARE_HOURS = 168


def share_url(request: HttpRequest, token: str) -> str:
    """The link to send: on the platform's public address (as the results' QR codes)."""
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}{reverse('documents:share', args=[token])}"


@applicant_required
@require_GET
def wallet_list(request: HttpRequest) -> HttpResponse:
    actor = applicant_of(request)
    items = list(selectors.wallet_of(actor))
    in_wallet = {item.file_id for item in items}
    keepable = [
        stored
        for stored in selectors.files_of(actor)[:200]
        if not stored.issued_by_agency and stored.pk not in in_wallet
    ]
    return render(
        request,
        "documents/wallet.html",
        {"rows": [selectors.wallet_row(item) for item in items], "keepable": keepable},
    )


@applicant_required
@require_POST
def keep(request: HttpRequest) -> HttpResponse:
    actor = applicant_of(request)
    try:
        item = wallet.keep_upload(
            actor=actor, file_public_id=request.POST.get("file", ""), title=request.POST.get("title", "")
        )
    except NotFound:
        raise  # the site's error page (core.middleware.DomainErrorMiddleware)
    except MotcuaError as exc:
        messages.error(request, exc.message)
        return redirect("documents:wallet")
    messages.success(request, _("The document is kept in your data wallet."))
    return redirect("documents:wallet-item", public_id=item.public_id)


def _item_page(
    request: HttpRequest,
    item: WalletItem,
    *,
    new_link: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "documents/wallet_item.html",
        {
            "row": selectors.wallet_row(item),
            "shares": [selectors.share_row(link) for link in selectors.shares_of(item)],
            "durations": SHARE_DURATIONS,
            "default_hours": DEFAULT_SHARE_HOURS,
            "new_link": new_link,
            "error": error,
        },
        status=status,
    )
    if new_link:  # the token is in this page only: keep it out of caches
        response.headers["Cache-Control"] = "private, no-store"
    return response


@applicant_required
@require_GET
def wallet_item(request: HttpRequest, public_id: str) -> HttpResponse:
    return _item_page(request, selectors.get_wallet_item(applicant_of(request), public_id))


@applicant_required
@require_POST
def remove(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = applicant_of(request)
    item = selectors.get_wallet_item(actor, public_id)
    try:
        wallet.remove_item(actor=actor, public_id=public_id)
    except MotcuaError as exc:  # a result: it cannot be removed (403, said on the page)
        return _item_page(request, item, error=exc.message, status=403)
    messages.success(request, _("The document was removed from your data wallet."))
    return redirect("documents:wallet")


@applicant_required
@require_POST
def share_create(request: HttpRequest, public_id: str) -> HttpResponse:
    actor = applicant_of(request)
    item = selectors.get_wallet_item(actor, public_id)
    try:
        hours = int(request.POST.get("hours", DEFAULT_SHARE_HOURS))
    except ValueError:
        hours = 0
    try:
        made = wallet.create_share(
            actor=actor,
            item_public_id=public_id,
            valid_for=datetime.timedelta(hours=hours),
            recipient=request.POST.get("recipient", ""),
        )
    except MotcuaError as exc:
        return _item_page(request, item, error=exc.message, status=400)
    return _item_page(request, item, new_link=share_url(request, made.token))


@applicant_required
@require_POST
def share_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    link = wallet.revoke_share(actor=applicant_of(request), public_id=public_id)
    messages.success(request, _("The link no longer works."))
    return redirect("documents:wallet-item", public_id=link.item.public_id)


# --- The public page of a share link ----------------------------------------------------------------


def _shared(request: HttpRequest, token: str, *, downloaded: bool) -> Any:
    """The valid link behind ``token``, its opening logged; or the response refusing it."""
    address = ratelimit.client_address(request)
    try:
        link = selectors.throttled_active_share(address, token)
        if downloaded and selectors.validity_of(link.item) == selectors.Validity.REVOKED:
            raise NotFound("A revoked document is not handed out.")  # the page says it is revoked
        return wallet.record_opening(
            token=token,
            address=address,
            user_agent=str(request.META.get("HTTP_USER_AGENT", "")),
            downloaded=downloaded,
        )
    except selectors.ShareLookupBlocked as exc:
        return too_many_requests(request, exc.retry_after)
    except NotFound:
        response = render(request, "documents/share_not_found.html", status=404)
        _private(response)
        return response


def _private(response: HttpResponseBase) -> None:
    """The token is in the URL: no caching, no referrer, no indexing."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"


@public
@require_GET
def share(request: HttpRequest, token: str) -> HttpResponse:
    """What a third party sees: the document's title, issuer, date and validity, and a download."""
    found = _shared(request, token, downloaded=False)
    if isinstance(found, HttpResponse):
        return found
    row = selectors.wallet_row(found.item)
    response = render(request, "documents/share.html", {"row": row, "link": found, "token": token})
    _private(response)
    return response


@public
@require_GET
def share_download(request: HttpRequest, token: str) -> HttpResponse | FileResponse:
    """The document's bytes, unchanged (a signed result stays verifiable), while the link is valid
    and the document is not revoked."""
    found = _shared(request, token, downloaded=True)
    if isinstance(found, HttpResponse):
        return found
    item = found.item
    response = file_response(item.file.storage_name, item.file.content_type, item.file.original_name)
    _private(response)
    return response
