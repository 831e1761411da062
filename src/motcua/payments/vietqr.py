"""The dynamic VietQR of a payment request (docs/payments.md): the EMVCo payload of NAPAS 247
(``motcua.protocol.payments.VietQr``) with the beneficiary account, the exact amount and our
reference, and its QR code drawn server-side as inline SVG (no JavaScript)."""

from __future__ import annotations

import segno

from motcua.payments.models import Payment
from motcua.protocol import payments as wire


def vietqr_of(payment: Payment) -> wire.VietQr:
    bank_bin, _, account = payment.account.partition(":")
    return wire.VietQr(
        bank_bin=bank_bin,
        account=account,
        amount_vnd=payment.amount_vnd,
        reference=payment.reference,
        purpose=f"HS {payment.subject_code}"[:25],
    )


def qr_svg(payload: str, *, title: str) -> str:
    """The QR code as an inline ``<svg>`` element (segno escapes the title)."""
    return str(segno.make(payload, error="m").svg_inline(scale=5, title=title))
