"""The applicant's API schemas: drafts (components with the consent preview, the form, the fee),
interconnected applications, the supplement's body, withdrawal and the data wallet's documents.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from motcua.api.errors import ErrorOut
from motcua.core.inputs import MAX_TEXT
from motcua.dossiers.api.schemas import FetchedValueOut


class ComponentOut(Schema):
    id: str
    name: str
    kind: str
    required: bool
    state: str
    message: str
    registry: str
    registry_label: str
    purpose: str
    legal_basis: str
    fields: list[str]
    subject_field: str
    fetched_at: datetime.datetime | None
    values: list[FetchedValueOut]
    file: str
    result_type: str = ""  # the result type a wallet document must have to be taken for it
    wallet_item: str = ""  # the wallet document taken for it (state "wallet")
    wallet_only: bool = False  # no upload can replace it (``fallback: none``)
    # state "refused": the registry's code; "not_related" or "representation_not_verified" leave
    # the component to what the applicant types (the official checks it) or uploads
    refusal: str = ""
    # active content the platform took out of the uploaded PDF (``javascript``, ``open_action``,
    # ``additional_actions``, ``data_actions``), and the sentence saying so in your language
    removed_content: list[str] = []
    notice: str = ""


class ChoiceOut(Schema):
    value: str  # what to send
    label: str  # what to show, in the caller's language


class FieldOut(Schema):
    name: str
    label: str
    kind: str  # text | choice | list | integer | date | boolean
    required: bool
    value: Any
    error: str
    source: str  # the registry that filled it ("" when the applicant types it)
    read_only: bool
    candidates: list[str]
    choices: list[ChoiceOut]  # kind "choice": the values the field takes
    max_length: int | None  # kind "text" (and each line of a list): longer values are refused


class DraftSummaryOut(Schema):
    id: str
    procedure: str
    bundle: str  # the interconnected procedure group this draft starts, or "" for a plain draft
    applicant: str
    commune_code: str
    agency_code: str
    updated_at: datetime.datetime
    expires_at: datetime.datetime


class LaterMemberOut(Schema):
    procedure: str
    procedure_name: str
    fields: list[FieldOut]  # named <procedure>__<field>; send them with the draft's own fields


class FeeOut(Schema):
    amount_vnd: int | None  # null: not set (yet), see note
    kind: str  # none | fixed | dmn (from the procedure's fee table) | table | unconfirmed
    text: str
    note: str  # how it is set, the fields it still waits for, or why the values entered give none
    problem: bool  # the values entered give no fee: submitting is refused until they are corrected


class DraftOut(DraftSummaryOut):
    consent: str
    fee: FeeOut  # what submitting now would be charged
    components: list[ComponentOut]
    fields: list[FieldOut]
    bundle_members: list[str]
    later_members: list[LaterMemberOut]


class BundleDraftIn(Schema):
    bundle: str = Field(..., max_length=64)
    commune_code: str = Field(..., max_length=5)
    members: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=10
    )  # optional ones


class BundleMemberOut(Schema):
    procedure: str
    procedure_name: str
    dossier_code: str  # "" until the member's dossier exists
    status: str  # "" while it waits for the members before it
    status_label: str
    agency_name: str
    due_on: datetime.date | None
    waiting_for: list[str]


class BundleApplicationOut(Schema):
    id: str
    bundle: str
    name: str
    created_at: datetime.datetime
    complete: bool
    members: list[BundleMemberOut]


class DraftIn(Schema):
    procedure: str = Field(..., max_length=64)
    commune_code: str = Field(..., max_length=16)
    applicant: str = Field("", max_length=64)  # public id of someone the caller acts for; empty: the caller


class ConsentIn(Schema):
    # data component ids to fetch; every other data component is declined
    accept: list[Annotated[str, Field(max_length=64)]] = Field(..., max_length=100)
    # ID numbers for data about someone else, by form field
    subjects: dict[str, Annotated[str, Field(max_length=32)]] = Field(default_factory=dict, max_length=100)


class RetryIn(Schema):
    components: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=100)


class EntriesIn(Schema):
    # by field name; each text at most the field's `max_length` (see the draft's `fields`)
    values: dict[str, Any] = Field(..., max_length=500)


class SupplementIncompleteOut(ErrorOut):
    fields: dict[str, str]
    components: dict[str, str]


# The answer's parts are named after the components asked for, so the body is declared by hand:
# `entries` and any number of named file parts.
SUPPLEMENT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "entries": {
                        "type": "string",
                        "default": "{}",
                        "maxLength": MAX_TEXT,
                        "description": "A JSON object of the corrected fields (those form 02 asks for)",
                    }
                },
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "A file for a component asked for; the part is named after its id",
                },
            }
        }
    },
}


class WithdrawIn(Schema):
    reason: str = Field("", max_length=2000)


class WalletChoiceOut(Schema):
    id: str  # the wallet document's id
    title: str
    issuer: str
    issued_on: datetime.date | None
    validity: str  # valid | expired | revoked: only valid ones can be taken
    validity_label: str
    usable: bool
    chosen: bool


class WalletUseIn(Schema):
    item: str = Field(..., max_length=64)  # a wallet document's id (GET .../wallet)
