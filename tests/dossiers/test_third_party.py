"""Another person's data only with a legal relation the registries find in their own records.

A procedure that names a second person (the deceased, the other party of a marriage, ...) asks
for that person's ID number; the registries decide, from what they hold, whether the applicant
may receive that person's data, and a refusal carries no personal data at all.
"""

from __future__ import annotations

import json

from motcua.dossiers.models import Draft
from tests.identity.world import applicant_client

START_DEATH = "/thu-tuc/death-registration/nop-ho-so/"
LAN = "048195018347"  # Phạm Thị Lan, Đà Nẵng: no relation to Nguyễn Văn Minh


def start(client, url: str = START_DEATH, commune: str = "00004") -> str:
    response = client.post(url, {"province": "01", "commune": commune})
    assert response.status_code == 302, response.content[:500]
    return response["Location"].split("/ho-so-nhap/")[1].split("/")[0]


def test_an_unrelated_living_persons_data_is_not_served_through_a_death_registration(minh, exchange):
    """The leak of issue 15: any signed-in citizen read anyone's name, birth date, sex and
    address by naming them as the deceased."""
    client = applicant_client(minh)
    public_id = start(client)
    client.post(
        f"/ho-so-nhap/{public_id}/dong-y/",
        {
            "accept": ["requester-identity", "deceased-record", "deceased-residence"],
            "deceased_personal_id": LAN,
        },
    )
    draft = Draft.objects.get(public_id=public_id)
    assert "deceased-record" not in draft.fetched
    assert "deceased-residence" not in draft.fetched
    assert "Phạm Thị Lan" not in json.dumps(draft.fetched, ensure_ascii=False)
    assert draft.components["deceased-record"]["state"] == "refused"
    assert draft.components["deceased-record"]["error"] == "not_related"
    page = client.get(f"/ho-so-nhap/{public_id}/").content.decode()
    assert "Phạm Thị Lan" not in page
    entries = exchange.log_entries(dossier_ref=public_id, subject_id=LAN)
    assert {(entry["outcome"], entry["error_code"]) for entry in entries} == {("refused", "not_related")}
