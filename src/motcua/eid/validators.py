"""What the provider asserts in the id token and at the userinfo endpoint.

``sub`` is an opaque UUID per account, never the personal ID number; the number travels as
its own claim so a relying party can decide whether it needs it.
"""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from motcua.eid.models import EidAccount


class EidValidator(OAuth2Validator):  # type: ignore[misc]
    oidc_claim_scope = None  # every claim for "openid profile"; the only client is the platform

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        account = EidAccount.objects.get(user=request.user)
        return {
            "sub": str(account.subject),
            "personal_id": account.personal_id,
            "name": account.full_name,
            "birthdate": account.birthdate.isoformat(),
            "gender": account.sex,
            "assurance_level": account.assurance_level,
            "acr": f"level{account.assurance_level}",
        }
