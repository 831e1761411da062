"""The registries' writes for a procedure's approved result (ADR 0061), beside ``writers``'s
``register_birth`` and ``mark_paid``: a permanent residence registered, a death registered, a
marriage registered. Raw SQL on the registries' own tables, in the caller's transaction, each
writer checking its body (``invalid_write``), answering ``None`` when the subject is not a
living person of the registry, refusing what the records do not allow (``write_rejected``) and
returning the record as it now stands. Each is idempotent on its own terms too: the same event
again (the same household since the same day, the same death, the same marriage) answers the
record and changes nothing, so a write whose answer was lost can be decided again safely.

In the reference registries one table holds a person's population, civil-status and residence
records, so one write updates all three (a death closes the residence and widows the spouse).
What the real systems do in which order is [M]: the domain notes (part E) say only that the
result is pushed to its master database.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.utils import timezone

from motcua.protocol import ExchangeErrorCode, ProtocolError
from motcua.registries.data.generator import units
from motcua.registries.data.readers import READERS, Record


def _invalid(message: str) -> ProtocolError:
    return ProtocolError(ExchangeErrorCode.INVALID_WRITE, message)


def _rejected(message: str) -> ProtocolError:
    return ProtocolError(ExchangeErrorCode.WRITE_REJECTED, message)


def _text(body: Mapping[str, Any], name: str, max_length: int, *, required: bool = True) -> str:
    value = body.get(name, "")
    if value in (None, "") and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise _invalid(f"{name!r} must be a non-empty string of at most {max_length} characters.")
    return value.strip()


def _date(body: Mapping[str, Any], name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(_text(body, name, 10))
    except ValueError:
        raise _invalid(f"{name!r} must be a date (YYYY-MM-DD).") from None


def _commune(body: Mapping[str, Any], name: str) -> str:
    code = _text(body, name, 5)
    if code not in units().commune_index:
        raise _invalid(f"No commune {code}.")
    return code


def _not_after_today(*days: datetime.date) -> None:
    if max(days) > timezone.localdate():
        raise _rejected("A date of the event is after today.")


def _json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def _for_update() -> str:
    return " FOR UPDATE" if connection.vendor == "postgresql" else ""


_PERSON = """
    SELECT status, sex, marital_status, spouse_personal_id, household_number, died_on
    FROM registry_data_person WHERE personal_id = %s
"""


def _person(cursor: Any, personal_id: str) -> tuple[Any, ...] | None:
    cursor.execute(_PERSON + _for_update(), [personal_id])
    row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def _history_with_current(cursor: Any, personal_id: str, until: datetime.date) -> str:
    """The person's residence history with their current permanent residence closed on ``until``."""
    residence = READERS["residence"](cursor, personal_id)
    assert isinstance(residence, dict)
    history = list(residence["residence_history"])
    current = residence["permanent_residence"]
    if current is not None:
        history.append({
            "address": current["address"], "commune_code": current["commune_code"], "kind": "permanent",
            "from": current["since"], "to": until.isoformat(),
        })  # fmt: skip
    return json.dumps(history, ensure_ascii=False, separators=(",", ":"))


# --- residence.register_permanent_residence -----------------------------------------------------

_HOUSEHOLD_OF = """
    SELECT h.number, h.address, h.commune_code FROM registry_data_person p
    JOIN registry_data_household h ON h.number = p.household_number
    WHERE p.personal_id = %s AND p.status = 'living'
"""
_LAST_POSITION = (
    "SELECT COALESCE(MAX(household_position), 0) FROM registry_data_person WHERE household_number = %s"
)
_NEW_HOUSEHOLD = """
    INSERT INTO registry_data_household (number, commune_code, address, head_personal_id, registered_on)
    VALUES (%s, %s, %s, %s, %s)
"""
_HOUSEHOLD_TAKEN = "SELECT 1 FROM registry_data_household WHERE number = %s"
_MOVE = """
    UPDATE registry_data_person SET household_number = %s, relation_to_head = %s, household_position = %s,
           permanent_since = %s, residence_history = {json}
    WHERE personal_id = %s
"""


def _new_household_number(cursor: Any, commune: str) -> str:
    while True:
        number = f"{commune}{secrets.randbelow(10_000_000):07d}"
        cursor.execute(_HOUSEHOLD_TAKEN, [number])
        if cursor.fetchone() is None:
            return number


def register_permanent_residence(subject: str, body: Mapping[str, Any]) -> Record | None:
    """Register ``subject``'s permanent residence at ``address`` in ``commune_code`` since
    ``registered_on``: into the household of ``household_head_personal_id`` (who must live there,
    ``relationship_to_head`` naming the tie), or as the head of a new household. The previous
    permanent residence goes into the residence history. The answer is the residence record."""
    address = _text(body, "address", 200)
    commune = _commune(body, "commune_code")
    since = _date(body, "registered_on")
    head = _text(body, "household_head_personal_id", 12, required=False)
    relation = _text(body, "relationship_to_head", 20, required=False) or "member"
    _not_after_today(since)
    with connection.cursor() as cursor:
        person = _person(cursor, subject)
        if person is None or person[0] != "living":
            return None
        current = READERS["residence"](cursor, subject)
        assert isinstance(current, dict)
        permanent = current["permanent_residence"]
        if (
            permanent is not None
            and permanent["since"] == since.isoformat()
            and (permanent["address"], permanent["commune_code"]) == (address, commune)
        ):
            return current  # registered so before: nothing to change
        if head and head != subject:
            cursor.execute(_HOUSEHOLD_OF, [head])
            household = cursor.fetchone()
            if household is None:
                raise _rejected(f"{head} is not a living household head or member of the registry.")
            if household[2] != commune:
                raise _rejected("The household named is in another commune.")
            number, relation_to_head = household[0], relation
        else:
            number, relation_to_head = _new_household_number(cursor, commune), "head"
            cursor.execute(_NEW_HOUSEHOLD, [number, commune, address, subject, since])
        cursor.execute(_LAST_POSITION, [number])
        position = int(cursor.fetchone()[0]) + 1
        history = _history_with_current(cursor, subject, since)
        cursor.execute(
            _MOVE.format(json=_json_param()), [number, relation_to_head, position, since, history, subject]
        )
        old = permanent["commune_code"] if permanent is not None else None
        _feed("residence", "moved", subject, since, {"from_commune_code": old, "to_commune_code": commune})
        return READERS["residence"](cursor, subject)  # type: ignore[return-value]


