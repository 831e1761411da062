"""Electricity customers and their contracts (hợp đồng mua bán điện) and high-school students
(the exam candidates of essential service 22), derived from the household and person rows once
they are built (ADR 0068).

As the identity cards (ADR 0053), each row is drawn from a BLAKE2b hash of the household number
or the personal ID number, never from the generation's random stream: the people, households and
every other registry stay exactly what they were, and the same household always gets the same
contract. Contract and student numbers come from counters (a permutation, as personal ID
numbers), so they are unique; the counters run in row order, which is fixed.

The rules below are background knowledge, not confirmed in the domain notes [M]:
- electricity: a household's contract is signed with the power company of its province, in the
  name of the household head, for the household's address; about 5% of households have no
  contract of their own (they share a neighbour's meter, or the house is new: half of those
  registered in the last six months), which is the new connection's case; a customer code is
  two letters and the province code followed by eight digits (the real EVN codes differ);
  supply is single-phase except for about 4% three-phase;
- students: a child starts grade 1 in the calendar year they turn 6, so in the school year
  2026-2027 the students born in 2009 are in grade 12 (the graduation exam of June 2027),
  2010 in grade 11, 2011 in grade 10; about 93% of them are enrolled, in an upper-secondary
  school of their household's commune; the priority area (khu vực ưu tiên) follows the school's
  place: KV1 in a commune (xã) of a highland province, KV2-NT in another commune, KV2 in a
  ward, KV3 in a ward of Hà Nội or Hồ Chí Minh City.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Final

from motcua.registries.data import vocabulary as vocab
from motcua.registries.data.synthetic.tables import _SERIAL_STEP, REFERENCE_DATE, Row, units

SCHOOL_YEAR: Final = "2026-2027"
GRADE_12_BORN: Final = 2009  # born in 2009: grade 12 in SCHOOL_YEAR
_REF: Final = REFERENCE_DATE.toordinal()
_FIRST_CONTRACT: Final = date(1995, 1, 1).toordinal()
_HALF_YEAR: Final = 182

# household row positions (tables.COLUMNS["household"])
_H_NUMBER, _H_COMMUNE, _H_ADDRESS, _H_HEAD, _H_REGISTERED = 0, 1, 2, 3, 4
# person row positions (tables.COLUMNS["person"])
_PID, _BORN, _HOUSEHOLD, _STATUS = 0, 3, 11, 24


def _draws(key: str, person: bytes) -> list[float]:
    digest = hashlib.blake2b(key.encode(), digest_size=32, person=person).digest()
    return [int.from_bytes(digest[i : i + 4], "big") / 2**32 for i in range(0, 32, 4)]


def power_company_code(province_code: str) -> str:
    """The code of the province's power company among the platform's agencies (units: ``PC.01``)."""
    return f"PC.{province_code}"


def school_name(commune_code: str, school: int) -> str:
    """``"Trường THPT Ba Đình"``, ``"Trường THPT Ba Đình số 2"``: named after the commune."""
    u = units()
    index = u.commune_index[commune_code]
    place = u.commune_names[index].removeprefix(u.commune_kind[index]).strip()
    return f"Trường THPT {place}" + (f" số {school + 1}" if school else "")


def priority_area(commune_code: str) -> str:
    u = units()
    index = u.commune_index[commune_code]
    province = u.province_codes[u.commune_province[index]]
    if u.commune_is_ward[index]:
        return "KV3" if province in {"01", "79"} else "KV2"
    return "KV1" if province in vocab.HIGHLAND_PROVINCES else "KV2-NT"


class Utilities:
    """The contract rows of a stream of household rows and the student rows of person rows."""

    def __init__(self, id_offset: int) -> None:
        self.id_offset = id_offset
        self.contracts = 0
        self.students = 0

    def add_households(self, households: list[Row], contracts: list[Row]) -> None:
        u = units()
        for row in households:
            draws = _draws(row[_H_NUMBER], b"motcua-power")
            registered = date.fromisoformat(row[_H_REGISTERED]).toordinal()
            if draws[0] < 0.04 or (_REF - registered < _HALF_YEAR and draws[1] < 0.5):
                continue  # no contract of its own
            province = u.province_codes[u.commune_province[u.commune_index[row[_H_COMMUNE]]]]
            count = self.contracts
            self.contracts += 1
            serial = (count * _SERIAL_STEP + self.id_offset) % 100_000_000
            start = max(registered, _FIRST_CONTRACT)
            signed = start + int(draws[2] * max(0, min(_REF, start + 730) - start))
            contracts.append((
                f"PE{province}{serial:08d}", row[_H_HEAD], row[_H_NUMBER], row[_H_ADDRESS], row[_H_COMMUNE],
                power_company_code(province), f"{(serial * 7 + 13) % 10**10:010d}",
                3 if draws[3] < 0.04 else 1, "residential", date.fromordinal(min(signed, _REF)).isoformat(),
                "active",
            ))  # fmt: skip

    def add_people(self, people: list[Row], students: list[Row]) -> None:
        for row in people:
            if row[_STATUS] != "living":
                continue
            born = int(row[_BORN][:4])
            grade = 12 - (born - GRADE_12_BORN)
            if grade not in (10, 11, 12):
                continue
            draws = _draws(row[_PID], b"motcua-school")
            if draws[0] >= 0.93:
                continue  # not enrolled
            commune = row[_HOUSEHOLD][:5]
            count = self.students
            self.students += 1
            school = int(draws[1] * 3)  # one of the commune's (up to) three schools
            students.append((
                row[_PID], f"{(count * _SERIAL_STEP + self.id_offset) % 10**10:010d}",
                f"THPT{commune}{school}", school_name(commune, school), commune, grade,
                f"{grade}A{1 + int(draws[2] * 8)}", SCHOOL_YEAR, priority_area(commune),
                round(5.0 + draws[3] * 4.8, 1),
            ))  # fmt: skip
