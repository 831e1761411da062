"""An applicant signs in through the bundled eID provider, over real HTTP, end to end.

The provider runs as its own process (``eid_server``); the platform under test is the
Django test client; the "browser" on the provider's side is a requests session.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from django.test import Client
from jwcrypto import jwk, jwt

from motcua.core.models import AuditEntry
from motcua.core.types import EventType
from motcua.eid.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from motcua.identity.models import Applicant, User
from tests.eid.conftest import PLATFORM_CALLBACK
from tests.eid.server import EidServer

ADULT = next(account for account in DEMO_ACCOUNTS if account.assurance_level == 2)
LEVEL_ONE = next(account for account in DEMO_ACCOUNTS if account.assurance_level == 1)


@pytest.fixture
def platform_uses(settings, eid_server: EidServer) -> EidServer:
    discovery = eid_server.discovery
    settings.OIDC_OP_ISSUER = discovery["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_RP_CLIENT_ID = eid_server.client_id
    settings.OIDC_RP_CLIENT_SECRET = eid_server.client_secret
    return eid_server


def _sign_in_at_provider(
    server: EidServer, authorize_url: str, personal_id: str, password: str
) -> requests.Response:
    """What the applicant's browser does at the provider; returns the provider's last answer."""
    browser = requests.Session()
    to_login = browser.get(authorize_url, allow_redirects=False)
    assert to_login.status_code == 302
    login_url = server.base_url + to_login.headers["Location"]
    page = browser.get(login_url)
    assert "not the national eID" in page.text or "không phải" in page.text
    next_url = parse_qs(urlparse(login_url).query)["next"][0]
    answer = browser.post(
        login_url,
        data={
            "username": personal_id,
            "password": password,
            "next": next_url,
            "csrfmiddlewaretoken": browser.cookies["eid_csrftoken"],
        },
        allow_redirects=False,
    )
    if answer.status_code != 302:
        return answer
    return browser.get(server.base_url + answer.headers["Location"], allow_redirects=False)


@pytest.mark.django_db
def test_a_demo_applicant_signs_in_and_sees_only_their_own_space(platform_uses: EidServer):
    client = Client()
    start = client.get("/oidc/authenticate/?next=/ca-nhan/")
    assert start["Location"].startswith(platform_uses.discovery["authorization_endpoint"])
    assert "code_challenge_method=S256" in start["Location"]
    back = _sign_in_at_provider(platform_uses, start["Location"], ADULT.personal_id, DEMO_PASSWORD)
    assert back.headers["Location"].startswith(PLATFORM_CALLBACK)
    landed = client.get(back.headers["Location"].replace("http://testserver", ""))
    assert landed.status_code == 302
    assert landed["Location"] == "/ca-nhan/"
    space = client.get("/ca-nhan/").content.decode()
    assert ADULT.full_name in space
    others = [account.full_name for account in DEMO_ACCOUNTS if account != ADULT]
    assert not any(name in space for name in others)
    applicant = Applicant.objects.get(personal_id=ADULT.personal_id)
    assert applicant.assurance_level == ADULT.assurance_level
    assert applicant.birthdate == ADULT.birthdate
    assert ADULT.personal_id not in applicant.user.username
    audit = AuditEntry.objects.get(type=EventType.APPLICANT_SIGNED_IN)
    assert audit.actor_id == str(applicant.public_id)
    me = client.get("/api/v1/me").json()
    assert me["applicant"]["assurance_level"] == ADULT.assurance_level
    assert me["applicant"]["personal_id_masked"] == f"{ADULT.personal_id[:3]}******{ADULT.personal_id[-3:]}"


@pytest.mark.django_db
def test_a_wrong_password_at_the_provider_signs_nobody_in(platform_uses: EidServer):
    client = Client()
    start = client.get("/oidc/authenticate/")
    answer = _sign_in_at_provider(platform_uses, start["Location"], LEVEL_ONE.personal_id, "wrong-password")
    assert answer.status_code == 400
    assert "code=" not in answer.headers.get("Location", "")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_unreachable_provider_gives_a_message_not_an_error(settings, platform_uses: EidServer):
    client = Client()
    start = client.get("/oidc/authenticate/")
    back = _sign_in_at_provider(platform_uses, start["Location"], ADULT.personal_id, DEMO_PASSWORD)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"  # nothing listens there
    failed = client.get(back.headers["Location"].replace("http://testserver", ""), HTTP_ACCEPT_LANGUAGE="en")
    assert failed.status_code == 302
    page = client.get(failed["Location"])
    assert "Không kết nối được hệ thống định danh điện tử" in page.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_id_token_from_another_issuer_is_refused(settings, platform_uses: EidServer):
    settings.OIDC_OP_ISSUER = "https://someone-else.example/o"
    client = Client()
    start = client.get("/oidc/authenticate/")
    back = _sign_in_at_provider(platform_uses, start["Location"], ADULT.personal_id, DEMO_PASSWORD)
    failed = client.get(back.headers["Location"].replace("http://testserver", ""))
    assert failed.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def test_id_token_is_signed_and_carries_the_claims_without_leaking_the_id_as_subject(eid_server: EidServer):
    verifier, challenge = _pkce()
    nonce = secrets.token_urlsafe(16)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": eid_server.client_id,
            "redirect_uri": PLATFORM_CALLBACK,
            "scope": "openid profile",
            "state": "s1",
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    back = _sign_in_at_provider(
        eid_server,
        f"{eid_server.discovery['authorization_endpoint']}?{query}",
        ADULT.personal_id,
        DEMO_PASSWORD,
    )
    code = parse_qs(urlparse(back.headers["Location"]).query)["code"][0]
    tokens = requests.post(
        eid_server.discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": PLATFORM_CALLBACK,
            "client_id": eid_server.client_id,
            "client_secret": eid_server.client_secret,
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()
    keys = jwk.JWKSet.from_json(requests.get(eid_server.discovery["jwks_uri"], timeout=10).text)
    token = jwt.JWT(jwt=tokens["id_token"], key=keys, algs=["RS256"])
    claims = json.loads(token.claims)
    assert claims["iss"] == eid_server.issuer
    assert claims["aud"] == eid_server.client_id
    assert claims["nonce"] == nonce
    assert claims["personal_id"] == ADULT.personal_id
    assert claims["name"] == ADULT.full_name
    assert claims["birthdate"] == ADULT.birthdate.isoformat()
    assert claims["assurance_level"] == ADULT.assurance_level
    assert claims["sub"] != ADULT.personal_id
    userinfo = requests.get(
        eid_server.discovery["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    assert {key: userinfo[key] for key in ("sub", "personal_id", "name", "assurance_level", "gender")} == {
        "sub": claims["sub"],
        "personal_id": ADULT.personal_id,
        "name": ADULT.full_name,
        "assurance_level": ADULT.assurance_level,
        "gender": ADULT.sex,
    }
    # a code is good once
    replay = requests.post(
        eid_server.discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": PLATFORM_CALLBACK,
            "client_id": eid_server.client_id,
            "client_secret": eid_server.client_secret,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert replay.status_code == 400


def test_provider_login_is_rate_limited(eid_server: EidServer):
    browser = requests.Session()
    url = f"{eid_server.base_url}/dang-nhap/"
    browser.get(url)
    target = DEMO_ACCOUNTS[-1].personal_id
    statuses = []
    for _ in range(6):
        answer = browser.post(
            url,
            data={
                "username": target,
                "password": "nope",
                "csrfmiddlewaretoken": browser.cookies["eid_csrftoken"],
            },
            allow_redirects=False,
        )
        statuses.append(answer.status_code)
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    assert int(answer.headers["Retry-After"]) > 0


def test_seeding_is_idempotent_and_refuses_demo_accounts_in_production(eid_server: EidServer):
    secret = eid_server.client_secret
    again = eid_server.seed()
    assert again.returncode == 0, again.stderr
    assert eid_server.client_secret == secret
    refused = eid_server.seed(
        MOTCUA_ENV="production",
        MOTCUA_EID_SECRET_KEY="x" * 50,
        MOTCUA_EID_DATABASE_URL=f"sqlite:///{eid_server.directory / 'eid.sqlite3'}",
    )
    assert refused.returncode != 0
    assert "demo accounts" in refused.stderr
