"""The stand-in eID provider as a relying party sees it, over real HTTP: discovery, keys, the
authorization-code flow with PKCE, the id token and userinfo claims, and its sign-in pages."""

from __future__ import annotations

import base64
import uuid

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount
from tests.eid.browser import AuthorizationRequest, authorize, post_sign_in, query_of, verified_claims
from tests.eid.conftest import PLATFORM_CALLBACK
from tests.eid.server import EidServer

LEVEL_2 = next(account for account in DEMO_ACCOUNTS if account.assurance_level == 2)
LEVEL_1_ADULT = next(
    account for account in DEMO_ACCOUNTS if account.assurance_level == 1 and not account.is_minor()
)
MINOR = next(account for account in DEMO_ACCOUNTS if account.is_minor())
WRONG_CREDENTIALS_VI = "Số định danh cá nhân hoặc mật khẩu không đúng."
WRONG_CREDENTIALS_EN = "The personal ID number or password is wrong."
STAND_IN_EN = "Stand-in electronic identity for development and demonstration — not the national eID."
STAND_IN_VI = "Định danh điện tử thay thế dùng cho phát triển và trình diễn — không phải VNeID quốc gia."
PROFILE_CLAIMS = {"sub", "acr", "personal_id", "name", "birthdate", "gender", "assurance_level"}


def expected_claims(account: DemoAccount) -> dict[str, object]:
    return {
        "acr": f"level{account.assurance_level}",
        "personal_id": account.personal_id,
        "name": account.full_name,
        "birthdate": account.birthdate.isoformat(),
        "gender": account.sex,
        "assurance_level": account.assurance_level,
    }


def sign_in_and_get_tokens(server: EidServer, account: DemoAccount, scope: str = "openid profile"):
    request = AuthorizationRequest(server, PLATFORM_CALLBACK, scope=scope)
    back = authorize(requests.Session(), request, account.personal_id, DEMO_PASSWORD)
    code = query_of(back.headers["Location"])["code"]
    tokens = request.exchange(code)
    assert tokens.status_code == 200, tokens.text
    return request, tokens.json()


def userinfo(server: EidServer, access_token: str) -> requests.Response:
    return requests.get(
        server.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )


# --- discovery and keys -----------------------------------------------------------------------


