"""The gateway's demo payment instruments: what happens when each is used (docs/payments.md)."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.protocol.payments import ResponseCode


@dataclass(frozen=True)
class DemoCard:
    number: str
    holder: str
    bank_code: str
    card_type: str
    outcome: ResponseCode


DEMO_CARDS = {
    card.number: card
    for card in (
        DemoCard("9704198526191432198", "NGUYEN VAN A", "NCB", "ATM", ResponseCode.SUCCESS),
        DemoCard("9704195798459170488", "TRAN THI B", "NCB", "ATM", ResponseCode.INSUFFICIENT_FUNDS),
        DemoCard("4456530000001005", "LE VAN C", "VISA", "CREDIT", ResponseCode.SUCCESS),
        DemoCard("4456530000001096", "PHAM THI D", "VISA", "CREDIT", ResponseCode.SUSPECTED_FRAUD),
    )
}
# The bank a VietQR transfer is paid from (the payer's account in the demo bank app).
DEMO_TRANSFER_ACCOUNT = "0011009988776"
