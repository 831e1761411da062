"""The demo people, their families and the demo company, as every generated dataset holds them.

The people are the bundled eID provider's demo accounts (``motcua.demo.accounts.DEMO_ACCOUNTS``):
signing in as one of them and pulling registry data must show the same person, family and
address everywhere, whatever the dataset's seed and size. This module holds the facts that
other apps' tests and documentation rely on; ``generator`` builds the records from them and
invents only what nobody relies on (the spouses' names, their birth days, ...). No models, no
settings: the platform, the registries' generator and the tests import it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final

from motcua.demo.accounts import DEMO_ACCOUNTS, DemoAccount

DEMO_COMPANY: Final = ("0109876543", "Công ty TNHH Dịch vụ Số Sông Hồng")


def _account(personal_id: str) -> DemoAccount:
    for account in DEMO_ACCOUNTS:
        if account.personal_id == personal_id:
            return account
    raise LookupError(f"{personal_id} is no longer a demo account of motcua.demo.accounts")


MINH: Final = _account("001086027419")  # Nguyễn Văn Minh, Hà Nội: married, one daughter
MINH_ANH: Final = _account("001318046203")  # Nguyễn Minh Anh, his daughter (a minor)
THU_HA: Final = _account("079192031586")  # Trần Thị Thu Hà, TP HCM: the demo company's director
HUNG: Final = _account("038078052964")  # Lê Văn Hùng, Thanh Hóa: divorced, an expunged conviction
LAN: Final = _account("048195018347")  # Phạm Thị Lan, Đà Nẵng: single, lives with her parents
NAM: Final = _account("092201073852")  # Võ Hoàng Nam, Cần Thơ: recently out of work
HOA: Final = _account("040161069230")  # Đặng Thị Hoa, Nghệ An: widowed, receives a pension

# Communes (codes of src/motcua/units/data/vn_units.json).
BA_DINH: Final = "00004"  # Phường Ba Đình, Thành phố Hà Nội
NGOC_HA: Final = "00008"  # Phường Ngọc Hà, Thành phố Hà Nội
SAI_GON: Final = "26740"  # Phường Sài Gòn, Thành phố Hồ Chí Minh
HAC_THANH: Final = "14797"  # Phường Hạc Thành, Tỉnh Thanh Hoá
HAI_CHAU: Final = "20242"  # Phường Hải Châu, Thành phố Đà Nẵng
NINH_KIEU: Final = "31135"  # Phường Ninh Kiều, Thành phố Cần Thơ
THANH_VINH: Final = "16681"  # Phường Thành Vinh, Tỉnh Nghệ An


@dataclass(frozen=True)
class DemoHome:
    commune_code: str
    street: str  # the address before ", <commune>, <province>"
    registered_on: datetime.date


HOMES: Final[dict[str, DemoHome]] = {
    MINH.personal_id: DemoHome(BA_DINH, "Số 12 ngõ 45 phố Đội Cấn", datetime.date(2015, 11, 20)),
    THU_HA.personal_id: DemoHome(SAI_GON, "Số 18 đường Lê Thánh Tôn", datetime.date(2019, 4, 2)),
    HUNG.personal_id: DemoHome(HAC_THANH, "Số 25 đường Trần Phú", datetime.date(2013, 9, 3)),
    LAN.personal_id: DemoHome(HAI_CHAU, "Số 7 kiệt 120 đường Trần Cao Vân", datetime.date(1993, 5, 18)),
    NAM.personal_id: DemoHome(NINH_KIEU, "Số 46 hẻm 51 đường 3 Tháng 2", datetime.date(2023, 8, 1)),
    HOA.personal_id: DemoHome(THANH_VINH, "Số 9 ngõ 3 đường Lê Hồng Phong", datetime.date(1985, 3, 10)),
}

# Nguyễn Văn Minh's family.
MINH_MARRIAGE_ON: Final = datetime.date(2015, 10, 10)
MINH_MARRIAGE_COMMUNE: Final = BA_DINH
MINH_WIFE_BIRTH_YEAR: Final = 1988
MINH_ANH_BIRTH_COMMUNE: Final = BA_DINH
MINH_ANH_BIRTH_REGISTERED_ON: Final = datetime.date(2018, 6, 22)
MINH_LICENCE_CLASSES: Final = ("A1", "B")
MINH_LICENCE_ISSUED_ON: Final = datetime.date(2020, 5, 12)
MINH_PARCEL_ID: Final = "00004-21-0317"
MINH_PARCEL_CERTIFICATE: Final = "CS 052318"
# (frame number, engine number, brand, model, plate, registered on)
MINH_MOTORCYCLE: Final = ("RLHJK0310K7015841", "JK03E1015841", "Honda", "Vision", "29-E2 168.79")
MINH_MOTORCYCLE_REGISTERED_ON: Final = datetime.date(2019, 3, 14)
MINH_NEW_MOTORCYCLE: Final = ("RLHJF8330T7402217", "JF83E5402217", "Honda", "Air Blade")  # not yet registered
# Camera-detected violations of his motorcycle (essential service #8): (violation id, detected on,
# time, offence index in the registries' vocabulary, paid on or None). Two unpaid, one paid.
MINH_FINES: Final = (
    ("VPDEMO000001", datetime.date(2026, 9, 18), "07:42", 0, None),
    ("VPDEMO000002", datetime.date(2026, 10, 5), "17:15", 1, None),
    ("VPDEMO000003", datetime.date(2026, 3, 2), "08:05", 2, datetime.date(2026, 3, 20)),
)

# The demo company: Trần Thị Thu Hà is its legal representative.
DEMO_COMPANY_COMMUNE: Final = NGOC_HA
DEMO_COMPANY_ADDRESS: Final = "Tầng 5, số 36 phố Hoàng Hoa Thám"
DEMO_COMPANY_REGISTERED_ON: Final = datetime.date(2019, 3, 18)
DEMO_COMPANY_KIND: Final = "TNHH một thành viên"
DEMO_COMPANY_CAPITAL_VND: Final = 5_000_000_000
# A delivery motorcycle the company bought and has not registered yet.
DEMO_COMPANY_MOTORCYCLE: Final = ("RLVEVM200T0718830", "EVM2000718830", "VinFast", "Evo200")

# Lê Văn Hùng: married 2004, divorced 2013; his ex-wife lives with their son in Thanh Hóa.
HUNG_MARRIAGE_ON: Final = datetime.date(2004, 2, 20)
HUNG_DIVORCE_ON: Final = datetime.date(2013, 6, 14)
HUNG_SON_BIRTH_YEAR: Final = 2006
HUNG_CONVICTION: Final = (
    "Tòa án nhân dân thành phố Thanh Hóa",
    "45/2009/HS-ST",
    datetime.date(2009, 8, 20),
    "Đánh bạc (Điều 248 Bộ luật Hình sự 1999)",
    "Phạt tiền 10.000.000 đồng",
)

# Võ Hoàng Nam: stopped paying unemployment insurance when his contract ended.
NAM_CONTRIBUTIONS_CLOSED_ON: Final = datetime.date(2026, 9, 15)
NAM_MONTHS_CONTRIBUTED: Final = 40
NAM_UNEMPLOYMENT_MONTHS: Final = 38

# Đặng Thị Hoa: her husband died in 2021.
HOA_MARRIAGE_ON: Final = datetime.date(1983, 1, 15)
HOA_HUSBAND_BIRTH_YEAR: Final = 1958
HOA_HUSBAND_DIED_ON: Final = datetime.date(2021, 3, 14)
HOA_HUSBAND_DEATH_REGISTERED_ON: Final = datetime.date(2021, 3, 19)
HOA_MONTHS_CONTRIBUTED: Final = 372

# How many person records the demo families make (generate() refuses smaller sizes):
# Minh, his wife and daughter; Thu Hà; Hùng, his ex-wife and son; Lan and her parents; Nam;
# Hoa and her late husband.
DEMO_PERSON_COUNT: Final = 13
