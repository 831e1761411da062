"""The platform's side of the payment protocol (``motcua.protocol.payments``): the signed pay
URL, the verification of a notification, and the signed calls (query, refund, statement), whose
answers are believed only when their signature holds. One gateway, chosen by configuration
(``MOTCUA_PAYMENT_GATEWAY_URL``, ``MOTCUA_PAYMENT_MERCHANT``, ``MOTCUA_PAYMENT_SECRET``)."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Unavailable
from motcua.payments.errors import PaymentErrorCode
from motcua.protocol import payments as wire

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
API_PATH = "/merchant_webapi/api/transaction"
PAY_PATH = "/paymentv2/vpcpay.html"


def _secret() -> bytes:
    secret = settings.MOTCUA_PAYMENT_SECRET
    if not secret:
        raise Unavailable(_("Online payment is not configured."), code=PaymentErrorCode.GATEWAY_UNAVAILABLE)
    return secret.encode("utf-8")


def merchant() -> str:
    return settings.MOTCUA_PAYMENT_MERCHANT


def now_text() -> str:
    return timezone.localtime(timezone.now(), VIETNAM).strftime(wire.DATE_FORMAT)


def pay_url(
    *, reference: str, amount_vnd: int, order_info: str, return_url: str, locale: str, ip: str
) -> str:
    params = {
        "vnp_Version": wire.VERSION,
        "vnp_Command": wire.Command.PAY,
        "vnp_TmnCode": merchant(),
        "vnp_Amount": wire.amount_to_wire(amount_vnd),
        "vnp_CurrCode": wire.CURRENCY,
        "vnp_TxnRef": reference,
        "vnp_OrderInfo": order_info,
        "vnp_OrderType": "other",
        "vnp_Locale": "vn" if locale.startswith("vi") else "en",
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip or "127.0.0.1",
        "vnp_CreateDate": now_text(),
    }
    return f"{settings.MOTCUA_PAYMENT_GATEWAY_URL}{PAY_PATH}?{urlencode(wire.signed(params, _secret()))}"


def verified(params: Mapping[str, str]) -> bool:
    """Whether a notification (or a return) carries our merchant's valid signature."""
    return params.get("vnp_TmnCode") == merchant() and wire.verify(params, _secret())


def call(command: wire.Command, **fields: str) -> dict[str, str]:
    """One signed API call; the signed answer, or ``Unavailable`` (unreachable, 5xx, unsigned)."""
    body = wire.signed(
        {
            "vnp_RequestId": secrets.token_hex(8),
            "vnp_Version": wire.VERSION,
            "vnp_Command": command,
            "vnp_TmnCode": merchant(),
            "vnp_CreateDate": now_text(),
            **fields,
        },
        _secret(),
    )
    unavailable = Unavailable(
        _("The payment gateway is not answering. Try again later."), code=PaymentErrorCode.GATEWAY_UNAVAILABLE
    )
    try:
        response = httpx.post(
            f"{settings.MOTCUA_PAYMENT_GATEWAY_URL}{API_PATH}",
            json=body,
            timeout=settings.MOTCUA_PAYMENT_TIMEOUT_MS / 1000,
        )
        answer = response.json()
    except (httpx.HTTPError, ValueError):
        raise unavailable from None
    if response.status_code != 200 or not isinstance(answer, dict):
        raise unavailable
    answer = {name: value for name, value in answer.items() if isinstance(value, str)}
    if answer.get("vnp_ResponseCode") == "00" and not wire.verify(answer, _secret()):
        raise unavailable  # an answer we cannot trust is no answer
    return answer


def statement_day(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")
