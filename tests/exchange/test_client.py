"""The platform's exchange client against real registries: parallel pulls, verification of the
answers, retries, the circuit breaker, outage and recovery, slowness, and key rotation."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest

from motcua import protocol
from motcua.core.actors import SYSTEM
from motcua.core.errors import MotcuaError
from motcua.core.models import AuditEntry
from motcua.core.types import EventType
from motcua.exchange import services, tokens
from motcua.exchange.breaker import BreakerState, CircuitBreaker
from motcua.exchange.client import PullItem, PullStatus, connect
from motcua.exchange.keys import open_private_key
from motcua.exchange.models import AgencyKey, KeyStatus
from motcua.exchange.selectors import registration_document
from motcua.protocol import ExchangeRequest
from tests.conftest import CONSENT_KEY_OWNER, registration
from tests.exchange.consents import ConsentIssuer
from tests.exchange.server import RegistriesServer
from tests.identity.world import load_small_units
from tests.relay import Relay

MINH = "001086027419"


def make_client(base_url: str, *, timeout: float = 5.0, retries: int = 2, pinned=None, reset: float = 30.0):
    return connect(
        base_url,
        pinned_jwks=pinned,
        timeout=timeout,
        retries=retries,
        backoff=0.01,
        breaker_failures=3,
        breaker_reset=reset,
        parallel=8,
    )


def key_of(rows: list[AgencyKey], code: str):
    row = next(row for row in rows if row.agency_code == code)
    return open_private_key(row.kid, row.sealed_private_key)


def platform(rows: list[AgencyKey]) -> ConsentIssuer:
    """The platform as consent issuer, with the session's registered consent-signing key."""
    return ConsentIssuer("motcua", key=key_of(rows, CONSENT_KEY_OWNER))


def own(rows: list[AgencyKey], code: str) -> list[AgencyKey]:
    """The agency's key and the consent-signing key: what a registries server of its own needs."""
    return [row for row in rows if row.agency_code in {code, CONSENT_KEY_OWNER}]


def item(
    rows,
    *,
    registry="population",
    agency="UBND.00004",
    procedure="birth-registration",
    fields=None,
    subject=MINH,
):
    defaults = {
        "population": ("full_name", "date_of_birth"),
        "civil_status": ("marriage.registered_on", "marriage.spouse_personal_id"),
        "residence": ("permanent_residence.commune_code", "permanent_residence.address"),
    }
    request = ExchangeRequest(
        agency=agency,
        registry=registry,
        procedure=procedure,
        dossier="client-test",
        purpose="Kiểm thử",
        legal_basis="qd-06-2022",
        subject=subject,
        fields=tuple(fields or defaults[registry]),
        requester=subject,  # the person asks about themselves
        consent="",
        request_id=str(uuid.uuid4()),
    )
    return PullItem(label=registry, request=platform(rows).consented(request), key=key_of(rows, agency))


def test_a_parallel_pull_returns_every_registrys_verified_answer(registries_server, registered_keys):
    client = make_client(registries_server.base_url)
    outcomes = client.pull(
        [item(registered_keys, registry=name) for name in ("population", "civil_status", "residence")]
    )
    by_label = {outcome.label: outcome for outcome in outcomes}
    assert [outcome.status for outcome in outcomes] == [PullStatus.OK] * 3
    assert by_label["population"].data == {"full_name": "Nguyễn Văn Minh", "date_of_birth": "1986-04-12"}
    assert by_label["civil_status"].data["marriage"]["registered_on"] == "2015-10-10"
    assert by_label["residence"].data["permanent_residence"]["commune_code"] == "00004"
    for outcome in outcomes:
        assert outcome.attempts == 1
        assert outcome.log_entry.startswith(outcome.label + "-")
        [entry] = registries_server.log_entries(request_id=outcome.request.request_id)
        assert entry["request_digest"] == outcome.request_digest


def test_a_refusal_is_an_answer_and_is_not_retried(registries_server, registered_keys):
    client = make_client(registries_server.base_url)
    [outcome] = client.pull([item(registered_keys, fields=("full_name", "ethnicity"))])
    assert outcome.status == PullStatus.REFUSED
    assert outcome.error_code == "fields_not_allowed"
    assert outcome.attempts == 1
    assert outcome.data is None


def _tamper(answer: bytes) -> bytes:
    """One character of a signed answer's payload changed."""
    text = answer.decode()
    payload_at = text.index(".") + 10
    return (text[:payload_at] + ("A" if text[payload_at] != "A" else "B") + text[payload_at + 1 :]).encode()


