"""The API's error shape and the handlers that map domain errors onto it."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str


# The refusals every authenticated operation can answer with (declared so the OpenAPI schema lists
# them): no or an invalid credential, the wrong kind of account, outside the caller's scope, and
# over a rate limit (per address, per signed-in user, per integrator client).
DENIALS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}
