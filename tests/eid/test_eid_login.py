"""An applicant signs in through the bundled eID provider, over real HTTP, end to end.

The provider runs as its own process (``eid_server``); the platform under test is the
Django test client; the "browser" on the provider's side is a requests session. The
provider's own behaviour (claims, PKCE, limits, seeding) is tested in the other modules here.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.test import Client

from motcua.core.models import AuditEntry
from motcua.core.types import EventType
from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
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
