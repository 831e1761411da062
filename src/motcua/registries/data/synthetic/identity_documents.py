"""Identity cards (thẻ Căn cước công dân / thẻ Căn cước) and ordinary passports (hộ chiếu phổ
thông), derived from the person rows once they are built.

Each person's documents are drawn from a hash of their personal ID number, not from the
generation's random stream: the people, households and every other registry stay exactly what
they were before these tables existed, and the same person always gets the same card. Passport
numbers come from a counter per prefix (a permutation, as personal ID numbers), so they are
unique; the counter runs in row order, which is fixed, so the dataset stays deterministic.

The rules below are background knowledge, not confirmed in the domain notes [M]:
- a card is compulsory from 14; the 12-digit card number is the personal ID number; cards with a
  bar code were issued from 2016, chip cards from 2021, and from 1 July 2024 (Identification
  Law 2023) the card is called thẻ Căn cước;
- a card must be renewed at 25, 40 and 60 and is then valid for life; a card issued or renewed
  within two years before one of these ages stays valid until the next one;
- an adult's ordinary passport is valid 10 years; passports issued from 1 July 2022 carry a new
  letter prefix (here ``P``, earlier ones ``C``);
- cards are issued by the police's administrative-management department (Cục Cảnh sát quản lý
  hành chính về trật tự xã hội), passports by the Immigration Department (Cục Quản lý xuất
  nhập cảnh) or the provincial police.
About 3% of people over 14 have no card record (they still hold only the old 9-digit card), and
some cards have passed their renewal age without being renewed: the renewal procedure's case.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Final

from motcua.registries.data.synthetic.tables import _SERIAL_STEP, REFERENCE_DATE, Row

CARD_ISSUER: Final = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
PASSPORT_ISSUER: Final = "Cục Quản lý xuất nhập cảnh"

_REF: Final = REFERENCE_DATE.toordinal()
_BAR_CODE_FROM: Final = date(2016, 1, 1).toordinal()
_CHIP_FROM: Final = date(2021, 1, 1).toordinal()
_CAN_CUOC_FROM: Final = date(2024, 7, 1).toordinal()
_PASSPORT_FROM: Final = date(2012, 1, 1).toordinal()
_NEW_PASSPORT_FROM: Final = date(2022, 7, 1).toordinal()
_TWO_YEARS: Final = 730
_RENEWAL_AGES: Final = (25, 40, 60)

# person row positions (tables.COLUMNS["person"])
_PID, _BORN, _STATUS = 0, 3, 24


def birthday(born: date, years: int) -> date:
    """The date someone born on ``born`` turns ``years`` (29 February: 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def card_valid_until(born: date, issued: date) -> date | None:
    """The end of a card's validity: the next renewal age's birthday, skipping one that is at
    most two years after issue; None (for life) after the last."""
    for age in _RENEWAL_AGES:
        turns = birthday(born, age)
        if turns > issued and (turns - issued).days > _TWO_YEARS:
            return turns
    return None


def card_kind(issued: int) -> str:
    if issued >= _CAN_CUOC_FROM:
        return "can_cuoc"
    return "cccd_chip" if issued >= _CHIP_FROM else "cccd_bar_code"


def _draws(pid: str) -> list[float]:
    digest = hashlib.blake2b(pid.encode(), digest_size=32, person=b"motcua-id-docs").digest()
    return [int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in range(0, 32, 4)]


class IdentityDocuments:
    """The card and passport rows of a stream of person rows."""

    def __init__(self, id_offset: int) -> None:
        self.id_offset = id_offset
        self.passport_counts: dict[str, int] = {}

    def add(self, people: list[Row], cards: list[Row], passports: list[Row]) -> None:
        for row in people:
            if row[_STATUS] != "living":
                continue
            born = date.fromisoformat(row[_BORN])
            fourteen = birthday(born, 14).toordinal()
            if fourteen > _REF:
                continue
            u = _draws(row[_PID])
            if u[0] >= 0.03:
                cards.append(self._card(row[_PID], born, fourteen, u))
            if u[5] < (0.14 if (_REF - born.toordinal()) < 60 * 365 else 0.06):
                self._passports(row[_PID], fourteen, u, passports)

    def _card(self, pid: str, born: date, fourteen: int, u: list[float]) -> Row:
        x = u[1]
        start, end = (
            (_BAR_CODE_FROM, _CHIP_FROM)
            if x < 0.15
            else ((_CHIP_FROM, _CAN_CUOC_FROM) if x < 0.88 else (_CAN_CUOC_FROM, _REF))
        )
        start = max(start, fourteen)
        if start >= end:
            start, end = max(fourteen, _BAR_CODE_FROM), _REF
        issued = start + int(u[2] * max(0, end - start))
        until = card_valid_until(born, date.fromordinal(issued))
        if until is not None and until.toordinal() < _REF and u[3] < 0.75:
            # renewed when it expired, after a few months
            issued = min(until.toordinal() + int(u[4] * 180), _REF)
            until = card_valid_until(born, date.fromordinal(issued))
        status = "valid" if until is None or until.toordinal() >= _REF else "expired"
        return (
            pid, pid, card_kind(issued), date.fromordinal(issued).isoformat(),
            None if until is None else until.isoformat(), status, CARD_ISSUER,
        )  # fmt: skip

    def _passports(self, pid: str, fourteen: int, u: list[float], passports: list[Row]) -> None:
        start = max(fourteen, _PASSPORT_FROM)
        if start >= _REF:
            return
        issued = start + int(u[6] * (_REF - start))
        earlier = issued - 3653
        if u[7] < 0.25 and earlier >= max(fourteen, date(2002, 1, 1).toordinal()):
            passports.append(self._passport(pid, earlier))
        passports.append(self._passport(pid, issued))

    def _passport(self, pid: str, issued: int) -> Row:
        prefix = "P" if issued >= _NEW_PASSPORT_FROM else "C"
        count = self.passport_counts.get(prefix, 0)
        self.passport_counts[prefix] = count + 1
        number = f"{prefix}{(count * _SERIAL_STEP + self.id_offset) % 10_000_000:07d}"
        day = date.fromordinal(issued)
        until = birthday(day, 10)
        status = "valid" if until.toordinal() >= _REF else "expired"
        return (number, pid, "ordinary", day.isoformat(), until.isoformat(), status, PASSPORT_ISSUER)
