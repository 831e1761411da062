"""Response headers that Django 5.2's SecurityMiddleware does not set: a strict
Content-Security-Policy (Django gains built-in CSP only in 6.0) and a Permissions-Policy.

Pages ship no inline script and load nothing from other origins, so the policy allows only
this origin. The API documentation (Swagger UI, served from the package's static files)
needs inline styles and data: images, and gets exactly that exception.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.core import ratelimit
from motcua.core.logging import get_logger, request_id_from

BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
API_DOCS_POLICY = {**BASE_POLICY, "style-src": "'self' 'unsafe-inline'"}
API_DOCS_PATH = "/api/v1/docs"
API_PREFIX = "/api/"
# Public pages that search or read the database: catalog search, procedure pages, bundles,
# the dossier status lookup, the verifier, documents shared from a data wallet.
PUBLIC_LOOKUP_PREFIXES = ("/thu-tuc/", "/lien-thong/", "/tra-cuu-ho-so/", "/xac-minh/", "/chia-se/")
# public API operations that are lookups too (the verifier): both budgets apply
PUBLIC_API_LOOKUPS = ("/api/v1/verify",)
# a load balancer's probes (ops.views), every few seconds: logged only when they fail
PROBE_PATHS = ("/healthz", "/readyz")
_request_log = get_logger("motcua.request")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _render(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


BASE_HEADER = _render(BASE_POLICY)
API_DOCS_HEADER = _render(API_DOCS_POLICY)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = API_DOCS_HEADER if request.path.startswith(API_DOCS_PATH) else BASE_HEADER
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SessionRefreshMiddleware:
    """Keep a signed-in session's idle expiry moving without writing it on every request.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` writes the session row on every request to push its
    expiry on. Instead, the time of the last save is kept in the session, and an unchanged
    session is marked modified (so that SessionMiddleware saves it, with a new expiry) only
    when ``SESSION_REFRESH_SECONDS`` have passed. A session therefore expires between
    ``SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS`` and ``SESSION_COOKIE_AGE`` after the last
    request, never later. Sits just inside SessionMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.is_empty():  # no session, or a cookie naming none
            return response
        saved_at = session.get(SESSION_SAVED_AT_KEY)
        if session.is_empty():  # loading it found the session gone (expired or deleted)
            return response
        now = int(time.time())
        if session.modified or not isinstance(saved_at, int) or now - saved_at >= _refresh_seconds():
            session[SESSION_SAVED_AT_KEY] = now
        return response


SESSION_SAVED_AT_KEY = "_motcua_saved_at"


def _refresh_seconds() -> int:
    seconds: int = settings.SESSION_REFRESH_SECONDS
    return seconds


class RequestContextMiddleware:
    """Give each request an id (echoed as X-Request-ID), bind it to every log line and audit
    row written while serving the request, and log one line per request.

    The line names the matched route pattern (``thu-tuc/<slug:code>/``), not the path, so ids
    in URLs never reach the log; the actor is logged by kind and opaque id only.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        structlog.contextvars.clear_contextvars()
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response.headers["X-Request-ID"] = request_id
        if request.path in PROBE_PATHS and response.status_code < 400:
            structlog.contextvars.clear_contextvars()
            return response
        match = request.resolver_match
        actor = getattr(request, "actor", None)
        _request_log.info(
            "request",
            method=request.method,
            route=match.route if match else "(unmatched)",
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            actor=f"{actor.actor_kind}:{actor.actor_id}" if actor is not None else "anonymous",
        )
        structlog.contextvars.clear_contextvars()
        return response


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After: JSON ``{code, message}`` for the API, a short page otherwise."""
    message = _("Too many requests. Please wait %(seconds)d seconds and try again.") % {
        "seconds": retry_after
    }
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"code": "rate_limited", "message": message}, status=429)
    else:
        response = render(request, "portal/429.html", {"message": message}, status=429)
    response.headers["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Request-rate limits for the API (per address and per signed-in user) and for public
    lookups (per address). Login attempts have their own failure-counting limits in the
    login views (``motcua.identity.throttle``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for scope, key in self._limits(request):
            verdict = ratelimit.hit(scope, key, ratelimit.configured_rate(scope))
            if not verdict.allowed:
                _request_log.warning("rate_limited", scope=scope)
                return too_many_requests(request, verdict.retry_after)
        return self.get_response(request)

    @staticmethod
    def _limits(request: HttpRequest) -> list[tuple[str, str]]:
        address = ratelimit.client_address(request)
        path = request.path
        if path.startswith(API_PREFIX) and not path.startswith(API_DOCS_PATH):
            limits = [("api_address", address)]
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                limits.append(("api_user", str(user.pk)))
            if any(path.startswith(prefix) for prefix in PUBLIC_API_LOOKUPS):
                limits.append(("lookup_address", address))
            return limits
        if any(path.startswith(prefix) for prefix in PUBLIC_LOOKUP_PREFIXES):
            return [("lookup_address", address)]
        return []
