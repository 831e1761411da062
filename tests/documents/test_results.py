"""Signed results end to end: approving a birth registration signs its extract (PAdES B-LT with
the agency's development key and the registries process's timestamp), returning it puts it in
the wallet, and the verifier tells a valid copy from a flipped byte, an untrusted key, a revoked
certificate and a revoked document."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import pikepdf
import pikepdf.pdfa
import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.errors import Forbidden, MotcuaError, NotFound
from motcua.core.models import AuditEntry, Event
from motcua.core.types import EventType
from motcua.documents import pki, rendering, results, selectors, signing, storage, verification
from motcua.documents.models import ResultDocument, StoredFile, WalletItem
from motcua.documents.verification import Verdict
from motcua.dossiers.models import Dossier, Step
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.models import Role
from tests.identity.world import (
    AGENCY_A,
    AGENCY_B,
    applicant_actor,
    complete_birth_draft,
    load_small_units,
    make_applicant,
    make_official,
)
from tests.relay import Relay

CHILD_ID = "001226000123"


class Office:
    def __init__(self) -> None:
        self.applicant = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
        grants: dict[str, list[tuple[str, str]]] = {
            "reception": [(Role.RECEPTION, AGENCY_A)],
            "handler": [(Role.HANDLER, AGENCY_A)],
            "approver": [(Role.APPROVER, AGENCY_A)],
            "admin": [(Role.AGENCY_ADMIN, AGENCY_A)],
            "approver_b": [(Role.APPROVER, AGENCY_B)],
        }
        self.users = {name: make_official(f"{name}.kq", g)[0] for name, g in grants.items()}

    def official(self, name: str) -> OfficialActor:
        actor = actor_for_user(self.users[name], verified=True)
        assert isinstance(actor, OfficialActor)
        return actor

    def to_approval(self) -> Dossier:
        actor = applicant_actor(self.applicant)
        dossier = submission_services.submit_draft(
            actor=actor, public_id=str(complete_birth_draft(actor).public_id)
        )
        processing_services.decide(actor=self.official("reception"), code=dossier.code, decision="accept")
        return processing_services.decide(
            actor=self.official("handler"), code=dossier.code, decision="propose"
        )

    def approve(self, code: str) -> Dossier:
        return processing_services.decide(
            actor=self.official("approver"), code=code, decision="approve", result={"personal_id": CHILD_ID}
        )


@pytest.fixture
def office(db, tmp_path, settings) -> Office:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return Office()


@pytest.fixture
def issued(office: Office) -> tuple[Dossier, ResultDocument]:
    dossier = office.approve(office.to_approval().code)
    return dossier, ResultDocument.objects.get(dossier=dossier)


@pytest.fixture
def fresh_keys():
    """Tests that switch PKI directories must not reuse another directory's loaded keys."""
    signing.reset()
    yield
    signing.reset()


def file_bytes(result: ResultDocument) -> bytes:
    return storage.path_of(result.file.storage_name).read_bytes()


def test_approval_signs_the_result_and_return_puts_it_in_the_wallet(office, issued):
    dossier, result = issued
    assert dossier.step == Step.RESULT_RETURN
    assert result.number == f"{dossier.code}/TLKS"
    assert result.agency_code == AGENCY_A
    assert result.holder_id == office.applicant.applicant.pk
    assert result.approved_by_id == office.users["approver"].pk
    assert len(result.check_code) == results.CHECK_LENGTH
    data = file_bytes(result)
    assert result.file.sha256 == __import__("hashlib").sha256(data).hexdigest()
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    # the approving official is named in the signature, and the certificate is the agency's
    assert office.users["approver"].full_name in str(signature.sig_object["/Reason"])
    assert AGENCY_A in signature.signer_cert.subject.human_friendly
    issued_event = Event.objects.get(type=EventType.RESULT_ISSUED, subject_id=str(result.public_id))
    assert issued_event.payload["dossier"] == dossier.code
    assert AuditEntry.objects.filter(type=EventType.RESULT_ISSUED, subject_id=str(result.public_id)).exists()
    assert not WalletItem.objects.filter(result=result).exists()  # not returned yet

    processing_services.decide(actor=office.official("reception"), code=dossier.code, decision="return")
    item = WalletItem.objects.get(result=result)
    assert (item.owner_id, item.document_type, item.file_id) == (
        office.applicant.applicant.pk,
        "birth-extract",
        result.file_id,
    )
    assert list(selectors.wallet_of(applicant_actor(office.applicant))) == [item]


