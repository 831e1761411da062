"""The synthetic registries' generator, in the platform's own test process: no registries
database, no registries settings (``generator``, ``vocabulary`` and ``demo`` need neither).

One dataset of 3,000 people is built per module and checked for determinism, valid and unique
identifiers, family and address consistency, the demo people, and plausible proportions.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from typing import Any

import pytest

from motcua.core.ids import PROVINCE_CODES, parse_personal_id
from motcua.demo import people as demo
from motcua.demo.accounts import DEMO_ACCOUNTS
from motcua.registries.data import vocabulary
from motcua.registries.data.generator import (
    COLUMNS,
    REFERENCE_DATE,
    dataset_digest,
    generate,
    units,
)

SEED, SIZE = 7, 3_000
REF = REFERENCE_DATE.isoformat()


def materialise(seed: int, size: int) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, rows in generate(seed, size):
        assert all(len(row) == len(COLUMNS[key]) for row in rows), key
        tables[key].extend(dict(zip(COLUMNS[key], row, strict=True)) for row in rows)
    return tables


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict[str, Any]]]:
    return materialise(SEED, SIZE)


@pytest.fixture(scope="module")
def people(data) -> dict[str, dict[str, Any]]:
    return {person["personal_id"]: person for person in data["person"]}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def age_on(person: dict[str, Any], when: str) -> int:
    """Age in whole years, as the law counts it."""
    born, then = day(person["date_of_birth"]), day(when)
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


# --- determinism ---------------------------------------------------------------------------------
def test_same_seed_and_size_give_the_same_digest_and_others_do_not():
    first = dataset_digest(11, 800)
    assert dataset_digest(11, 800) == first
    assert dataset_digest(12, 800) != first
    assert dataset_digest(11, 801) != first


def test_the_digest_does_not_depend_on_hash_randomisation():
    """Another interpreter with another string-hash seed must produce the very same rows."""
    code = "from motcua.registries.data.generator import dataset_digest; print(dataset_digest(11, 800))"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the generator needs no settings at all
    other = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert other.stdout.strip() == dataset_digest(11, 800)


def test_exactly_size_people_and_every_table_present(data):
    assert len(data["person"]) == SIZE
    assert set(data) == set(COLUMNS)


# --- identifiers ---------------------------------------------------------------------------------
def test_every_personal_id_is_valid_unique_and_agrees_with_birth_and_sex(data, people):
    assert len(people) == SIZE
    places = units()
    for person in data["person"]:
        parsed = parse_personal_id(person["personal_id"], today=REFERENCE_DATE)
        born = day(person["date_of_birth"])
        assert parsed.birth_year == born.year, person
        assert parsed.sex == person["sex"], person
        assert born <= REFERENCE_DATE
        birth_province = places.province_codes[
            places.commune_province[places.commune_index[person["birth_commune_code"]]]
        ]
        # The birth-registration code is that of the province where the birth was registered.
        assert parsed.province_code == "0" + birth_province, person


def test_serial_numbers_are_not_sequential(data):
    groups: dict[str, list[int]] = defaultdict(list)
    for person in data["person"]:
        groups[person["personal_id"][:6]].append(int(person["personal_id"][6:]))
    serials = max(groups.values(), key=len)
    assert len(serials) >= 5
    consecutive = sum(1 for a, b in itertools.pairwise(serials) if abs(a - b) == 1)
    assert consecutive == 0


def test_natural_keys_are_unique(data):
    def unique(table: str, column: str) -> None:
        values = [row[column] for row in data[table] if row[column] is not None]
        assert len(values) == len(set(values)), (table, column, Counter(values).most_common(2))

    unique("household", "number")
    unique("enterprise", "enterprise_code")
    unique("land_parcel", "parcel_id")
    unique("land_parcel", "certificate_number")
    unique("social_insurance", "insurance_number")
    unique("social_insurance", "personal_id")
    unique("health_insurance_card", "card_number")
    unique("health_insurance_card", "personal_id")
    unique("health_insurance_card", "insurance_number")
    unique("driving_licence", "licence_number")
    unique("driving_licence", "personal_id")
    unique("vehicle", "frame_number")
    unique("vehicle", "engine_number")
    unique("vehicle", "plate")
    old_cards = [
        number for person in data["person"] for number in json.loads(person["former_id_numbers"] or "[]")
    ]
    assert len(old_cards) == len(set(old_cards))
    assert all(len(number) == 9 and number.isdigit() for number in old_cards)


def test_identifier_formats(data):
    for card in data["health_insurance_card"]:
        group_code, benefit = vocabulary.HEALTH_INSURANCE_GROUPS[card["contribution_group"]]
        number = card["card_number"]
        assert len(number) == 15
        assert number[:2] == group_code
        assert number[2] == str(benefit) == str(card["benefit_level"])
        assert number[5:] == card["insurance_number"]
        assert card["insurance_number"].isdigit()
    for account in data["social_insurance"]:
        assert len(account["insurance_number"]) == 10
        assert account["insurance_number"].isdigit()
    for licence in data["driving_licence"]:
        assert len(licence["licence_number"]) == 12
        assert licence["licence_number"].isdigit()
    for vehicle in data["vehicle"]:
        assert len(vehicle["frame_number"]) == 17
        assert (vehicle["plate"] is None) == (vehicle["registered_on"] is None)
    for enterprise in data["enterprise"]:
        code = enterprise["enterprise_code"]
        assert (len(code) == 10 and code.isdigit()) or (len(code) == 14 and code[10] == "-")


def test_one_health_insurance_number_per_person(data):
    """A person's health card carries the same 10-digit number as their social-insurance account."""
    cards = {card["personal_id"]: card["insurance_number"] for card in data["health_insurance_card"]}
    for account in data["social_insurance"]:
        if account["personal_id"] in cards:
            assert cards[account["personal_id"]] == account["insurance_number"]


