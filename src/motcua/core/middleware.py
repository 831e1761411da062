"""Response headers that Django 5.2's SecurityMiddleware does not set: a strict
Content-Security-Policy (Django gains built-in CSP only in 6.0) and a Permissions-Policy.

Pages ship no inline script and load nothing from other origins, so the policy allows only
this origin. The API documentation (Swagger UI, served from the package's static files)
needs inline styles and data: images, and gets exactly that exception.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core import ratelimit
from motcua.core.errors import Forbidden, NotFound
from motcua.core.http import API_PREFIX, is_api_request, json_error
from motcua.core.inputs import printable, problems_in, text_problem
from motcua.core.logging import current_request_id, get_logger, request_id_from

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
# Public pages that search or read the database: catalog search, procedure pages, bundles,
# the dossier status lookup, the verifier, documents shared from a data wallet.
PUBLIC_LOOKUP_PREFIXES = (
    "/thu-tuc/",
    "/lien-thong/",
    "/tra-cuu-ho-so/",
    "/xac-minh/",
    "/chia-se/",
    "/phan-anh-kien-nghi/",  # petitions: sending, following, the public answers (feedback)
    "/danh-gia-tai-quay/",  # the counter rating screen (feedback)
)
# public API operations that are lookups too (the verifier): both budgets apply
PUBLIC_API_LOOKUPS = (
    "/api/v1/verify",
    "/api/v1/public/",
    "/api/v1/petition-answers",
    "/api/v1/counter-ratings/",
)
# signed server-to-server notifications (the payment gateway's IPN): the signature is checked
# before anything is stored, so a forged one must cost no database write — not even a rate
# counter's row; the payments app counts and limits refused ones in memory (docs/payments.md)
UNCOUNTED_API_PATHS = ("/api/v1/payments/ipn",)
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
    if is_api_request(request):
        response = json_error(429, "rate_limited", message)
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
        limits = self._limits(request)
        if limits:  # every limit of the request counted in one round trip
            rates = [(scope, key, ratelimit.configured_rate(scope)) for scope, key in limits]
            for (scope, _key), verdict in zip(limits, ratelimit.hit_many(rates), strict=True):
                if not verdict.allowed:
                    _request_log.warning("rate_limited", scope=scope)
                    return too_many_requests(request, verdict.retry_after)
        return self.get_response(request)

    @staticmethod
    def _limits(request: HttpRequest) -> list[tuple[str, str]]:
        address = ratelimit.client_address(request)
        path = request.path
        if path in UNCOUNTED_API_PATHS:
            return []
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


def error_page(
    request: HttpRequest, status: int, title: str, message: str, *, show_back: bool = False
) -> HttpResponse:
    """The site's error page (``portal/error.html``, in the shared layout) with this status."""
    context = {
        "status": status,
        "title": title,
        "message": message,
        "show_back": show_back,
        "request_id": current_request_id(),
    }
    return render(request, "portal/error.html", context, status=status)


