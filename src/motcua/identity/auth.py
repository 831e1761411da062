"""Login backends: applicants through the electronic identity (OIDC), officials by password.

``EidBackend`` is mozilla-django-oidc's backend with the parts that decide *who* the person is
replaced: claims are validated (``services.identity_from_claims``), the id token's issuer and
audience are checked, and the user is found or created by ``services.sign_in_applicant`` —
never by e-mail. A provider that is down or answers nonsense makes the login fail with a
message; it never produces a server error.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from motcua.core.errors import MotcuaError
from motcua.core.logging import get_logger
from motcua.identity import services
from motcua.identity.models import RoleAssignment, User, UserKind

log = get_logger(__name__)
LOGIN_ERROR_SESSION_KEY = "identity.login_error"


class EidBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        try:
            user: User | None = super().authenticate(request, **kwargs)
        except requests.RequestException as exc:
            log.warning("eid_unreachable", error=type(exc).__name__)
            self._remember_error(request, "unavailable")
            return None
        except SuspiciousOperation as exc:
            log.warning("eid_token_rejected", error=str(exc)[:200])
            self._remember_error(request, "rejected")
            return None
        return user

    @staticmethod
    def _remember_error(request: HttpRequest | None, code: str) -> None:
        if request is not None and hasattr(request, "session"):
            request.session[LOGIN_ERROR_SESSION_KEY] = code

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        issuer = settings.OIDC_OP_ISSUER
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("id token from an unexpected issuer")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("id token for another audience")
        if float(payload.get("exp", 0)) < time.time():
            raise SuspiciousOperation("id token expired")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo subject differs from the id token's")
        try:
            identity = services.identity_from_claims(str(payload.get("iss", "")), claims)
            return services.sign_in_applicant(identity=identity)
        except MotcuaError as exc:
            log.warning("eid_claims_refused", code=exc.code)
            self._remember_error(self.request, "refused")
            return None


class OfficialBackend(ModelBackend):
    """Username and password, for official accounts only (applicants have no password)."""

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in official, loaded with a stamp of their role assignments in the same
        statement (how many are active at an active agency, and the newest one's id), which
        tells ``identity.actors`` when the grants kept in the session are out of date."""
        assignments = RoleAssignment.objects.filter(user=OuterRef("pk")).order_by().values("user")
        active = (
            assignments.filter(
                Q(revoked_at__isnull=True) & (Q(agency__isnull=True) | Q(agency__is_active=True))
            )
            .annotate(n=Count("id"))
            .values("n")
        )
        newest = assignments.annotate(newest=Max("id")).values("newest")
        user = (
            User.objects.filter(pk=user_id)
            .annotate(grants_active=Subquery(active), grants_newest=Subquery(newest))
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user.grants_stamp = f"{user.grants_active or 0}:{user.grants_newest or 0}"  # type: ignore[attr-defined]
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        return bool(
            isinstance(user, User) and user.kind == UserKind.OFFICIAL and super().user_can_authenticate(user)
        )
