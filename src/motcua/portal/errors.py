"""The site's error pages — 400, 403, 404, 500 and a failed CSRF check — in the shared layout,
in Vietnamese or English; under ``/api/v1`` the API's JSON shape ``{code, message}`` instead
(``core.http``). Django calls these for errors raised outside a view's own handling
(``handler400`` … in ``motcua.urls``, ``CSRF_FAILURE_VIEW`` in the settings)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.translation import gettext as _

from motcua.core.http import csrf_message, is_api_request, json_error
from motcua.core.logging import current_request_id
from motcua.core.middleware import error_page


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django could not accept (an unreadable or oversized body, a disallowed host)."""
    too_large = isinstance(exception, RequestDataTooBig | TooManyFilesSent | TooManyFieldsSent)
    if is_api_request(request):
        if too_large:
            return json_error(413, "too_large", _("The request is too large."))
        if isinstance(exception, MultiPartParserError):
            return json_error(400, "unreadable_body", _("The request body could not be read."))
        return json_error(400, "bad_request", _("The request could not be read."))
    message = (
        _("The request is too large.")
        if too_large
        else _("Your browser sent a request this site could not read. Please try again.")
    )
    return error_page(request, 413 if too_large else 400, _("The request cannot be accepted"), message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return json_error(403, "forbidden", _("This operation is not available to your account."))
    return error_page(
        request,
        403,
        _("You may not open this page"),
        _("This page is not available to your account. If it should be, sign in with another account."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return json_error(404, "not_found", _("There is nothing at this address."))
    return error_page(
        request,
        404,
        _("Page not found"),
        _("There is no page at this address. It may have moved, or the link may be mistyped."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without the token the site gave it (an expired page, blocked cookies)."""
    if is_api_request(request):
        return json_error(403, "csrf_failed", csrf_message())
    return error_page(
        request,
        403,
        _("The form has expired"),
        _(
            "For your safety the form could not be sent: the page may have been open too long, or "
            "your browser blocks cookies. Reload the page and send the form again."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the context processors (they read the session and the database, which
    may be what failed); the layout still works, in the request's language."""
    if is_api_request(request):
        return json_error(500, "server_error")
    context = {
        "status": 500,
        "title": _("Something went wrong"),
        "message": _(
            "The site could not complete your request because of a problem on our side. Please try "
            "again in a few minutes."
        ),
        "request_id": current_request_id(),
        "csrf_token": get_token(request),
        "request": request,
    }
    return HttpResponse(loader.get_template("portal/error.html").render(context), status=500)
