"""What the registries write when an agency's signed write is accepted (ADR 0043): one function
per (registry, operation), raw SQL on the registries' own tables, in the caller's transaction.

Each writer checks its body (``invalid_write``), finds the subject's record (an answer of
``not_found`` when it is not there), refuses what the records do not allow
(``write_rejected``: a fine already paid by another payment, an amount that is not the fine's)
and returns the record as it now stands. A writer is idempotent on its own terms too: marking
paid a fine already paid by the same payment answers the record again, changing nothing, and
registering a birth already registered (same parent, name, birth date) answers the child's
record with the number issued then. In the reference registries one table holds a person's
population and civil-status records, so ``register_birth`` creates both.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from motcua.core.ids import PROVINCE_CODES
from motcua.protocol import ExchangeErrorCode, ProtocolError
from motcua.registries.data import life_events
from motcua.registries.data.generator import units
from motcua.registries.data.readers import READERS, Record, violation_record


def _invalid(message: str) -> ProtocolError:
    return ProtocolError(ExchangeErrorCode.INVALID_WRITE, message)


def _text(body: Mapping[str, Any], name: str, max_length: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise _invalid(f"{name!r} must be a non-empty string of at most {max_length} characters.")
    return value


def _date(body: Mapping[str, Any], name: str) -> datetime.date:
    value = _text(body, name, 10)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _invalid(f"{name!r} must be a date (YYYY-MM-DD).") from None


def _amount(body: Mapping[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10**12:
        raise _invalid(f"{name!r} must be a positive whole number of đồng.")
    return value


_VIOLATION = """
    SELECT violation_id, plate, vehicle_kind, detected_on, detected_time, commune_code, place, offence,
           legal_reference, fine_vnd, camera_id, status, paid_on, payment_reference
    FROM registry_data_traffic_violation WHERE violation_id = %s AND owner_id = %s
"""
_MARK_PAID = """
    UPDATE registry_data_traffic_violation SET status = 'paid', paid_on = %s, payment_reference = %s
    WHERE violation_id = %s AND owner_id = %s AND status = 'unpaid'