def test_the_issued_pdf_is_pades_b_lt_and_verifies(issued):
    _dossier, result = issued
    report = verification.verify_upload(file_bytes(result))
    assert report.verdict is Verdict.VALID
    (check,) = report.signatures
    assert check.timestamped
    assert check.long_term
    assert abs(check.signed_at - result.signed_at) < datetime.timedelta(seconds=1)
    assert report.result is not None
    assert report.result.number == result.number
    assert report.result.holder_initials == "N. V. A."
    assert report.result.issuer == result.agency_name
    # the full modification analysis (a copy that is not byte-identical) agrees
    assert verification.check_pdf(file_bytes(result), issued_copy=False).verdict is Verdict.VALID


def test_the_result_shows_its_data_in_a_pdfa_page(issued):
    dossier, result = issued
    rows = dict(results.rows_for(dossier, results.template_for("birth-extract")))
    assert rows["Số định danh cá nhân"] == CHILD_ID
    assert rows["Giới tính"] in {"Nam", "Nữ"}
    assert rows["Ngày, tháng, năm sinh"].count("/") == 2  # dd/mm/yyyy
    page = rendering.Page(
        agency_name=result.agency_name,
        parent_name="Thành phố Hà Nội",
        number=result.number,
        place="Hà Nội",
        issued_on=result.issued_on,
        title="Trích lục khai sinh",
        rows=[*list(rows.items()), ("Lệ phí", "0 ₫")],
        holder="N. V. A.",
        verify_url=results.verify_url(result.number, result.check_code),
        signer_note="Văn bản điện tử có chữ ký số.",
        pdf_title=f"Trích lục khai sinh số {result.number}",
    )
    unsigned = rendering.render(page, validate=True)  # raises PdfaError unless it conforms
    with pikepdf.open(io.BytesIO(unsigned)) as document:
        assert pikepdf.pdfa.check(document, "2b").passed
        fonts = {str(font.get("/BaseFont")) for font in document.pages[0].Resources.Font.values()}
    assert all("NotoSans" in name for name in fonts)
    # the signed file adds only the signature field and the DSS: no PDF/A violation
    with pikepdf.open(io.BytesIO(file_bytes(result))) as signed:
        assert signed.open_metadata().pdfa_status == "2B"
        assert not pikepdf.pdfa.check(signed, "2b").violations


def test_the_shipped_font_covers_vietnamese_and_the_dong_sign():
    letters = (
        "ẠẢÃÀÁÂẬẦẤẨẪĂẮẰẲẴẶĐÊỀẾỂỄỆÔỒỐỔỖỘƠỜỚỞỠỢƯỪỨỬỮỰỲÝỶỸỴạảãàáâậầấẩẫăắằẳẵặđêềếểễệôồốổỗộơờớởỡợưừứửữựỳýỷỹỵ₫"
    )
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        cmap = TTFont(rendering.FONT_DIR / name).getBestCmap()
        assert [ch for ch in letters if ord(ch) not in cmap] == [], name


def test_the_qr_code_carries_the_verifier_url(issued, tmp_path):
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip(
            "pdftoppm and zbarimg are not installed (Debian: poppler-utils, zbar-tools): QR not decoded"
        )
    _dossier, result = issued
    (tmp_path / "r.pdf").write_bytes(file_bytes(result))
    subprocess.run(["pdftoppm", "-png", "-r", "150", tmp_path / "r.pdf", tmp_path / "page"], check=True)
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", next(tmp_path.glob("page*.png"))],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    assert decoded == results.verify_url(result.number, result.check_code)