@pytest.fixture
def tampering_proxy(registries_server) -> Iterator[str]:
    """A man in the middle that changes one character of every signed answer."""
    with Relay(registries_server.base_url, alter=_tamper) as proxy:
        yield proxy.base_url


def test_a_tampered_answer_is_rejected(tampering_proxy, registered_keys):
    client = make_client(tampering_proxy)
    [outcome] = client.pull([item(registered_keys)])
    assert outcome.status == PullStatus.INVALID_RESPONSE
    assert outcome.data is None


def test_an_answer_signed_by_an_untrusted_key_is_rejected(registries_server, registered_keys, tmp_path):
    pinned = tmp_path / "registries-jwks.json"
    pinned.write_text(json.dumps({"keys": [protocol.public_jwk(protocol.generate_key())]}))
    client = make_client(registries_server.base_url, pinned=pinned)
    [outcome] = client.pull([item(registered_keys)])
    assert outcome.status == PullStatus.INVALID_RESPONSE
    assert "unknown key" in outcome.error_message


def test_outage_opens_the_breaker_and_recovery_closes_it(tmp_path, registered_keys):
    server = RegistriesServer(tmp_path / "flaky", size=60)
    server.start()
    try:
        server.import_registrations(registration(own(registered_keys, "UBND.00004")))
        client = make_client(server.base_url, retries=1, reset=1.0)
        assert client.pull([item(registered_keys)])[0].status == PullStatus.OK
        server.stop()
        down = client.pull([item(registered_keys)])[0]
        assert down.status == PullStatus.UNAVAILABLE
        assert down.attempts == 2  # one retry
        client.pull([item(registered_keys)])  # third and fourth failures open the breaker
        breaker = client.breakers.for_registry("population")
        assert breaker.state == BreakerState.OPEN
        refused_at_once = client.pull([item(registered_keys)])[0]
        assert (refused_at_once.status, refused_at_once.attempts) == (PullStatus.CIRCUIT_OPEN, 0)
        before = len(server.log_entries())
        server.start()  # same port, same data
        while breaker.state == BreakerState.OPEN:
            time.sleep(0.1)
        back = client.pull([item(registered_keys)])[0]
        assert back.status == PullStatus.OK
        assert breaker.state == BreakerState.CLOSED
        assert len(server.log_entries()) == before + 1
    finally:
        server.close()


def test_a_slow_registry_does_not_hold_the_caller(tmp_path, registered_keys):
    with RegistriesServer(
        tmp_path / "slow", size=60, env={"MOTCUA_REGISTRIES_DELAY_MS": "population=5000"}
    ) as server:
        server.import_registrations(registration(own(registered_keys, "UBND.00004")))
        # a budget that a loaded CI machine meets for the fast registry, far below the slow one's
        # delay; the first pull warms the connection and the registry's caches
        client = make_client(server.base_url, timeout=1.5, retries=0)
        [warm] = client.pull([item(registered_keys, registry="residence")])
        assert warm.status == PullStatus.OK
        slow, fast = client.pull([item(registered_keys), item(registered_keys, registry="residence")])
        # The pull returned before the slow registry answered (its log entry is written after the delay),
        # with the other registry's answer in hand.
        assert slow.status == PullStatus.TIMEOUT
        assert fast.status == PullStatus.OK
        assert server.log_entries(request_id=slow.request.request_id) == []
        for _ in range(100):  # and the registry did answer, later, to a caller no longer waiting
            if server.log_entries(request_id=slow.request.request_id):
                break
            time.sleep(0.1)
        assert len(server.log_entries(request_id=slow.request.request_id)) == 1


def _state(breaker: CircuitBreaker) -> BreakerState:
    return breaker.state


def test_the_breaker_lets_one_trial_through_when_half_open():
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=0.05)
    breaker.record_failure()
    assert breaker.allow()
    breaker.record_failure()
    assert not breaker.allow()
    time.sleep(0.06)
    assert _state(breaker) == BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # one trial at a time
    breaker.record_failure()
    assert _state(breaker) == BreakerState.OPEN
    time.sleep(0.06)
    assert breaker.allow()
    breaker.record_success()
    assert _state(breaker) == BreakerState.CLOSED