# --- places ----------------------------------------------------------------------------------
def test_every_commune_code_is_real_and_addresses_name_it(data):
    places = units()
    communes = set(places.commune_codes)
    columns = {
        "person": (
            "birth_commune_code",
            "hometown_commune_code",
            "temporary_commune_code",
            "death_commune_code",
        ),
        "household": ("commune_code",),
        "marriage": ("commune_code",),
        "enterprise": ("head_office_commune_code",),
        "land_parcel": ("commune_code",),
    }
    for table, names in columns.items():
        for row in data[table]:
            for name in names:
                assert row[name] is None or row[name] in communes, (table, name, row[name])
    for household in data["household"]:
        assert household["address"].endswith(", " + places.place(household["commune_code"]))
    for person in data["person"]:
        for stay in json.loads(person["residence_history"] or "[]"):
            assert stay["commune_code"] in communes
            assert stay["address"].endswith(", " + places.place(stay["commune_code"]))
            assert stay["kind"] in {"permanent", "temporary"}
            assert stay["from"] <= stay["to"] <= REF


def test_json_columns_are_the_json_the_records_promise(data):
    for person in data["person"]:
        for column in ("former_id_numbers", "residence_history", "name_changes"):
            if person[column] is not None:
                value = json.loads(person[column])
                assert isinstance(value, list)
                assert value
                assert json.dumps(value, ensure_ascii=False, separators=(",", ":")) == person[column]


def test_per_province_tables_cover_exactly_the_34_provinces():
    provinces = set(units().province_codes)
    assert len(provinces) == 34
    for table in (vocabulary.PROVINCE_POPULATION, vocabulary.TAX_CODE_PREFIX, vocabulary.PLATE_CODES,
                  vocabulary.IDENTITY_CARD_PREFIX):  # fmt: skip
        assert set(table) == provinces
    assert set(vocabulary.ETHNICITIES_BY_PROVINCE) <= provinces
    assert len(set(vocabulary.TAX_CODE_PREFIX.values())) == 34  # enterprise codes cannot collide
    # Every new province code, with a leading 0, is one of the 63 birth-registration codes.
    assert all("0" + code in PROVINCE_CODES for code in provinces)


