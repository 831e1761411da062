"""The generated tables' shape and the fixed reference tables: the columns of each table, the
reference date, and the communes, dates and weighted draws that depend only on the shipped files
(pure functions, cached).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final, TypeVar

from motcua.core.ids import PROVINCE_CODES
from motcua.demo.accounts import DEMO_ACCOUNTS

REFERENCE_DATE: Final = date(2026, 11, 1)
# Bump when the same seed and size start producing different rows, so that
# ``generate --if-unchanged`` regenerates data made by an older generator.
GENERATOR_VERSION: Final = 4  # 2: traffic violations; 3: identity cards and passports; 4: utilities
BATCH_ROWS: Final = 10_000
TABLE_PREFIX: Final = "registry_data_"
UNITS_FILE: Final = Path(__file__).resolve().parents[3] / "units" / "data" / "vn_units.json"

Row = tuple[Any, ...]
T = TypeVar("T")

COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "person": (
        "personal_id", "full_name", "other_names", "date_of_birth", "sex", "ethnicity",
        "birth_commune_code", "birth_registration_number", "birth_registered_on", "hometown_commune_code",
        "former_id_numbers", "household_number", "relation_to_head", "household_position",
        "permanent_since", "temporary_address", "temporary_commune_code", "temporary_since",
        "temporary_until", "residence_history", "father_personal_id", "mother_personal_id",
        "spouse_personal_id", "marital_status", "status", "died_on", "death_registered_on",
        "death_commune_code", "name_changes",
    ),
    "household": ("number", "commune_code", "address", "head_personal_id", "registered_on"),
    "marriage": ("husband_personal_id", "wife_personal_id", "registered_on", "commune_code", "divorced_on"),
    "enterprise": (
        "enterprise_code", "name", "kind", "status", "registered_on", "head_office_address",
        "head_office_commune_code", "representative_personal_id", "charter_capital_vnd",
        "registration_changes",
    ),
    "land_parcel": (
        "parcel_id", "commune_code", "address", "area_m2", "land_use", "certificate_number",
        "certificate_issued_on",
    ),
    "land_holder": ("parcel_id", "holder_id", "holder_name", "share", "position"),
    "social_insurance": (
        "insurance_number", "personal_id", "insured", "months_contributed", "pension_status",
        "unemployment_months_contributed", "last_employer_code", "contributions_closed_on",
    ),
    "health_insurance_card": (
        "card_number", "personal_id", "insurance_number", "valid_from", "valid_until",
        "contribution_group", "benefit_level",
    ),
    "driving_licence": (
        "licence_number", "personal_id", "classes", "issued_on", "valid_until", "status",
        "issuing_province_code",
    ),
    "vehicle": (
        "frame_number", "owner_id", "engine_number", "kind", "brand", "model", "origin",
        "quality_certificate", "registration_tax_paid", "plate", "registered_on",
    ),
    "conviction": (
        "personal_id", "court", "judgement_number", "judged_on", "offence", "sentence", "expunged", "ban",
        "ban_until",
    ),
    # identity_documents: cards and passports
    "identity_card": (
        "card_number", "personal_id", "kind", "issued_on", "valid_until", "status", "issued_by",
    ),
    "passport": (
        "passport_number", "personal_id", "kind", "issued_on", "valid_until", "status", "issued_by",
    ),
    "traffic_violation": (
        "violation_id", "plate", "owner_id", "vehicle_kind", "detected_on", "detected_time",
        "commune_code", "place", "offence", "legal_reference", "fine_vnd", "camera_id", "status",
        "paid_on", "payment_reference",
    ),
    # utilities: electricity contracts and students (ADR 0068)
    "electricity_contract": (
        "contract_number", "customer_personal_id", "household_number", "address", "commune_code",
        "power_company_code", "meter_number", "phases", "purpose", "signed_on", "status",
    ),
    "student": (
        "personal_id", "student_code", "school_code", "school_name", "school_commune_code", "grade",
        "class_name", "school_year", "priority_area", "average_score",
    ),
}  # fmt: skip

YEAR: Final = 365.2425
_FIRST_DAY: Final = date(1900, 1, 1).toordinal()
_LAST_DAY: Final = date(2049, 12, 31).toordinal()
REF: Final = REFERENCE_DATE.toordinal()
_UI_START: Final = date(2009, 1, 1).toordinal()  # unemployment insurance began in 2009
_SERIAL_STEP: Final = 482_263  # odd and not a multiple of 5: a permutation modulo 10**k
_DEMO_IDS: Final = frozenset(account.personal_id for account in DEMO_ACCOUNTS)


@dataclass(frozen=True)
class Units:
    """The 34 provinces and 3,321 communes, as parallel tuples indexed by position."""

    province_codes: tuple[str, ...]
    province_names: tuple[str, ...]
    commune_codes: tuple[str, ...]
    commune_names: tuple[str, ...]
    commune_province: tuple[int, ...]
    commune_is_ward: tuple[bool, ...]
    commune_kind: tuple[str, ...]  # "Phường", "Xã" or "Đặc khu"
    commune_index: dict[str, int]
    province_communes: tuple[tuple[int, ...], ...]

    def place(self, commune_code: str) -> str:
        """``"Phường Ba Đình, Thành phố Hà Nội"``."""
        index = self.commune_index[commune_code]
        return f"{self.commune_names[index]}, {self.province_names[self.commune_province[index]]}"


@cache
def units() -> Units:
    raw = json.loads(UNITS_FILE.read_text(encoding="utf-8"))
    province_codes: list[str] = []
    province_names: list[str] = []
    codes: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    provinces: list[int] = []
    wards: list[bool] = []
    per_province: list[tuple[int, ...]] = []
    for p_index, province in enumerate(raw):
        province_codes.append(province["Code"])
        province_names.append(province["FullName"])
        first = len(codes)
        for ward in province["Wards"]:
            codes.append(ward["Code"])
            names.append(ward["FullName"])
            provinces.append(p_index)
            kinds.append(ward["AdministrativeUnitShortName"])
            wards.append(ward["AdministrativeUnitShortName"] == "Phường")
        per_province.append(tuple(range(first, len(codes))))
    return Units(
        province_codes=tuple(province_codes),
        province_names=tuple(province_names),
        commune_codes=tuple(codes),
        commune_names=tuple(names),
        commune_province=tuple(provinces),
        commune_is_ward=tuple(wards),
        commune_kind=tuple(kinds),
        commune_index={code: index for index, code in enumerate(codes)},
        province_communes=tuple(per_province),
    )


@cache
def _dates() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """ISO strings and years of every day from 1900 to 2049, indexed by ordinal - _FIRST_DAY."""
    days = [date.fromordinal(o) for o in range(_FIRST_DAY, _LAST_DAY + 1)]
    return tuple(day.isoformat() for day in days), tuple(day.year for day in days)


def _expand(pairs: Sequence[tuple[T, float]], resolution: int = 1000) -> tuple[T, ...]:
    """A lookup table in which each value fills a share of slots equal to its weight, so that a
    weighted draw is one index: ``table[int(random() * len(table))]``."""
    total = sum(weight for _value, weight in pairs)
    table: list[T] = []
    for value, weight in pairs:
        table.extend([value] * max(1, round(weight / total * resolution)))
    return tuple(table)


def _cumulative_table(weights: Sequence[float], slots: int) -> tuple[int, ...]:
    """Indices 0..len(weights)-1 spread over ``slots`` slots in proportion to their weights."""
    cumulative, running = [], 0.0
    for weight in weights:
        running += weight
        cumulative.append(running)
    return tuple(
        min(bisect.bisect_right(cumulative, (slot + 0.5) / slots * running), len(weights) - 1)
        for slot in range(slots)
    )


def _json(value: Any) -> str:
    """JSON as the hand-built columns write it: compact, Vietnamese left as it is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _ppp(province_code: str) -> str:
    """The birth-registration code of a (new) province: the new codes kept the old ones."""
    code = "0" + province_code
    return code if code in PROVINCE_CODES else ""


def _age_table(bands: Sequence[tuple[int, int, float]]) -> tuple[int, ...]:
    """Ages drawn from (first age, last age, weight per year) bands."""
    return _expand([(age, weight) for low, high, weight in bands for age in range(low, high + 1)], 4000)


_LAND_LAW_1993: Final = date(1994, 1, 1).toordinal()
_ENTERPRISE_LAW_1999: Final = date(2000, 1, 1).toordinal()
# VIN model-year characters (ISO 3779), for frame numbers.
_VIN_YEAR: Final[dict[int, str]] = {
    **{2000 + i: str(i) for i in range(1, 10)},
    **dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True)),
    **dict(zip(range(1990, 2001), "LMNPRSTVWXY", strict=True)),
}
