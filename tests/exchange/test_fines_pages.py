"""The pages and API of the traffic fines and of the registry writes, against the real
registries: a person sees their camera-detected fines after agreeing to the lookup; an official
sees the writes of their agencies that need action and sends them again or closes them."""

from __future__ import annotations

import datetime

import pytest

from motcua.core.actors import SYSTEM
from motcua.exchange import writes
from motcua.exchange.models import Consent, RegistryWrite, WriteStatus
from motcua.identity.models import Role
from tests.conftest import reset_exchange_state
from tests.identity.world import (
    AGENCY_A,
    AGENCY_B,
    applicant_client,
    load_small_units,
    make_applicant,
    make_official,
    official_client,
)

MINH = "001086027419"


@pytest.fixture
def minh_client(exchange):
    return applicant_client(make_applicant(MINH, "Nguyễn Văn Minh", datetime.date(1986, 4, 12)))


def test_the_fines_page_asks_first_then_shows_the_fines(minh_client):
    page = minh_client.get("/ca-nhan/phat-nguoi/")
    assert page.status_code == 200
    assert (
        "Cơ sở dữ liệu xử lý vi phạm giao thông" in page.content.decode()
        or "vi phạm" in page.content.decode()
    )
    assert Consent.objects.count() == 0  # nothing asked before they agree
    shown = minh_client.post("/ca-nhan/phat-nguoi/")
    html = shown.content.decode()
    assert shown.status_code == 200
    assert 'id="fine-VPDEMO000001"' in html
    assert "29-E2 168.79" in html
    assert "Không chấp hành hiệu lệnh của đèn tín hiệu giao thông" in html
    assert 'class="fine paid" id="fine-VPDEMO000003"' in html
    assert Consent.objects.count() == 1
    # the lookup is in "who used my data", named as the service, not as an application
    history = minh_client.get("/ca-nhan/du-lieu-cua-toi/").content.decode()
    # (the registries process is shared by the session: other tests' lookups about the same demo
    # person may be listed too, so only the fines' rows are read)
    fines_rows = [
        row
        for row in history.split('<tr class="access')[1:]
        if "Cơ sở dữ liệu xử lý vi phạm giao thông (phạt nguội)" in row
    ]
    assert fines_rows
    assert all("Phạt nguội vi phạm giao thông" in row for row in fines_rows)
    assert not any("một hồ sơ chưa nộp" in row for row in fines_rows)


def test_the_api_lists_my_fines_with_the_unpaid_total(minh_client):
    response = minh_client.post("/api/v1/me/fines")
    assert response.status_code == 200
    body = response.json()
    by_id = {fine["violation_id"]: fine for fine in body["fines"]}
    assert by_id["VPDEMO000003"]["paid"] is True
    assert body["unpaid_count"] == sum(not fine["paid"] for fine in body["fines"])
    assert body["unpaid_total_vnd"] == sum(fine["fine_vnd"] for fine in body["fines"] if not fine["paid"])


def test_the_fines_api_says_when_the_registry_is_down(minh_client, settings):
    settings.MOTCUA_REGISTRIES_URL = "http://127.0.0.1:9"
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 300
    reset_exchange_state()
    response = minh_client.post("/api/v1/me/fines")
    assert (response.status_code, response.json()["code"]) == (503, "registries_unavailable")
    reset_exchange_state()


def refused_write(agency_code: str) -> RegistryWrite:
    write = writes.queue_write(
        actor=SYSTEM, registry="traffic_fines", operation="mark_paid", subject=MINH,
        body={"violation_id": "VPDEMO000001", "payment_reference": "P", "amount_vnd": 1,
              "paid_on": "2026-11-01"},
        agency_code=agency_code, procedure_code="traffic-fine-payment", dossier_ref="P",
        legal_basis_code="nd-118-2021", purpose="Ghi nhận đã nộp phạt",
    )  # fmt: skip
    RegistryWrite.objects.filter(pk=write.pk).update(
        status=WriteStatus.REFUSED, error_code="write_rejected", error_message="The amount is not the fine."
    )
    return RegistryWrite.objects.get(pk=write.pk)


def test_an_official_sees_their_agencys_writes_needing_action_and_closes_or_resends_them(
    exchange, tmp_path, django_capture_on_commit_callbacks
):
    load_small_units(tmp_path)
    _user, key = make_official("handler.a", [(Role.HANDLER, AGENCY_A)])
    mine, other = refused_write(AGENCY_A), refused_write(AGENCY_B)
    client = official_client("handler.a", key)
    page = client.get("/can-bo/ghi-du-lieu/").content.decode()
    assert f'id="write-{mine.public_id}"' in page
    assert f'id="write-{other.public_id}"' not in page
    assert "0010******19" in page
    assert MINH not in page
    api = client.get("/api/v1/registry-writes").json()
    assert [row["id"] for row in api] == [str(mine.public_id)]
    assert client.get(f"/api/v1/registry-writes/{other.public_id}").status_code == 404
    # closing needs a word on how it was settled
    refused = client.post(f"/can-bo/ghi-du-lieu/{mine.public_id}/dong/", {"note": " "})
    assert refused.status_code == 400
    assert "error-summary" in refused.content.decode()
    closed = client.post(f"/can-bo/ghi-du-lieu/{mine.public_id}/dong/", {"note": "Đã hoàn tiền."})
    assert closed.status_code == 302
    assert RegistryWrite.objects.get(pk=mine.pk).status == WriteStatus.RESOLVED
    assert client.post(f"/api/v1/registry-writes/{mine.public_id}/retry").status_code == 400
    # another one, sent again through the API: queued, and sent after commit
    again = refused_write(AGENCY_A)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/registry-writes/{again.public_id}/retry")
    assert (response.status_code, response.json()["status"]) == (200, "queued")
