"""What each reference registry answers: its definition (subjects, fields) and its records.

``REGISTRIES`` lists the ten registries with every field path a request may name: each leaf and
each dict subtree (``permanent_residence`` and ``permanent_residence.address``); paths never go
inside lists, a list is a leaf. ``fetch`` reads the full record tree of one subject (dates as
``YYYY-MM-DD`` strings, JSON-serialisable), ``select`` keeps the requested paths of it.

``REGISTRIES``, ``subject_kind``, ``select`` and ``is_valid_field`` need neither models nor a
configured database, so the platform's tests check the procedure specs against them. ``fetch``
reads the registries' own database through raw SQL: it is on the hot path of the exchange
benchmark, so each registry answers with one to three indexed queries and builds plain dicts,
never model instances.
"""

from __future__ import annotations

import datetime
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from motcua.core.ids import InvalidPersonalId, parse_personal_id
from motcua.registries.data.generator import units
from motcua.registries.data.vocabulary import NATIONALITY

Record = dict[str, Any]
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
    (10 digits) or a branch code (10 digits, "-", 3 digits), otherwise None."""
    if len(subject_id) == 12:
        try:
            parse_personal_id(subject_id, today=_today())
        except InvalidPersonalId:
            return None
        return "person"
    if _ENTERPRISE_CODE.fullmatch(subject_id):
        return "enterprise"
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
        reader = _READERS[registry]
    except KeyError:
        raise LookupError(f"There is no registry {registry!r}.") from None
    with connection.cursor() as cursor:
        return reader(cursor, subject_id)


# --- Readers -----------------------------------------------------------------------------------
# The SQL names the tables of ``models`` (``generator.TABLE_PREFIX`` + key) literally.


def _iso(value: Any) -> str | None:
    """Dates come back as date objects (both backends convert DATE columns); JSON wants text."""
    if value is None or isinstance(value, str):
        return value
    assert isinstance(value, datetime.date)
    return value.isoformat()


def _json(value: Any) -> Any:
    """JSON columns come back as text from raw queries (Django loads jsonb as text too)."""
    return json.loads(value) if isinstance(value, str) else value


def _address(address: str | None, commune_code: str | None) -> Record | None:
    if address is None or commune_code is None:
        return None
    places = units()
    index = places.commune_index[commune_code]
    province = places.commune_province[index]
    return {
        "address": address,
        "commune_code": commune_code,
        "commune_name": places.commune_names[index],
        "province_code": places.province_codes[province],
        "province_name": places.province_names[province],
    }


def _place(commune_code: str) -> str:
    return units().place(commune_code)


_POPULATION = """
    SELECT p.personal_id, p.full_name, p.other_names, p.date_of_birth, p.sex, p.ethnicity,
           p.birth_commune_code, p.hometown_commune_code, p.former_id_numbers, p.household_number,
           p.relation_to_head, p.temporary_address, p.temporary_commune_code, p.father_personal_id,
           p.mother_personal_id, p.spouse_personal_id, p.marital_status, p.status, p.died_on,
           h.address, h.commune_code, h.head_personal_id
    FROM registry_data_person p LEFT JOIN registry_data_household h ON h.number = p.household_number
    WHERE p.personal_id = %s
"""


def _population(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_POPULATION, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    (pid, name, other, born, sex, ethnicity, birth_commune, hometown, former, household, relation,
     temp_address, temp_commune, father, mother, spouse, marital, status, died, address, commune,
     head) = row  # fmt: skip
    return {
        "personal_id": pid,
        "full_name": name,
        "other_names": other,
        "date_of_birth": _iso(born),
        "sex": sex,
        "ethnicity": ethnicity,
        "nationality": NATIONALITY,
        "place_of_birth": _place(birth_commune),
        "hometown": _place(hometown),
        "former_id_numbers": _json(former) or [],
        "permanent_residence": _address(address, commune),
        "temporary_residence": _address(temp_address, temp_commune),
        "household": None
        if household is None
        else {"number": household, "head_personal_id": head, "relation_to_head": relation},
        "father_personal_id": father,
        "mother_personal_id": mother,
        "spouse_personal_id": spouse,
        "marital_status": marital,
        "status": status,
        "died_on": _iso(died),
    }


_PERSON_ROW = """
    SELECT personal_id, full_name, father_personal_id, mother_personal_id, spouse_personal_id,
           marital_status, birth_registration_number, birth_registered_on, birth_commune_code,
           died_on, death_registered_on, death_commune_code, name_changes
    FROM registry_data_person WHERE personal_id = %s
"""
_RELATIVES = """
    SELECT personal_id, full_name, father_personal_id, mother_personal_id, date_of_birth
    FROM registry_data_person
    WHERE personal_id IN (%s, %s, %s) OR father_personal_id = %s OR mother_personal_id = %s
"""
_LAST_MARRIAGE = """
    SELECT husband_personal_id, wife_personal_id, registered_on, commune_code, divorced_on
    FROM registry_data_marriage WHERE husband_personal_id = %s OR wife_personal_id = %s
    ORDER BY registered_on DESC LIMIT 1