# --- population.register_death -------------------------------------------------------------------

_DIE = """
    UPDATE registry_data_person SET status = 'deceased', died_on = %s, death_registered_on = %s,
           death_commune_code = %s, household_number = NULL, relation_to_head = NULL,
           household_position = NULL, permanent_since = NULL, temporary_address = NULL,
           temporary_commune_code = NULL, temporary_since = NULL, temporary_until = NULL,
           spouse_personal_id = NULL, residence_history = {json}
    WHERE personal_id = %s
"""
_WIDOW = """
    UPDATE registry_data_person SET marital_status = 'widowed', spouse_personal_id = NULL
    WHERE personal_id = %s AND status = 'living'
"""


def register_death(subject: str, body: Mapping[str, Any]) -> Record | None:
    """Register ``subject``'s death: ``date_of_death``, ``registered_on``, ``commune_code``
    (where it is registered). The person is marked deceased, their permanent and temporary
    residence are closed (the permanent one into the residence history), and a living spouse
    becomes widowed. The answer is the population record. Registered again with the same date:
    the record, unchanged; a person already deceased on another date: ``write_rejected``."""
    died = _date(body, "date_of_death")
    registered = _date(body, "registered_on")
    commune = _commune(body, "commune_code")
    if died > registered:
        raise _rejected("The death must come before its registration.")
    _not_after_today(died, registered)
    with connection.cursor() as cursor:
        person = _person(cursor, subject)
        if person is None:
            return None
        status, _sex, _marital, spouse, _household, died_on = person
        if status == "deceased":
            if died_on is not None and str(died_on)[:10] == died.isoformat():
                return READERS["population"](cursor, subject)  # type: ignore[return-value]
            raise _rejected("The registry already records this person's death, on another date.")
        history = _history_with_current(cursor, subject, died)
        cursor.execute(_DIE.format(json=_json_param()), [died, registered, commune, history, subject])
        if spouse:
            cursor.execute(_WIDOW, [spouse])
        _feed("civil_status", "death_registered", subject, registered, {"died_on": died.isoformat()})
        return READERS["population"](cursor, subject)  # type: ignore[return-value]


# --- civil_status.register_marriage --------------------------------------------------------------

_SAME_MARRIAGE = """
    SELECT 1 FROM registry_data_marriage
    WHERE husband_personal_id = %s AND wife_personal_id = %s AND registered_on = %s AND divorced_on IS NULL
"""
_NEW_MARRIAGE = """
    INSERT INTO registry_data_marriage (husband_personal_id, wife_personal_id, registered_on, commune_code,
                                        divorced_on)
    VALUES (%s, %s, %s, %s, NULL)
"""
_MARRY = """
    UPDATE registry_data_person SET marital_status = 'married', spouse_personal_id = %s WHERE personal_id = %s
"""


def register_marriage(subject: str, body: Mapping[str, Any]) -> Record | None:
    """Record the marriage of ``subject`` and ``spouse_personal_id``, ``registered_on`` at
    ``commune_code``: both must be living, unmarried and of different sexes (the law recognises
    no other marriage). The marriageable ages are not checked here [M: the Law on Marriage and
    Family 2014 is not in the domain notes; the officials check them]. The answer is the
    subject's civil-status record. The same marriage again: the record, unchanged."""
    spouse = _text(body, "spouse_personal_id", 12)
    registered = _date(body, "registered_on")
    commune = _commune(body, "commune_code")
    _not_after_today(registered)
    if spouse == subject:
        raise _invalid("A person cannot marry themselves.")
    with connection.cursor() as cursor:
        first, second = _person(cursor, subject), _person(cursor, spouse)
        if first is None or first[0] != "living":
            return None
        if second is None or second[0] != "living":
            raise _rejected(f"No living person {spouse} in the registry.")
        if first[1] == second[1]:
            raise _rejected("The law recognises marriage only between a man and a woman.")
        husband, wife = (subject, spouse) if first[1] == "male" else (spouse, subject)
        cursor.execute(_SAME_MARRIAGE, [husband, wife, registered])
        if cursor.fetchone() is not None:
            return READERS["civil_status"](cursor, subject)  # type: ignore[return-value]
        for row, who in ((first, subject), (second, spouse)):
            if row[2] == "married" or row[3]:
                raise _rejected(f"{who} is married: the registry records a marriage not dissolved.")
        cursor.execute(_NEW_MARRIAGE, [husband, wife, registered, commune])
        cursor.execute(_MARRY, [spouse, subject])
        cursor.execute(_MARRY, [subject, spouse])
        for who in (subject, spouse):
            _feed("civil_status", "marriage_registered", who, registered, {"commune_code": commune})
        return READERS["civil_status"](cursor, subject)  # type: ignore[return-value]


def _feed(registry: str, kind: str, subject: str, day: datetime.date, data: Mapping[str, Any]) -> None:
    """The write's change in the registry's change feed (ADR 0063), in the write's transaction,
    as the synthetic world's own changes are."""
    from motcua.registries import feeds

    feeds.record(registry, kind, subject, occurred_on=day, data=data)
