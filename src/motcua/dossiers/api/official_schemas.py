"""The officials' and agency systems' API schemas: the inbox, decisions, claims, assignment and
the apology letter.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from motcua.api.errors import DENIALS, ErrorOut
from motcua.dossiers.api.schemas import DossierSummaryOut


class InboxRowOut(DossierSummaryOut):
    deadline: str  # overdue | due_soon | on_time | paused | none
    assignee: str  # the username of the official who took it, or ""


class InboxOut(Schema):
    total: int
    by_status: dict[str, int]
    overdue: int
    due_soon: int
    dossiers: list[InboxRowOut]


ACTION_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 409: ErrorOut, **DENIALS}


class SupplementItemIn(Schema):
    component: str | None = Field(None, max_length=64)
    field: str | None = Field(None, max_length=64)


class ResultIncompleteOut(ErrorOut):
    fields: dict[str, str]  # result field -> what is wrong


class DecisionIn(Schema):
    decision: Literal[
        "accept", "supplement", "refuse", "transfer", "propose", "send_back", "stop", "approve", "return"
    ]
    reason: str = Field("", max_length=4000)
    items: list[SupplementItemIn] = Field(default_factory=list, max_length=100)  # for "supplement"
    agency_code: str = Field("", max_length=64)  # for "transfer"
    result: dict[str, str] = Field(default_factory=dict)  # for "approve", when the result declares fields


class ClaimManyIn(Schema):
    codes: list[Annotated[str, Field(max_length=64)]] = Field(..., min_length=1, max_length=200)


class ClaimResultOut(Schema):
    code: str
    claimed: bool
    message: str


class AssignIn(Schema):
    user_id: int | None = Field(None, ge=1, le=2**31 - 1)  # None frees the dossier


class ApologyIn(Schema):
    reason: str = Field(..., max_length=4000)
    new_due_on: datetime.date
