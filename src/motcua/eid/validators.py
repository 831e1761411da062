"""What the provider asserts about a person, in the id token and at the userinfo endpoint.

django-oauth-toolkit builds both from ``get_additional_claims`` and keeps a claim only when
the scope that ``oidc_claim_scope`` maps it to was granted. With scope ``openid profile``
both carry:

=================== ========================================== ===========
claim               value                                      scope
=================== ========================================== ===========
``sub``             opaque UUID of the account (never the ID)  openid
``acr``             ``level1`` or ``level2``                   openid
``personal_id``     the 12-digit personal ID number            profile
``name``            full name                                  profile
``birthdate``       ISO date, ``1986-04-12``                   profile
``gender``          ``male`` or ``female``                     profile
``assurance_level`` integer 1 or 2                             profile
=================== ========================================== ===========

``get_additional_claims`` takes no request, so the toolkit also lists these claims as
``claims_supported`` in the discovery document; each value is computed per request.

Bearer tokens are accepted in the Authorization header only (RFC 9700 §4.3.2). The toolkit's
``COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT`` guards its protected-resource views, but the
userinfo endpoint is served by oauthlib, which also reads ``?access_token=``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from motcua.eid.models import EidAccount

_ACCOUNT_ATTRIBUTE = "motcua_eid_account"


def _account(request: Any) -> EidAccount:
    """The signed-in person's account, loaded once per (oauthlib) request."""
    account: EidAccount | None = getattr(request, _ACCOUNT_ATTRIBUTE, None)
    if account is None or account.user_id != request.user.pk:
        account = EidAccount.objects.get(user_id=request.user.pk)
        setattr(request, _ACCOUNT_ATTRIBUTE, account)
    return account


class EidValidator(OAuth2Validator):  # type: ignore[misc]  # the toolkit ships no type hints
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "acr": "openid",
        "personal_id": "profile",
        "assurance_level": "profile",
    }

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        scheme, _separator, credentials = str(request.headers.get("Authorization", "")).partition(" ")
        if scheme.lower() != "bearer" or not token or credentials.strip() != token:
            return False
        return bool(super().validate_bearer_token(token, scopes, request))

    def get_additional_claims(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "sub": lambda request: str(_account(request).subject),
            "acr": lambda request: _account(request).acr,
            "personal_id": lambda request: _account(request).personal_id,
            "name": lambda request: _account(request).full_name,
            "birthdate": lambda request: _account(request).birthdate.isoformat(),
            "gender": lambda request: _account(request).sex,
            "assurance_level": lambda request: int(_account(request).assurance_level),
        }
