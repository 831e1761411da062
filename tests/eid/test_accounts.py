"""The demo accounts are believable people: valid personal ID numbers that agree with their
birth dates and sexes, both assurance levels, a minor, several provinces of birth."""

from __future__ import annotations

import datetime

import pytest

from motcua.core.ids import PROVINCE_CODES, parse_personal_id
from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, demo_account
from motcua.eid.accounts import identity_problems

TODAY = datetime.date(2026, 1, 1)


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda account: account.personal_id)
def test_every_demo_account_is_consistent_with_its_personal_id_number(account: DemoAccount):
    parsed = parse_personal_id(account.personal_id, today=TODAY)
    assert parsed.province_code in PROVINCE_CODES
    assert parsed.birth_year == account.birthdate.year
    assert parsed.sex == account.sex
    assert identity_problems(account.personal_id, account.birthdate, account.sex, today=TODAY) == []
    assert account.assurance_level in (1, 2)
    assert account.acr == f"level{account.assurance_level}"
    assert not account.full_name.isascii(), "Vietnamese names carry diacritics"
    assert len(set(account.personal_id[6:])) >= 4, "serials should look random"


def test_the_demo_set_covers_what_demonstrations_need():
    numbers = [account.personal_id for account in DEMO_ACCOUNTS]
    assert len(numbers) >= 6
    assert len(set(numbers)) == len(numbers)
    assert {account.assurance_level for account in DEMO_ACCOUNTS} == {1, 2}
    assert {account.sex for account in DEMO_ACCOUNTS} == {"male", "female"}
    assert len({account.province_of_birth for account in DEMO_ACCOUNTS}) >= 2
    minors = [account for account in DEMO_ACCOUNTS if account.is_minor(today=TODAY)]
    assert [(minor.assurance_level, 2015 <= minor.birthdate.year <= 2020) for minor in minors] == [(1, True)]
    assert DEMO_PASSWORD == "demo-eid-2025"


def test_the_order_that_identity_demo_relies_on():
    parent, director, child = DEMO_ACCOUNTS[0], DEMO_ACCOUNTS[1], DEMO_ACCOUNTS[-1]
    assert not parent.is_minor(today=TODAY)
    assert not director.is_minor(today=TODAY)
    assert child.is_minor(today=TODAY)
    assert child.full_name.split()[0] == parent.full_name.split()[0]  # same family name
    assert parent.age_on(child.birthdate) >= 18


def test_demo_account_lookup():
    assert demo_account(DEMO_ACCOUNTS[2].personal_id) == DEMO_ACCOUNTS[2]
    assert demo_account("001090123456") is None


@pytest.mark.parametrize(
    ("personal_id", "birthdate", "sex", "problem"),
    [
        ("001086027419", datetime.date(1987, 4, 12), "male", "gives birth year 1986"),
        ("001086027419", datetime.date(1986, 4, 12), "female", "says male"),
        ("001386027419", datetime.date(1986, 4, 12), "female", "2086"),
        ("003086027419", datetime.date(1986, 4, 12), "male", "003"),
        ("00108602741", datetime.date(1986, 4, 12), "male", "12"),
        ("001325000001", datetime.date(2025, 12, 31), "female", "future"),
    ],
)
def test_identity_problems_name_what_does_not_fit(personal_id, birthdate, sex, problem):
    problems = identity_problems(personal_id, birthdate, sex, today=datetime.date(2025, 6, 1))
    assert problems
    assert problem in " ".join(problems)
