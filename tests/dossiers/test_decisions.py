"""Where the procedure's DMN tables decide, as applicants and reception officers meet them: the
criminal-record fee by applicant category (shown on the draft, recorded at submission, in the
pages and the API), a category the table does not price, and the health-insurance card that is
only for a child under 6 — refused next to the field, in the applicant's language, draft kept."""

from __future__ import annotations

import datetime
import io
import shutil
import uuid

import pytest
from django.utils import timezone

from motcua.catalog import decisions
from motcua.catalog.specs import SPECS_DIR
from motcua.core.models import Event
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.models import Dossier, Draft
from motcua.identity.models import Role
from tests.dossiers.test_drafts import draft_id
from tests.identity.world import PDF, applicant_client, make_official, official_client

CRIMINAL_DATA = ["applicant-identity", "residence-history", "family-members", "judicial-record"]
CRIMINAL_FORM = {
    "certificate_type": "1",
    "purpose": "Bổ sung hồ sơ xin việc",
    "applicant_category": "student",
}
CHILD_ID = "001221012345"


def text(response) -> str:
    return response.content.decode()


def _today() -> datetime.date:
    return timezone.localdate()


def under_6() -> str:
    return datetime.date(_today().year - 5, 1, 15).isoformat()


def over_6() -> str:
    return datetime.date(_today().year - 7, 6, 1).isoformat()


def criminal_draft(client) -> str:
    response = client.post(
        "/thu-tuc/criminal-record-certificate/nop-ho-so/", {"province": "01", "commune": "00004"}
    )
    assert response.status_code == 302, text(response)[:500]
    public_id = draft_id(response["Location"])
    assert client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": CRIMINAL_DATA}).status_code == 302
    return public_id


def test_the_fee_is_shown_on_the_draft_and_recorded_at_submission(minh, exchange):
    client = applicant_client(minh)
    public_id = criminal_draft(client)
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    # nothing chosen yet: the form shows the default category, and the fee it gives
    assert '<strong id="fee-amount">200.000 ₫</strong>' in page
    assert "Tính theo quy định về lệ phí của thủ tục, từ: Đối tượng nộp phí." in page
    response = client.post(f"/ho-so-nhap/{public_id}/", {**CRIMINAL_FORM, "submit": "1"})
    assert response.status_code == 302, text(response)[:2000]
    code = response["Location"].split("/")[-2]
    dossier = Dossier.objects.get(code=code)
    assert dossier.agency_code == "STP.01"
    assert dossier.fee_vnd == 100_000
    assert dossier.fee_basis["kind"] == "dmn"
    assert dossier.fee_basis["decision"] == "criminal-record-fee.dmn"
    assert dossier.fee_basis["rule"] == "rule_student"
    [event] = Event.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED)
    assert event.payload["fee_vnd"] == 100_000
    assert '<dd id="dossier-fee">100.000 ₫</dd>' in text(client.get(f"/ho-so/{code}/"))
    assert client.get(f"/api/v1/dossiers/{code}").json()["fee_vnd"] == 100_000
    # the official sees it too
    _user, key = make_official("tiepnhan.stp", [(Role.RECEPTION, "STP.01")])
    official = official_client("tiepnhan.stp", key)
    assert '<dd id="dossier-fee">100.000 ₫</dd>' in text(official.get(f"/can-bo/ho-so/{code}/"))
    assert official.get(f"/api/v1/inbox/{code}").json()["fee_vnd"] == 100_000


def test_a_procedure_without_a_fee_records_none(minh, exchange):
    from tests.dossiers.test_submission import BIRTH_FORM, prepared_draft

    client = applicant_client(minh)
    public_id = prepared_draft(client)
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert '<strong id="fee-amount">Không thu phí, lệ phí</strong>' in page
    response = client.post(f"/ho-so-nhap/{public_id}/", {**BIRTH_FORM, "submit": "1"})
    dossier = Dossier.objects.get(code=response["Location"].split("/")[-2])
    assert (dossier.fee_vnd, dossier.fee_basis) == (0, {"kind": "none"})


@pytest.fixture
def students_unpriced(tmp_path, monkeypatch):
    """The shipped decision tables, with the criminal-record fee's 'student' rule taken out:
    a category the form offers that no rule prices."""
    shutil.copytree(SPECS_DIR / "decisions", tmp_path / "decisions")
    table = tmp_path / "decisions" / "criminal-record-fee.dmn"
    shipped = table.read_text(encoding="utf-8")
    start = shipped.index('<rule id="rule_student">')
    table.write_text(shipped[:start] + shipped[shipped.index("</rule>", start) + 7 :], encoding="utf-8")
    monkeypatch.setattr(decisions, "DECISIONS_DIR", tmp_path / "decisions")