def test_discovery_document_names_the_issuer_endpoints_and_what_the_provider_supports(eid_server):
    discovery = requests.get(f"{eid_server.base_url}/o/.well-known/openid-configuration", timeout=10).json()
    issuer = f"{eid_server.base_url}/o"
    assert discovery["issuer"] == issuer
    assert discovery["authorization_endpoint"] == f"{issuer}/authorize/"
    assert discovery["token_endpoint"] == f"{issuer}/token/"
    assert discovery["userinfo_endpoint"] == f"{issuer}/userinfo/"
    assert discovery["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert discovery["response_types_supported"] == ["code"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]
    assert sorted(discovery["scopes_supported"]) == ["openid", "profile"]
    assert set(discovery["claims_supported"]) == PROFILE_CLAIMS
    assert discovery["authorization_response_iss_parameter_supported"] is True


def test_jwks_publishes_the_public_half_of_the_2048_bit_signing_key(eid_server):
    answer = requests.get(eid_server.jwks_uri, timeout=10)
    [key] = answer.json()["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert key["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key), "private key material published"
    modulus = int.from_bytes(base64.urlsafe_b64decode(key["n"] + "=" * (-len(key["n"]) % 4)), "big")
    private = serialization.load_pem_private_key(eid_server.signing_key_file.read_bytes(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.key_size == 2048
    assert modulus == private.public_key().public_numbers().n
    assert eid_server.signing_key_file.stat().st_mode & 0o777 == 0o600


# --- the authorization-code flow with PKCE -------------------------------------------------------


def test_authorization_code_flow_with_pkce_gives_a_signed_id_token_and_userinfo_with_every_claim(eid_server):
    request = AuthorizationRequest(eid_server, PLATFORM_CALLBACK)
    back = authorize(requests.Session(), request, LEVEL_2.personal_id, DEMO_PASSWORD)
    assert back.headers["Location"].startswith(PLATFORM_CALLBACK + "?")
    answer = query_of(back.headers["Location"])
    assert answer["state"] == request.state
    assert answer["iss"] == eid_server.issuer  # RFC 9207
    tokens = request.exchange(answer["code"])
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["scope"] == "openid profile"

    header, claims = verified_claims(eid_server, body["id_token"])
    assert header["alg"] == "RS256"
    assert header["kid"] == requests.get(eid_server.jwks_uri, timeout=10).json()["keys"][0]["kid"]
    assert claims["iss"] == eid_server.issuer
    assert claims["aud"] == eid_server.client_id
    assert claims["nonce"] == request.nonce
    assert 0 < claims["exp"] - claims["iat"] <= 300
    assert {name: claims[name] for name in PROFILE_CLAIMS - {"sub"}} == expected_claims(LEVEL_2)
    subject = claims["sub"]
    assert str(uuid.UUID(subject)) == subject  # opaque, and not the personal ID number
    assert LEVEL_2.personal_id not in subject

    info = userinfo(eid_server, body["access_token"])
    assert info.status_code == 200
    assert info.json() == {"sub": subject, **expected_claims(LEVEL_2)}


def test_the_subject_is_stable_across_sign_ins_and_differs_between_people(eid_server):
    _first_request, first = sign_in_and_get_tokens(eid_server, LEVEL_1_ADULT)
    _second_request, second = sign_in_and_get_tokens(eid_server, LEVEL_1_ADULT)
    _other_request, other = sign_in_and_get_tokens(eid_server, MINOR)
    subjects = [verified_claims(eid_server, body["id_token"])[1]["sub"] for body in (first, second, other)]
    assert subjects[0] == subjects[1]
    assert subjects[0] != subjects[2]
    minor = verified_claims(eid_server, other["id_token"])[1]
    assert (minor["assurance_level"], minor["acr"]) == (1, "level1")


def test_scope_openid_alone_gives_the_subject_and_the_level_but_no_personal_data(eid_server):
    _request, body = sign_in_and_get_tokens(eid_server, LEVEL_2, scope="openid")
    _header, claims = verified_claims(eid_server, body["id_token"])
    assert not {"personal_id", "name", "birthdate", "gender", "assurance_level"} & set(claims)
    assert claims["acr"] == "level2"
    assert userinfo(eid_server, body["access_token"]).json() == {"sub": claims["sub"], "acr": "level2"}


def test_a_code_is_good_once_and_only_with_its_verifier_and_the_client_secret(eid_server):
    request = AuthorizationRequest(eid_server, PLATFORM_CALLBACK)
    code = query_of(
        authorize(requests.Session(), request, LEVEL_2.personal_id, DEMO_PASSWORD).headers["Location"]
    )["code"]
    wrong_secret = request.exchange(code, client_secret="not-the-secret-" + "x" * 40)
    assert wrong_secret.status_code == 401
    assert wrong_secret.json()["error"] == "invalid_client"
    wrong_verifier = request.exchange(code, code_verifier="v" * 64)
    assert wrong_verifier.status_code == 400
    assert wrong_verifier.json()["error"] == "invalid_grant"
    # (a failed verifier check does not burn the code in oauthlib; the right one still works once)
    assert request.exchange(code).status_code == 200
    replay = request.exchange(code)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_userinfo_needs_a_valid_bearer_token_in_the_header(eid_server):
    _request, body = sign_in_and_get_tokens(eid_server, LEVEL_2)
    assert userinfo(eid_server, "not-a-token").status_code == 401
    in_query = requests.get(
        eid_server.userinfo_endpoint, params={"access_token": body["access_token"]}, timeout=10
    )
    assert in_query.status_code in {400, 401}
    assert "personal_id" not in in_query.text


def test_pkce_is_required_and_only_s256_is_accepted(eid_server):
    browser = requests.Session()
    post_sign_in(browser, eid_server, LEVEL_2.personal_id, DEMO_PASSWORD)
    request = AuthorizationRequest(eid_server, PLATFORM_CALLBACK)
    without = request.url().replace(f"&code_challenge={request.challenge}&code_challenge_method=S256", "")
    plain = request.url(code_challenge_method="plain", code_challenge=request.verifier)
    for url, reason in ((without, "Code challenge required."), (plain, 'Unsupported "plain"')):
        refused = browser.get(url, allow_redirects=False)
        assert refused.status_code == 302
        assert refused.headers["Location"].startswith(PLATFORM_CALLBACK)
        answer = query_of(refused.headers["Location"])
        assert answer["error"] == "invalid_request"
        assert answer["error_description"].startswith(reason)
        assert "code" not in answer
    # an empty challenge gets a code that no token request can redeem
    empty = browser.get(request.url(code_challenge=""), allow_redirects=False)
    code = query_of(empty.headers["Location"])["code"]
    for attempt in (request.exchange(code), request.exchange(code, code_verifier="")):
        assert attempt.status_code == 400
        assert attempt.json()["error"] in {"invalid_grant", "invalid_request"}
        assert "id_token" not in attempt.json()


def test_an_unregistered_redirect_uri_is_refused_without_redirecting(eid_server):
    browser = requests.Session()
    post_sign_in(browser, eid_server, LEVEL_2.personal_id, DEMO_PASSWORD)
    request = AuthorizationRequest(eid_server, "https://attacker.example/callback")
    refused = browser.get(request.url(), allow_redirects=False)
    assert refused.status_code == 400
    assert "attacker.example" not in refused.headers.get("Location", "")
    assert "code=" not in refused.text


# --- the sign-in page ------------------------------------------------------------------------------


def test_the_sign_in_page_is_vietnamese_first_labelled_as_a_stand_in_and_locked_down(eid_server):
    page = requests.get(eid_server.sign_in_url, timeout=10)
    assert page.status_code == 200
    assert '<html lang="vi">' in page.text
    assert STAND_IN_VI in page.text
    assert "Số định danh cá nhân" in page.text
    assert 'name="username"' in page.text
    assert 'inputmode="numeric"' in page.text
    assert 'type="password"' in page.text
    assert "<script" not in page.text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "no-store" in page.headers["Cache-Control"]
    english = requests.get(eid_server.sign_in_url, headers={"Accept-Language": "en"}, timeout=10)
    assert '<html lang="en">' in english.text
    assert STAND_IN_EN in english.text
    assert "Personal ID number" in english.text


def test_a_wrong_password_and_an_unknown_number_get_the_same_error_and_sign_nobody_in(eid_server):
    browser = requests.Session()
    wrong_password = post_sign_in(browser, eid_server, LEVEL_1_ADULT.personal_id, "wrong-password")
    assert wrong_password.status_code == 400
    assert WRONG_CREDENTIALS_VI in wrong_password.text
    assert "eid_session" not in browser.cookies
    unknown = post_sign_in(requests.Session(), eid_server, "001090123456", DEMO_PASSWORD)
    assert unknown.status_code == 400
    assert WRONG_CREDENTIALS_VI in unknown.text
    english = post_sign_in(
        requests.Session(), eid_server, LEVEL_1_ADULT.personal_id, "nope", headers={"Accept-Language": "en"}
    )
    assert WRONG_CREDENTIALS_EN in english.text
    # still nobody: the authorize endpoint sends the browser to the sign-in page again
    again = browser.get(AuthorizationRequest(eid_server, PLATFORM_CALLBACK).url(), allow_redirects=False)
    assert again.status_code == 302
    assert again.headers["Location"].startswith("/dang-nhap/?next=")


def test_a_number_typed_in_groups_signs_in(eid_server):
    grouped = f"{LEVEL_2.personal_id[:3]} {LEVEL_2.personal_id[3:6]} {LEVEL_2.personal_id[6:]}"
    answer = post_sign_in(requests.Session(), eid_server, grouped, DEMO_PASSWORD)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_signed_in_home_page_names_the_person_and_sign_out_ends_the_session(eid_server):
    browser = requests.Session()
    assert post_sign_in(browser, eid_server, LEVEL_2.personal_id, DEMO_PASSWORD).status_code == 302
    home = browser.get(eid_server.base_url + "/", headers={"Accept-Language": "en"})
    assert f"You are signed in as {LEVEL_2.full_name}." in home.text
    confirm = browser.get(eid_server.sign_out_url)
    assert confirm.status_code == 200
    assert "Đăng xuất" in confirm.text
    assert "eid_session" in browser.cookies  # a GET signs nobody out
    page = browser.get(eid_server.sign_out_url)
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    signed_out = browser.post(eid_server.sign_out_url, data={"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 200
    assert "Bạn đã đăng xuất khỏi định danh điện tử." in signed_out.text
    again = browser.get(AuthorizationRequest(eid_server, PLATFORM_CALLBACK).url(), allow_redirects=False)
    assert again.headers["Location"].startswith("/dang-nhap/?next=")


def test_prompt_login_asks_a_signed_in_person_to_sign_in_again(eid_server):
    browser = requests.Session()
    post_sign_in(browser, eid_server, LEVEL_2.personal_id, DEMO_PASSWORD)
    request = AuthorizationRequest(eid_server, PLATFORM_CALLBACK)
    answer = browser.get(request.url(prompt="login"), allow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/dang-nhap/?next=")
    assert "prompt" not in query_of(query_of(answer.headers["Location"])["next"])
    without = browser.get(request.url(), allow_redirects=False)
    assert without.headers["Location"].startswith(PLATFORM_CALLBACK)
