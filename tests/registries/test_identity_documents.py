"""Identity cards and passports agree with the generated people: a card only for a living person
of 14 or more, numbered with their personal ID number, valid until the next renewal age as the
two-year rule says; passports unique, ten years each."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from motcua.registries.data.generator import COLUMNS, REFERENCE_DATE, generate
from motcua.registries.data.synthetic.identity_documents import birthday, card_valid_until

SEED, SIZE = 5, 3000


@pytest.fixture(scope="module")
def tables() -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {key: [] for key in COLUMNS}
    for key, batch in generate(SEED, SIZE):
        rows[key].extend(batch)
    return rows


def _by_name(key: str, row: tuple) -> dict:
    return dict(zip(COLUMNS[key], row, strict=True))


def test_cards_belong_to_living_people_of_fourteen_or_more(tables):
    people = {row[0]: _by_name("person", row) for row in tables["person"]}
    cards = [_by_name("identity_card", row) for row in tables["identity_card"]]
    eligible = [
        p
        for p in people.values()
        if p["status"] == "living"
        and birthday(datetime.date.fromisoformat(p["date_of_birth"]), 14) <= REFERENCE_DATE
    ]
    assert 0.95 * len(eligible) <= len(cards) <= len(eligible)
    assert len({card["personal_id"] for card in cards}) == len(cards)
    for card in cards:
        person = people[card["personal_id"]]
        assert person["status"] == "living"
        assert card["card_number"] == card["personal_id"]
        born = datetime.date.fromisoformat(person["date_of_birth"])
        issued = datetime.date.fromisoformat(card["issued_on"])
        assert birthday(born, 14) <= issued <= REFERENCE_DATE
        assert issued >= datetime.date(2016, 1, 1)
        until = card_valid_until(born, issued)
        assert card["valid_until"] == (None if until is None else until.isoformat())
        expired = until is not None and until < REFERENCE_DATE
        assert card["status"] == ("expired" if expired else "valid")
        assert card["kind"] == (
            "can_cuoc"
            if issued >= datetime.date(2024, 7, 1)
            else ("cccd_chip" if issued >= datetime.date(2021, 1, 1) else "cccd_bar_code")
        )
    statuses = Counter(card["status"] for card in cards)
    assert 0 < statuses["expired"] < statuses["valid"] / 10  # some wait for their renewal


def test_the_renewal_ages_and_the_two_year_rule():
    born = datetime.date(1986, 4, 12)
    assert card_valid_until(born, datetime.date(2021, 3, 1)) == datetime.date(2026, 4, 12)  # at 40
    # issued within two years before 40: valid until 60
    assert card_valid_until(born, datetime.date(2025, 1, 1)) == datetime.date(2046, 4, 12)
    assert card_valid_until(born, datetime.date(2046, 5, 1)) is None  # after 60: for life
    assert birthday(datetime.date(2004, 2, 29), 14) == datetime.date(2018, 3, 1)


def test_passports_are_unique_and_valid_ten_years(tables):
    people = {row[0]: _by_name("person", row) for row in tables["person"]}
    passports = [_by_name("passport", row) for row in tables["passport"]]
    assert passports
    assert len({p["passport_number"] for p in passports}) == len(passports)
    for passport in passports:
        person = people[passport["personal_id"]]
        assert person["status"] == "living"
        issued = datetime.date.fromisoformat(passport["issued_on"])
        until = datetime.date.fromisoformat(passport["valid_until"])
        assert until == birthday(issued, 10)
        assert passport["passport_number"][0] == ("P" if issued >= datetime.date(2022, 7, 1) else "C")
        assert passport["status"] == ("valid" if until >= REFERENCE_DATE else "expired")
    holders = Counter(p["personal_id"] for p in passports)
    assert max(holders.values()) <= 2
