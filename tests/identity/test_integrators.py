"""Integrator clients: agency systems get tokens from the platform's own token endpoint (OAuth 2.0
client credentials, with a secret or a signed client assertion) and call the API with them.

The access matrix (test_access_matrix.py) proves which operations a token opens and which it does
not, per role and agency, and that a revoked client's and an expired token are refused; here: the
token endpoint's answers and refusals, the credentials kept only as hashes, revocation taking
effect on the very next request, per-client rate limits, CSRF for cookies only, the audit, and the
operators' commands.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import stat
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey

from motcua.core.actors import SYSTEM
from motcua.core.errors import Forbidden, MotcuaError
from motcua.core.models import AuditEntry, Event
from motcua.core.types import EventType
from motcua.dossiers.models import Dossier, Notice
from motcua.dossiers.services import assignment as assignment_services
from motcua.identity import integrators
from motcua.identity.models import ClientAssertionUse, IntegratorClient, IntegratorToken, Role
from tests.identity.world import AGENCY_A, AGENCY_B, World, client_token, make_client, official_actor

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/oauth/token"


@pytest.fixture
def world(world_copy: World) -> World:
    return world_copy


def _basic(client_id: str, secret: str) -> dict[str, str]:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def _token_request(data: dict[str, str], headers: dict[str, str] | None = None, **extra: Any) -> Any:
    return Client(headers=headers or {}).post(TOKEN_URL, data, **extra)  # form-encoded


def _bearer(token: str, *, csrf_checks: bool = False) -> Client:
    return Client(enforce_csrf_checks=csrf_checks, headers={"Authorization": f"Bearer {token}"})


def _refusal(response: Any, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] == body["error"] == error
    assert body["message"] == body["error_description"] != ""
    assert response["Cache-Control"] == "no-store"
    return dict(body)


def _counts() -> tuple[int, int, int]:
    return IntegratorToken.objects.count(), AuditEntry.objects.count(), Event.objects.count()


# --- the token endpoint: client secret -------------------------------------------------------------


def test_a_client_with_its_secret_gets_a_short_lived_bearer_token_stored_only_as_a_hash(world):
    client, secret = make_client("hộ tịch", Role.RECEPTION, AGENCY_A)
    response = _token_request({"grant_type": "client_credentials"}, _basic(client.client_id, secret))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 600, "reception")
    assert response["Cache-Control"] == "no-store"
    token = body["access_token"]
    stored = IntegratorToken.objects.get(client=client)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.roles == ["reception"]
    # neither the token nor the secret is anywhere in the database's rows for the client
    with connection.cursor() as cursor:
        for table in (
            "identity_integratortoken",
            "identity_integratorclient",
            "core_auditentry",
            "core_event",
        ):
            cursor.execute(f"SELECT * FROM {table}")
            dumped = json.dumps(cursor.fetchall(), default=str)
            assert token not in dumped, table
            assert secret not in dumped, table
    issued = AuditEntry.objects.get(type=EventType.INTEGRATOR_TOKEN_ISSUED, subject_id=client.client_id)
    assert (issued.actor_kind, issued.actor_id) == ("integrator", f"client:{client.client_id}")
    assert issued.agency_code == AGENCY_A
    # and it works at once
    inbox = _bearer(token).get("/api/v1/inbox")
    assert inbox.status_code == 200
    assert world.dossier is not None
    assert world.dossier.code in {row["code"] for row in inbox.json()["dossiers"]}


def test_the_secret_may_come_in_the_form_and_the_scope_may_narrow_the_roles(world):
    registered = integrators.create_client(
        actor=SYSTEM, name="Một cửa", agency_code=AGENCY_A, roles=["reception", "handler"]
    )
    client_id = registered.client.client_id
    response = _token_request(
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": registered.secret,
            "scope": "handler",
        }
    )
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "handler"
    # the token carries the handler's role only: a reception decision is not its to take
    assert world.dossier is not None
    refused = _bearer(response.json()["access_token"]).post(
        f"/api/v1/inbox/{world.dossier.code}/decision",
        {"decision": "accept"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert Dossier.objects.get(code=world.dossier.code).step == "reception_check"
    wider = _token_request(
        {"grant_type": "client_credentials", "scope": "reception approver"},
        _basic(client_id, registered.secret),
    )
    _refusal(wider, 400, "invalid_scope")


def test_a_wrong_secret_and_an_unknown_client_get_the_same_refusal_and_nothing_is_written(world):
    client, _secret = make_client("hộ tịch", Role.RECEPTION, AGENCY_A)
    before = _counts()
    wrong = _refusal(
        _token_request({"grant_type": "client_credentials"}, _basic(client.client_id, "mcs_guess")),
        401,
        "invalid_client",
    )
    unknown = _refusal(
        _token_request({"grant_type": "client_credentials"}, _basic("ubnd-00004-00000000", "mcs_guess")),
        401,
        "invalid_client",
    )
    assert wrong == unknown
    assert wrong["message"] == "Không xác thực được ứng dụng tích hợp."
    english = _token_request(
        {"grant_type": "client_credentials"}, _basic(client.client_id, "x"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["message"] == "The client could not be authenticated."
    assert english["WWW-Authenticate"] == 'Basic realm="motcua"'
    assert _counts() == before


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "invalid_request"),
        ({"grant_type": "password", "username": "a", "password": "b"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
    ],
)
def test_only_the_client_credentials_grant_is_served(world, data, error):
    client, secret = make_client("hộ tịch", Role.RECEPTION, AGENCY_A)
    before = _counts()
    _refusal(_token_request(data, _basic(client.client_id, secret)), 400, error)
    assert _counts() == before


def test_a_revoked_client_gets_no_token_and_its_tokens_stop_at_the_next_request(world):
    client, secret = make_client("hộ tịch", Role.RECEPTION, AGENCY_A)
    token = client_token(client, secret)
    api = _bearer(token)
    assert api.get("/api/v1/inbox").status_code == 200
    out = io.StringIO()
    call_command("integrators", "revoke", client.client_id, stdout=out)
    assert f"revoked {client.client_id}" in out.getvalue()
    refused = api.get("/api/v1/inbox")
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_token"
    assert refused["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert not IntegratorToken.objects.filter(client=client).exists()
    revoked = AuditEntry.objects.get(type=EventType.INTEGRATOR_CLIENT_REVOKED, subject_id=client.client_id)
    assert (revoked.actor_kind, revoked.actor_id) == ("system", "command:integrators revoke")
    _refusal(
        _token_request({"grant_type": "client_credentials"}, _basic(client.client_id, secret)),
        401,
        "invalid_client",
    )


def test_an_expired_token_and_tokens_not_ours_are_refused(world):
    client, secret = make_client("hộ tịch", Role.RECEPTION, AGENCY_A)
    token = client_token(client, secret)
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=601)
    assert integrators.actor_for_token(token) is not None
    assert integrators.actor_for_token(token, now=later) is None
    other_key = OKPKey.generate_key("Ed25519")
    # an access token of another authorization server (say, the eID provider), a made-up one
    foreign = jwt.encode(
        {"alg": "Ed25519"},
        {"iss": "http://127.0.0.1:8001/o", "aud": "motcua"},
        other_key,
        algorithms=["Ed25519"],
    )
    for value in (foreign, "mct_" + "A" * 43, token + "x", ""):
        response = _bearer(value).get("/api/v1/inbox")
        assert response.status_code == 401, value
        assert response.json()["code"] == "invalid_token"


# --- the token endpoint: signed client assertions (private_key_jwt) ---------------------------------


def _key_client(world: World, key: OKPKey | ECKey, roles: list[str] | None = None) -> IntegratorClient:
    registered = integrators.create_client(
        actor=SYSTEM,
        name="Phần mềm hộ tịch",
        agency_code=AGENCY_A,
        roles=roles or ["reception"],
        public_jwk=key.as_dict(private=False),
    )
    assert registered.secret == ""
    return registered.client


def _assertion(client_id: str, key: OKPKey | ECKey, alg: str = "Ed25519", **claims: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": client_id,
        "sub": client_id,
        "aud": integrators.token_endpoint_url(),
        "iat": now,
        "exp": now + 120,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    return jwt.encode(
        {"alg": alg}, {k: v for k, v in payload.items() if v is not None}, key, algorithms=[alg]
    )


def _by_assertion(assertion: str, **extra: str) -> Any:
    return _token_request(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": integrators.ASSERTION_TYPE,
            "client_assertion": assertion,
            **extra,
        }
    )


@pytest.mark.parametrize("curve", ["Ed25519", "P-256"])
def test_a_client_signing_an_assertion_with_its_key_gets_a_token_once_per_assertion(world, curve):
    key = OKPKey.generate_key("Ed25519") if curve == "Ed25519" else ECKey.generate_key("P-256")
    alg = "Ed25519" if curve == "Ed25519" else "ES256"
    client = _key_client(world, key)
    assert "d" not in client.public_jwk  # only the public key is kept
    assertion = _assertion(client.client_id, key, alg)
    response = _by_assertion(assertion, client_id=client.client_id)
    assert response.status_code == 200, response.content
    assert _bearer(response.json()["access_token"]).get("/api/v1/inbox").status_code == 200
    # the same assertion again is a replay
    before = _counts()
    _refusal(_by_assertion(assertion), 401, "invalid_client")
    assert _counts() == before
    assert ClientAssertionUse.objects.filter(client=client).count() == 1


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"aud": "http://127.0.0.1:8001/o/token/"}, id="audience-another-server"),
        pytest.param({"aud": ["AUDIENCE", "http://127.0.0.1:8001/o/token/"]}, id="audience-two-servers"),
        pytest.param({"aud": None}, id="no-audience"),
        pytest.param({"exp": -120, "iat": -240}, id="expired"),
        pytest.param({"exp": 3600}, id="valid-too-long"),
        pytest.param({"jti": None}, id="no-jti"),
        pytest.param({"sub": "someone-else"}, id="sub-differs"),
        pytest.param({"iat": 600}, id="issued-in-the-future"),
    ],
)
def test_an_assertion_that_is_not_for_this_platform_now_is_refused(world, claims):
    # times are given as seconds from now, resolved when the test runs (not when it is collected:
    # the PostgreSQL pass reaches this test many minutes after collection)
    now = int(time.time())
    claims = {name: now + value if name in {"exp", "iat"} else value for name, value in claims.items()}
    key = OKPKey.generate_key("Ed25519")
    client = _key_client(world, key)
    if claims.get("aud") and isinstance(claims["aud"], list):
        claims = {**claims, "aud": [integrators.token_endpoint_url(), claims["aud"][1]]}
    before = _counts()
    _refusal(_by_assertion(_assertion(client.client_id, key, **claims)), 401, "invalid_client")
    assert _counts() == before


def test_an_assertion_signed_by_another_key_or_for_another_client_is_refused(world):
    key = OKPKey.generate_key("Ed25519")
    client = _key_client(world, key)
    thief = OKPKey.generate_key("Ed25519")
    _refusal(_by_assertion(_assertion(client.client_id, thief)), 401, "invalid_client")
    # the client_id in the form must name the assertion's issuer
    other = _key_client(world, OKPKey.generate_key("Ed25519"))
    _refusal(
        _by_assertion(_assertion(client.client_id, key), client_id=other.client_id), 401, "invalid_client"
    )
    # a secret client cannot use an assertion, a key client has no secret
    secret_client, secret = make_client("hộ tịch", Role.RECEPTION, AGENCY_A)
    _refusal(_by_assertion(_assertion(secret_client.client_id, key)), 401, "invalid_client")
    _refusal(
        _token_request({"grant_type": "client_credentials"}, _basic(client.client_id, "")),
        401,
        "invalid_client",
    )
    # both ways at once is a malformed request
    both = _token_request(
        {
            "grant_type": "client_credentials",
            "client_assertion_type": integrators.ASSERTION_TYPE,
            "client_assertion": _assertion(client.client_id, key),
        },
        _basic(secret_client.client_id, secret),
    )
    _refusal(both, 400, "invalid_request")


def test_a_private_key_is_never_registered(world):
    key = OKPKey.generate_key("Ed25519")
    with pytest.raises(MotcuaError, match="khóa công khai"):
        integrators.create_client(
            actor=SYSTEM,
            name="x",
            agency_code=AGENCY_A,
            roles=["reception"],
            public_jwk=key.as_dict(private=True),
        )
    rsa_like = {"kty": "oct", "k": "c2VjcmV0"}
    with pytest.raises(MotcuaError):
        integrators.create_client(
            actor=SYSTEM, name="x", agency_code=AGENCY_A, roles=["reception"], public_jwk=rsa_like
        )
    assert not IntegratorClient.objects.filter(name="x").exists()


# --- clients are bound to an agency and to roles that are not a person's ----------------------------


@pytest.mark.parametrize("role", [Role.APPROVER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN, "superuser"])
def test_a_client_may_not_hold_a_role_that_belongs_to_a_person(world, role):
    before = _counts()
    with pytest.raises(MotcuaError, match="reception, handler, supervisor"):
        integrators.create_client(actor=SYSTEM, name="x", agency_code=AGENCY_A, roles=["reception", role])
    assert _counts() == before


def test_only_the_platform_registers_clients(world):
    with pytest.raises(Forbidden):
        integrators.create_client(
            actor=official_actor(world.users["admin_a"]), name="x", agency_code=AGENCY_A, roles=["reception"]
        )
    registered = integrators.create_client(
        actor=official_actor(world.users["platform_admin"]),
        name="x",
        agency_code=AGENCY_B,
        roles=["reception"],
    )
    assert registered.client.agency.code == AGENCY_B


def test_a_clients_decision_is_audited_as_the_client_and_its_notice_is_the_agencys(world):
    token = world.tokens["client_reception_a"]
    assert world.dossier is not None
    code = world.dossier.code
    response = _bearer(token, csrf_checks=True).post(  # no session, no CSRF token: none is needed
        f"/api/v1/inbox/{code}/decision",
        {
            "decision": "supplement",
            "reason": "Giấy chứng sinh bị mờ.",
            "items": [{"component": "birth-certificate"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "supplement_requested"
    notice = Notice.objects.get(dossier__code=code, form="02")
    assert notice.issued_by is None  # the agency's notice; no person is named for a system
    entry = AuditEntry.objects.get(type=EventType.DOSSIER_SUPPLEMENT_REQUESTED, subject_id=code)
    client_id = world.clients["client_reception_a"].client_id
    assert (entry.actor_kind, entry.actor_id, entry.actor_agency_code) == (
        "integrator",
        f"client:{client_id}",
        AGENCY_A,
    )
    event = Event.objects.get(type=EventType.DOSSIER_SUPPLEMENT_REQUESTED, subject_id=code)
    assert (event.actor_kind, event.actor_id) == ("integrator", f"client:{client_id}")
    history = response.json()["history"]
    assert history[-1]["actor_kind"] == "integrator"


def test_cookies_still_need_the_csrf_token_while_a_bearer_token_does_not(world):
    assert world.dossier is not None
    url = f"/api/v1/inbox/{world.dossier.code}/decision"
    browser = world.client("reception_a")
    browser.handler.enforce_csrf_checks = True
    before = _counts()
    refused = browser.post(url, {"decision": "accept"}, content_type="application/json")
    assert refused.status_code == 403
    assert _counts() == before
    system = _bearer(world.tokens["client_reception_a"], csrf_checks=True)
    accepted = system.post(url, {"decision": "accept"}, content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    assert Dossier.objects.get(code=world.dossier.code).step == "handling"


def test_a_dossier_an_official_has_taken_is_not_the_clients_to_decide(world):
    assert world.dossier is not None
    code = world.dossier.code
    assignment_services.claim_dossier(actor=official_actor(world.users["reception_a"]), code=code)
    before = _counts()
    response = _bearer(world.tokens["client_reception_a"]).post(
        f"/api/v1/inbox/{code}/decision", {"decision": "accept"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "claimed_by_other"
    assert _counts() == before
    # and a client never takes work itself
    taken = _bearer(world.tokens["client_reception_a"]).get("/api/v1/inbox", {"queue": "taken"})
    assert taken.json()["dossiers"] == []


def test_each_client_has_its_own_request_rate(world, settings):
    limited = integrators.create_client(
        actor=SYSTEM, name="chậm", agency_code=AGENCY_A, roles=["reception"], rate_limit="2/m"
    )
    token = client_token(limited.client, limited.secret)
    api = _bearer(token)
    assert [api.get("/api/v1/inbox").status_code for _ in range(2)] == [200, 200]
    over = api.get("/api/v1/inbox")
    assert over.status_code == 429
    assert over.json()["code"] == "rate_limited"
    assert 1 <= int(over["Retry-After"]) <= 60
    # another client of the same agency (and address) is not slowed down by it
    assert _bearer(world.tokens["client_reception_a"]).get("/api/v1/inbox").status_code == 200
    # and tokens are limited per client too
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "token_client": "1/h"}
    second = _token_request(
        {"grant_type": "client_credentials"}, _basic(limited.client.client_id, limited.secret)
    )
    assert second.status_code == 429
    assert second.json()["code"] == "rate_limited"


def test_expired_tokens_and_used_assertion_ids_are_purged(world):
    client, secret = make_client("hộ tịch", Role.RECEPTION, AGENCY_A)
    live = client_token(client, secret)
    past = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=2)
    client_token(client, secret, now=past)
    ClientAssertionUse.objects.create(client=client, jti="old", expires_at=past)
    ClientAssertionUse.objects.create(client=client, jti="new", expires_at=past + datetime.timedelta(hours=3))
    expired_before = IntegratorToken.objects.filter(
        expires_at__lte=datetime.datetime.now(tz=datetime.UTC)
    ).count()
    assert integrators.purge_expired() >= expired_before + 1
    assert integrators.actor_for_token(live) is not None
    assert list(ClientAssertionUse.objects.filter(client=client).values_list("jti", flat=True)) == ["new"]
    assert not IntegratorToken.objects.filter(expires_at__lte=datetime.datetime.now(tz=datetime.UTC)).exists()


# --- the operators' commands -----------------------------------------------------------------------


def test_the_create_command_shows_the_secret_once_and_the_list_never(world):
    out = io.StringIO()
    call_command(
        "integrators", "create", "--agency", AGENCY_A, "--role", "reception", "--role", "handler",
        "--name", "Phần mềm một cửa Ba Đình", stdout=out,
    )  # fmt: skip
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    client_id, secret = lines["client_id"], lines["client_secret"]
    assert secret.startswith("mcs_")
    client = IntegratorClient.objects.get(client_id=client_id)
    assert (client.agency.code, client.roles) == (AGENCY_A, ["reception", "handler"])
    created = AuditEntry.objects.get(type=EventType.INTEGRATOR_CLIENT_CREATED, subject_id=client_id)
    assert (created.actor_id, created.agency_code) == ("command:integrators create", AGENCY_A)
    assert secret not in json.dumps(created.changes)
    listed = io.StringIO()
    call_command("integrators", "list", stdout=listed)
    row = next(line for line in listed.getvalue().splitlines() if line.startswith(client_id))
    assert "reception,handler" in row
    assert "active" in row
    assert secret not in listed.getvalue()
    assert client_token(client, secret)


def test_the_create_command_generates_a_key_pair_and_keeps_only_the_public_half(world, tmp_path: Path):
    key_file = tmp_path / "khoa-rieng.pem"
    out = io.StringIO()
    call_command(
        "integrators", "create", "--agency", AGENCY_A, "--role", "handler", "--name", "Hệ thống",
        "--generate-key", str(key_file), stdout=out,
    )  # fmt: skip
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "client_secret" not in out.getvalue()
    client_id = out.getvalue().split("client_id: ", 1)[1].split()[0]
    key = OKPKey.import_key(key_file.read_bytes())
    response = _by_assertion(_assertion(client_id, key))
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "handler"
    with pytest.raises(CommandError, match="exists already"):
        call_command(
            "integrators", "create", "--agency", AGENCY_A, "--role", "handler", "--name", "Hệ thống",
            "--generate-key", str(key_file), stdout=io.StringIO(),
        )  # fmt: skip
    private = tmp_path / "private.pem"
    private.write_bytes(key.as_pem(private=True))
    with pytest.raises(CommandError, match="private key"):
        call_command(
            "integrators", "create", "--agency", AGENCY_A, "--role", "handler", "--name", "Hệ thống",
            "--public-key", str(private), stdout=io.StringIO(),
        )  # fmt: skip


def test_the_create_command_refuses_a_bad_role_before_writing_a_key(world, tmp_path: Path):
    before = _counts()
    key_file = tmp_path / "k.pem"
    with pytest.raises(CommandError, match="reception, handler, supervisor"):
        call_command(
            "integrators", "create", "--agency", AGENCY_A, "--role", "approver", "--name", "Hệ thống",
            "--generate-key", str(key_file), stdout=io.StringIO(),
        )  # fmt: skip
    assert not key_file.exists()
    assert _counts() == before