@pytest.mark.django_db
def test_key_rotation_needs_registration_before_activation(exchange, tmp_path):
    """Bootstrap an agency's key, register it, rotate, register, activate, revoke the old one."""
    load_small_units(tmp_path)
    agency = "CAX.00025"  # Giảng Võ ward police: registered by this test only
    assert services.ensure_agency_keys(actor=SYSTEM, agency_codes=[agency]) == 1
    assert services.ensure_agency_keys(actor=SYSTEM, agency_codes=[agency]) == 0

    def register() -> dict:
        [entry] = [a for a in registration_document()["agencies"] if a["code"] == agency]
        exchange.import_registrations({"agencies": [entry]})
        return entry

    def pull_with(row: AgencyKey) -> PullStatus | str:
        request = ExchangeRequest(
            agency=agency,
            registry="residence",
            procedure="permanent-residence-registration",
            dossier="rotation",
            purpose="Kiểm thử",
            legal_basis="qd-06-2022",
            subject=MINH,
            fields=("permanent_residence.address",),
            requester=MINH,
            consent="",
            request_id=str(uuid.uuid4()),
        )
        request = platform(list(AgencyKey.objects.all())).consented(request)
        key = open_private_key(row.kid, AgencyKey.objects.get(kid=row.kid).sealed_private_key)
        [outcome] = make_client(exchange.base_url).pull([PullItem(label="r", request=request, key=key)])
        return outcome.error_code or outcome.status

    entry = register()
    assert entry["agency_type"] == "commune_police"
    assert entry["name"] == "Công an phường Giảng Võ"
    old = AgencyKey.objects.get(agency_code=agency, status=KeyStatus.ACTIVE)
    assert pull_with(old) == PullStatus.OK
    pending = services.rotate_agency_key(actor=SYSTEM, agency_code=agency)
    with pytest.raises(MotcuaError, match="already has a pending key"):
        services.rotate_agency_key(actor=SYSTEM, agency_code=agency)
    with pytest.raises(MotcuaError, match="do not accept"):
        services.activate_agency_key(actor=SYSTEM, agency_code=agency)
    assert {key["kid"] for key in register()["keys"]} == {old.kid, pending.kid}
    services.activate_agency_key(actor=SYSTEM, agency_code=agency)
    old.refresh_from_db()
    pending.refresh_from_db()
    assert (old.status, pending.status) == (KeyStatus.RETIRED, KeyStatus.ACTIVE)
    assert AuditEntry.objects.filter(type=EventType.EXCHANGE_KEY_ACTIVATED, agency_code=agency).count() == 1
    assert pull_with(pending) == PullStatus.OK
    assert pull_with(old) == PullStatus.OK  # still registered: processes switch keys within a minute
    assert register()["retired_keys"] == [old.kid]  # the next registration file revokes it there
    assert pull_with(old) == "unknown_key"
    assert pull_with(pending) == PullStatus.OK


@pytest.mark.django_db
def test_the_consent_key_rotates_like_an_agency_key(exchange, tmp_path):
    """The platform's consent-signing key: rotated, refused activation until the registries
    know it (the portal pings them with a token it signed), then used. (The old key is not
    revoked here: the session's registries are shared by every test.)"""
    load_small_units(tmp_path)
    owner = tokens.consent_key_owner()
    old = AgencyKey.objects.get(agency_code=owner, status=KeyStatus.ACTIVE)
    pending = services.rotate_agency_key(actor=SYSTEM, agency_code=owner)
    with pytest.raises(MotcuaError, match="do not accept"):
        services.activate_agency_key(actor=SYSTEM, agency_code=owner)
    document = registration_document()
    assert all(not agency["code"].startswith("consent:") for agency in document["agencies"])
    [issuer] = document["consent_issuers"]
    assert issuer["issuer"] == "motcua"
    assert {key["kid"] for key in issuer["keys"]} == {old.kid, pending.kid}
    exchange.import_registrations({"agencies": [], "consent_issuers": [issuer]})
    services.activate_agency_key(actor=SYSTEM, agency_code=owner)
    assert registration_document()["consent_issuers"][0]["retired_keys"] == [old.kid]
    rows = list(AgencyKey.objects.all())
    agency_key = key_of(rows, "UBND.00004")
    new_key = open_private_key(pending.kid, AgencyKey.objects.get(kid=pending.kid).sealed_private_key)
    request = item(rows).request
    client = make_client(exchange.base_url)
    consented = ConsentIssuer("motcua", key=new_key).consented(request)
    [served] = client.pull([PullItem(label="new", request=consented, key=agency_key)])
    assert served.status == PullStatus.OK
    # a consent key the registries never registered is refused, however well formed the token
    [refused] = client.pull(
        [PullItem(label="unknown", request=ConsentIssuer("motcua").consented(request), key=agency_key)]
    )
    assert (refused.status, refused.error_code) == (PullStatus.REFUSED, "invalid_consent")
