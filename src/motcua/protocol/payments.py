"""The payment protocol between the platform (the merchant) and a payment gateway, shared by the
platform's ``payments`` app and the reference gateway (``motcua.gateway``, a separate process).

It is VNPay's merchant protocol, version 2.1.0, as Vietnam's gateways and the national payment
platform's intermediaries speak it (docs/payments.md, ADR 0041;
``../shared/domain/payments-feedback-proactive.md`` A.3, verified unless noted):

- **Parameters** are strings named ``vnp_*``. Amounts travel as đồng × 100 (``vnp_Amount``: a
  50.000 đ fee is ``5000000``); inside the platform every amount is an integer in đồng.
- **Signature**: drop ``vnp_SecureHash``/``vnp_SecureHashType``, sort the rest by name, join
  ``quote_plus(name)=quote_plus(value)`` with ``&``, HMAC-SHA512 with the merchant's secret,
  lower-case hex, sent as ``vnp_SecureHash``; compared in constant time.
- **Pay**: the platform signs a ``pay`` request and sends the citizen's browser to the gateway
  with it; the gateway sends the browser back to ``vnp_ReturnUrl`` (display only) and calls the
  merchant's IPN URL server to server, signed; only the IPN (or a query) changes state. The IPN
  is answered with ``{"RspCode", "Message"}`` (``IpnReply``).
- **Query** (``querydr``) and **refund** (``refund``, ``vnp_TransactionType`` ``02`` full or
  ``03`` partial) are POSTed as JSON. VNPay signs these over a ``|``-joined field list [M, not
  verified]; this protocol signs them like every other message (sorted parameters), and the
  gateway's answers are signed the same way, so the platform believes no unsigned answer.
- **Statement** (``statement``): the settled transactions of one day, for reconciliation.

And the VietQR (NAPAS 247) EMVCo payload for bank transfers and the counter (A.4): tag-length-
value, a dynamic QR with the beneficiary's bank BIN and account, the amount in whole đồng and our
reference in the additional data (``62``/``05``), closed by a CRC-16/CCITT-FALSE (``63``).

No Django, no models, no app imports: neutral ground (ADR 0036).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote_plus

VERSION = "2.1.0"
CURRENCY = "VND"
PREFIX = "vnp_"
HASH_FIELD = "vnp_SecureHash"
HASH_TYPE_FIELD = "vnp_SecureHashType"
DATE_FORMAT = "%Y%m%d%H%M%S"  # vnp_CreateDate, vnp_PayDate (Vietnam time)
MAX_AMOUNT_VND = 10_000_000_000  # ten billion đồng: far above any fee, below any overflow


class Command(StrEnum):
    PAY = "pay"
    QUERY = "querydr"
    REFUND = "refund"
    STATEMENT = "statement"


class ResponseCode(StrEnum):
    """``vnp_ResponseCode``: what happened to the citizen's attempt (the subset this gateway uses)."""

    SUCCESS = "00"
    SUSPECTED_FRAUD = "07"
    TIMEOUT = "11"
    CANCELLED = "24"
    INSUFFICIENT_FUNDS = "51"
    OTHER = "99"


class TransactionStatus(StrEnum):
    """``vnp_TransactionStatus``: where the money is."""

    SUCCESS = "00"
    PENDING = "01"
    ERROR = "02"
    REVERSED = "04"
    REFUND_REQUESTED = "06"


class IpnReply(StrEnum):
    """The merchant's documented answers to an IPN (VNPay's sample IPN handler)."""

    CONFIRMED = "00"
    ORDER_NOT_FOUND = "01"
    ALREADY_CONFIRMED = "02"
    INVALID_AMOUNT = "04"
    INVALID_CHECKSUM = "97"
    UNKNOWN_ERROR = "99"

    @property
    def message(self) -> str:
        return _IPN_MESSAGES[self]

    def body(self) -> dict[str, str]:
        return {"RspCode": self.value, "Message": self.message}


_IPN_MESSAGES = {
    IpnReply.CONFIRMED: "Confirm Success",
    IpnReply.ORDER_NOT_FOUND: "Order not found",
    IpnReply.ALREADY_CONFIRMED: "Order already confirmed",
    IpnReply.INVALID_AMOUNT: "Invalid amount",
    IpnReply.INVALID_CHECKSUM: "Invalid Checksum",
    IpnReply.UNKNOWN_ERROR: "Unknown error",
}


class RefundType(StrEnum):
    FULL = "02"
    PARTIAL = "03"


class ProtocolError(ValueError):
    """A message that does not follow the protocol (bad amount, missing field, bad QR)."""


# --- amounts ------------------------------------------------------------------------------------
def amount_to_wire(vnd: int) -> str:
    """Đồng → ``vnp_Amount`` (đồng × 100)."""
    if isinstance(vnd, bool) or not isinstance(vnd, int) or not 0 < vnd <= MAX_AMOUNT_VND:
        raise ProtocolError(f"An amount is a positive whole number of đồng up to {MAX_AMOUNT_VND}.")
    return str(vnd * 100)


