"""The stand-in eID provider's demo accounts (and the demo officials' password).

Every personal ID number is built to the real 12-digit structure (``motcua.core.ids``):
province-of-birth code (one of the 63 pre-2025 codes), century/sex digit, the last two digits
of the birth year, six serial digits. Birth dates and sexes agree with the numbers. They are
invented: none belongs to a real person.

Demo data only: ``motcua-eid eid seed`` and ``motcua identity seed-demo`` refuse to create them
when ``MOTCUA_ENV=production``. No models: the eID provider, the platform, the registries'
generator and the tests import it (``from motcua.demo.accounts import DEMO_ACCOUNTS,
DEMO_PASSWORD``). Order matters to ``motcua.identity.demo``: the first account is a parent, the
second a company director, the last one the first account's child (a minor).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final, Literal

from django.utils import timezone

from motcua.core.ids import PROVINCE_CODES

Sex = Literal["male", "female"]
AssuranceLevel = Literal[1, 2]

DEMO_PASSWORD: Final = "demo-eid-2025"  # noqa: S105 - a documented demo credential, not a secret
# The demo officials' password (``motcua.identity.demo``; printed by ``make run``).
DEMO_OFFICIAL_PASSWORD: Final = "can-bo-demo-2025"  # noqa: S105 - a documented demo credential
ADULT_AGE: Final = 18


@dataclass(frozen=True)
class DemoAccount:
    personal_id: str
    full_name: str
    birthdate: datetime.date
    sex: Sex
    assurance_level: AssuranceLevel
    note: str = ""

    @property
    def province_of_birth(self) -> str:
        return PROVINCE_CODES.get(self.personal_id[:3], "?")

    @property
    def acr(self) -> str:
        """The ``acr`` claim the eID provider gives this account (``motcua.eid.accounts.acr_for``)."""
        return f"level{self.assurance_level}"

    def age_on(self, day: datetime.date) -> int:
        before_birthday = (day.month, day.day) < (self.birthdate.month, self.birthdate.day)
        return day.year - self.birthdate.year - int(before_birthday)

    def is_minor(self, *, today: datetime.date | None = None) -> bool:
        return self.age_on(today or timezone.localdate()) < ADULT_AGE


DEMO_ACCOUNTS: Final[tuple[DemoAccount, ...]] = (
    DemoAccount(
        "001086027419", "Nguyễn Văn Minh", datetime.date(1986, 4, 12), "male", 2, "parent of Nguyễn Minh Anh"
    ),
    DemoAccount(
        "079192031586",
        "Trần Thị Thu Hà",
        datetime.date(1992, 9, 3),
        "female",
        2,
        "director of a demo company",
    ),
    DemoAccount("038078052964", "Lê Văn Hùng", datetime.date(1978, 1, 25), "male", 1),
    DemoAccount("048195018347", "Phạm Thị Lan", datetime.date(1995, 11, 30), "female", 2),
    DemoAccount("092201073852", "Võ Hoàng Nam", datetime.date(2001, 2, 14), "male", 1),
    DemoAccount("040161069230", "Đặng Thị Hoa", datetime.date(1961, 7, 8), "female", 2),
    DemoAccount(
        "001318046203",
        "Nguyễn Minh Anh",
        datetime.date(2018, 6, 15),
        "female",
        1,
        "minor; Nguyễn Văn Minh's child",
    ),
)


def demo_account(personal_id: str) -> DemoAccount | None:
    """The demo account with this personal ID number, if there is one."""
    return next((account for account in DEMO_ACCOUNTS if account.personal_id == personal_id), None)
