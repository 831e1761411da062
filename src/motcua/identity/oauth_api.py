"""The token endpoint of the platform's own authorization server: ``POST /api/v1/oauth/token``,
the OAuth 2.0 client credentials grant for integrator clients (agency systems; see
``identity.integrators`` and docs/api.md).

The request is ``application/x-www-form-urlencoded`` (RFC 6749 §4.4.2); the client authenticates
with a signed client assertion (RFC 7523 §2.2) or with its secret in HTTP Basic or the form. A
refusal carries both the platform's ``{code, message}`` (in the caller's language) and the RFC 6749
§5.2 ``error`` / ``error_description`` that OAuth client libraries read; ``code`` is ``error``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Form, Router, Schema

from motcua.api.errors import ErrorOut
from motcua.core.errors import RateLimited
from motcua.identity import integrators
from motcua.identity.permissions import public

router = Router(tags=["oauth"])


class TokenIn(Schema):
    grant_type: str = Field("", max_length=64, description="client_credentials")
    scope: str = Field("", max_length=200, description="Roles, space-separated; default: all the client's")
    client_id: str = Field("", max_length=64)
    client_secret: str = Field("", max_length=200, description="client_secret_post (HTTP Basic is preferred)")
    client_assertion_type: str = Field(
        "", max_length=100, description="urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    )
    client_assertion: str = Field(
        "", max_length=integrators.MAX_ASSERTION_BYTES, description="A JWT signed with the client's key"
    )


class TokenOut(Schema):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


class OAuthErrorOut(ErrorOut):
    error: str  # RFC 6749 §5.2: invalid_request, invalid_client, unsupported_grant_type, invalid_scope
    error_description: str


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """(client id, secret) from ``Authorization: Basic``, each form-decoded (RFC 6749 §2.3.1);
    None without that header, ("", "") for one that cannot be read (then refused as a bad client)."""
    scheme, _space, value = str(request.headers.get("Authorization", "")).partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, colon, secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(secret)) if colon else ("", "")


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"  # RFC 6749 §5.1: never cache a token or its refusal
    response["Pragma"] = "no-cache"
    return response


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 400: OAuthErrorOut, 401: OAuthErrorOut, 429: ErrorOut},
    summary="Get an access token for an agency system (OAuth 2.0 client credentials grant)",
    description=(
        "Form-encoded: `grant_type=client_credentials`, optionally `scope` (some of the client's roles), "
        "and the client's proof: `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:"
        "jwt-bearer` with `client_assertion` (a JWT signed Ed25519 or ES256 by the client's registered "
        "key: iss = sub = client id, aud = the platform's URL or this endpoint's, exp at most 5 minutes "
        "ahead, a new jti each time), or the client secret in HTTP Basic. The token goes in "
        "`Authorization: Bearer` on the operations open to agency systems (docs/api.md). 401 "
        "`invalid_client` for any failed client authentication, whatever the reason."
    ),
)
@public
def token(request: HttpRequest, data: Form[TokenIn]) -> Any:
    asked = integrators.TokenRequest(
        grant_type=data.grant_type.strip(),
        scope=data.scope,
        client_id=data.client_id.strip(),
        client_secret=data.client_secret,
        client_assertion_type=data.client_assertion_type.strip(),
        client_assertion=data.client_assertion.strip(),
        basic=_basic_credentials(request),
    )
    try:
        issued = integrators.issue_token(asked)
    except integrators.OAuthError as exc:
        refusal = {"code": exc.error, "message": exc.message}
        refusal |= {"error": exc.error, "error_description": exc.message}
        response = JsonResponse(refusal, status=exc.status)
        if exc.status == 401 and asked.basic is not None:
            response["WWW-Authenticate"] = 'Basic realm="motcua"'
        return _no_store(response)
    except RateLimited as exc:
        response = JsonResponse({"code": exc.code, "message": exc.message}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return _no_store(response)
    body = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "scope": " ".join(issued.roles),
    }
    return _no_store(JsonResponse(body, status=200))
