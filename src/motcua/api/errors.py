"""The API's error shape and the handlers that map domain errors onto it."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str


# The refusals every authenticated operation can answer with (declared so the OpenAPI schema lists them).
DENIALS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
