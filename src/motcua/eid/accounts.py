"""Demo accounts of the stand-in provider: personal ID numbers built to the real 12-digit
structure (province-of-birth code, century/sex digit, two-digit year, six digits), birth
dates and sexes consistent with them, both assurance levels, and a minor.

Demo data only: the seed command refuses to create them when MOTCUA_ENV=production.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DEMO_PASSWORD = "demo-eid-2025"  # noqa: S105 - a documented demo credential, not a secret


@dataclass(frozen=True)
class DemoAccount:
    personal_id: str
    full_name: str
    birthdate: datetime.date
    sex: str  # male | female
    assurance_level: int  # 1 | 2
    note: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("001086004213", "Nguyễn Văn Minh", datetime.date(1986, 4, 12), "male", 2, "born in Hà Nội"),
    DemoAccount("079192008765", "Trần Thị Thu Hà", datetime.date(1992, 9, 3), "female", 2, "born in TP HCM"),
    DemoAccount("038078005432", "Lê Văn Hùng", datetime.date(1978, 1, 25), "male", 1, "born in Thanh Hóa"),
    DemoAccount("048195003210", "Phạm Thị Lan", datetime.date(1995, 11, 30), "female", 2, "born in Đà Nẵng"),
    DemoAccount("092201004567", "Võ Hoàng Nam", datetime.date(2001, 2, 14), "male", 1, "born in Cần Thơ"),
    DemoAccount(
        "001318000777",
        "Nguyễn Minh Anh",
        datetime.date(2018, 6, 15),
        "female",
        1,
        "minor; Nguyễn Văn Minh's child",
    ),
)
