"""The API's one error shape, for the parts of a request that never reach an API operation.

Every non-success answer under ``/api/v1`` is JSON ``{"code": ..., "message": ...}`` (plus
``fields`` for a refused input), UTF-8 encoded, with ``message`` in the caller's language. The
API's own handlers (``api/errors.py``) answer most of them; these helpers serve the middleware
and the site-wide error handlers (``portal/errors.py``), so that a CSRF failure, an unreadable
body, an unknown address or method, an oversized request, a rate limit or a crash look the
same as an operation's refusal. Pages get the site's own error pages instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
# The documentation pages (Swagger UI, the schema itself) are not API operations.
API_DOCUMENTATION = ("/api/v1/docs", "/api/v1/openapi.json")
JSON_PARAMS = {"ensure_ascii": False}


def is_api_request(request: HttpRequest) -> bool:
    path = request.path
    return path.startswith(API_PREFIX) and not path.startswith(API_DOCUMENTATION)


def _messages() -> dict[int, tuple[str, Callable[[], str]]]:
    return {
        400: ("bad_request", lambda: _("The request could not be read.")),
        401: ("unauthenticated", lambda: _("Sign in first.")),
        403: ("forbidden", lambda: _("This operation is not available to your account.")),
        404: ("not_found", lambda: _("There is nothing at this address.")),
        405: ("method_not_allowed", lambda: _("This address does not accept this method.")),
        406: ("not_acceptable", lambda: _("The API answers in JSON only.")),
        409: ("conflict", lambda: _("The request conflicts with the object's present state.")),
        413: ("too_large", lambda: _("The request is too large.")),
        415: ("unsupported_media_type", lambda: _("This operation does not read a body of this type.")),
        422: ("invalid_input", lambda: _("Some values in the request are not valid.")),
        429: ("rate_limited", lambda: _("Too many requests. Please wait and try again.")),
        500: ("server_error", lambda: _("Something went wrong on our side. Please try again later.")),
        503: ("unavailable", lambda: _("The service is unavailable for a moment. Please try again later.")),
    }


def csrf_message() -> str:
    return _(
        "The request was refused because its CSRF token is missing or wrong: send the X-CSRFToken "
        "header with the value of the csrftoken cookie."
    )


def default_error(status: int) -> tuple[str, str]:
    """The code and (translated) message an answer with this status carries by default."""
    messages = _messages()
    if status in messages:
        code, message = messages[status]
        return code, message()
    code, message = messages[500 if status >= 500 else 400]
    return code, message()


def json_error(
    status: int, code: str = "", message: str = "", *, fields: Mapping[str, str] | None = None, **extra: Any
) -> JsonResponse:
    """``{code, message}`` (and ``fields`` when given) with this status, UTF-8 JSON."""
    default_code, default_message = default_error(status)
    body: dict[str, Any] = {"code": code or default_code, "message": message or default_message, **extra}
    if fields is not None:
        body["fields"] = dict(fields)
    return JsonResponse(
        body, status=status, json_dumps_params=JSON_PARAMS, content_type="application/json; charset=utf-8"
    )
