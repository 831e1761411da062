"""Who may reach which URL: every view and API operation declares its access level.

``Access`` is deliberately coarse — it says which *kind* of actor a URL is for. Which
*objects* that actor may touch is decided by the selectors (a missing and a forbidden object
both raise ``NotFound``) and by the services (an action on a visible object the actor may not
perform raises ``Forbidden``). The meta-test ``tests/identity/test_url_access.py`` fails when a
URL or an API operation has no declared access level.

Pages: an anonymous visitor to an applicant or official page is sent to the right login; a
signed-in actor of the other kind gets 403. API: no session → 401, wrong kind → 403.

Integrator clients (agency systems) call the API with ``Authorization: Bearer <token>``
(``identity.integrators``): only the operations whose auth is ``agency_auth`` accept them — the
officials' inbox, a dossier, its files, decisions and the apology letter; any other operation
answers a valid token with 403, and every operation answers an invalid, expired or revoked one
with 401 (``invalid_token``). Pages never read the header. CSRF applies to the cookie session
only: a bearer token is not sent by a browser on its own, so it cannot be ridden.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from motcua.core import ratelimit
from motcua.core.errors import InvalidToken, RateLimited
from motcua.core.logging import get_logger
from motcua.identity import integrators
from motcua.identity.actors import ApplicantActor, IntegratorActor, OfficialActor, actor_for
from motcua.identity.models import User, UserKind

log = get_logger(__name__)

ACCESS_ATTRIBUTE = "motcua_access"
View = TypeVar("View", bound=Callable[..., Any])


class Access(StrEnum):
    PUBLIC = "public"  # anyone; public lookups are rate-limited per address
    SIGN_IN = "sign_in"  # the login, logout and OIDC callback steps
    APPLICANT = "applicant"  # a signed-in applicant
    OFFICIAL = "official"  # a signed-in official with a verified second factor


def declare(access: Access) -> Callable[[View], View]:
    """Mark a view (or a third-party view mounted in our URLconf) with its access level."""

    def mark(view: View) -> View:
        setattr(view, ACCESS_ATTRIBUTE, access)
        return view

    return mark


public = declare(Access.PUBLIC)
sign_in_step = declare(Access.SIGN_IN)


def applicant_required(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_for(request)
        if isinstance(actor, ApplicantActor):
            response: HttpResponse = view(request, *args, **kwargs)
            return response
        if actor is None and not signed_in_official(request) is not None:
            return redirect_to_login(request.get_full_path(), reverse("identity:sign-in"))
        raise PermissionDenied

    return declare(Access.APPLICANT)(wrapper)  # type: ignore[return-value]


def official_required(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_for(request)
        if isinstance(actor, OfficialActor):
            response: HttpResponse = view(request, *args, **kwargs)
            return response
        if signed_in_official(request) is not None:  # password given, second factor still missing
            return redirect_to_login(request.get_full_path(), reverse("identity:official-second-factor"))
        if actor is None:
            return redirect_to_login(request.get_full_path(), reverse("identity:official-sign-in"))
        raise PermissionDenied

    return declare(Access.OFFICIAL)(wrapper)  # type: ignore[return-value]


def signed_in_official(request: HttpRequest) -> User | None:
    """The official whose password was accepted, whether or not the second factor is done yet."""
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated and user.kind == UserKind.OFFICIAL:
        return user
    return None


_BEARER_ATTRIBUTE = "_motcua_bearer_actor"


def bearer_actor(request: HttpRequest) -> IntegratorActor | None:
    """The integrator client behind the request's ``Authorization: Bearer`` header, or None when
    there is no such header. Raises ``InvalidToken`` for a token that is unknown, expired or whose
    client was revoked, and ``RateLimited`` once the client is over its request rate. Worked out
    once per request (and then the request's actor, for the log line)."""
    if hasattr(request, _BEARER_ATTRIBUTE):
        cached: IntegratorActor | None = getattr(request, _BEARER_ATTRIBUTE)
        return cached
    scheme, _space, token = str(request.headers.get("Authorization", "")).partition(" ")
    if scheme.lower() != "bearer":
        setattr(request, _BEARER_ATTRIBUTE, None)
        return None
    actor = integrators.actor_for_token(token)
    if actor is None:
        log.info("bearer_token_refused")
        raise InvalidToken(_("The access token is invalid, expired or revoked: ask for a new one."))
    verdict = ratelimit.hit("api_client", actor.client_id, integrators.client_rate(actor))
    if not verdict.allowed:
        log.warning("rate_limited", scope="api_client")
        raise RateLimited(
            _("Too many requests. Please wait %(seconds)d seconds and try again.")
            % {"seconds": verdict.retry_after},
            retry_after=verdict.retry_after,
        )
    setattr(request, _BEARER_ATTRIBUTE, actor)
    request.actor = actor  # type: ignore[attr-defined]
    return actor


class IntegratorAuth(HttpBearer):
    """Bearer-token authentication for agency systems (no session, no CSRF token)."""

    def __call__(self, request: HttpRequest) -> IntegratorActor | None:
        return bearer_actor(request)

    def authenticate(self, request: HttpRequest, token: str) -> IntegratorActor | None:
        return bearer_actor(request)


def _refuse_bearer(request: HttpRequest) -> None:
    """An operation that is not for agency systems: a valid token gets 403, an invalid one 401."""
    if bearer_actor(request) is not None:
        raise AuthorizationError(message="This operation is not available to your account.")


class _ActorAuth(SessionAuth):
    """Session-cookie authentication for the API (CSRF-checked on unsafe methods)."""

    actor_type: type[ApplicantActor] | type[OfficialActor]

    def __call__(self, request: HttpRequest) -> Any:
        _refuse_bearer(request)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        actor = actor_for(request)
        if isinstance(actor, self.actor_type):
            return actor
        if actor is not None or signed_in_official(request) is not None:
            raise AuthorizationError(message="This operation is not available to your account.")
        return None


class ApplicantAuth(_ActorAuth):
    actor_type = ApplicantActor


class OfficialAuth(_ActorAuth):
    actor_type = OfficialActor


class SignedInAuth(SessionAuth):
    """Either kind of signed-in actor (an operation whose selectors scope applicants and
    officials differently, like the signed results)."""

    def __call__(self, request: HttpRequest) -> Any:
        _refuse_bearer(request)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        actor = actor_for(request)
        if isinstance(actor, ApplicantActor | OfficialActor):
            return actor
        if signed_in_official(request) is not None:
            raise AuthorizationError(message="This operation is not available to your account.")
        return None


applicant_auth = ApplicantAuth()
official_auth = OfficialAuth()
signed_in_auth = SignedInAuth()
integrator_auth = IntegratorAuth()
# the agencies' work (inbox, dossiers, decisions): an agency system's bearer token, or else an
# official's session; the OpenAPI schema lists both schemes
agency_auth = [integrator_auth, official_auth]


def applicant_of(request: HttpRequest) -> ApplicantActor:
    """The request's applicant, behind ``@applicant_required`` or ``applicant_auth``."""
    actor = actor_for(request)
    if not isinstance(actor, ApplicantActor):  # the guard let someone else through: never served
        raise PermissionDenied
    return actor


def official_of(request: HttpRequest) -> OfficialActor:
    """The request's official, behind ``@official_required`` or ``official_auth``."""
    actor = actor_for(request)
    if not isinstance(actor, OfficialActor):
        raise PermissionDenied
    return actor


def agency_actor_of(request: HttpRequest) -> OfficialActor | IntegratorActor:
    """The actor ``agency_auth`` accepted: the agency system whose bearer token it was, or the
    signed-in official."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, OfficialActor | IntegratorActor):
        raise PermissionDenied
    return actor


def signed_in_actor_of(request: HttpRequest) -> ApplicantActor | OfficialActor:
    """The actor ``signed_in_auth`` accepted: the signed-in applicant or official."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, ApplicantActor | OfficialActor):
        raise PermissionDenied
    return actor