def amount_from_wire(text: str) -> int:
    """``vnp_Amount`` → đồng; refuses anything but digits, and fractions of a đồng."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 15:
        raise ProtocolError("vnp_Amount must be digits.")
    value = int(text)
    if value % 100 or not 0 < value // 100 <= MAX_AMOUNT_VND:
        raise ProtocolError("vnp_Amount must be a whole, positive number of đồng × 100.")
    return value // 100


# --- signatures ---------------------------------------------------------------------------------
def canonical(params: Mapping[str, str]) -> str:
    """The signed text: every ``vnp_*`` parameter but the hash ones, sorted, URL-encoded."""
    items = sorted(
        (name, value)
        for name, value in params.items()
        if name.startswith(PREFIX) and name not in {HASH_FIELD, HASH_TYPE_FIELD} and value != ""
    )
    return "&".join(f"{quote_plus(name)}={quote_plus(str(value))}" for name, value in items)


def signature(params: Mapping[str, str], secret: bytes) -> str:
    return hmac.new(secret, canonical(params).encode("utf-8"), hashlib.sha512).hexdigest()


def signed(params: Mapping[str, str], secret: bytes) -> dict[str, str]:
    """``params`` with their ``vnp_SecureHash`` (any old one replaced)."""
    message = {
        name: str(value) for name, value in params.items() if name not in {HASH_FIELD, HASH_TYPE_FIELD}
    }
    message[HASH_FIELD] = signature(message, secret)
    return message


def verify(params: Mapping[str, str], secret: bytes) -> bool:
    """Whether ``params`` carry a valid ``vnp_SecureHash`` for ``secret`` (constant time)."""
    given = params.get(HASH_FIELD, "")
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.lower().encode("ascii", "replace"), signature(params, secret).encode())


def require(params: Mapping[str, str], *names: str) -> None:
    missing = [name for name in names if not params.get(name)]
    if missing:
        raise ProtocolError(f"Missing parameters: {', '.join(missing)}.")


# --- VietQR (EMVCo merchant-presented QR, NAPAS 247) ----------------------------------------------
NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_NUMERIC_VND = "704"


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ProtocolError(f"VietQR field {tag} is longer than 99 characters.")
    return f"{tag}{len(value):02d}{value}"


@dataclass(frozen=True)
class VietQr:
    """What a dynamic VietQR says: who is paid, how much, for what."""

    bank_bin: str  # the beneficiary's bank (acquirer BIN, 6 digits)
    account: str  # the beneficiary account number (≤ 19 characters)
    amount_vnd: int | None
    reference: str  # our payment reference (62/05)
    purpose: str = ""  # 62/08, shown in the payer's banking app

    def payload(self) -> str:
        """The EMVCo text to put in the QR code (dynamic when it has an amount)."""
        if not (self.bank_bin.isdigit() and len(self.bank_bin) == 6):
            raise ProtocolError("A bank BIN is six digits.")
        if not (self.account.isalnum() and 0 < len(self.account) <= 19):
            raise ProtocolError("An account number is 1 to 19 letters or digits.")
        beneficiary = _tlv("00", self.bank_bin) + _tlv("01", self.account)
        merchant = _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", SERVICE_TO_ACCOUNT)
        additional = _tlv("05", self.reference) if self.reference else ""
        if self.purpose:
            additional += _tlv("08", self.purpose)
        text = _tlv("00", "01") + _tlv("01", "12" if self.amount_vnd else "11") + _tlv("38", merchant)
        text += _tlv("53", CURRENCY_NUMERIC_VND)
        if self.amount_vnd:
            if not 0 < self.amount_vnd <= MAX_AMOUNT_VND:
                raise ProtocolError("The amount is out of range.")
            text += _tlv("54", str(self.amount_vnd))
        text += _tlv("58", "VN")
        if additional:
            text += _tlv("62", additional)
        text += "6304"
        return text + f"{crc16_ccitt_false(text.encode('utf-8')):04X}"


def _fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        tag, size = text[position : position + 2], text[position + 2 : position + 4]
        if len(tag) < 2 or not size.isdigit():
            raise ProtocolError(f"Malformed EMVCo field at position {position}.")
        end = position + 4 + int(size)
        if end > len(text):
            raise ProtocolError(f"EMVCo field {tag} runs past the end.")
        fields[tag] = text[position + 4 : end]
        position = end
    return fields


def parse_vietqr(payload: str) -> VietQr:
    """Read a VietQR payload back, after checking its CRC; ``ProtocolError`` if anything is off."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise ProtocolError("The payload does not end with its CRC (tag 63).")
    expected = f"{crc16_ccitt_false(payload[:-4].encode('utf-8')):04X}"
    if payload[-4:].upper() != expected:
        raise ProtocolError("The payload's CRC does not match: it was altered or misread.")
    fields = _fields(payload[:-8])
    if fields.get("00") != "01" or fields.get("53") != CURRENCY_NUMERIC_VND or fields.get("58") != "VN":
        raise ProtocolError("Not a VietQR payload in VND.")
    merchant = _fields(fields.get("38", ""))
    if merchant.get("00") != NAPAS_GUID:
        raise ProtocolError("Not a NAPAS 247 (VietQR) merchant account.")
    beneficiary = _fields(merchant.get("01", ""))
    additional = _fields(fields.get("62", ""))
    amount = fields.get("54")
    return VietQr(
        bank_bin=beneficiary.get("00", ""),
        account=beneficiary.get("01", ""),
        amount_vnd=int(amount) if amount and amount.isdigit() else None,
        reference=additional.get("05", ""),
        purpose=additional.get("08", ""),
    )
