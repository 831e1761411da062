"""The electronic receipt (biên lai điện tử) of a paid fee, against the reference gateway as a real
process: the notification marks the fee paid, the outbox handler (after commit) has the
collecting agency issue and sign the receipt once, whatever the retries; it is in the payer's
wallet with the content the notes list, the public verifier says valid for it and not for a
modified copy, only the payer and the agency's officials may read it, and a refund keeps it."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.outbox import dispatch_pending_events
from motcua.documents import receipts as documents_receipts
from motcua.documents import storage
from motcua.documents.models import ResultDocument, WalletItem
from motcua.identity.models import Role
from motcua.payments import finance, receipts
from motcua.payments.models import Payment
from tests.dossiers.conftest import minh  # noqa: F401 (a fixture)
from tests.identity.world import (
    applicant_client,
    make_applicant,
    make_official,
    official_actor,
    official_client,
)
from tests.payments.test_payments import (  # noqa: F401 (fixtures)
    gateway,
    inbox,
    paying,
    start,
    submitted,
)

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def paid(person: Any, paying: Any, inbox: Any) -> tuple[Any, str, ResultDocument]:  # noqa: F811
    client, code = submitted(person)
    paying.pay(start(client, code))
    assert [reply["RspCode"] for reply in inbox.serve(1)] == ["00"]
    assert not ResultDocument.objects.filter(kind="receipt").exists()  # issued after commit, by the outbox
    dispatch_pending_events()
    [receipt] = ResultDocument.objects.filter(kind="receipt", dossier__code=code)
    return client, code, receipt


def test_a_paid_fee_gets_one_signed_receipt_in_the_payers_wallet(minh, paying, inbox) -> None:  # noqa: F811
    client, code, receipt = paid(minh, paying, inbox)
    payment = Payment.objects.get(dossier__code=code)
    assert (receipt.holder_id, receipt.agency_code, receipt.number) == (
        payment.dossier.applicant_id,
        payment.agency_code,
        f"{code}/BLĐT",
    )
    assert receipt.approved_by_id is None
    # at least once: the handler run again, and the service called again, make nothing new
    receipts.issue_for(payment.id)
    dispatch_pending_events()
    assert ResultDocument.objects.filter(kind="receipt").count() == 1
    assert WalletItem.objects.filter(result=receipt).count() == 1
    wallet = client.get("/ca-nhan/kho-du-lieu/").content.decode()
    assert "Biên lai thu phí, lệ phí điện tử" in wallet
    # the content (Decree 123's checklist [M] in the notes)
    text = text_of(storage.path_of(receipt.file.storage_name).read_bytes())
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ".lower(),
        "nguyễn văn minh",
        code.lower(),
        "phí",
        "100.000 đồng",
        "một trăm nghìn đồng",
        payment.transaction_no.lower(),
        payment.reference.lower(),
        "0011000123456",
    ):
        assert expected in text.lower(), expected
    # the dossier page links to it, and the file is the payer's to download
    page = client.get(f"/ho-so/{code}/").content.decode()
    assert f'href="/ket-qua/{receipt.public_id}/tep-tin/"' in page
    download = client.get(f"/ket-qua/{receipt.public_id}/tep-tin/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content if download.streaming else [download.content]).startswith(
        b"%PDF"
    )


def test_the_verifier_says_valid_for_the_receipt_and_not_for_a_modified_copy(minh, paying, inbox) -> None:  # noqa: F811
    _client, _code, receipt = paid(minh, paying, inbox)
    data = storage.path_of(receipt.file.storage_name).read_bytes()
    anyone = applicant_client(make_applicant("001090000111", "Trần Thị Bình", datetime.date(1990, 1, 1)))
    anyone.logout()
    body = anyone.post("/api/v1/verify", {"file": SimpleUploadedFile("bl.pdf", data)}).json()
    assert body["verdict"] == "valid"
    assert receipt.number in str(body)
    reader = pypdf.PdfReader(io.BytesIO(data))
    del reader  # the signed byte range: flip a byte in the middle of the signed content
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x01
    body = anyone.post("/api/v1/verify", {"file": SimpleUploadedFile("bl.pdf", bytes(changed))}).json()
    assert body["verdict"] in ("invalid", "unreadable")
    assert receipt.number not in str(body)
    page = anyone.post("/xac-minh/", {"file": SimpleUploadedFile("bl.pdf", data)}).content.decode()
    assert receipt.number in page


def test_only_the_payer_and_the_agencys_officials_read_the_receipt(minh, paying, inbox) -> None:  # noqa: F811
    _client, code, receipt = paid(minh, paying, inbox)
    url = f"/ket-qua/{receipt.public_id}/tep-tin/"
    api = f"/api/v1/results/{receipt.public_id}"
    stranger = applicant_client(make_applicant("001090000222", "Lê Văn Cường", datetime.date(1990, 1, 1)))
    assert stranger.get(url).status_code == 404
    assert stranger.get(api).status_code == 404
    _user, key = make_official("ketoan.stp", [(Role.FINANCE, receipt.agency_code)])
    assert official_client("ketoan.stp", key).get(api).json()["number"] == f"{code}/BLĐT"
    _user, key = make_official("tiepnhan.khac", [(Role.RECEPTION, "UBND.00008")])
    assert official_client("tiepnhan.khac", key).get(api).status_code == 404


def test_a_refund_keeps_the_receipt(minh, paying, inbox) -> None:  # noqa: F811
    _client, code, receipt = paid(minh, paying, inbox)
    payment = Payment.objects.get(dossier__code=code)
    user, _key = make_official("ketoan.hoan", [(Role.FINANCE, payment.agency_code)])
    finance.refund(
        actor=official_actor(user), payment=payment, amount_vnd=40_000, reason="overpaid", treasury=True
    )
    dispatch_pending_events()
    assert ResultDocument.objects.get(pk=receipt.pk).revoked_at is None
    assert WalletItem.objects.filter(result=receipt, removed_at__isnull=True).count() == 1


def test_amounts_in_words() -> None:
    words = documents_receipts.amount_in_words
    assert words(100_000) == "Một trăm nghìn đồng"
    assert words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert words(2_005_015) == "Hai triệu không trăm lẻ năm nghìn không trăm mười lăm đồng"
    assert words(21) == "Hai mươi mốt đồng"
    assert words(45) == "Bốn mươi lăm đồng"
    assert words(1_000_000_000) == "Một tỷ đồng"
