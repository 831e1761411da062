"""Personal identification numbers (số định danh cá nhân): 12 digits, ``PPP G YY NNNNNN``.

- ``PPP``: code of the province (or country) where the birth was registered. The 63
  pre-2025 province codes of Circular 07/2016/TT-BCA stay valid after the 2025 merger:
  existing numbers do not change, so the validator keeps the full table.
- ``G``: century and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s,
  8/9 = 2300s. Birth year = 1900 + 100 * (G // 2) + YY; G even means male.
- ``YY``: last two digits of the birth year; ``NNNNNN``: random. There is no checksum.

A number is "impossible" when its birth year lies in the future; ``today`` is a parameter so
that tests and historical checks can fix it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ErrorCode, MotcuaError

# Circular 07/2016/TT-BCA, Appendix I: the 63 pre-2025 province codes (domain notes §5).
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa–Vũng Tàu",
    "079": "TP Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip


class InvalidPersonalId(MotcuaError):
    code = ErrorCode.INVALID_INPUT


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: str
    birth_year: int
    is_male: bool
    serial: str

    @property
    def sex(self) -> str:
        return "male" if self.is_male else "female"

    @property
    def masked(self) -> str:
        """For logs and screens that must not show the full number: ``001*******789``."""
        return f"{self.number[:3]}{'*' * 6}{self.number[-3:]}"


def parse_personal_id(value: str, *, today: datetime.date | None = None) -> PersonalId:
    """Parse and validate; raises ``InvalidPersonalId`` with a message for the applicant."""
    number = value.strip()
    if not number.isascii() or not number.isdigit():
        raise InvalidPersonalId(_("A personal ID number contains digits only."))
    if len(number) != 12:
        raise InvalidPersonalId(
            _("A personal ID number has 12 digits; this one has %(count)d.") % {"count": len(number)}
        )
    province_code, century_sex, year_digits, serial = number[:3], int(number[3]), number[4:6], number[6:]
    if province_code not in PROVINCE_CODES:
        raise InvalidPersonalId(
            _("%(code)s is not a province code of birth registration.") % {"code": province_code}
        )
    birth_year = 1900 + 100 * (century_sex // 2) + int(year_digits)
    current_year = (today or timezone.localdate()).year
    if birth_year > current_year:
        raise InvalidPersonalId(
            _("The 4th digit and the next two give a birth year of %(year)d, which has not come yet.")
            % {"year": birth_year}
        )
    return PersonalId(
        number=number,
        province_code=province_code,
        birth_year=birth_year,
        is_male=century_sex % 2 == 0,
        serial=serial,
    )


def is_valid_personal_id(value: str, *, today: datetime.date | None = None) -> bool:
    try:
        parse_personal_id(value, today=today)
    except InvalidPersonalId:
        return False
    return True


def mask_personal_id(value: str) -> str:
    """Mask any string that may be an ID number, valid or not, for logging."""
    return f"{value[:3]}{'*' * max(len(value) - 6, 0)}{value[-3:]}" if len(value) > 6 else "*" * len(value)
