"""Failed sign-ins at the stand-in provider are limited per personal ID number and per address.

These tests lock accounts and addresses, so they run against their own provider process
with small limits and one trusted proxy (the tests pick their address with X-Forwarded-For),
never against the shared ``eid_server``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.eid.browser import post_sign_in
from tests.eid.conftest import PLATFORM_CALLBACK
from tests.eid.server import EidServer

ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW = 3, 6, 300
BLOCKED_VI = "Đăng nhập sai quá nhiều lần. Vui lòng chờ {seconds} giây."
BLOCKED_EN = "Too many failed attempts. Please wait {seconds} seconds."


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EidServer]:
    env = {
        "MOTCUA_EID_LOGIN_ACCOUNT_LIMIT": f"{ACCOUNT_LIMIT}/{WINDOW}s",
        "MOTCUA_EID_LOGIN_ADDRESS_LIMIT": f"{ADDRESS_LIMIT}/{WINDOW}s",
        "MOTCUA_EID_TRUSTED_PROXIES": "1",
    }
    with EidServer(tmp_path_factory.mktemp("eid-limited"), [PLATFORM_CALLBACK], env=env) as server:
        yield server


def attempt(
    server: EidServer, personal_id: str, password: str, address: str, **headers: str
) -> requests.Response:
    return post_sign_in(
        requests.Session(), server, personal_id, password, headers={"X-Forwarded-For": address, **headers}
    )


def assert_blocked(answer: requests.Response, message: str = BLOCKED_VI) -> None:
    assert answer.status_code == 429
    seconds = int(answer.headers["Retry-After"])
    assert 0 < seconds <= WINDOW
    assert message.format(seconds=seconds) in answer.text
    assert "Location" not in answer.headers
    assert "eid_session" not in answer.cookies


def test_failures_for_one_personal_id_block_it_from_every_address_even_with_the_right_password(
    limited_server,
):
    target, other = DEMO_ACCOUNTS[2], DEMO_ACCOUNTS[3]
    for _ in range(ACCOUNT_LIMIT):
        assert (
            attempt(limited_server, target.personal_id, "wrong-password", "198.51.100.1").status_code == 400
        )
    blocked = attempt(limited_server, target.personal_id, DEMO_PASSWORD, "198.51.100.1")
    assert_blocked(blocked)
    assert_blocked(attempt(limited_server, target.personal_id, DEMO_PASSWORD, "198.51.100.2"))
    english = attempt(
        limited_server, target.personal_id, DEMO_PASSWORD, "198.51.100.3", **{"Accept-Language": "en"}
    )
    assert_blocked(english, BLOCKED_EN)
    # the block is on that number only
    assert attempt(limited_server, other.personal_id, DEMO_PASSWORD, "198.51.100.1").status_code == 302


def test_failures_from_one_address_across_numbers_block_that_address_only(limited_server):
    unknown_numbers = [f"0010901234{index:02d}" for index in range(ADDRESS_LIMIT)]
    for number in unknown_numbers:
        assert attempt(limited_server, number, "guess", "203.0.113.9").status_code == 400
    assert_blocked(attempt(limited_server, DEMO_ACCOUNTS[4].personal_id, DEMO_PASSWORD, "203.0.113.9"))
    assert (
        attempt(limited_server, DEMO_ACCOUNTS[4].personal_id, DEMO_PASSWORD, "203.0.113.10").status_code
        == 302
    )


def test_a_successful_sign_in_clears_the_failures_of_its_number(limited_server):
    account = DEMO_ACCOUNTS[5]
    for address in ("192.0.2.1", "192.0.2.2"):  # fresh addresses: only the number's count matters
        for _ in range(ACCOUNT_LIMIT - 1):
            assert attempt(limited_server, account.personal_id, "wrong-password", address).status_code == 400
        assert attempt(limited_server, account.personal_id, DEMO_PASSWORD, address).status_code == 302
