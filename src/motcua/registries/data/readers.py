"""How each reference registry reads a subject's records from its own database: raw SQL, one to
three indexed queries per registry, building plain dicts (never model instances), since
``records.fetch`` is on the hot path of the exchange benchmark. Dates are ``YYYY-MM-DD``
strings; everything is JSON-serialisable.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from motcua.registries.data.generator import units
from motcua.registries.data.vocabulary import NATIONALITY

Record = dict[str, Any]  # a subject's record tree, as a registry answers it

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


_IDENTITY_CARD = """
    SELECT card_number, kind, issued_on, valid_until, status, issued_by
    FROM registry_data_identity_card WHERE personal_id = %s
"""


def _identity_card(cursor: Any, subject: str) -> Record | None:
    cursor.execute(_IDENTITY_CARD, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    number, kind, issued, valid_until, status, issued_by = row
    return {
        "id_card_number": number,
        "card_kind": kind,
        "issued_on": _iso(issued),
        "valid_until": _iso(valid_until),
        "status": status,
        "issued_by": issued_by,
    }


_PASSPORTS = """
    SELECT passport_number, kind, issued_on, valid_until, status, issued_by
    FROM registry_data_passport WHERE personal_id = %s ORDER BY issued_on
"""


def _passport(cursor: Any, subject: str) -> list[Record] | None:
    cursor.execute(_PASSPORTS, [subject])
    passports = [
        {
            "passport_number": number,
            "passport_kind": kind,
            "issued_on": _iso(issued),
            "valid_until": _iso(valid_until),
            "status": status,
            "issued_by": issued_by,
        }
        for number, kind, issued, valid_until, status, issued_by in cursor
    ]
    return passports or None


_VIOLATIONS = """
    SELECT violation_id, plate, vehicle_kind, detected_on, detected_time, commune_code, place, offence,
           legal_reference, fine_vnd, camera_id, status, paid_on, payment_reference
    FROM registry_data_traffic_violation WHERE {column} = %s ORDER BY detected_on DESC, violation_id
"""
_VIOLATIONS_BY_OWNER = _VIOLATIONS.format(column="owner_id")
_VIOLATIONS_BY_PLATE = _VIOLATIONS.format(column="plate")
_KNOWN_OWNER = """
    SELECT 1 FROM registry_data_person WHERE personal_id = %s
    UNION ALL SELECT 1 FROM registry_data_enterprise WHERE enterprise_code = %s
    UNION ALL SELECT 1 FROM registry_data_vehicle WHERE plate = %s
"""


def violation_record(row: tuple[Any, ...]) -> Record:
    (violation_id, plate, kind, detected_on, detected_time, commune, place, offence, reference, fine,
     camera, status, paid_on, payment_reference) = row  # fmt: skip
    return {
        "violation_id": violation_id,
        "plate": plate,
        "vehicle_kind": kind,
        "detected_at": f"{_iso(detected_on)}T{detected_time}",
        "place": _address(place, commune),
        "offence": offence,
        "legal_reference": reference,
        "fine_vnd": int(fine),
        "camera_id": camera,
        "status": status,
        "payment": {"paid_on": _iso(paid_on), "reference": payment_reference} if status == "paid" else None,
    }


def _traffic_fines(cursor: Any, subject: str) -> list[Record] | None:
    """The violations of a plate, or owed by a person or enterprise (every vehicle they own),
    newest first; a known subject without any has an empty list, an unknown one None."""
    by_plate = "." in subject  # plates always have one (29-E2 168.79); ID numbers and codes never
    cursor.execute(_VIOLATIONS_BY_PLATE if by_plate else _VIOLATIONS_BY_OWNER, [subject])
    violations = [violation_record(row) for row in cursor]
    if violations:
        return violations
    cursor.execute(_KNOWN_OWNER, [subject, subject, subject])
    return [] if cursor.fetchone() else None


_CONTRACTS = """
    SELECT contract_number, household_number, address, commune_code, power_company_code, meter_number,
           phases, purpose, signed_on, status
    FROM registry_data_electricity_contract WHERE customer_personal_id = %s
    ORDER BY signed_on, contract_number
"""
_KNOWN_PERSON = "SELECT 1 FROM registry_data_person WHERE personal_id = %s"


def _electricity(cursor: Any, subject: str) -> list[Record] | None:
    """The electricity contracts a person is the party to (ADR 0068); a known person without any
    has an empty list (a new connection's case), an unknown one None."""
    cursor.execute(_CONTRACTS, [subject])
    contracts = [
        {
            "contract_number": number,
            "contract_household_number": household,
            "supply_address": address,
            "supply_commune_code": commune,
            "power_company_code": company,
            "meter_number": meter,
            "phases": int(phases),
            "supply_purpose": purpose,
            "signed_on": _iso(signed),
            "contract_status": status,
        }
        for number, household, address, commune, company, meter, phases, purpose, signed, status in cursor
    ]
    if contracts:
        return contracts
    cursor.execute(_KNOWN_PERSON, [subject])
    return [] if cursor.fetchone() else None


_STUDENT = """
    SELECT student_code, school_code, school_name, school_commune_code, grade, class_name, school_year,
           priority_area, average_score
    FROM registry_data_student WHERE personal_id = %s
"""


def _education(cursor: Any, subject: str) -> Record | None:
    """The person's enrolment in an upper-secondary school this school year (ADR 0068)."""
    cursor.execute(_STUDENT, [subject])
    row = cursor.fetchone()
    if row is None:
        return None
    code, school_code, school, commune, grade, class_name, year, area, average = row
    return {
        "student_code": code,
        "school_code": school_code,
        "school_name": school,
        "school_commune_code": commune,
        "grade": int(grade),
        "class_name": class_name,
        "school_year": year,
        "priority_area": area,
        "average_score": float(average),
    }


READERS: dict[str, Callable[[Any, str], Record | list[Record] | None]] = {
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
    "identity_card": _identity_card,
    "passport": _passport,
    "traffic_fines": _traffic_fines,
    "electricity": _electricity,
    "education": _education,
}
