"""The reference SMS gateway's side of the signed protocol (``motcua.protocol.sms``), over HTTP
against the real process: only signed, fresh requests are taken; a repeated request id is taken
once; what it keeps is listed on its page."""

from __future__ import annotations

import json
import time
import uuid

import httpx

from motcua.protocol import sms
from tests.notify.servers import SmsGatewayServer


def _post(
    gateway: SmsGatewayServer, body: dict, *, request_id: str = "", secret: str = "", now: float | None = None
):
    content = json.dumps(body).encode()
    headers = sms.signed_headers(
        (secret or gateway.secret).encode(),
        method="POST",
        path=sms.MESSAGES_PATH,
        request_id=request_id or uuid.uuid4().hex,
        body=content,
        now=now,
    )
    return httpx.post(f"{gateway.base_url}{sms.MESSAGES_PATH}", content=content, headers=headers, timeout=10)


def test_only_signed_fresh_requests_are_taken_and_a_repeat_is_taken_once(sms_gateway):
    sms_gateway.faults(receipts="none")
    number = f"+8498{int(time.time() * 1000) % 10**7:07d}"
    message = {"to": number, "text": "DVC: thử", "callback": ""}
    kept = lambda: [m for m in sms_gateway.messages() if m["to"] == number]  # noqa: E731

    assert _post(sms_gateway, message, secret="not-the-secret").status_code == 401
    assert _post(sms_gateway, message, now=time.time() - sms.WINDOW_SECONDS - 5).status_code == 401
    unsigned = httpx.post(f"{sms_gateway.base_url}{sms.MESSAGES_PATH}", json=message, timeout=10)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "bad_signature")
    assert kept() == []

    first = _post(sms_gateway, message, request_id="same-request")
    again = _post(sms_gateway, message, request_id="same-request")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json() == again.json()
    assert [m["text"] for m in kept()] == ["DVC: thử"]

    assert _post(sms_gateway, {"to": "0912", "text": "x"}).status_code == 400
    assert _post(sms_gateway, {"to": number, "text": "x" * (sms.MAX_TEXT_LENGTH + 1)}).status_code == 400
    page = httpx.get(f"{sms_gateway.base_url}/", timeout=10).text
    assert number in page
    assert "DVC: thử" in page
    sms_gateway.faults()


def test_the_fault_switch_refuses_the_next_messages_then_takes_them_again(sms_gateway):
    number = f"+8497{int(time.time() * 1000) % 10**7:07d}"
    assert sms_gateway.faults(fail_next=2)["fail_next"] == 2
    answers = [_post(sms_gateway, {"to": number, "text": "x", "callback": ""}).status_code for _n in range(3)]
    assert answers == [503, 503, 202]
    assert len([m for m in sms_gateway.messages() if m["to"] == number]) == 1
    unsigned = httpx.post(f"{sms_gateway.base_url}/v1/faults", json={"fail_next": -1}, timeout=10)
    assert unsigned.status_code == 401
    assert httpx.get(f"{sms_gateway.base_url}/v1/faults", timeout=10).json()["fail_next"] == 0
