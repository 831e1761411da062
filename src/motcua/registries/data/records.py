"""What each reference registry answers: its definition (subjects, fields) and its records.

``REGISTRIES`` lists the registries with every field path a request may name: each leaf and
each dict subtree (``permanent_residence`` and ``permanent_residence.address``); paths never go
inside lists, a list is a leaf. ``fetch`` reads the full record tree of one subject (dates as
``YYYY-MM-DD`` strings, JSON-serialisable), ``select`` keeps the requested paths of it.

``REGISTRIES``, ``subject_kind``, ``select`` and ``is_valid_field`` need neither models nor a
configured database, so the platform's tests check the procedure specs against them. ``fetch``
reads the registries' own database through raw SQL (``readers``, one reader per registry): it
is on the hot path of the exchange benchmark, so each registry answers with one to three indexed
queries and builds plain dicts, never model instances.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from motcua.core.ids import InvalidPersonalId, parse_personal_id
from motcua.registries.data.readers import READERS, Record

Schema = Mapping[str, "Schema | None"]


@dataclass(frozen=True)
class RegistryDefinition:
    code: str
    name_vi: str
    name_en: str
    subject_kinds: frozenset[str]  # subset of {"person", "enterprise"}
    multiple: bool  # fetch returns a list of records
    fields: frozenset[str]  # every addressable dotted path: each leaf and each dict subtree


def _leaves(*names: str, **subtrees: Schema) -> dict[str, Schema | None]:
    return {**dict.fromkeys(names), **subtrees}


def _paths(schema: Schema, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for name, subtree in schema.items():
        paths.add(prefix + name)
        if subtree is not None:
            paths |= _paths(subtree, f"{prefix}{name}.")
    return paths


_ADDRESS = ("address", "commune_code", "commune_name", "province_code", "province_name")
_NAMED = _leaves("personal_id", "full_name")

SCHEMAS: dict[str, Schema] = {
    "population": _leaves(
        "personal_id", "full_name", "other_names", "date_of_birth", "sex", "ethnicity", "nationality",
        "place_of_birth", "hometown", "former_id_numbers", "father_personal_id", "mother_personal_id",
        "spouse_personal_id", "marital_status", "status", "died_on",
        permanent_residence=_leaves(*_ADDRESS),
        temporary_residence=_leaves(*_ADDRESS),
        household=_leaves("number", "head_personal_id", "relation_to_head"),
    ),
    "civil_status": _leaves(
        "marital_status", "parents_personal_ids", "spouse_personal_id", "children_personal_ids",
        "name_changes",
        birth=_leaves("registration_number", "registered_on", "commune_code", "father_personal_id",
                      "mother_personal_id"),
        marriage=_leaves("registered_on", "spouse_personal_id", "commune_code"),
        divorce=_leaves("recorded_on"),
        father=_NAMED,
        mother=_NAMED,
        spouse=_NAMED,
        death=_leaves("died_on", "registered_on", "commune_code"),
    ),
    "residence": _leaves(
        "residence_history",
        permanent_residence=_leaves(*_ADDRESS, "since"),
        temporary_residence=_leaves(*_ADDRESS, "since", "until"),
        household=_leaves("number", "head_personal_id", "members", "relation_to_head"),
    ),
    "enterprise": _leaves(
        "enterprise_code", "name", "kind", "status", "registered_on", "head_office_address",
        "head_office_commune_code", "charter_capital_vnd", "registration_changes",
        legal_representative=_NAMED,
    ),
    "land": _leaves(
        "parcel_id", "commune_code", "address", "area_m2", "land_use", "certificate_number",
        "certificate_issued_on", "holders",
    ),
    "social_insurance": _leaves(
        "insurance_number", "insured", "months_contributed", "pension_status",
        unemployment_insurance=_leaves(
            "months_contributed", "contributions_closed_on", last_employer=_leaves("enterprise_code", "name")
        ),
    ),
    "health_insurance": _leaves(
        "card_number", "valid_from", "valid_until", "contribution_group", "benefit_level"
    ),
    "driving_licence": _leaves(
        "licence_number", "classes", "issued_on", "valid_until", "status", "issuing_province_code"
    ),
    "vehicle": _leaves(
        "frame_number", "engine_number", "kind", "brand", "model", "origin", "quality_certificate",
        "registration_tax_paid", "plate", "registered_on",
    ),
    "judicial_records": _leaves("convictions", "bans_on_holding_positions"),
    "identity_card": _leaves(
        "id_card_number", "card_kind", "issued_on", "valid_until", "status", "issued_by"
    ),
    "passport": _leaves(
        "passport_number", "passport_kind", "issued_on", "valid_until", "status", "issued_by"
    ),
    "traffic_fines": _leaves(
        "violation_id", "plate", "vehicle_kind", "detected_at", "offence", "legal_reference", "fine_vnd",
        "camera_id", "status", place=_leaves(*_ADDRESS), payment=_leaves("paid_on", "reference"),
    ),
    "electricity": _leaves(
        "contract_number", "contract_household_number", "supply_address", "supply_commune_code",
        "power_company_code", "meter_number", "phases", "supply_purpose", "signed_on", "contract_status",
    ),
    "education": _leaves(
        "student_code", "school_code", "school_name", "school_commune_code", "grade", "class_name",
        "school_year", "priority_area", "average_score",
    ),
}  # fmt: skip

_PERSON = frozenset({"person"})
_NAMES: dict[str, tuple[str, str, frozenset[str], bool]] = {
    "population": ("Cơ sở dữ liệu quốc gia về dân cư", "National population database", _PERSON, False),
    "civil_status": ("Cơ sở dữ liệu hộ tịch điện tử", "Electronic civil-status database", _PERSON, False),
    "residence": ("Cơ sở dữ liệu về cư trú", "Residence database", _PERSON, False),
    "enterprise": ("Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp",
                   "National enterprise registration database", frozenset({"enterprise"}), False),
    "land": ("Cơ sở dữ liệu quốc gia về đất đai", "National land database",
             frozenset({"person", "enterprise"}), True),
    "social_insurance": ("Cơ sở dữ liệu quốc gia về bảo hiểm (bảo hiểm xã hội)",
                         "National insurance database (social insurance)", _PERSON, False),
    "health_insurance": ("Cơ sở dữ liệu quốc gia về bảo hiểm (bảo hiểm y tế)",
                         "National insurance database (health insurance)", _PERSON, False),
    "driving_licence": ("Cơ sở dữ liệu giấy phép lái xe", "Driving-licence database", _PERSON, False),
    "vehicle": ("Cơ sở dữ liệu đăng ký phương tiện giao thông", "Vehicle registration database",
                frozenset({"person", "enterprise"}), True),
    "judicial_records": ("Cơ sở dữ liệu lý lịch tư pháp", "Judicial-record database", _PERSON, False),
    "identity_card": ("Cơ sở dữ liệu căn cước", "Identity-card database", _PERSON, False),
    "passport": ("Cơ sở dữ liệu quốc gia về xuất nhập cảnh (hộ chiếu)",
                 "National immigration database (passports)", _PERSON, True),
    "traffic_fines": ("Cơ sở dữ liệu xử lý vi phạm giao thông (phạt nguội)",
                      "Traffic-violation database (camera-detected fines)",
                      frozenset({"person", "enterprise", "plate"}), True),
    "electricity": ("Cơ sở dữ liệu khách hàng sử dụng điện (các công ty điện lực)",
                    "Electricity customer database (power companies)", _PERSON, True),
    "education": ("Cơ sở dữ liệu ngành giáo dục (học sinh, thí sinh)",
                  "Education database (students and exam candidates)", _PERSON, False),
}  # fmt: skip

REGISTRIES: dict[str, RegistryDefinition] = {
    code: RegistryDefinition(
        code=code,
        name_vi=name_vi,
        name_en=name_en,
        subject_kinds=kinds,
        multiple=multiple,
        fields=frozenset(_paths(SCHEMAS[code])),
    )
    for code, (name_vi, name_en, kinds, multiple) in _NAMES.items()
}

_ENTERPRISE_CODE = re.compile(r"[0-9]{10}(?:-[0-9]{3})?")
# A car's plate (30A-123.45, 51LD-123.45) or a motorcycle's (29-E2 168.79), as the vehicle
# registry writes them.
_PLATE = re.compile(r"[0-9]{2}[A-Z]{1,2}-[0-9]{3}\.[0-9]{2}|[0-9]{2}-[A-Z][A-Z0-9] [0-9]{3}\.[0-9]{2}")


_TODAY: list[tuple[float, datetime.date]] = []


def _today() -> datetime.date:
    """Today's date, looked up at most once a minute: ``subject_kind`` is on every request's path
    and the time-zone conversion behind ``timezone.localdate`` costs more than the rest of it."""
    now = time.monotonic()
    if not _TODAY or now - _TODAY[0][0] > 60:
        _TODAY[:] = [(now, timezone.localdate())]
    return _TODAY[0][1]


def subject_kind(subject_id: str) -> str | None:
    """``"person"`` for a valid personal ID number, ``"enterprise"`` for an enterprise code
    (10 digits) or a branch code (10 digits, "-", 3 digits), ``"plate"`` for a vehicle's plate,
    otherwise None."""
    if len(subject_id) == 12 and subject_id.isdigit():
        try:
            parse_personal_id(subject_id, today=_today())
        except InvalidPersonalId:
            return None
        return "person"
    if _ENTERPRISE_CODE.fullmatch(subject_id):
        return "enterprise"
    if _PLATE.fullmatch(subject_id):
        return "plate"
    return None


def is_valid_field(registry: str, path: str) -> bool:
    definition = REGISTRIES.get(registry)
    return definition is not None and path in definition.fields


def select(record: Record | list[Record], fields: Sequence[str]) -> Record | list[Record]:
    """Only the requested paths of a record (of each record, for a list). A subtree path keeps
    the whole subtree; a nested path rebuilds the nesting down to it; a path through a null
    subtree keeps that null, so the caller sees the registry holds nothing there."""
    if isinstance(record, list):
        return [_select_one(item, fields) for item in record]
    return _select_one(record, fields)


def _select_one(record: Record, fields: Sequence[str]) -> Record:
    selected: Record = {}
    for path in fields:
        source: Any = record
        target = selected
        parts = path.split(".")
        for depth, part in enumerate(parts):
            if not isinstance(source, dict) or part not in source:
                break
            value = source[part]
            if depth == len(parts) - 1 or value is None:
                target[part] = value
                break
            existing = target.get(part)
            if existing is value or not isinstance(value, dict):  # already whole, or not a subtree
                break
            if not isinstance(existing, dict):
                existing = target[part] = {}
            source, target = value, existing
    return selected


def fetch(registry: str, subject_id: str) -> Record | list[Record] | None:
    """The full record tree ``registry`` holds for the subject; None when it holds nothing."""
    try:
        reader = READERS[registry]
    except KeyError:
        raise LookupError(f"There is no registry {registry!r}.") from None
    with connection.cursor() as cursor:
        return reader(cursor, subject_id)
