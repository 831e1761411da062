"""The SMS channel: one text to one phone number through the SMS gateway, over the signed protocol
of ``motcua.protocol.sms`` (ADR 0050). The delivery's id is the request id, so a retry after a
timeout is answered by the gateway with the message it already took, never sent twice; the
gateway posts a signed delivery receipt to ``MOTCUA_SMS_RECEIPT_URL`` (the platform's
``/api/v1/notify/sms-receipts``)."""

from __future__ import annotations

import json

import httpx
from django.conf import settings

from motcua.notify.channels import ChannelError, OutgoingMessage, Sent
from motcua.protocol import sms


def shared_secret() -> bytes:
    return str(settings.MOTCUA_SMS_GATEWAY_SECRET).encode()


class SmsChannel:
    name = "sms"

    def send(self, message: OutgoingMessage) -> Sent:
        body = json.dumps(
            {
                "to": message.to,
                "text": message.text,
                "sender": settings.MOTCUA_SMS_SENDER,
                "callback": settings.MOTCUA_SMS_RECEIPT_URL,
            },
            ensure_ascii=False,
        ).encode()
        headers = sms.signed_headers(
            shared_secret(), method="POST", path=sms.MESSAGES_PATH, request_id=message.reference, body=body
        )
        url = f"{settings.MOTCUA_SMS_GATEWAY_URL.rstrip('/')}{sms.MESSAGES_PATH}"
        try:
            answer = httpx.post(
                url, content=body, headers=headers, timeout=settings.MOTCUA_SMS_GATEWAY_TIMEOUT
            )
        except httpx.HTTPError as failure:
            raise ChannelError(f"SMS gateway: {type(failure).__name__}") from failure
        if answer.status_code not in {200, 202}:
            raise ChannelError(f"SMS gateway answered {answer.status_code}: {answer.text[:200]}")
        try:
            return Sent(provider_id=str(answer.json()["id"]))
        except (ValueError, KeyError) as failure:
            raise ChannelError("SMS gateway: an answer without a message id") from failure