def test_vocabulary_needs_no_json_escaping():
    """The generator writes some JSON by hand; that is only safe without quotes or backslashes."""
    texts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.items():
                walk(item)
        elif isinstance(value, tuple | list | frozenset):
            for item in value:
                walk(item)

    for name in dir(vocabulary):
        if name.isupper():
            walk(getattr(vocabulary, name))
    walk(list(units().commune_names) + list(units().province_names))
    assert texts
    assert not [text for text in texts if '"' in text or "\\" in text or any(ord(c) < 32 for c in text)]


# --- families ----------------------------------------------------------------------------------
def test_parents_exist_and_are_old_enough(data, people):
    for person in data["person"]:
        for column, sex in (("father_personal_id", "male"), ("mother_personal_id", "female")):
            parent_id = person[column]
            if parent_id is None:
                continue
            parent = people[parent_id]
            assert parent["sex"] == sex
            assert age_on(parent, person["date_of_birth"]) >= 15, (person, parent)
            if parent["died_on"] is not None:
                assert parent["died_on"] >= person["date_of_birth"] or parent["sex"] == "male"


def test_spouses_are_symmetric_living_and_married(data, people):
    for person in data["person"]:
        spouse_id = person["spouse_personal_id"]
        if spouse_id is None:
            assert person["marital_status"] != "married" or person["status"] == "deceased"
            continue
        spouse = people[spouse_id]
        assert spouse["spouse_personal_id"] == person["personal_id"]
        assert person["marital_status"] == spouse["marital_status"] == "married"
        assert person["status"] == spouse["status"] == "living"
        assert {person["sex"], spouse["sex"]} == {"male", "female"}


def test_marital_status_agrees_with_marriage_records(data, people):
    marriages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for marriage in data["marriage"]:
        husband, wife = people[marriage["husband_personal_id"]], people[marriage["wife_personal_id"]]
        assert husband["sex"] == "male"
        assert wife["sex"] == "female"
        for partner in (husband, wife):
            assert age_on(partner, marriage["registered_on"]) >= (20 if partner is husband else 18)
            marriages[partner["personal_id"]].append(marriage)
        assert marriage["registered_on"] <= REF
        assert marriage["divorced_on"] is None or marriage["registered_on"] < marriage["divorced_on"] <= REF
    for person in data["person"]:
        last = max(marriages[person["personal_id"]], key=lambda m: m["registered_on"], default=None)
        status = person["marital_status"]
        if status == "single":
            assert last is None
            continue
        assert last is not None, person
        partner_id = last["wife_personal_id"] if person["sex"] == "male" else last["husband_personal_id"]
        partner = people[partner_id]
        if status == "married" and person["status"] == "living":
            assert last["divorced_on"] is None
            assert person["spouse_personal_id"] == partner_id
        elif status == "divorced":
            assert last["divorced_on"] is not None
            assert partner["marital_status"] == "divorced"
        elif status == "widowed":
            assert last["divorced_on"] is None
            assert partner["status"] == "deceased"
            assert partner["died_on"] >= last["registered_on"]


def test_children_are_born_after_their_parents_married(data, people):
    married_on = {
        (m["husband_personal_id"], m["wife_personal_id"]): m["registered_on"] for m in data["marriage"]
    }
    children = before = 0
    for person in data["person"]:
        wedding = married_on.get((person["father_personal_id"], person["mother_personal_id"]))
        if wedding is not None:
            children += 1
            before += person["date_of_birth"] < wedding
    assert children > SIZE / 4
    assert before / children < 0.05


