"""Drive the stand-in eID provider the way a browser and a relying party do, over HTTP.

Helpers for tests: a PKCE pair, the authorize URL, signing in on the provider's page (with
the CSRF token read from the form, as a browser sends it) and the code-for-tokens exchange.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from jwcrypto import jwk, jwt

from tests.eid.server import EidServer

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token field"
    return match.group(1)


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


@dataclass
class AuthorizationRequest:
    """One authorization request of a relying party: PKCE verifier, state and nonce."""

    server: EidServer
    redirect_uri: str
    scope: str = "openid profile"
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def url(self, **overrides: str) -> str:
        parameters = {
            "response_type": "code",
            "client_id": self.server.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            **overrides,
        }
        return f"{self.server.authorization_endpoint}?{urlencode(parameters)}"

    def exchange(self, code: str, **overrides: str) -> requests.Response:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "client_id": self.server.client_id,
            "client_secret": self.server.client_secret,
            "code_verifier": self.verifier,
            **overrides,
        }
        return requests.post(self.server.token_endpoint, data=data, timeout=30)


def post_sign_in(
    browser: requests.Session,
    server: EidServer,
    personal_id: str,
    password: str,
    *,
    next_url: str = "",
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """GET the sign-in page, then POST the form as a browser would; redirects are not followed."""
    page = browser.get(server.sign_in_url, params={"next": next_url} if next_url else None, headers=headers)
    assert page.status_code == 200, page.text
    return browser.post(
        server.sign_in_url,
        data={
            "username": personal_id,
            "password": password,
            "next": next_url,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        headers={"Referer": server.sign_in_url, **(headers or {})},
        allow_redirects=False,
    )


def authorize(
    browser: requests.Session, request: AuthorizationRequest, personal_id: str, password: str
) -> requests.Response:
    """Authorize → sign in → back to the authorize endpoint; returns the redirect to the client."""
    to_sign_in = browser.get(request.url(), allow_redirects=False)
    assert to_sign_in.status_code == 302, to_sign_in.text
    sign_in_url = urljoin(request.server.base_url, to_sign_in.headers["Location"])
    assert sign_in_url.startswith(request.server.sign_in_url)
    signed_in = post_sign_in(
        browser, request.server, personal_id, password, next_url=query_of(sign_in_url)["next"]
    )
    assert signed_in.status_code == 302, signed_in.text
    back = browser.get(urljoin(request.server.base_url, signed_in.headers["Location"]), allow_redirects=False)
    assert back.status_code == 302, back.text
    return back


def verified_claims(server: EidServer, id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The id token's header and claims, after checking its signature against the JWKS."""
    keys = jwk.JWKSet.from_json(requests.get(server.jwks_uri, timeout=10).text)
    token = jwt.JWT(jwt=id_token, key=keys, algs=["RS256"])
    return json.loads(token.header), json.loads(token.claims)