"""


def mark_paid(subject: str, body: Mapping[str, Any]) -> Record | None:
    """Mark a camera-detected violation owed by ``subject`` paid: ``violation_id``,
    ``payment_reference`` (the platform's payment), ``amount_vnd`` (must be the fine) and
    ``paid_on``. None when the subject owes no such violation."""
    violation_id = _text(body, "violation_id", 20)
    reference = _text(body, "payment_reference", 64)
    amount = _amount(body, "amount_vnd")
    paid_on = _date(body, "paid_on")
    with connection.cursor() as cursor:
        cursor.execute(_VIOLATION + " FOR UPDATE" if connection.vendor == "postgresql" else _VIOLATION,
                       [violation_id, subject])  # fmt: skip
        row = cursor.fetchone()
        if row is None:
            return None
        record = violation_record(row)
        if record["status"] == "paid":
            if record["payment"]["reference"] == reference:
                return record  # the same payment again: nothing to change
            raise ProtocolError(
                ExchangeErrorCode.WRITE_REJECTED, "The fine is already paid, by another payment."
            )
        if amount != record["fine_vnd"]:
            raise ProtocolError(
                ExchangeErrorCode.WRITE_REJECTED,
                f"The amount paid ({amount} đồng) is not the fine ({record['fine_vnd']} đồng).",
            )
        cursor.execute(_MARK_PAID, [paid_on, reference, violation_id, subject])
        if cursor.rowcount != 1:  # paid meanwhile by a concurrent write (SQLite has no row lock)
            raise ProtocolError(ExchangeErrorCode.WRITE_REJECTED, "The fine was paid meanwhile.")
        cursor.execute(_VIOLATION, [violation_id, subject])
        return violation_record(cursor.fetchone())


_PARENT = "SELECT status FROM registry_data_person WHERE personal_id = %s"
_SAME_BIRTH = """
    SELECT personal_id FROM registry_data_person
    WHERE {parent} = %s AND full_name = %s AND date_of_birth = %s
"""
_TAKEN = "SELECT 1 FROM registry_data_person WHERE personal_id = %s"
_NEW_PERSON = """
    INSERT INTO registry_data_person (
        personal_id, full_name, other_names, date_of_birth, sex, ethnicity, birth_commune_code,
        birth_registration_number, birth_registered_on, hometown_commune_code, father_personal_id,
        mother_personal_id, marital_status, status
    ) VALUES (%s, %s, '', %s, %s, %s, %s, %s, %s, %s, %s, %s, 'single', 'living')
"""


def _new_personal_id(cursor: Any, *, commune_code: str, born: datetime.date, male: bool) -> str:
    """A new personal ID number: the birth province's code, century and sex, year, and a serial
    not yet used (drawn at random, as the real numbers are not sequential)."""
    places = units()
    province = places.province_codes[places.commune_province[places.commune_index[commune_code]]]
    ppp = "0" + province if "0" + province in PROVINCE_CODES else "001"
    key = f"{ppp}{(born.year - 1900) // 100 * 2 + (not male)}{born.year % 100:02d}"
    while True:
        number = f"{key}{secrets.randbelow(1_000_000):06d}"
        cursor.execute(_TAKEN, [number])
        if cursor.fetchone() is None:
            return number


def register_birth(subject: str, body: Mapping[str, Any]) -> Record | None:
    """Register a child's birth (civil status) and issue their personal ID number (population):
    ``full_name``, ``date_of_birth``, ``sex`` (``male``/``female``), ``birth_commune_code``,
    ``registration_number``, ``registered_on``, ``ethnicity`` (default Kinh), and
    ``father_personal_id`` and/or ``mother_personal_id``, one of whom is the subject (the parent
    the registration is declared under). The answer is the child's population record, with the
    new ``personal_id``. The same child registered again (same parent, name and birth date)
    answers the existing record. None when the subject is not a living person of the registry."""
    full_name = _text(body, "full_name", 100)
    born = _date(body, "date_of_birth")
    registered_on = _date(body, "registered_on")
    sex = _text(body, "sex", 6)
    if sex not in {"male", "female"}:
        raise _invalid("'sex' must be male or female.")
    commune = _text(body, "birth_commune_code", 5)
    if commune not in units().commune_index:
        raise _invalid(f"No commune {commune}.")
    number = _text(body, "registration_number", 20)
    ethnicity = str(body.get("ethnicity") or "Kinh")[:30]
    parents = {name: body.get(name) or None for name in ("father_personal_id", "mother_personal_id")}
    if subject not in parents.values():
        raise _invalid(
            "The subject must be the child's father or mother (father_personal_id, mother_personal_id)."
        )
    if born > registered_on or registered_on > timezone.localdate():
        raise ProtocolError(
            ExchangeErrorCode.WRITE_REJECTED,
            "The birth date must come before the registration, not after today.",
        )
    with connection.cursor() as cursor:
        for parent in filter(None, parents.values()):
            cursor.execute(_PARENT, [parent])
            row = cursor.fetchone()
            if parent == subject and (row is None or row[0] != "living"):
                return None
            if row is None:
                raise ProtocolError(ExchangeErrorCode.WRITE_REJECTED, f"No person {parent} in the registry.")
        column = "mother_personal_id" if parents["mother_personal_id"] else "father_personal_id"
        cursor.execute(_SAME_BIRTH.format(parent=column), [parents[column], full_name, born])
        existing = cursor.fetchone()
        if existing is not None:  # registered before: the same child, the same number
            return READERS["population"](cursor, existing[0])  # type: ignore[return-value]
        personal_id = _new_personal_id(cursor, commune_code=commune, born=born, male=sex == "male")
        cursor.execute(
            _NEW_PERSON,
            [personal_id, full_name, born, sex, ethnicity, commune, number, registered_on, commune,
             parents["father_personal_id"], parents["mother_personal_id"]],
        )  # fmt: skip
        _record_birth(personal_id, born=born, registered_on=registered_on, commune=commune, parents=parents)
        return READERS["population"](cursor, personal_id)  # type: ignore[return-value]


def _record_birth(
    child: str,
    *,
    born: datetime.date,
    registered_on: datetime.date,
    commune: str,
    parents: Mapping[str, str | None],
) -> None:
    """The birth in the civil-status change feed (ADR 0063), in the write's transaction."""
    from motcua.registries import feeds

    feeds.record(
        "civil_status",
        "birth_registered",
        child,
        occurred_on=registered_on,
        data={"date_of_birth": born.isoformat(), "birth_commune_code": commune, **parents},
    )


@dataclass(frozen=True)
class Writer:
    subject_kinds: frozenset[str]
    apply: Callable[[str, Mapping[str, Any]], Record | None]


WRITERS: dict[tuple[str, str], Writer] = {
    ("traffic_fines", "mark_paid"): Writer(frozenset({"person", "enterprise"}), mark_paid),
    ("population", "register_birth"): Writer(frozenset({"person"}), register_birth),
    # a procedure's approved result (ADR 0061)
    ("residence", "register_permanent_residence"): Writer(
        frozenset({"person"}), life_events.register_permanent_residence
    ),
    ("population", "register_death"): Writer(frozenset({"person"}), life_events.register_death),
    ("civil_status", "register_marriage"): Writer(frozenset({"person"}), life_events.register_marriage),
}
