"""The registries' change feeds (ADR 0063), against a real registries process of their own (the
world is moved on here, which the session's shared registries must not see): changes recorded
when the records change, served signed and in order to an agency the policy allows, logged in
each subject's chain; the platform takes each change once, and catches up after an outage."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest

from motcua.core.models import AuditEntry, Event
from motcua.exchange import feeds
from motcua.exchange.events import ExchangeEvent
from motcua.exchange.keys import signing_key
from motcua.exchange.models import AgencyKey, FeedCursor, RegistryChange
from motcua.protocol import (
    REQUEST_TYPE,
    RESPONSE_TYPE,
    ExchangeResponse,
    ProtocolError,
    key_set,
    sign,
    unverified_header,
    verify,
)
from motcua.protocol.feeds import FeedRequest, change_hash, check_chain
from tests.conftest import copy_agency_keys, registration, reset_exchange_state
from tests.exchange.server import RegistriesServer


@pytest.fixture(scope="module")
def feed_registries(
    tmp_path_factory: pytest.TempPathFactory, registered_keys: list[AgencyKey]
) -> Iterator[RegistriesServer]:
    with RegistriesServer(
        tmp_path_factory.mktemp("feeds"), seed=11, size=600, env={"MOTCUA_REGISTRIES_KEY_CACHE_SECONDS": "0"}
    ) as server:
        server.import_registrations(registration(registered_keys))
        yield server


@pytest.fixture
def platform(db, settings, feed_registries: RegistriesServer, registered_keys: list[AgencyKey]):
    copy_agency_keys(registered_keys)
    settings.MOTCUA_REGISTRIES_URL = feed_registries.base_url
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 10_000
    settings.MOTCUA_EXCHANGE_RETRIES = 0
    reset_exchange_state()
    yield feed_registries
    reset_exchange_state()


def advance(server: RegistriesServer, days: int) -> str:
    return server.checked("advance", "--days", str(days))


def feed_rows(server: RegistriesServer, registry: str) -> list[dict]:
    return server.query("SELECT * FROM registries_change WHERE registry = ? ORDER BY seq", registry)


def post_feed(server: RegistriesServer, agency: str, registry: str, **overrides) -> ExchangeResponse:
    claims = FeedRequest(
        agency=agency,
        registry=registry,
        legal_basis=overrides.pop("legal_basis", feeds.FEED_LEGAL_BASIS),
        purpose="test",
        request_id=str(uuid.uuid4()),
        **overrides,
    ).claims()
    token = sign(claims, signing_key(agency), typ=REQUEST_TYPE)
    answer = httpx.post(f"{server.base_url}/v1/{registry}/changes", content=token, timeout=10)
    kid = str(unverified_header(answer.text, max_bytes=200_000)["kid"])
    claims = verify(answer.text, key_set(server.jwks())[kid], typ=RESPONSE_TYPE, max_bytes=200_000)
    return ExchangeResponse.from_claims(claims)


def test_advancing_the_world_records_ordered_hash_linked_changes_consistent_with_the_records(platform):
    output = advance(platform, 120)
    assert "World moved from" in output
    births = [row for row in feed_rows(platform, "civil_status") if row["kind"] == "birth_registered"]
    assert births, output
    for row in births:  # each birth is a child now held by the population registry, with its mother
        data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
        [child] = platform.query(
            "SELECT date_of_birth, mother_personal_id FROM registry_data_person WHERE personal_id = ?",
            row["subject_id"],
        )
        assert str(child["date_of_birth"]) == data["date_of_birth"]
        assert child["mother_personal_id"] == data["mother_personal_id"]
    for row in feed_rows(platform, "civil_status"):
        if row["kind"] == "death_registered":
            [person] = platform.query(
                "SELECT status FROM registry_data_person WHERE personal_id = ?", row["subject_id"]
            )
            assert person["status"] == "deceased"
    expiring = [row for row in feed_rows(platform, "identity_card") if row["kind"] == "expiring"]
    for row in expiring:  # announced 60 days before the card's validity ends
        data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
        until = datetime.date.fromisoformat(data["valid_until"])
        assert until - datetime.date.fromisoformat(str(row["occurred_on"])) == datetime.timedelta(days=60)
    for registry in ("civil_status", "identity_card", "population"):
        rows = feed_rows(platform, registry)
        assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
        previous = "0" * 64
        for row in rows:
            assert row["prev_hash"] == previous
            previous = row["change_hash"]
        [head] = platform.query(
            "SELECT last_seq, last_hash FROM registries_feedhead WHERE registry = ?", registry
        )
        assert (head["last_seq"], head["last_hash"]) == (len(rows), previous)


def test_the_platform_takes_each_change_once_and_catches_up_after_an_outage(platform):
    advance(platform, 30)
    first = {registry: feeds.consume(registry, page=50) for registry in feeds.FEED_REGISTRIES}
    assert all(not report.error_code for report in first.values()), first
    for registry in feeds.FEED_REGISTRIES:
        held = feed_rows(platform, registry)
        assert RegistryChange.objects.filter(registry=registry).count() == len(held)
        assert FeedCursor.objects.get(registry=registry).last_seq == len(held)
    assert feeds.consume("civil_status").received == 0  # nothing new: nothing taken twice

    platform.stop()  # the registries go down, then the world moves on behind the platform's back
    try:
        down = feeds.consume("identity_card")
        assert down.error_code in {"unavailable", "timeout", "circuit_open"}
        cursor = FeedCursor.objects.get(registry="identity_card")
        assert cursor.error_code == down.error_code
        assert (
            AuditEntry.objects.filter(
                type=ExchangeEvent.REGISTRY_FEED_FAILED, subject_id="identity_card"
            ).count()
            == 1
        )
        feeds.consume("identity_card")  # still down: no second audit entry for the same outage
        assert (
            AuditEntry.objects.filter(
                type=ExchangeEvent.REGISTRY_FEED_FAILED, subject_id="identity_card"
            ).count()
            == 1
        )
    finally:
        platform.start()
    advance(platform, 60)
    reset_exchange_state()  # a fresh circuit breaker, as after its reset time
    reports = {registry: feeds.consume(registry, page=25) for registry in feeds.FEED_REGISTRIES}
    assert all(not report.error_code for report in reports.values()), reports
    for registry in feeds.FEED_REGISTRIES:
        held = feed_rows(platform, registry)
        mine = list(RegistryChange.objects.filter(registry=registry).order_by("seq"))
        assert [row.seq for row in mine] == [row["seq"] for row in held]  # no loss, no duplicate
        assert [row.change_hash for row in mine] == [row["change_hash"] for row in held]
        assert FeedCursor.objects.get(registry=registry).error_code == ""
    assert FeedCursor.objects.get(registry="identity_card").last_seq == len(
        feed_rows(platform, "identity_card")
    )
    # one event per change, for the proactive rules
    assert (
        Event.objects.filter(type=ExchangeEvent.REGISTRY_CHANGE_RECEIVED).count()
        == RegistryChange.objects.count()
    )


def test_each_change_served_is_logged_in_its_subjects_chain(platform):
    advance(platform, 10)
    response = post_feed(platform, "PORTAL", "identity_card", after=0, limit=5)
    assert response.status == "ok"
    changes = response.data["changes"]
    assert changes
    check_chain(changes, registry="identity_card", after=0, last_hash="0" * 64)
    for change in changes:
        [entry] = platform.log_entries(
            subject_id=change["subject"], chain="identity_card", request_id=_request_id(platform, response)
        )
        assert entry["outcome"] == "served"
        assert entry["fields"] == [f"changes.{change['kind']}"]
        assert entry["legal_basis"] == feeds.FEED_LEGAL_BASIS


def _request_id(server: RegistriesServer, response: ExchangeResponse) -> str:
    _chain, _sep, entry_id = response.log_entry.rpartition("-")
    [row] = server.query("SELECT request_id FROM registries_logentry WHERE id = ?", int(entry_id))
    return str(row["request_id"])


def test_only_an_agency_the_policy_allows_reads_a_feed(platform):
    refused = post_feed(platform, "UBND.00004", "civil_status")
    assert (refused.status, refused.error_code) == ("refused", "not_covered_by_legal_basis")
    assert post_feed(platform, "PORTAL", "civil_status", legal_basis="qd-06-2022").error_code == (
        "not_covered_by_legal_basis"
    )
    assert post_feed(platform, "PORTAL", "land").error_code == "unknown_registry"


def test_a_page_that_leaves_out_or_alters_a_change_is_refused():
    first = {"registry": "r", "seq": 1, "kind": "k", "subject": "s", "occurred_on": "2026-01-01",
             "recorded_at": "t", "data": {}, "prev_hash": "0" * 64}  # fmt: skip
    first["hash"] = change_hash(first)
    second = {**first, "seq": 2, "prev_hash": first["hash"]}
    second["hash"] = change_hash(second)
    check_chain([first, second], registry="r", after=0, last_hash="0" * 64)
    with pytest.raises(ProtocolError, match="missing"):
        check_chain([second], registry="r", after=0, last_hash="0" * 64)
    with pytest.raises(ProtocolError, match="follow"):
        check_chain([second], registry="r", after=1, last_hash="1" * 64)
    with pytest.raises(ProtocolError, match="altered"):
        check_chain([{**first, "subject": "other"}], registry="r", after=0, last_hash="0" * 64)