"""


def _civil_status(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_PERSON_ROW, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    (pid, _name, father, mother, spouse, marital, registration, registered, birth_commune, died,
     death_registered, death_commune, name_changes) = row  # fmt: skip
    cursor.execute(_RELATIVES, [father, mother, spouse, pid, pid])
    names: dict[str, str] = {}
    children: list[tuple[Any, str]] = []
    for relative, relative_name, its_father, its_mother, born in cursor.fetchall():
        names[relative] = relative_name
        if pid in (its_father, its_mother):
            children.append((_iso(born), relative))
    marriage = divorce = None
    if marital != "single":
        cursor.execute(_LAST_MARRIAGE, [pid, pid])
        last = cursor.fetchone()
        if last is not None:
            husband, wife, married, commune, divorced = last
            marriage = {
                "registered_on": _iso(married),
                "spouse_personal_id": wife if husband == pid else husband,
                "commune_code": commune,
            }
            divorce = None if divorced is None else {"recorded_on": _iso(divorced)}

    def named(personal_id: str | None) -> Record | None:
        if personal_id is None or personal_id not in names:
            return None
        return {"personal_id": personal_id, "full_name": names[personal_id]}

    return {
        "birth": {
            "registration_number": registration,
            "registered_on": _iso(registered),
            "commune_code": birth_commune,
            "father_personal_id": father,
            "mother_personal_id": mother,
        },
        "marital_status": marital,
        "marriage": marriage,
        "divorce": divorce,
        "father": named(father),
        "mother": named(mother),
        "spouse": named(spouse),
        "parents_personal_ids": [parent for parent in (father, mother) if parent is not None],
        "spouse_personal_id": spouse,
        "children_personal_ids": [child for _born, child in sorted(children)],
        "name_changes": _json(name_changes) or [],
        "death": None
        if died is None
        else {"died_on": _iso(died), "registered_on": _iso(death_registered), "commune_code": death_commune},
    }


_RESIDENCE = """
    SELECT p.household_number, p.relation_to_head, p.permanent_since, p.temporary_address,
           p.temporary_commune_code, p.temporary_since, p.temporary_until, p.residence_history,
           h.address, h.commune_code, h.head_personal_id
    FROM registry_data_person p LEFT JOIN registry_data_household h ON h.number = p.household_number
    WHERE p.personal_id = %s
"""
_MEMBERS = """
    SELECT personal_id FROM registry_data_person WHERE household_number = %s ORDER BY household_position
"""


def _residence(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_RESIDENCE, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    (household, relation, since, temp_address, temp_commune, temp_since, temp_until, history, address,
     commune, head) = row  # fmt: skip
    permanent = _address(address, commune)
    if permanent is not None:
        permanent["since"] = _iso(since)
    temporary = _address(temp_address, temp_commune)
    if temporary is not None:
        temporary["since"] = _iso(temp_since)
        temporary["until"] = _iso(temp_until)
    members: list[str] = []
    if household is not None:
        cursor.execute(_MEMBERS, [household])
        members = [member for (member,) in cursor.fetchall()]
    return {
        "permanent_residence": permanent,
        "temporary_residence": temporary,
        "household": None
        if household is None
        else {
            "number": household,
            "head_personal_id": head,
            "members": members,
            "relation_to_head": relation,
        },
        "residence_history": _json(history) or [],
    }


_ENTERPRISE = """
    SELECT e.enterprise_code, e.name, e.kind, e.status, e.registered_on, e.head_office_address,
           e.head_office_commune_code, e.representative_personal_id, p.full_name, e.charter_capital_vnd,
           e.registration_changes
    FROM registry_data_enterprise e
    LEFT JOIN registry_data_person p ON p.personal_id = e.representative_personal_id
    WHERE e.enterprise_code = %s
"""


def _enterprise(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_ENTERPRISE, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    code, name, kind, status, registered, address, commune, rep, rep_name, capital, changes = row
    return {
        "enterprise_code": code,
        "name": name,
        "kind": kind,
        "status": status,
        "registered_on": _iso(registered),
        "head_office_address": address,
        "head_office_commune_code": commune,
        "legal_representative": {"personal_id": rep, "full_name": rep_name},
        "charter_capital_vnd": int(capital),
        "registration_changes": _json(changes) or [],
    }


_LAND = """
    SELECT l.parcel_id, l.commune_code, l.address, l.area_m2, l.land_use, l.certificate_number,
           l.certificate_issued_on, o.holder_id, o.holder_name, o.share
    FROM registry_data_land_holder s
    JOIN registry_data_land_parcel l ON l.parcel_id = s.parcel_id
    JOIN registry_data_land_holder o ON o.parcel_id = s.parcel_id
    WHERE s.holder_id = %s
    ORDER BY l.parcel_id, o.position
