"""Login brute force is slowed then blocked; officials need the second factor; the API
checks CSRF on cookie sessions; public lookups and the API are rate-limited with 429 +
Retry-After; every request gets an id that reaches the audit log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.models import AuditEntry
from motcua.identity.events import IdentityEvent
from motcua.identity.models import User
from tests.identity.world import OFFICIAL_PASSWORD, World, applicant_client, make_official, totp

pytestmark = pytest.mark.django_db
SIGN_IN = "/can-bo/dang-nhap/"


@pytest.fixture
def small_limits(settings):
    settings.MOTCUA_RATE_LIMITS = {
        **settings.MOTCUA_RATE_LIMITS,
        "login_account": "3/15m",
        "login_account_day": "6/d",
        "login_address": "100/m",
        "login_address_failures": "100/h",
    }


def _wrong(client: Client, username: str = "canbo.thu") -> int:
    return client.post(SIGN_IN, {"username": username, "password": "wrong password 123"}).status_code


def test_wrong_passwords_are_slowed_then_refused_even_with_the_right_one(small_limits, tmp_path):
    make_official("canbo.thu", [])
    client = Client()
    assert [_wrong(client) for _ in range(3)] == [400, 400, 400]
    blocked = client.post(SIGN_IN, {"username": "canbo.thu", "password": OFFICIAL_PASSWORD})
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in client.session
    # another account from the same address is not affected by this account's block
    make_official("canbo.khac", [])
    response = client.post(SIGN_IN, {"username": "canbo.khac", "password": OFFICIAL_PASSWORD})
    assert response.status_code == 302


def test_one_address_guessing_across_accounts_is_blocked(settings, tmp_path):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "login_address_failures": "4/h"}
    client = Client()
    assert [_wrong(client, f"user{i}") for i in range(4)] == [400] * 4
    response = client.post(SIGN_IN, {"username": "user9", "password": "x"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert (
        Client(REMOTE_ADDR="10.0.0.9").post(SIGN_IN, {"username": "user9", "password": "x"}).status_code
        == 400
    )


def test_wrong_second_factor_codes_are_limited_too(small_limits, tmp_path):
    user, key = make_official("canbo.otp", [])
    client = Client()
    assert client.post(SIGN_IN, {"username": user.username, "password": OFFICIAL_PASSWORD}).status_code == 302
    bad = "000000" if totp(key, drift=1) != "000000" else "111111"
    statuses = [client.post("/can-bo/xac-thuc/", {"token": bad}).status_code for _ in range(4)]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3] == 429


def test_a_second_factor_code_is_refused_when_used_again(small_limits, tmp_path):
    user, key = make_official("canbo.replay", [])
    code = totp(key, drift=1)
    first = Client()
    assert first.post(SIGN_IN, {"username": user.username, "password": OFFICIAL_PASSWORD}).status_code == 302
    assert first.post("/can-bo/xac-thuc/", {"token": code}).status_code == 302
    assert first.get("/can-bo/").status_code == 200
    # someone who saw the code signs in with the password and the same code: refused
    second = Client()
    assert second.post(SIGN_IN, {"username": user.username, "password": OFFICIAL_PASSWORD}).status_code == 302
    assert second.post("/can-bo/xac-thuc/", {"token": code}).status_code == 400
    assert second.get("/can-bo/").status_code == 302


def test_password_alone_does_not_open_the_back_office(world: World):
    client = Client()
    client.post(SIGN_IN, {"username": "admin.a", "password": OFFICIAL_PASSWORD})
    response = client.get("/can-bo/")
    assert response.status_code == 302
    assert response["Location"].startswith("/can-bo/xac-thuc/")
    api = client.get("/api/v1/officials/me")
    assert api.status_code == 403
    assert not AuditEntry.objects.filter(type=IdentityEvent.OFFICIAL_SIGNED_IN).exists()


def test_first_sign_in_enrols_the_authenticator_and_audits_it(tmp_path):
    from motcua.core.actors import SYSTEM
    from motcua.identity import services

    services.create_official(
        actor=SYSTEM, username="canbo.moi", full_name="Cán bộ Mới", password=OFFICIAL_PASSWORD
    )
    client = Client()
    response = client.post(SIGN_IN, {"username": "canbo.moi", "password": OFFICIAL_PASSWORD})
    assert response["Location"].startswith("/can-bo/thiet-lap-xac-thuc/")
    page = client.get(response["Location"])
    assert b"<svg" in page.content
    key = client.session["identity.totp_enrolment_key"]
    assert client.post("/can-bo/thiet-lap-xac-thuc/", {"token": "12345"}).status_code == 400
    response = client.post("/can-bo/thiet-lap-xac-thuc/", {"token": totp(key)})
    assert response.status_code == 302
    assert client.get("/can-bo/").status_code == 200
    user = User.objects.get(username="canbo.moi")
    types = set(AuditEntry.objects.filter(subject_id=str(user.pk)).values_list("type", flat=True))
    assert {IdentityEvent.TOTP_DEVICE_CONFIRMED, IdentityEvent.OFFICIAL_SIGNED_IN} <= types


def test_an_applicant_cannot_use_the_official_login(world: World):
    response = Client().post(SIGN_IN, {"username": world.users["applicant_a"].username, "password": ""})
    assert response.status_code == 400


def test_api_changes_need_the_csrf_token(world: World):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["applicant_a"], backend="motcua.identity.auth.EidBackend")
    assert world.representation is not None
    url = f"/api/v1/me/representations/{world.representation.public_id}/revoke"
    refused = client.post(url)
    assert refused.status_code == 403
    world.representation.refresh_from_db()
    assert world.representation.revoked_at is None
    client.get("/ca-nhan/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(url, HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    assert accepted.json()["revoked"] is True


def test_public_lookups_are_rate_limited_per_address(settings, db):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "lookup_address": "3/m"}
    client = Client(REMOTE_ADDR="10.1.1.1")
    statuses = [client.get("/thu-tuc/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="10.1.1.2").get("/thu-tuc/").status_code == 200


def test_the_api_is_rate_limited_per_address_and_per_user(settings, world: World):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "api_address": "4/m", "api_user": "2/m"}
    anonymous = Client(REMOTE_ADDR="10.2.2.2")
    statuses = [anonymous.get("/api/v1/procedures").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    limited = anonymous.get("/api/v1/procedures")
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
    user = applicant_client(world.users["applicant_b"])
    assert [user.get("/api/v1/me", REMOTE_ADDR=f"10.3.3.{i}").status_code for i in range(3)] == [
        200,
        200,
        429,
    ]


def test_request_ids_are_echoed_and_recorded_in_the_audit_log(world: World):
    client = applicant_client(world.users["applicant_a"])
    assert world.representation is not None
    response = client.post(
        f"/api/v1/me/representations/{world.representation.public_id}/revoke",
        HTTP_X_REQUEST_ID="trace-12345678",
    )
    assert response["X-Request-ID"] == "trace-12345678"
    entry = AuditEntry.objects.get(type=IdentityEvent.REPRESENTATION_REVOKED)
    assert entry.request_id == "trace-12345678"
    generated = client.get("/ca-nhan/", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert generated != "bad id with spaces"
    assert len(generated) == 32


def test_sign_in_page_explains_and_links_to_the_provider(db):
    response = Client().get(reverse("identity:sign-in") + "?next=/ca-nhan/")
    body = response.content.decode()
    assert "/oidc/authenticate/?next=/ca-nhan/" in body
    assert "/can-bo/dang-nhap/" in body
