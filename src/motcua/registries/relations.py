"""What the registries can see, in their own records, between an applicant and another person.

A consent token names the person who consented (their eID-verified ID number) and, when they act
for someone, that person and the basis. Two checks use the records here, never the platform's
word alone (ADR 0021):

- ``check_representation``: the person who consented may act for the one they name: a parent
  for a minor child (civil status: the child's father or mother, and under 18 today), a legal
  representative for an enterprise (the enterprise registry names them). An authorisation
  (ủy quyền) lives only on the platform; the registries check what the token says of it (its
  scope covers the procedure, it is still valid) and log its reference, so it stays auditable.
- ``relations_between``: which relations hold between the applicant (whose application it is)
  and the subject of a request: ``spouse`` (a marriage not dissolved by divorce, including one
  ended by death), ``parent`` (the applicant is the subject's father or mother), ``child``,
  ``sibling`` (a common father or mother), ``grandparent``, ``grandchild``, ``household`` (the
  same household now or, for a deceased subject, the household they lived in when they died:
  the last entry of their residence history names its address and commune), and
  ``named_party`` (no record needed: the policy grants it only the least data).

Only the relations asked for are looked up, with one to four indexed queries. A subject the
registries do not hold has no recorded relation, so the answer does not tell whether they exist.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from motcua.protocol import ExchangeErrorCode, ProtocolError
from motcua.protocol.consent_token import OnBehalfOf

ADULT_AGE = 18


@dataclass(frozen=True)
class _Person:
    personal_id: str
    father: str | None
    mother: str | None
    household: str | None
    date_of_birth: datetime.date
    died_on: datetime.date | None
    permanent_since: datetime.date | None
    history: list[dict[str, Any]]

    @property
    def parents(self) -> set[str]:
        return {parent for parent in (self.father, self.mother) if parent}


_PEOPLE = """
    SELECT personal_id, father_personal_id, mother_personal_id, household_number, date_of_birth,
           died_on, permanent_since, residence_history
    FROM registry_data_person WHERE personal_id IN ({})
"""
_PARENTS = """
    SELECT personal_id, father_personal_id, mother_personal_id
    FROM registry_data_person WHERE personal_id IN ({})
"""
_MARRIED = """
    SELECT 1 FROM registry_data_marriage
    WHERE ((husband_personal_id = %s AND wife_personal_id = %s)
           OR (husband_personal_id = %s AND wife_personal_id = %s))
      AND divorced_on IS NULL
"""
_HOUSEHOLD = "SELECT address, commune_code FROM registry_data_household WHERE number = %s"
_REPRESENTATIVE = "SELECT representative_personal_id FROM registry_data_enterprise WHERE enterprise_code = %s"


def _date(value: Any) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _people(cursor: Any, ids: Iterable[str]) -> dict[str, _Person]:
    wanted = sorted(set(ids))
    cursor.execute(_PEOPLE.format(", ".join(["%s"] * len(wanted))), wanted)
    people = {}
    for pid, father, mother, household, born, died, since, history in cursor.fetchall():
        people[pid] = _Person(
            personal_id=pid,
            father=father,
            mother=mother,
            household=household,
            date_of_birth=_date(born) or datetime.date.min,
            died_on=_date(died),
            permanent_since=_date(since),
            history=json.loads(history) if isinstance(history, str) else list(history or []),
        )
    return people


def _grandparents(cursor: Any, person: _Person) -> set[str]:
    if not person.parents:
        return set()
    parents = sorted(person.parents)
    cursor.execute(_PARENTS.format(", ".join(["%s"] * len(parents))), parents)
    return {grand for _pid, father, mother in cursor.fetchall() for grand in (father, mother) if grand}


def _lived_with_at_death(cursor: Any, applicant: _Person, deceased: _Person) -> bool:
    """The deceased's last permanent residence, ended by the death, is the applicant's household
    (same address and commune), and the applicant lived there by then."""
    if deceased.died_on is None or applicant.household is None or not deceased.history:
        return False
    last = deceased.history[-1]
    if last.get("kind") != "permanent" or _date(last.get("to")) != deceased.died_on:
        return False
    cursor.execute(_HOUSEHOLD, [applicant.household])
    row = cursor.fetchone()
    if row is None or (row[0], row[1]) != (last.get("address"), last.get("commune_code")):
        return False
    return applicant.permanent_since is not None and applicant.permanent_since <= deceased.died_on


def relations_between(applicant_id: str, subject_id: str, wanted: frozenset[str]) -> set[str]:
    """The relations among ``wanted`` that the records show between the applicant and the subject."""
    found: set[str] = {"named_party"} & wanted
    recorded = wanted - {"named_party"}
    if not recorded or applicant_id == subject_id:
        return found
    with connection.cursor() as cursor:
        people = _people(cursor, [applicant_id, subject_id])
        applicant, subject = people.get(applicant_id), people.get(subject_id)
        if applicant is None or subject is None:
            return found
        if applicant_id in subject.parents:
            found.add("parent")
        if subject_id in applicant.parents:
            found.add("child")
        if applicant.parents & subject.parents:
            found.add("sibling")
        if "grandparent" in recorded and applicant_id in _grandparents(cursor, subject):
            found.add("grandparent")
        if "grandchild" in recorded and subject_id in _grandparents(cursor, applicant):
            found.add("grandchild")
        if "spouse" in recorded:
            cursor.execute(_MARRIED, [applicant_id, subject_id, subject_id, applicant_id])
            if cursor.fetchone() is not None:
                found.add("spouse")
        if "household" in recorded and (
            (applicant.household is not None and applicant.household == subject.household)
            or _lived_with_at_death(cursor, applicant, subject)
        ):
            found.add("household")
    return found & wanted


def _refuse(message: str) -> ProtocolError:
    return ProtocolError(ExchangeErrorCode.REPRESENTATION_NOT_VERIFIED, message)


def check_representation(
    consented_by: str, represented: OnBehalfOf, *, procedure: str, today: datetime.date
) -> None:
    """Refuse (``representation_not_verified``) unless the person who consented may act for the
    one they name, as far as the registries' records can tell."""
    if represented.subject == consented_by:
        raise _refuse("A person does not represent themselves.")
    if not represented.covers(procedure, today=today):
        raise _refuse("The representation does not cover this procedure today.")
    if represented.basis == "authorisation":
        return  # held by the platform only: its scope and period are checked above
    with connection.cursor() as cursor:
        if represented.basis == "legal_representative":
            cursor.execute(_REPRESENTATIVE, [represented.subject])
            row = cursor.fetchone()
            if row is None or row[0] != consented_by:
                raise _refuse(
                    "The enterprise registry does not name this person as its legal representative."
                )
            return
        child = _people(cursor, [represented.subject]).get(represented.subject)
    if child is None or consented_by not in child.parents:
        raise _refuse("The civil-status records do not name this person as the child's parent.")
    born = child.date_of_birth
    try:
        adult_on = born.replace(year=born.year + ADULT_AGE)
    except ValueError:  # born on 29 February
        adult_on = datetime.date(born.year + ADULT_AGE, 3, 1)
    if today >= adult_on:
        raise _refuse("The child is an adult: a parent no longer represents them by law.")


def plate_owner(plate: str) -> str | None:
    """Who the vehicle registry says owns the vehicle with this plate (a person or enterprise)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT owner_id FROM registry_data_vehicle WHERE plate = %s", [plate])
        row = cursor.fetchone()
    return str(row[0]) if row else None
