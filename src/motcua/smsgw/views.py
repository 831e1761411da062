"""The reference SMS gateway's HTTP surface: accept a signed message (once per request id), list
what it was sent (a page and JSON), set the fault switch, and post each message's signed delivery
receipt to the callback the sender named."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.logging import get_logger
from motcua.protocol import sms
from motcua.smsgw.models import Faults, Message

log = get_logger(__name__)
RECEIPT_STATUSES = {"delivered", "failed", "none"}
T = TypeVar("T", str, int)


def _setting(name: str, kind: type[T]) -> T:
    """One of the gateway's own settings (mypy checks against the platform's settings module,
    which does not have them: ``registries/conf.py`` explains)."""
    return kind(getattr(settings, name))


def _secret() -> bytes:
    return _setting("SHARED_SECRET", str).encode()


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def _verified(request: HttpRequest) -> sms.Verified | JsonResponse:
    try:
        return sms.verify(
            _secret(),
            method=request.method or "POST",
            path=request.path,
            headers=request.headers,
            body=request.body,
        )
    except sms.BadSignature as refusal:
        return _error(401, "bad_signature", str(refusal))


def _faults() -> Faults:
    found, _created = Faults.objects.get_or_create(pk=1)
    return found


def _accepted(message: Message, *, status: int) -> JsonResponse:
    return JsonResponse({"id": message.gateway_id, "status": "accepted"}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def messages(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return JsonResponse({"messages": [_json(m) for m in Message.objects.all()[:500]]})
    verified = _verified(request)
    if isinstance(verified, JsonResponse):
        return verified
    faults = _faults()
    seen = Message.objects.filter(request_id=verified.request_id).first()
    if seen is not None:  # a retry of a message already accepted: the same answer, nothing sent
        return _accepted(seen, status=200)
    with transaction.atomic():
        faults = Faults.objects.select_for_update().get(pk=faults.pk)
        if faults.fail_next:
            if faults.fail_next > 0:
                faults.fail_next -= 1
            faults.refused += 1
            faults.save(update_fields=["fail_next", "refused"])
            return _error(503, "unavailable", "The gateway takes no messages now (fault switch).")
    try:
        body = json.loads(request.body)
        to, text, callback = str(body["to"]), str(body["text"]), str(body.get("callback", ""))
    except (ValueError, KeyError, TypeError):
        return _error(400, "invalid", "The body must be JSON with to, text and callback.")
    if not to.startswith("+") or not to[1:].isdigit() or not 0 < len(text) <= sms.MAX_TEXT_LENGTH:
        return _error(400, "invalid", f"to must be +<digits>, text 1 to {sms.MAX_TEXT_LENGTH} characters.")
    try:
        with transaction.atomic():
            message = Message.objects.create(
                request_id=verified.request_id, to=to, text=text, callback=callback
            )
    except IntegrityError:  # the same request id, at the same moment, in another thread
        return _accepted(Message.objects.get(request_id=verified.request_id), status=200)
    if callback and faults.receipts != "none":
        _post_receipt_later(message.pk, faults.receipts)
    log.info("sms accepted", gateway_id=message.gateway_id)
    if faults.delay_ms:  # the delay fault: the message is taken, the answer comes late
        time.sleep(faults.delay_ms / 1000)
    return _accepted(message, status=202)


def _post_receipt_later(message_id: int, status: str) -> None:
    threading.Thread(target=_post_receipt, args=(message_id, status), daemon=True).start()


def _post_receipt(message_id: int, status: str) -> None:
    time.sleep(_setting("RECEIPT_DELAY_MS", int) / 1000)
    try:
        message = Message.objects.get(pk=message_id)
        receipt = {"id": message.gateway_id, "request_id": message.request_id, "status": status}
        if status == "failed":
            receipt["error"] = "handset unreachable"
        body = json.dumps(receipt).encode()
        headers = sms.signed_headers(
            _secret(),
            method="POST",
            path=urlsplit(message.callback).path,
            request_id=f"receipt-{message.gateway_id}",
            body=body,
        )
        try:
            answer: int | None = httpx.post(
                message.callback, content=body, headers=headers, timeout=5
            ).status_code
        except httpx.HTTPError:
            answer = None
        Message.objects.filter(pk=message_id).update(
            receipt_status=status, receipt_answer=answer, receipt_posted_at=timezone.now()
        )
    finally:
        close_old_connections()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def faults(request: HttpRequest) -> JsonResponse:
    """``POST {"fail_next": n, "delay_ms": ms, "receipts": "delivered"|"failed"|"none"}`` (signed)
    sets the switch: refuse the next n messages with 503 (-1: all), answer each message accepted
    ms late (after keeping it), post receipts of that status or none; ``GET`` reads it."""
    if request.method == "POST":
        verified = _verified(request)
        if isinstance(verified, JsonResponse):
            return verified
        try:
            body = json.loads(request.body)
            fail_next, delay_ms = int(body.get("fail_next", 0)), int(body.get("delay_ms", 0))
            receipts = str(body.get("receipts", "delivered"))
        except (ValueError, TypeError, AttributeError):
            return _error(400, "invalid", "fail_next and delay_ms are integers.")
        if receipts not in RECEIPT_STATUSES or fail_next < -1 or not 0 <= delay_ms <= 60_000:
            return _error(
                400, "invalid", "receipts is delivered, failed or none; fail_next >= -1; delay_ms <= 60000."
            )
        Faults.objects.update_or_create(
            pk=1, defaults={"fail_next": fail_next, "delay_ms": delay_ms, "receipts": receipts}
        )
    current = _faults()
    return JsonResponse(
        {
            "fail_next": current.fail_next,
            "delay_ms": current.delay_ms,
            "receipts": current.receipts,
            "refused": current.refused,
        }
    )


def _json(message: Message) -> dict[str, Any]:
    return {
        "id": message.gateway_id,
        "request_id": message.request_id,
        "to": message.to,
        "text": message.text,
        "received_at": message.received_at.isoformat(),
        "receipt_status": message.receipt_status,
        "receipt_answer": message.receipt_answer,
    }


@require_GET
def messages_page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "smsgw/messages.html", {"messages": Message.objects.all()[:200], "faults": _faults()}
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