def test_households_have_one_head_and_hold_only_the_living(data, people):
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in data["person"]:
        if person["status"] == "deceased":
            assert person["household_number"] is None
            assert person["died_on"] is not None
            assert person["death_registered_on"] >= person["died_on"]
            assert person["death_commune_code"]
            assert person["spouse_personal_id"] is None
        else:
            assert person["household_number"] is not None
            assert person["died_on"] is None
            members[person["household_number"]].append(person)
    for household in data["household"]:
        group = sorted(members[household["number"]], key=lambda person: person["household_position"])
        assert group, household
        assert [person["relation_to_head"] for person in group].count("head") == 1
        assert group[0]["relation_to_head"] == "head"
        assert group[0]["personal_id"] == household["head_personal_id"]
        for person in group:
            assert person["permanent_since"] >= person["date_of_birth"]
            if person["relation_to_head"] == "child":
                head = people[household["head_personal_id"]]
                assert head["personal_id"] in (person["father_personal_id"], person["mother_personal_id"])


def test_derived_records_belong_to_people_and_agree_with_them(data, people):
    enterprises = {row["enterprise_code"]: row for row in data["enterprise"]}
    for row in data["social_insurance"] + data["health_insurance_card"] + data["driving_licence"]:
        assert row["personal_id"] in people
    for row in data["conviction"]:
        person = people[row["personal_id"]]
        assert age_on(person, row["judged_on"]) >= 18
    for card in data["health_insurance_card"]:
        person = people[card["personal_id"]]
        assert person["status"] == "living"
        if age_on(person, REF) < 6:
            assert card["contribution_group"] == "child_under_6"
    for licence in data["driving_licence"]:
        person = people[licence["personal_id"]]
        assert age_on(person, licence["issued_on"]) >= 18
        classes = json.loads(licence["classes"])
        assert (licence["valid_until"] is None) == (set(classes) <= {"A1", "A"})
        assert licence["status"] != "expired" or licence["valid_until"] < REF
    for enterprise in data["enterprise"]:
        representative = people[enterprise["representative_personal_id"]]
        assert age_on(representative, enterprise["registered_on"]) >= 18
        assert representative["status"] == "living"
    for account in data["social_insurance"]:
        employer = account["last_employer_code"]
        assert employer is None or employer in enterprises
    for vehicle in data["vehicle"]:
        assert vehicle["owner_id"] in people or vehicle["owner_id"] in enterprises
    parcels = {parcel["parcel_id"] for parcel in data["land_parcel"]}
    shares: dict[str, float] = defaultdict(float)
    for holder in data["land_holder"]:
        assert holder["parcel_id"] in parcels
        assert holder["holder_id"] in people or holder["holder_id"] in enterprises
        shares[holder["parcel_id"]] += holder["share"]
    assert all(abs(total - 1.0) < 1e-9 for total in shares.values())


def test_land_certificates_show_the_name_they_were_issued_to(data, people):
    """A holder renamed after the certificate was issued still appears under the old name (the
    case the land-holder-information-change procedure exists for)."""
    parcels = {parcel["parcel_id"]: parcel for parcel in data["land_parcel"]}
    checked = 0
    for holder in data["land_holder"]:
        person = people.get(holder["holder_id"])
        if person is None or person["name_changes"] is None:
            if person is not None:
                assert holder["holder_name"] == person["full_name"]
            continue
        (change,) = json.loads(person["name_changes"])
        assert change["new_name"] == person["full_name"]
        before = parcels[holder["parcel_id"]]["certificate_issued_on"] < change["changed_on"]
        assert holder["holder_name"] == (change["old_name"] if before else change["new_name"])
        checked += 1
    assert checked  # the dataset has renamed land holders to check


