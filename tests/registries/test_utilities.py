"""Electricity contracts and students agree with the generated households and people (ADR 0068):
a contract per household for most of them, in the head's name, at the household's address, with
the power company of its province; students only among the living people of the ages of grades
10 to 12, at a school of their household's commune, with the priority area of that place."""

from __future__ import annotations

import pytest

from motcua.registries.data.generator import COLUMNS, REFERENCE_DATE, generate
from motcua.registries.data.synthetic.tables import units
from motcua.registries.data.synthetic.utilities import GRADE_12_BORN, SCHOOL_YEAR, priority_area

SEED, SIZE = 5, 3000


@pytest.fixture(scope="module")
def tables() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {key: [] for key in COLUMNS}
    for key, batch in generate(SEED, SIZE):
        rows[key].extend(dict(zip(COLUMNS[key], row, strict=True)) for row in batch)
    return rows


def test_contracts_are_the_households_in_the_heads_name(tables):
    households = {h["number"]: h for h in tables["household"]}
    contracts = tables["electricity_contract"]
    assert 0.9 * len(households) <= len(contracts) < len(households)  # some homes have none: a new connection
    assert len({c["contract_number"] for c in contracts}) == len(contracts)
    assert len({c["household_number"] for c in contracts}) == len(contracts)  # one per household
    u = units()
    for contract in contracts:
        household = households[contract["household_number"]]
        assert contract["customer_personal_id"] == household["head_personal_id"]
        assert (contract["address"], contract["commune_code"]) == (
            household["address"],
            household["commune_code"],
        )
        province = u.province_codes[u.commune_province[u.commune_index[household["commune_code"]]]]
        assert contract["power_company_code"] == f"PC.{province}"
        assert contract["contract_number"].startswith(f"PE{province}")
        assert max(household["registered_on"], "1995-01-01") <= contract["signed_on"] <= str(REFERENCE_DATE)
        assert contract["phases"] in (1, 3)


def test_students_are_the_living_teenagers_at_a_school_of_their_commune(tables):
    people = {p["personal_id"]: p for p in tables["person"]}
    students = tables["student"]
    teenagers = [
        p
        for p in people.values()
        if p["status"] == "living" and GRADE_12_BORN <= int(p["date_of_birth"][:4]) <= GRADE_12_BORN + 2
    ]
    assert 0.85 * len(teenagers) <= len(students) <= len(teenagers)
    assert {s["grade"] for s in students} == {10, 11, 12}
    for student in students:
        person = people[student["personal_id"]]
        assert student["grade"] == 12 - (int(person["date_of_birth"][:4]) - GRADE_12_BORN)
        assert student["school_commune_code"] == person["household_number"][:5]
        assert student["class_name"].startswith(str(student["grade"]))
        assert student["school_year"] == SCHOOL_YEAR
        assert student["priority_area"] == priority_area(student["school_commune_code"])
        assert 5.0 <= student["average_score"] <= 9.8
    assert priority_area("00004") == "KV3"  # a ward of Hà Nội
