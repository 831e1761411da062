"""Reading and validating the administrative-unit dataset before anything is written.

The shipped file (``data/vn_units.json``, MIT licence, see ``data/SOURCE.md``) is a list of
provinces, each with its ``Wards`` (commune-level units). ``read_dataset`` checks the whole
file and raises ``ReferenceDataError`` listing every problem with its location, so a bad
file is rejected whole instead of half-loaded.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motcua.core.errors import MotcuaError
from motcua.units.errors import UnitErrorCode
from motcua.units.models import CommuneType, ProvinceType

DEFAULT_SOURCE = Path(__file__).resolve().parent / "data" / "vn_units.json"

PROVINCE_TYPES = {"Tỉnh": ProvinceType.PROVINCE, "Thành phố": ProvinceType.CITY}
COMMUNE_TYPES = {"Xã": CommuneType.COMMUNE, "Phường": CommuneType.WARD, "Đặc khu": CommuneType.SPECIAL_ZONE}
_PROVINCE_CODE = re.compile(r"^[0-9]{2}$")
_COMMUNE_CODE = re.compile(r"^[0-9]{5}$")
_TEXT_FIELDS = ("Name", "NameEn", "FullName", "FullNameEn", "CodeName")


class ReferenceDataError(MotcuaError):
    code = UnitErrorCode.INVALID_REFERENCE_DATA

    def __init__(self, source: Path, problems: list[str]) -> None:
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{source}: {len(problems)} problem(s), nothing was loaded:\n{listing}")


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    name_en: str
    full_name: str
    full_name_en: str
    code_name: str
    unit_type: str
    province_code: str = ""


@dataclass(frozen=True)
class Dataset:
    provinces: list[UnitRow]
    communes: list[UnitRow]
    sha256: str


def _row(raw: dict[str, Any], where: str, types: dict[str, Any], problems: list[str]) -> UnitRow | None:
    texts: dict[str, str] = {}
    for field in _TEXT_FIELDS:
        value = raw.get(field)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: missing or empty {field}")
        else:
            texts[field] = value.strip()
    short_name = raw.get("AdministrativeUnitShortName")
    if short_name not in types:
        problems.append(f"{where}: unknown unit type {short_name!r} (expected one of {', '.join(types)})")
        return None
    if len(texts) != len(_TEXT_FIELDS):
        return None
    return UnitRow(
        code=str(raw.get("Code")),
        name=texts["Name"],
        name_en=texts["NameEn"],
        full_name=texts["FullName"],
        full_name_en=texts["FullNameEn"],
        code_name=texts["CodeName"],
        unit_type=str(types[short_name]),
        province_code=str(raw.get("ProvinceCode", "")),
    )


def read_dataset(source: Path = DEFAULT_SOURCE) -> Dataset:
    try:
        content = source.read_bytes()
    except OSError as exc:
        raise ReferenceDataError(source, [f"cannot read the file: {exc.strerror}"]) from None
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(source, [f"not valid JSON: {exc}"]) from None
    if not isinstance(data, list):
        raise ReferenceDataError(source, ["the top level must be a list of provinces"])

    problems: list[str] = []
    provinces: list[UnitRow] = []
    communes: list[UnitRow] = []
    province_codes: set[str] = set()
    commune_seen: dict[str, str] = {}
    for index, raw_province in enumerate(data):
        if not isinstance(raw_province, dict):
            problems.append(f"item {index}: not an object")
            continue
        code = raw_province.get("Code")
        where = f"province {code}" if code else f"item {index}"
        if not isinstance(code, str) or not _PROVINCE_CODE.match(code):
            problems.append(f"{where}: province code must be 2 digits, got {code!r}")
            continue
        if code in province_codes:
            problems.append(f"{where}: duplicate province code")
            continue
        province_codes.add(code)
        row = _row(raw_province, where, PROVINCE_TYPES, problems)
        if row is not None:
            provinces.append(row)
        wards = raw_province.get("Wards")
        if not isinstance(wards, list) or not wards:
            problems.append(f"{where}: no commune-level units (Wards)")
            continue
        for ward_index, raw_ward in enumerate(wards):
            if not isinstance(raw_ward, dict):
                problems.append(f"{where} > item {ward_index}: not an object")
                continue
            ward_code = raw_ward.get("Code")
            ward_where = f"{where} > commune {ward_code}" if ward_code else f"{where} > item {ward_index}"
            if not isinstance(ward_code, str) or not _COMMUNE_CODE.match(ward_code):
                problems.append(f"{ward_where}: commune code must be 5 digits, got {ward_code!r}")
                continue
            if ward_code in commune_seen:
                problems.append(f"{ward_where}: duplicate commune code (also in {commune_seen[ward_code]})")
                continue
            commune_seen[ward_code] = where
            if raw_ward.get("ProvinceCode") != code:
                problems.append(
                    f"{ward_where}: ProvinceCode {raw_ward.get('ProvinceCode')!r} is not its province {code}"
                )
                continue
            ward = _row(raw_ward, ward_where, COMMUNE_TYPES, problems)
            if ward is not None:
                communes.append(ward)
    if not provinces and not problems:
        problems.append("the file lists no provinces")
    if problems:
        raise ReferenceDataError(source, problems)
    return Dataset(provinces=provinces, communes=communes, sha256=hashlib.sha256(content).hexdigest())
