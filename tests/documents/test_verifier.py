"""The public verifier over HTTP (page and API), the reference timestamp authority, result pages,
the verdict kept on applicants' signed uploads, and ``motcua pki``."""

from __future__ import annotations

import hashlib
import stat

import httpx
import pytest
from asn1crypto import algos, tsp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.documents import pki, rendering, services, signing
from motcua.dossiers.services import drafts as draft_services
from tests.documents.test_results import _page, file_bytes, issued, office  # noqa: F401
from tests.identity.world import PDF, applicant_actor, applicant_client


def _upload(data: bytes, name: str = "ket-qua.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_timestamp_authority_speaks_rfc_3161(registries_server):
    url = f"{registries_server.base_url}/tsa"
    assert httpx.post(url, content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert (
        httpx.post(url, content=b"x", headers={"Content-Type": "application/timestamp-query"}).status_code
        == 400
    )
    digest = hashlib.sha256(b"motcua").digest()
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": digest,
            },
            "nonce": 4242,
            "cert_req": True,
        }
    )
    answer = httpx.post(url, content=request.dump(), headers={"Content-Type": "application/timestamp-query"})
    assert answer.headers["Content-Type"] == "application/timestamp-reply"
    response = tsp.TimeStampResp.load(answer.content)
    assert response["status"]["status"].native == "granted"
    info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == 4242


def test_the_verify_api_on_a_valid_and_a_changed_copy(issued):  # noqa: F811
    _dossier, result = issued
    client = Client()
    answer = client.post("/api/v1/verify", {"file": _upload(file_bytes(result))})
    assert answer.status_code == 200
    body = answer.json()
    assert body["verdict"] == "valid"
    assert body["result"]["number"] == result.number
    assert body["result"]["holder_initials"] == "N. V. A."
    assert body["signatures"][0]["timestamped"] is True
    assert "Nguyễn" not in answer.content.decode()  # the holder's name never leaves
    changed = bytearray(file_bytes(result))
    changed[len(changed) // 3] ^= 0x01
    body = client.post("/api/v1/verify", {"file": _upload(bytes(changed))}).json()
    assert body["verdict"] in {"invalid", "unreadable"}
    assert body["result"] is None


def test_the_qr_lookup_over_the_api_and_its_failure_budget(issued, settings):  # noqa: F811
    _dossier, result = issued
    client = Client()
    found = client.get("/api/v1/verify", {"number": result.number, "code": result.check_code})
    assert found.status_code == 200
    assert found.json()["result"]["issuer"] == result.agency_name
    assert found.json()["signatures"] == []
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "lookup_failures_address": "3/h"}
    for _ in range(3):
        assert client.get("/api/v1/verify", {"number": result.number, "code": "WRONGCOD"}).status_code == 404
    blocked = client.get("/api/v1/verify", {"number": result.number, "code": result.check_code})
    assert blocked.status_code == 429  # even the right code, once an address has probed too much


def test_the_verifier_page_in_vietnamese(issued):  # noqa: F811
    _dossier, result = issued
    client = Client()
    page = client.post("/xac-minh/", {"file": _upload(file_bytes(result))}).content.decode()
    assert "Hợp lệ" in page
    assert result.number in page
    assert "N. V. A." in page
    qr = client.get("/xac-minh/", {"so": result.number, "ma": result.check_code})
    assert qr.status_code == 200
    assert result.agency_name in qr.content.decode()
    missing = client.get("/xac-minh/", {"so": result.number, "ma": "ZZZZZZZZ"})
    assert missing.status_code == 404
    assert result.agency_name not in missing.content.decode()
    unsigned = client.post("/xac-minh/", {"file": _upload(rendering.render(_page("Không ký")))})
    assert "không có chữ ký số" in unsigned.content.decode()
    assert client.post("/xac-minh/", {}).status_code == 400


def test_the_applicant_sees_and_downloads_the_result(office, issued):  # noqa: F811
    dossier, result = issued
    client = applicant_client(office.applicant)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert result.number in page
    assert f"/ket-qua/{result.public_id}/tep-tin/" in page
    download = client.get(f"/ket-qua/{result.public_id}/tep-tin/")
    assert b"".join(download.streaming_content) == file_bytes(result)  # type: ignore[attr-defined]


def _signed_by(agency_code: str, name: str) -> bytes:
    return signing.sign_pdf(
        rendering.render(_page("Tờ khai")),
        agency_code=agency_code,
        agency_name=name,
        reason="ký",
        location="HN",
    ).data


def test_an_uploaded_pdf_keeps_the_verdict_on_its_signature(office, settings, tmp_path, dev_pki):  # noqa: F811
    actor = applicant_actor(office.applicant)
    company_signed = _signed_by("DN.0101234567", "Công ty TNHH Thử Nghiệm")
    stored = services.upload_file(actor=actor, chunks=[company_signed], file_name="to-khai.pdf")
    assert stored.signature["status"] == "valid"
    assert stored.signature["signer_organisation"] == "Công ty TNHH Thử Nghiệm"
    assert services.upload_file(actor=actor, chunks=[PDF], file_name="a.pdf").signature["status"] in {
        "unsigned",
        "unreadable",
    }
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    assert services.upload_file(actor=actor, chunks=[png], file_name="a.png").signature == {}
    # signed under a root the platform does not trust
    rogue = pki.DevPki(tmp_path / "rogue")
    rogue.init()
    signing.reset()
    trusted = list(settings.MOTCUA_TRUST_ROOTS)
    settings.MOTCUA_PKI_DIR = rogue.directory
    settings.MOTCUA_TRUST_ROOTS = [str(rogue.root_cert_path), *trusted]
    settings.MOTCUA_CRL_FILES = [str(rogue.crl_path), str(dev_pki.crl_path)]
    rogue_signed = _signed_by("DN.0109999999", "Công ty Giả")
    settings.MOTCUA_TRUST_ROOTS = trusted
    settings.MOTCUA_CRL_FILES = [str(dev_pki.crl_path)]
    signing.reset()
    assert (
        services.upload_file(actor=actor, chunks=[rogue_signed], file_name="b.pdf").signature["status"]
        == "untrusted"
    )
    # and on a dossier component, the verdict travels with the upload
    draft = draft_services.start_draft(actor=actor, procedure_code="birth-registration", commune_code="00004")
    draft = draft_services.upload_component(
        actor=actor,
        public_id=str(draft.public_id),
        component_id="birth-certificate",
        chunks=[company_signed],
        file_name="giay-chung-sinh.pdf",
        size=None,
    )
    entry = draft.components["birth-certificate"]
    assert (entry["signature"], entry["signer"]) == ("valid", "Công ty TNHH Thử Nghiệm")


def test_pki_init_show_and_refusal_in_production(settings, tmp_path, db, capsys):
    settings.MOTCUA_PKI_DIR = tmp_path / "pki"
    call_command("pki", "init")
    store = pki.DevPki(tmp_path / "pki")
    assert store.exists()
    for key in (tmp_path / "pki" / "root.key.pem", store.tsa_key_path):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    root_before = store.root_cert_path.read_bytes()
    call_command("pki", "init")  # again: nothing replaced
    assert store.root_cert_path.read_bytes() == root_before
    with pytest.raises(CommandError):
        call_command("pki", "issue", "NO.SUCH.AGENCY")
    call_command("pki", "show")
    assert "SHA-256" in capsys.readouterr().out
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("pki", "init")
