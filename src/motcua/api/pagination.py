"""Limit/offset pagination with bounds on both numbers.

Ninja's ``LimitOffsetPagination`` leaves ``offset`` unbounded, and an offset beyond a 64-bit
integer makes the database fail (found by the API fuzz test): here both are validated, so such
a request gets a 422 naming the parameter."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1
MAX_ID = 2**62  # for cursor parameters that compare with ids


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)  # ninja's default page size
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