# --- demo people -------------------------------------------------------------------------------
def demo_checks(data: dict[str, list[dict[str, Any]]]) -> None:
    """The facts about the demo people that other apps and the docs rely on."""
    people = {person["personal_id"]: person for person in data["person"]}
    by_person = {
        table: {row["personal_id"]: row for row in data[table]}
        for table in ("social_insurance", "health_insurance_card", "driving_licence")
    }
    households = {row["number"]: row for row in data["household"]}
    for account in DEMO_ACCOUNTS:
        person = people[account.personal_id]
        assert person["full_name"] == account.full_name
        assert person["date_of_birth"] == account.birthdate.isoformat()
        assert person["sex"] == account.sex
        assert person["status"] == "living"

    def home(personal_id: str) -> dict[str, Any]:
        return households[people[personal_id]["household_number"]]

    minh, minh_anh = people[demo.MINH.personal_id], people[demo.MINH_ANH.personal_id]
    assert home(minh["personal_id"])["commune_code"] == demo.BA_DINH
    assert minh["relation_to_head"] == "head"
    assert minh["marital_status"] == "married"
    wife = people[minh["spouse_personal_id"]]
    assert wife["date_of_birth"].startswith(str(demo.MINH_WIFE_BIRTH_YEAR))
    assert wife["personal_id"][:3] == "001"
    assert wife["household_number"] == minh["household_number"] == minh_anh["household_number"]
    marriage = next(m for m in data["marriage"] if m["husband_personal_id"] == minh["personal_id"])
    assert marriage["wife_personal_id"] == wife["personal_id"]
    assert (marriage["registered_on"], marriage["commune_code"]) == ("2015-10-10", demo.BA_DINH)
    assert minh_anh["father_personal_id"] == minh["personal_id"]
    assert minh_anh["mother_personal_id"] == wife["personal_id"]
    assert minh_anh["birth_commune_code"] == demo.BA_DINH
    assert minh_anh["relation_to_head"] == "child"
    assert by_person["social_insurance"][minh["personal_id"]]["insured"] is True
    assert minh["personal_id"] in by_person["health_insurance_card"]
    assert json.loads(by_person["driving_licence"][minh["personal_id"]]["classes"]) == ["A1", "B"]
    vehicles = [v for v in data["vehicle"] if v["owner_id"] == minh["personal_id"]]
    assert sorted(v["plate"] is None for v in vehicles) == [False, True]
    assert all(v["kind"] == "motorcycle" for v in vehicles)
    holders = [h for h in data["land_holder"] if h["parcel_id"] == demo.MINH_PARCEL_ID]
    assert {h["holder_id"] for h in holders} == {minh["personal_id"], wife["personal_id"]}
    parcel = next(p for p in data["land_parcel"] if p["parcel_id"] == demo.MINH_PARCEL_ID)
    assert parcel["commune_code"] == demo.BA_DINH
    assert parcel["land_use"] == "ODT"

    thu_ha = people[demo.THU_HA.personal_id]
    assert home(thu_ha["personal_id"])["commune_code"] == demo.SAI_GON
    assert units().province_codes[units().commune_province[units().commune_index[demo.SAI_GON]]] == "79"
    company = next(e for e in data["enterprise"] if e["enterprise_code"] == demo.DEMO_COMPANY[0])
    assert company["name"] == demo.DEMO_COMPANY[1]
    assert company["status"] == "active"
    assert company["representative_personal_id"] == thu_ha["personal_id"]
    assert company["head_office_commune_code"] == demo.NGOC_HA

    hung = people[demo.HUNG.personal_id]
    assert hung["marital_status"] == "divorced"
    assert home(hung["personal_id"])["commune_code"] == demo.HAC_THANH
    convictions = [c for c in data["conviction"] if c["personal_id"] == hung["personal_id"]]
    assert len(convictions) == 1
    assert convictions[0]["expunged"] is True

    assert home(demo.LAN.personal_id)["commune_code"] == demo.HAI_CHAU
    nam = by_person["social_insurance"][demo.NAM.personal_id]
    closed = day(nam["contributions_closed_on"])
    assert nam["insured"] is False
    assert nam["months_contributed"] >= 12
    assert nam["unemployment_months_contributed"] >= 12
    assert nam["last_employer_code"]
    assert datetime.timedelta(0) < REFERENCE_DATE - closed <= datetime.timedelta(days=92)

    hoa = people[demo.HOA.personal_id]
    assert hoa["marital_status"] == "widowed"
    assert home(hoa["personal_id"])["commune_code"] == demo.THANH_VINH
    husband_id = next(
        m["husband_personal_id"] for m in data["marriage"] if m["wife_personal_id"] == hoa["personal_id"]
    )
    husband = people[husband_id]
    assert husband["status"] == "deceased"
    assert husband["died_on"] == demo.HOA_HUSBAND_DIED_ON.isoformat()
    assert husband["death_registered_on"] == demo.HOA_HUSBAND_DEATH_REGISTERED_ON.isoformat()
    assert by_person["social_insurance"][hoa["personal_id"]]["pension_status"] == "receiving"


