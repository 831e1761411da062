"""The API's error shape and the handlers that map errors onto it.

Every non-success answer is JSON ``{code, message}`` in the caller's language; a refused input
adds ``fields`` (``{"values.child_full_name": "Enter at most 100 characters."}``). The domain
errors' handlers are in ``api.py``; here are the ones for what ninja itself raises (a body that
does not validate, one that cannot be parsed, a failed CSRF check), the response-schema
declarations every operation shares, and a JSON renderer that writes UTF-8 instead of
``\\u``-escaping every Vietnamese letter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from motcua.core.http import csrf_message, default_error
from motcua.core.inputs import InvalidText, printable


class ErrorOut(Schema):
    code: str
    message: str


class InvalidInputOut(ErrorOut):
    fields: dict[str, str]  # the refused value's place (``values.child_full_name``, ``offset``) -> why


# The refusals every authenticated operation can answer with (declared so the OpenAPI schema lists
# them): no or an invalid credential, the wrong kind of account, outside the caller's scope, and
# over a rate limit (per address, per signed-in user, per integrator client).
DENIALS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


class Utf8JSONRenderer(JSONRenderer):
    """UTF-8 JSON (``"Đăng ký"``, not ``"\\u0110\\u0103ng k\\u00fd"``). A lone surrogate cannot be
    written as UTF-8; the input guard refuses them, and one stored before it is replaced, so an
    answer never fails on it."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        text = super().render(request, data, response_status=response_status)
        return text.encode("utf-8", "replace")


# --- ninja's own errors ---------------------------------------------------------------------------

PARSE_FAILURE = "Cannot parse request body"  # the message ninja gives HttpError(400) for it
CSRF_FAILURE = "CSRF check Failed"


def _problem(error: Mapping[str, Any]) -> str:
    """One pydantic error in the caller's language."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("Enter at most %(count)d characters.") % {"count": int(context.get("max_length", 0))}
    if kind == "string_too_short":
        return _("Enter at least %(count)d characters.") % {"count": int(context.get("min_length", 0))}
    if kind == "too_long":
        return _("At most %(count)d entries.") % {"count": int(context.get("max_length", 0))}
    if kind == "too_short":
        return _("At least %(count)d entries.") % {"count": int(context.get("min_length", 0))}
    if kind in {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}:
        return _("Enter a number.")
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return _("The number is out of the allowed range.")
    if kind in {"literal_error", "enum"}:
        return _("Choose one of the listed values.")
    if kind.startswith(("date", "datetime")):
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind.startswith("uuid"):
        return _("Enter a valid identifier.")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return _("This value has the wrong type.")
    return _("This value is not valid.")


def _place(location: Sequence[Any], parameters: set[str]) -> str:
    """``("body", "body", "values", "x")`` → ``values.x``: the source (body, query, form, path)
    and the operation's own parameter name are left out, so the place reads as the client
    wrote it."""
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path", "form", "file", "header", "cookie"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in parameters:
        parts = parts[1:]
    return printable(".".join(parts)) or "body"


def invalid_input(request: HttpRequest, errors: Sequence[Mapping[str, Any]], api: NinjaAPI) -> HttpResponse:
    parameters = {"body", "data", "payload", "filters"}
    fields: dict[str, str] = {}
    for error in errors:
        fields.setdefault(_place(error.get("loc", ()), parameters), _problem(error))
    names = ", ".join(list(fields)[:5])
    message = _("Some values in the request are not valid: %(names)s.") % {"names": names}
    return api.create_response(
        request, {"code": "invalid_input", "message": message, "fields": fields}, status=422
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """The handlers for what ninja raises, and one that lets Django answer everything else
    (its handler500 gives the same shape): ninja would answer a plain-text traceback when
    ``DEBUG`` is on."""

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return invalid_input(request, exc.errors, api)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code, message = default_error(exc.status_code)
        if exc.status_code == 400 and str(exc).startswith(PARSE_FAILURE):
            code, message = "unreadable_body", _("The request body is not valid JSON.")
        elif exc.status_code == 403 and str(exc) == CSRF_FAILURE:
            code, message = "csrf_failed", csrf_message()
        return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)

    def invalid_text(request: HttpRequest, exc: InvalidText) -> HttpResponse:
        body = {"code": "invalid_input", "message": exc.message, "fields": exc.fields}
        return api.create_response(request, body, status=422)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        code, message = default_error(404)
        return api.create_response(request, {"code": code, "message": message}, status=404)

    def form_instead_of_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
        # a large multipart form sent to an operation that reads a JSON body: the form was
        # streamed (to files) and its raw bytes are gone
        message = _("This operation reads a JSON body, not a form.")
        body = {"code": "unsupported_media_type", "message": message}
        return api.create_response(request, body, status=415)

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        raise exc  # Django logs it and answers through handler500: {code: server_error, ...}

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ValidationError, validation_error),
        (InvalidText, invalid_text),
        (HttpError, http_error),
        (Http404, not_found),
        (RawPostDataException, form_instead_of_json),
        (Exception, unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


# --- The responses every operation declares --------------------------------------------------------

BODY_METHODS = {"post", "put", "patch", "delete"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _response(description: str, schema: str = "ErrorOut") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def declare_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation of an OpenAPI document the error answers any operation can give
    (unless it declares its own): 400 unreadable request, 413 too large (operations with a
    body), 422 refused input, 429 rate limited, 500 server error; and the schemas they use."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
    schemas.setdefault("InvalidInputOut", InvalidInputOut.model_json_schema())
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            common: dict[int, dict[str, Any]] = {
                400: _response("The request could not be read (a malformed body or form)."),
                422: _response("A value was refused; `fields` says which and why.", "InvalidInputOut"),
                429: _response("Too many requests; `Retry-After` says when to try again."),
                500: _response("Something failed on the server."),
            }
            if method in BODY_METHODS:
                common[413] = _response("The request is too large (size, fields or files).")
                common[415] = _response("The body is of a type this operation does not read.")
            # ninja keys responses by int status; a document read back from JSON, by string
            responses = {int(status): response for status, response in operation["responses"].items()}
            own = responses.get(422, {}).get("content", {}).get("application/json", {}).get("schema")
            if own is not None and own != _ref("InvalidInputOut"):  # the operation's own 422 (incomplete)
                either = {"anyOf": [own, _ref("InvalidInputOut")]}
                common[422]["content"]["application/json"]["schema"] = either
                responses[422] = common[422]
            for status, response in common.items():
                responses.setdefault(status, response)
            operation["responses"] = dict(sorted(responses.items()))
    return schema