"""


def _land(cursor: Any, subject: str) -> list[Record] | None:
    cursor.execute(_LAND, [subject])
    parcels: dict[str, Record] = {}
    for parcel_id, commune, address, area, use, certificate, issued, holder, holder_name, share in cursor:
        parcel = parcels.get(parcel_id)
        if parcel is None:
            parcel = parcels[parcel_id] = {
                "parcel_id": parcel_id,
                "commune_code": commune,
                "address": address,
                "area_m2": area,
                "land_use": use,
                "certificate_number": certificate,
                "certificate_issued_on": _iso(issued),
                "holders": [],
            }
        key = "personal_id" if len(holder) == 12 else "enterprise_code"
        parcel["holders"].append({key: holder, "name": holder_name, "share": share})
    return list(parcels.values()) or None


_SOCIAL_INSURANCE = """
    SELECT s.insurance_number, s.insured, s.months_contributed, s.pension_status,
           s.unemployment_months_contributed, s.last_employer_code, e.name, s.contributions_closed_on
    FROM registry_data_social_insurance s
    LEFT JOIN registry_data_enterprise e ON e.enterprise_code = s.last_employer_code
    WHERE s.personal_id = %s
"""


def _social_insurance(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_SOCIAL_INSURANCE, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    number, insured, months, pension, ui_months, employer, employer_name, closed = row
    return {
        "insurance_number": number,
        "insured": bool(insured),
        "months_contributed": months,
        "pension_status": pension,
        "unemployment_insurance": {
            "months_contributed": ui_months,
            "last_employer": None
            if employer is None
            else {"enterprise_code": employer, "name": employer_name},
            "contributions_closed_on": _iso(closed),
        },
    }


_HEALTH_INSURANCE = """
    SELECT card_number, valid_from, valid_until, contribution_group, benefit_level
    FROM registry_data_health_insurance_card WHERE personal_id = %s
"""


def _health_insurance(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_HEALTH_INSURANCE, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    card, valid_from, valid_until, group, benefit = row
    return {
        "card_number": card,
        "valid_from": _iso(valid_from),
        "valid_until": _iso(valid_until),
        "contribution_group": group,
        "benefit_level": benefit,
    }


_DRIVING_LICENCE = """
    SELECT licence_number, classes, issued_on, valid_until, status, issuing_province_code
    FROM registry_data_driving_licence WHERE personal_id = %s
"""


def _driving_licence(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_DRIVING_LICENCE, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    number, classes, issued, valid_until, status, province = row
    return {
        "licence_number": number,
        "classes": _json(classes),
        "issued_on": _iso(issued),
        "valid_until": _iso(valid_until),
        "status": status,
        "issuing_province_code": province,
    }


_VEHICLES = """
    SELECT frame_number, engine_number, kind, brand, model, origin, quality_certificate,
           registration_tax_paid, plate, registered_on
    FROM registry_data_vehicle WHERE owner_id = %s ORDER BY frame_number
"""


def _vehicle(cursor: Any, subject: str) -> list[Record] | None:
    cursor.execute(_VEHICLES, [subject])
    vehicles = [
        {
            "frame_number": frame,
            "engine_number": engine,
            "kind": kind,
            "brand": brand,
            "model": model,
            "origin": origin,
            "quality_certificate": certificate,
            "registration_tax_paid": bool(tax_paid),
            "plate": plate,
            "registered_on": _iso(registered),
        }
        for frame, engine, kind, brand, model, origin, certificate, tax_paid, plate, registered in cursor
    ]
    return vehicles or None


_JUDICIAL = """
    SELECT c.court, c.judgement_number, c.judged_on, c.offence, c.sentence, c.expunged, c.ban, c.ban_until
    FROM registry_data_person p LEFT JOIN registry_data_conviction c ON c.personal_id = p.personal_id
    WHERE p.personal_id = %s
    ORDER BY c.judged_on
"""


def _judicial_records(cursor: Any, subject: str) -> Record | None:
    """A known person with no conviction has a clean record (an answer); an unknown one, None."""
    cursor.execute(_JUDICIAL, [subject])
    rows = cursor.fetchall()
    if not rows:
        return None
    convictions, bans = [], []
    for court, judgement, judged, offence, sentence, expunged, ban, ban_until in rows:
        if court is None:  # the person exists, the outer join found no conviction
            continue
        convictions.append({
            "court": court, "judgement_number": judgement, "judged_on": _iso(judged), "offence": offence,
            "sentence": sentence, "expunged": bool(expunged),
        })  # fmt: skip
        if ban is not None:
            bans.append({"ban": ban, "court": court, "judgement_number": judgement, "until": _iso(ban_until)})
    return {"convictions": convictions, "bans_on_holding_positions": bans}


_READERS: dict[str, Callable[[Any, str], Record | list[Record] | None]] = {
    "population": _population,
    "civil_status": _civil_status,
    "residence": _residence,
    "enterprise": _enterprise,
    "land": _land,
    "social_insurance": _social_insurance,
    "health_insurance": _health_insurance,
    "driving_licence": _driving_licence,
    "vehicle": _vehicle,
    "judicial_records": _judicial_records,
}