def test_flipping_one_byte_makes_verification_say_so(issued):
    _dossier, result = issued
    data = bytearray(file_bytes(result))
    reader = PdfFileReader(io.BytesIO(bytes(data)))
    start, length, _second, _rest = (int(n) for n in reader.embedded_signatures[0].byte_range)
    for position in (length // 2, length - 20, start + 200):  # content, end of the first range, header
        flipped = bytearray(data)
        flipped[position] ^= 0x01
        report = verification.verify_upload(bytes(flipped))
        assert report.verdict in (Verdict.INVALID, Verdict.UNREADABLE), position
        assert report.result is None  # a broken copy never borrows the record's facts


def test_a_signature_from_an_untrusted_key_is_untrusted(issued, settings, tmp_path, dev_pki, fresh_keys):
    _dossier, result = issued
    rogue = pki.DevPki(tmp_path / "rogue")
    rogue.init()
    settings.MOTCUA_PKI_DIR = rogue.directory
    # the rogue signer believes in its own root (and the session's, for the timestamp)
    settings.MOTCUA_TRUST_ROOTS = [str(rogue.root_cert_path), str(dev_pki.root_cert_path)]
    settings.MOTCUA_CRL_FILES = [str(rogue.crl_path), str(dev_pki.crl_path)]
    forged = signing.sign_pdf(
        rendering.render(_page("Giả mạo")),
        agency_code=AGENCY_A,
        agency_name=result.agency_name,
        reason="forged",
        location="Hà Nội",
    )
    settings.MOTCUA_TRUST_ROOTS = [str(dev_pki.root_cert_path)]
    settings.MOTCUA_CRL_FILES = [str(dev_pki.crl_path)]
    report = verification.verify_upload(forged.data)
    assert report.verdict is Verdict.UNTRUSTED
    assert report.signatures[0].reasons == ("untrusted_certificate",)
    assert report.result is None


def test_a_revoked_signing_certificate_is_reported(settings, tmp_path, dev_pki, fresh_keys, db):
    other = pki.DevPki(tmp_path / "other")
    other.init()
    settings.MOTCUA_PKI_DIR = other.directory
    settings.MOTCUA_TRUST_ROOTS = [str(other.root_cert_path), str(dev_pki.root_cert_path)]
    settings.MOTCUA_CRL_FILES = [str(other.crl_path), str(dev_pki.crl_path)]
    signed = signing.sign_pdf(
        rendering.render(_page("Bản thử")),
        agency_code="UBND.09999",
        agency_name="UBND thử",
        reason="t",
        location="x",
    )
    assert verification.check_pdf(signed.data).verdict is Verdict.VALID
    # the key was compromised before it signed
    other.revoke_agency("UBND.09999", revoked_at=signed.signed_at - datetime.timedelta(minutes=1))
    check = verification.check_pdf(signed.data)
    assert check.verdict is Verdict.REVOKED
    assert check.signatures[0].reasons == ("certificate_revoked",)


def test_revoking_the_document_makes_the_verifier_say_revoked(office, issued):
    _dossier, result = issued
    with pytest.raises(MotcuaError):
        results.revoke_result(actor=office.official("approver"), public_id=str(result.public_id), reason="  ")
    with pytest.raises(Forbidden):  # sees it (same agency) but may not revoke
        results.revoke_result(actor=office.official("handler"), public_id=str(result.public_id), reason="x")
    with pytest.raises(NotFound):  # another agency's leader does not even see it
        results.revoke_result(
            actor=office.official("approver_b"), public_id=str(result.public_id), reason="x"
        )
    results.revoke_result(actor=office.official("admin"), public_id=str(result.public_id), reason="Cấp nhầm")
    again = results.revoke_result(
        actor=office.official("approver"), public_id=str(result.public_id), reason="y"
    )
    assert again.revocation_reason == "Cấp nhầm"  # revoking twice changes nothing
    assert Event.objects.filter(type=EventType.RESULT_REVOKED, subject_id=str(result.public_id)).count() == 1
    report = verification.verify_upload(file_bytes(result))
    assert report.verdict is Verdict.REVOKED
    assert report.signatures[0].verdict is Verdict.VALID  # the signature itself is intact
    assert report.result is not None
    assert report.result.revocation_reason == "Cấp nhầm"
    looked_up = verification.lookup_throttled("203.0.113.9", result.number, result.check_code.lower())
    assert looked_up.verdict is Verdict.REVOKED


def test_the_qr_lookup_needs_the_check_code(issued):
    _dossier, result = issued
    assert (
        verification.lookup_throttled("203.0.113.7", result.number, result.check_code).verdict
        is Verdict.VALID
    )
    wrong = "A" * results.CHECK_LENGTH if result.check_code != "A" * results.CHECK_LENGTH else "B" * 8
    with pytest.raises(NotFound):
        verification.lookup_throttled("203.0.113.7", result.number, wrong)
    with pytest.raises(NotFound):
        verification.lookup_throttled("203.0.113.7", result.number + "X", result.check_code)


def test_unsigned_and_unreadable_files(db):
    assert verification.check_pdf(rendering.render(_page("Không ký"))).verdict is Verdict.UNSIGNED
    assert verification.check_pdf(b"GIF89a not a pdf").verdict is Verdict.UNREADABLE
    assert verification.check_pdf(b"%PDF-1.7\n garbage").verdict is Verdict.UNREADABLE
    report = verification.verify_upload(b"%PDF-1.4\n%%EOF")
    assert (report.verdict, report.result) == (Verdict.UNREADABLE, None)


def test_when_the_timestamp_authority_is_down_nothing_is_approved(office, settings):
    dossier = office.to_approval()
    settings.MOTCUA_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens on the discard port
    before = set(StoredFile.objects.values_list("storage_name", flat=True))
    with pytest.raises(signing.SigningUnavailable):
        office.approve(dossier.code)
    dossier.refresh_from_db()
    assert dossier.step == Step.APPROVAL
    assert not ResultDocument.objects.filter(dossier=dossier).exists()
    assert set(StoredFile.objects.values_list("storage_name", flat=True)) == before
    upload_root = storage.upload_root()
    on_disk = {str(p.relative_to(upload_root)) for p in upload_root.rglob("*.pdf")}
    assert on_disk == {name for name in before if name.endswith(".pdf")}  # no orphaned signed file


def test_the_approval_goes_through_once_the_authority_is_back(office, settings, registries_server):
    dossier = office.to_approval()
    settings.MOTCUA_TSA_URL = "http://127.0.0.1:9/tsa"
    with pytest.raises(signing.SigningUnavailable):
        office.approve(dossier.code)
    settings.MOTCUA_TSA_URL = f"{registries_server.base_url}/tsa"
    assert office.approve(dossier.code).step == Step.RESULT_RETURN
    assert ResultDocument.objects.filter(dossier=dossier).count() == 1


def test_one_request_to_the_timestamp_authority_per_signature(db, settings, registries_server):
    with Relay(registries_server.base_url) as relay:
        settings.MOTCUA_TSA_URL = f"{relay.base_url}/tsa"
        first = signing.sign_pdf(
            rendering.render(_page("Một")),
            agency_code="UBND.00004",
            agency_name="A",
            reason="r",
            location="l",
        )
        after_first = relay.requests
        for title in ("Hai", "Ba", "Bốn"):
            signed = signing.sign_pdf(
                rendering.render(_page(title)),
                agency_code="UBND.00004",
                agency_name="A",
                reason="r",
                location="l",
            )
            assert verification.check_pdf(signed.data).verdict is Verdict.VALID
    # the first signature also learnt the authority's certificates (one throw-away token); each
    # later one asked for its own token only
    assert after_first == 2
    assert relay.requests == after_first + 3
    assert verification.check_pdf(first.data).verdict is Verdict.VALID


def _page(title: str) -> rendering.Page:
    return rendering.Page(
        agency_name="Ủy ban nhân dân phường Thử",
        parent_name="Thành phố Hà Nội",
        number="TEST/1",
        place="Hà Nội",
        issued_on=datetime.date(2026, 12, 1),
        title=title,
        rows=[("Họ và tên", "Lê Thị Hồng")],
        holder="L. T. H.",
        verify_url="http://127.0.0.1:8000/xac-minh/?so=TEST%2F1&ma=ABCDEFGH",
        signer_note="Thử nghiệm.",
        pdf_title=title,
    )


def test_an_independent_pades_reader_accepts_the_signature(issued, tmp_path):
    """Poppler's pdfsig (NSS underneath) checks the same file without any of our code."""
    if not shutil.which("pdfsig"):
        pytest.skip("pdfsig NOT run: poppler-utils is not installed, no independent reader checked the file")
    _dossier, result = issued
    (tmp_path / "r.pdf").write_bytes(file_bytes(result))
    report = subprocess.run(
        ["pdfsig", tmp_path / "r.pdf"], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Signing Hash Algorithm: SHA-256" in report
    # and a changed byte inside the signed range is caught by it too
    data = bytearray(file_bytes(result))
    data[1000] ^= 0x01
    (tmp_path / "changed.pdf").write_bytes(bytes(data))
    changed = subprocess.run(
        ["pdfsig", tmp_path / "changed.pdf"], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid." not in changed.stdout