def test_a_category_no_rule_prices_is_refused_on_its_field_and_the_draft_kept(
    minh, exchange, students_unpriced
):
    client = applicant_client(minh)
    public_id = criminal_draft(client)
    saved = client.put(
        f"/api/v1/drafts/{public_id}/entries", {"values": CRIMINAL_FORM}, content_type="application/json"
    ).json()
    message = "Không có mức lệ phí cho giá trị này: hãy kiểm tra lại, hoặc hỏi cơ quan giải quyết thủ tục."
    assert saved["fee"] == {
        "amount_vnd": None,
        "kind": "dmn",
        "text": "Chưa xác định",
        "note": message,
        "problem": True,
    }
    refused = client.post(f"/api/v1/drafts/{public_id}/submit")
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"applicant_category": message}
    page = client.post(f"/ho-so-nhap/{public_id}/", {**CRIMINAL_FORM, "submit": "1"})
    assert page.status_code == 400
    assert message in text(page)
    # nothing was received, and the draft is as it was
    assert Draft.objects.get(public_id=public_id).entries["applicant_category"] == "student"
    assert not Dossier.objects.exists()
    assert not Event.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED).exists()
    # a priced category goes through
    client.put(
        f"/api/v1/drafts/{public_id}/entries",
        {"values": {"applicant_category": "standard"}},
        content_type="application/json",
    )
    created = client.post(f"/api/v1/drafts/{public_id}/submit")
    assert created.status_code == 201, created.json()
    assert created.json()["fee_vnd"] == 200_000


def card_draft(client, born: str) -> str:
    created = client.post(
        "/api/v1/drafts",
        {"procedure": "health-insurance-card-under-6", "commune_code": "00004"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    public_id = created.json()["id"]
    consent = client.post(
        f"/api/v1/drafts/{public_id}/consent",
        {"accept": ["requester-identity", "child-residence"]},
        content_type="application/json",
    )
    assert consent.status_code == 200
    upload = client.post(
        f"/api/v1/drafts/{public_id}/components/birth-extract/file", {"file": io.BytesIO(PDF)}
    )
    assert upload.status_code == 200, upload.content[:300]
    values = {
        "child_personal_id": CHILD_ID,
        "child_full_name": "Nguyễn Minh An",
        "child_date_of_birth": born,
        "child_sex": "male",
    }
    saved = client.put(
        f"/api/v1/drafts/{public_id}/entries", {"values": values}, content_type="application/json"
    )
    assert saved.status_code == 200
    return public_id


def test_a_child_of_6_or_more_is_refused_next_to_the_date_of_birth_and_the_draft_kept(minh, exchange):
    client = applicant_client(minh)
    public_id = card_draft(client, over_6())
    before = Draft.objects.get(public_id=public_id)
    refused = client.post(f"/api/v1/drafts/{public_id}/submit")
    assert refused.status_code == 422
    assert refused.json()["fields"] == {
        "child_date_of_birth": "Trẻ đã đủ 6 tuổi vào ngày nộp hồ sơ nên không thuộc thủ tục cấp thẻ "
        "bảo hiểm y tế cho trẻ em dưới 6 tuổi."
    }
    assert refused.json()["components"] == {}
    # the page marks the field, in the applicant's language
    page = client.post(
        f"/ho-so-nhap/{public_id}/",
        {
            "child_personal_id": CHILD_ID,
            "child_full_name": "Nguyễn Minh An",
            "child_date_of_birth": over_6(),
            "child_sex": "male",
            "submit": "1",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 400
    assert "The child is 6 or older on the day of submission" in text(page)
    after = Draft.objects.get(public_id=public_id)
    # what the applicant typed is kept (the page saved its one empty field too), the rest untouched
    assert after.entries == {**before.entries, "primary_care_facility": ""}
    assert (after.components, after.fetched) == (before.components, before.fetched)
    assert not Dossier.objects.exists()
    assert not Event.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED).exists()


def test_a_child_under_6_is_received(minh, exchange):
    client = applicant_client(minh)
    public_id = card_draft(client, under_6())
    created = client.post(f"/api/v1/drafts/{public_id}/submit")
    assert created.status_code == 201, created.json()
    assert created.json()["agency_code"] == "BHXH.01"
    assert created.json()["fee_vnd"] == 0
    assert not Draft.objects.filter(public_id=public_id).exists()


def test_the_counter_applies_the_same_eligibility(minh):
    _user, key = make_official("tiepnhan.bhxh", [(Role.RECEPTION, "BHXH.01")])
    client = official_client("tiepnhan.bhxh", key)

    def receive(born: str):
        return client.post(
            "/api/v1/counter/dossiers",
            {
                "key": str(uuid.uuid4()),
                "procedure": "health-insurance-card-under-6",
                "channel": "counter",
                "commune_code": "00004",
                "personal_id": "001190012345",
                "full_name": "Phạm Thị Hoa",
                "birth_date": "17/05/1990",
                "identity_check": "chip_card",
                "entries": (
                    f'{{"child_personal_id": "{CHILD_ID}", "child_full_name": "Phạm Gia Huy", '
                    f'"child_date_of_birth": "{born}", "child_sex": "male"}}'
                ),
                "scan_components": ["requester-identity", "birth-extract"],
                "scans": [io.BytesIO(PDF), io.BytesIO(PDF)],
            },
        )

    refused = receive(over_6())
    assert refused.status_code == 422, refused.json()
    assert refused.json()["fields"]["child_date_of_birth"].startswith("Trẻ đã đủ 6 tuổi vào ngày nộp hồ sơ")
    assert not Dossier.objects.exists()
    received = receive(under_6())
    assert received.status_code == 201, received.json()
    assert received.json()["fee_vnd"] == 0
