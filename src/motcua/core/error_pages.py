"""The site's error pages in every mode, DEBUG included (ADR 0038).

With ``DEBUG`` on (the default of ``make run``), Django answers an unknown address with its
technical 404 page — every URL pattern of the site — and a failed request with a traceback page.
A demo is shown to people, so this middleware gives them the site's own pages there too: the
``handler400``/``handler404``/``handler500`` of the request's URLconf, in the reader's language
(``handler403`` Django already uses in every mode). The traceback still goes to the log, as
Django logs it with ``DEBUG`` off. With ``DEBUG`` off the middleware does nothing: Django calls
the same handlers itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, get_resolver

_request_logger = logging.getLogger("django.request")


def _handler(request: HttpRequest, status: int) -> Callable[..., HttpResponse]:
    resolver = get_resolver(getattr(request, "urlconf", None))
    handler: Callable[..., HttpResponse] = resolver.resolve_error_handler(status)
    return handler


class SiteErrorPagesMiddleware:
    """Sits after the locale, session and authentication middleware, so a page in the layout
    knows the language and the signed-in person."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            # No URL matches: Django would answer with its technical 404 before any view runs.
            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exc:
                return _handler(request, 404)(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not settings.DEBUG:
            return None  # Django renders the same handlers itself
        if isinstance(exception, Http404):
            return _handler(request, 404)(request, exception)
        if isinstance(exception, PermissionDenied):
            return None  # handler403 in every mode already
        if isinstance(exception, BadRequest | SuspiciousOperation | MultiPartParserError):
            _request_logger.warning("Bad Request: %s", request.path, exc_info=exception)
            return _handler(request, 400)(request, exception)
        _request_logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return _handler(request, 500)(request)