def test_demo_people_and_their_families(data):
    demo_checks(data)


@pytest.mark.parametrize("size", [demo.DEMO_PERSON_COUNT, 200])
def test_demo_people_are_there_whatever_the_size(size):
    tiny = materialise(3, size)
    assert len(tiny["person"]) == size
    demo_checks(tiny)


def test_a_size_too_small_for_the_demo_families_is_refused():
    with pytest.raises(ValueError, match="at least"):
        list(generate(1, demo.DEMO_PERSON_COUNT - 1))


# --- proportions -------------------------------------------------------------------------------
def test_proportions_are_plausible(data):
    living = [p for p in data["person"] if p["status"] == "living"]
    adults = [p for p in living if age_on(p, REF) >= 18]
    working = [p for p in adults if age_on(p, REF) < 60]
    households = len(data["household"])

    def share(part: float, whole: float) -> float:
        return part / whole

    assert 2.7 <= share(len(living), households) <= 4.0
    assert 0.005 <= share(SIZE - len(living), SIZE) <= 0.025  # deceased
    assert 0.65 <= share(len(data["land_parcel"]), households) <= 0.95
    assert (
        SIZE / 100 * 0.8
        <= len([e for e in data["enterprise"] if "-" not in e["enterprise_code"]])
        <= SIZE / 100
    )
    insured_ids = {row["personal_id"] for row in data["social_insurance"]}
    assert 0.5 <= share(sum(p["personal_id"] in insured_ids for p in working), len(working)) <= 0.8
    assert 0.85 <= share(len(data["health_insurance_card"]), len(living)) <= 0.95
    assert 0.4 <= share(len(data["driving_licence"]), len(adults)) <= 0.65
    assert 0.45 <= share(len(data["vehicle"]), len(adults)) <= 0.75
    unregistered = [v for v in data["vehicle"] if v["plate"] is None]
    assert 0 < len(unregistered) < 0.05 * len(data["vehicle"])
    convicted = {row["personal_id"] for row in data["conviction"]}
    assert 0.008 <= share(len(convicted), len(adults)) <= 0.04
    assert any(row["expunged"] for row in data["conviction"])
    ethnicities = Counter(p["ethnicity"] for p in data["person"])
    assert 0.78 <= share(ethnicities["Kinh"], SIZE) <= 0.92
    assert len(ethnicities) >= 8
    surnames = Counter(p["full_name"].split()[0] for p in data["person"])
    assert 0.28 <= share(surnames["Nguyễn"], SIZE) <= 0.42
    sexes = Counter(p["sex"] for p in data["person"])
    assert 0.45 <= share(sexes["male"], SIZE) <= 0.55
    assert 0 < sum(p["name_changes"] is not None for p in data["person"]) < 0.02 * SIZE
    assert sum(p["temporary_address"] is not None for p in living) > 0
    provinces = {h["commune_code"][:2] for h in data["household"]}
    assert (
        len({units().commune_province[units().commune_index[h["commune_code"]]] for h in data["household"]})
        == 34
    )
    assert provinces
    born_late = [p for p in data["person"] if p["date_of_birth"] > "2006-12-31"]
    assert born_late
    assert all(p["former_id_numbers"] is None for p in born_late)
    assert all(code in PROVINCE_CODES for code in {p["personal_id"][:3] for p in data["person"]})
