"""The API's error shape and the handlers that map domain errors onto it."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
