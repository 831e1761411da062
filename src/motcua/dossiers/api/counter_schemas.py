"""The counter's API schemas: a dossier received for a person at the counter or by post."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from motcua.core.inputs import MAX_TEXT
from motcua.dossiers.api.schemas import IncompleteOut


class CounterDossierIn(Schema):
    key: str = Field(
        max_length=64, description="A UUID the client chooses; sent again, it returns the same dossier"
    )
    procedure: str = Field(max_length=64, description="The procedure's code")
    channel: str = Field(max_length=16, description="counter | post")
    agency: str = Field(
        "", max_length=64, description="The agency received for (may be left out by an officer of one)"
    )
    commune_code: str = Field(
        "", max_length=16, description="For a province agency: the commune where the person applies"
    )
    personal_id: str = Field(
        max_length=32, description="The person's 12-digit personal ID number, as on their ID card"
    )
    full_name: str = Field(max_length=200, description="As on the ID card")
    birth_date: str = Field(max_length=32, description="YYYY-MM-DD or DD/MM/YYYY, as on the ID card")
    identity_check: str = Field(max_length=32, description="chip_card | paper_id (counter), post_copy (post)")
    entries: str = Field(
        "{}", max_length=MAX_TEXT, description="The form values, a JSON object as in PUT /drafts/{id}/entries"
    )
    scan_components: list[Annotated[str, Field(max_length=64)]] = Field(
        [], max_length=10, description="The component of each file in `scans`, in order (at most 10 files)"
    )


class CounterIncompleteOut(IncompleteOut):
    person: dict[str, str]  # personal_id, full_name, birth_date, identity_check, commune_code -> problem