FORM_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class InputGuardMiddleware:
    """Input hygiene at the door, for pages and the API alike (ADR 0023).

    Before any view runs: a path with a control character is a 404; query parameters and form
    fields (names and values) and, under ``/api/``, every string of a JSON body are checked
    with ``core.inputs`` (no lone surrogates, no control characters but tab and line breaks, at
    most ``MAX_TEXT`` characters); a body that cannot be read (a multipart form without a
    boundary or with over-long part headers, too many fields or files, too large) is refused
    with 400 or 413 instead of failing later. The API answers ``{code, message, fields}``
    (422 for refused values), pages the site's error page. Sits after the rate limiter, so
    refused floods are counted too, and before the views' own CSRF checks read the form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if text_problem(request.path):
            raise Http404
        try:
            problems = _query_problems(request)
            problems.update(_body_problems(request))
        except RequestDataTooBig:
            limit = max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024), 1)
            message = _("The request is too large: its fields may take at most %(mb)d MB (files apart).") % {
                "mb": limit
            }
            return _refuse(request, 413, "too_large", message)
        except TooManyFilesSent:
            message = _("Too many files in one request: at most %(count)d.") % {
                "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
            }
            return _refuse(request, 413, "too_many_files", message)
        except TooManyFieldsSent:
            message = _("Too many fields in one request: at most %(count)d.") % {
                "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            }
            return _refuse(request, 413, "too_many_fields", message)
        except MultiPartParserError as exc:
            return _refuse(request, 400, "unreadable_body", _unreadable_multipart(exc))
        except UnreadablePostError:
            return _refuse(request, 400, "unreadable_body", _("The request body could not be read."))
        if problems:
            _request_log.info("input_refused", fields=sorted(problems)[:5])
            if is_api_request(request):
                message = _("Some values in the request cannot be accepted: %(names)s.") % {
                    "names": ", ".join(sorted(problems)[:5])
                }
                return json_error(422, "invalid_input", message, fields=problems)
            return error_page(
                request, 400, _("The form cannot be accepted"), _refused_form_message(), show_back=True
            )
        return self.get_response(request)


def _refused_form_message() -> str:
    return _(
        "What you sent contains an invisible control character or a value that is far too long. "
        "Go back, retype the text (rather than pasting it) and send it again."
    )


def _unreadable_multipart(exc: MultiPartParserError) -> str:
    if "header size" in str(exc):
        return _(
            "The form could not be read: a part's headers are too long (a file name may have at most "
            "about 200 characters)."
        )
    return _("The form could not be read: it is not well-formed multipart (is its boundary missing?).")


def _refuse(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    _request_log.info("request_refused", code=code)
    if is_api_request(request):
        return json_error(status, code, message)
    return error_page(request, status, _("The request cannot be accepted"), message, show_back=True)


def _field_problems(items: list[tuple[str, list[str]]]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name, values in items:
        if problem := text_problem(name, max_length=200):
            problems[printable(name)] = problem
            continue
        for value in values:
            if isinstance(value, str) and (problem := text_problem(value)):
                problems[name] = problem
                break
    return problems


def _query_problems(request: HttpRequest) -> dict[str, str]:
    return _field_problems(list(request.GET.lists()))


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _body_problems(request: HttpRequest) -> dict[str, str]:
    if request.method not in BODY_METHODS:
        return {}
    if request.content_type in FORM_CONTENT_TYPES:
        if request.method != "POST":  # Django reads forms from POST requests only
            return {}
        if 0 < _content_length(request) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            # keep a small body readable after the form is parsed (an operation that reads JSON
            # may be sent a form); a larger one is an upload, streamed to files as Django does
            request.body  # noqa: B018
        problems = _field_problems(list(request.POST.lists()))
        request.FILES  # noqa: B018 (parsed with the fields: a broken multipart fails here, not in a view)
        return problems
    if not is_api_request(request):
        return {}
    body = request.body
    if not body:
        return {}
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return {}  # not JSON: the operation answers that it cannot parse the body
    return problems_in(document)


# Headers a refusal keeps when its body is replaced by the error shape.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID")


class ApiErrorShapeMiddleware:
    """The last word on ``/api/v1`` errors: any error answer that is not JSON yet (a 405 from
    the router, a debug page, a handler outside the API) is given the ``{code, message}``
    shape for its status, in the caller's language, keeping ``Allow`` and ``Retry-After``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_request(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
        with translation.override(language):
            shaped = json_error(response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                shaped[header] = response[header]
        return shaped


class DomainErrorMiddleware:
    """The pages' answer to the domain's refusals, in one place: a view that lets ``NotFound``
    out answers with the site's 404 page and ``Forbidden`` with its 403 page (``portal.errors``),
    exactly as if it had raised Django's ``Http404`` or ``PermissionDenied``. A view catches them
    only to answer otherwise (a page of its own, a form's error). The API maps them to its JSON
    errors itself (``api.api``), before they could reach here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            if settings.DEBUG:  # the site's page there too, never Django's listing (core.error_pages)
                resolver = get_resolver(getattr(request, "urlconf", None))
                handler: Callable[..., HttpResponse] = resolver.resolve_error_handler(404)
                return handler(request, Http404())
            return response_for_exception(request, Http404())
        if isinstance(exception, Forbidden):  # handler403 in every mode
            return response_for_exception(request, PermissionDenied())
        return None
