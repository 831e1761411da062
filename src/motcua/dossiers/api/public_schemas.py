"""The public status lookup's schemas: no personal data."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class LookupIn(Schema):
    code: str = Field(..., max_length=64)
    # the receipt PIN, or the applicant's personal ID number (or enterprise code)
    factor: str = Field(..., max_length=64)


class PublicStatusOut(Schema):
    code: str
    procedure_name: str
    agency_name: str
    status: str
    status_label: str
    received_at: datetime.datetime
    due_on: datetime.date | None
