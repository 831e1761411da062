"""Signing results with the issuing agency's key: PAdES baseline B-LT with pyHanko.

``sign_pdf`` adds one PAdES signature (``ETSI.CAdES.detached``) made with the agency's key, a
signature timestamp from the configured RFC 3161 authority (``MOTCUA_TSA_URL``: B-T), and the
certificates and revocation lists of the signer and the timestamp authority in the document's
security store (DSS: B-LT). Validation data comes from the configured trust only
(``pki.trust()``), never fetched and never the operating system's store.

Where the agency's key lives is the signer backend (``MOTCUA_SIGNER``):

- ``files``: PEM files in the development PKI's directory (``motcua pki init``); in development
  and tests a missing agency certificate is issued from the development root on first use
  (``MOTCUA_PKI_AUTO_ISSUE``). Refused in production.
- ``pkcs11``: a PKCS#11 token (an HSM or a USB token), through pyHanko's PKCS#11 signer; the
  key and certificate labels are the agency code (``MOTCUA_PKCS11_MODULE``,
  ``MOTCUA_PKCS11_TOKEN_LABEL``, ``MOTCUA_PKCS11_PIN_FILE``). Needs ``python-pkcs11``.
- ``remote``: a remote signing service that signs a digest for an agency's credential
  (``remote_signer``).

Keys stay loaded between signatures (loading an RSA key costs more than signing with it).
"""

from __future__ import annotations

import binascii
import datetime
import hashlib
import io
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.core.errors import Unavailable
from motcua.documents import pki

logger = logging.getLogger(__name__)

FIELD_NAME = "ChuKySo"  # "digital signature"
# Room for the CMS: the agency's certificate and the timestamp token with its certificate come
# to ~4.5 KB with the files signer (the root is not embedded: validators hold it, and the DSS
# carries the chain); a token or remote service may add its chain (~9.6 KB seen). Validators
# read this space as hex (fast since pdf_speedups), so room costs little.
RESERVED_BYTES = 16 * 1024


class SigningUnavailable(Unavailable):
    """The agency's key, the signing service or the timestamp authority cannot be reached; the
    decision that needed the signature was not taken and can be retried."""

    http_status = 503

    def __init__(self, detail: str) -> None:
        # the official reads the first part; the detail is for the operator's log
        super().__init__(_("The result cannot be signed right now; nothing was changed. Try again shortly."))
        self.detail = detail
        logger.warning("signing unavailable", extra={"detail": detail})


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    digest: str  # hex SHA-256 of the signed byte ranges: how a copy finds its record again
    signed_at: datetime.datetime  # from the timestamp token
    certificate_serial: str
    certificate_subject: str


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's in-memory signer, keeping the parsed key instead of parsing it per signature."""

    def __init__(
        self, cert: asn1_x509.Certificate, key: rsa.RSAPrivateKey, chain: list[asn1_x509.Certificate]
    ):
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        super().__init__(
            signing_cert=cert,
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
            embed_roots=False,
        )
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if digest_algorithm.lower() != "sha256":
            raise ValueError(f"Only SHA-256 is used, not {digest_algorithm}.")
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def _asn1(cert_path: Any) -> asn1_x509.Certificate:
    return pki.load_certificates(cert_path)[0]


class Backend(Protocol):
    """Where agencies' keys live: a pyHanko signer per agency, and forgetting loaded keys."""

    kind: str

    def signer(self, agency_code: str, agency_name: str) -> signers.Signer: ...

    def forget(self) -> None: ...


class FilesBackend:
    """Agency keys as PEM files of the development PKI (one directory, ``MOTCUA_PKI_DIR``)."""

    kind = "files"

    def __init__(self) -> None:
        self._signers: dict[str, signers.Signer] = {}
        self._lock = threading.Lock()

    def signer(self, agency_code: str, agency_name: str) -> signers.Signer:
        with self._lock:
            found = self._signers.get(agency_code)
            if found is not None:
                return found
            store = pki.dev_pki()
            cert_path, key_path = store.agency_paths(agency_code)
            if not cert_path.is_file():
                if not settings.MOTCUA_PKI_AUTO_ISSUE:
                    raise SigningUnavailable(f"No signing key for agency {agency_code}.")
                try:
                    store.issue_agency(agency_code, agency_name)
                except pki.PkiError as exc:
                    raise SigningUnavailable(str(exc)) from exc
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise SigningUnavailable(f"The key of {agency_code} is not an RSA key.")
            chain = pki.load_certificates(store.root_cert_path)
            made = _LoadedKeySigner(_asn1(cert_path), key, chain)
            self._signers[agency_code] = made
            return made

    def forget(self) -> None:
        with self._lock:
            self._signers.clear()


class Pkcs11Backend:
    """Agency keys in a PKCS#11 token: key and certificate labelled with the agency code
    (``pkcs11_token``). One logged-in session per process, opened on first use and opened
    again after a token failure; CA certificates on the token are embedded with the agency's."""

    kind = "pkcs11"

    def __init__(self) -> None:
        self._session: Any = None
        self._chain: list[asn1_x509.Certificate] = []
        self._signers: dict[str, signers.Signer] = {}
        self._refused_pin: tuple[str, float] | None = None  # the PIN file (and its mtime) refused
        self._lock = threading.Lock()

    def signer(self, agency_code: str, agency_name: str) -> signers.Signer:
        try:
            from motcua.documents import pkcs11_token
        except ImportError as exc:  # pragma: no cover - depends on the deployment's extras
            raise SigningUnavailable(
                "MOTCUA_SIGNER=pkcs11 needs the python-pkcs11 package (the pkcs11 extra)."
            ) from exc
        with self._lock:
            found = self._signers.get(agency_code)
            if found is not None:
                return found
            try:
                if self._session is None:
                    if self._refused_pin is not None and self._refused_pin == pkcs11_token.file_state(
                        settings.MOTCUA_PKCS11_PIN_FILE
                    ):
                        raise SigningUnavailable(
                            "The PKCS#11 token refused the PIN; it is not tried again until "
                            "MOTCUA_PKCS11_PIN_FILE changes."
                        )
                    config = pkcs11_token.TokenConfig.from_files(
                        settings.MOTCUA_PKCS11_MODULE,
                        settings.MOTCUA_PKCS11_TOKEN_LABEL,
                        settings.MOTCUA_PKCS11_PIN_FILE,
                    )
                    session = pkcs11_token.open_session(config)
                    self._chain = [*pki.trust().roots, *pkcs11_token.ca_certificates(session)]
                    self._session = session
                    self._refused_pin = None
                made = pkcs11_token.TokenSigner(self._session, agency_code, self._chain, self.forget)
            except pkcs11_token.TokenError as exc:
                if isinstance(exc, pkcs11_token.SessionLost):
                    self._session = None  # the next signature opens a new one
                if isinstance(exc, pkcs11_token.PinRefused):
                    self._refused_pin = pkcs11_token.file_state(settings.MOTCUA_PKCS11_PIN_FILE)
                raise SigningUnavailable(str(exc)) from exc
            self._signers[agency_code] = made
            return made

    def forget(self) -> None:
        with self._lock:
            self._signers.clear()
            session, self._session = self._session, None
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: S110 - a session of a removed token cannot be closed
                pass


_backend: Backend | None = None
_backend_lock = threading.Lock()


def backend() -> Backend:
    global _backend
    with _backend_lock:
        if _backend is None or _backend.kind != settings.MOTCUA_SIGNER:
            if settings.MOTCUA_SIGNER == "pkcs11":
                _backend = Pkcs11Backend()
            elif settings.MOTCUA_SIGNER == "remote":
                from motcua.documents.remote_signer import RemoteBackend

                _backend = RemoteBackend()
            else:
                _backend = FilesBackend()
        return _backend


def reset() -> None:
    """Forget loaded keys and sessions (after a key rotation, and between tests)."""
    global _backend
    with _backend_lock:
        if _backend is not None:
            _backend.forget()
        _backend = None


def validation_context() -> ValidationContext:
    trust = pki.trust()
    return ValidationContext(
        trust_roots=list(trust.roots),
        crls=list(trust.crls),
        allow_fetching=settings.MOTCUA_REVOCATION_FETCHING,
        # "require": a certificate with no revocation data is not trusted (with no distribution
        # point in a certificate, the other modes would not even read the configured lists)
        revocation_mode=settings.MOTCUA_REVOCATION_MODE,
    )


def signed_content_digest(signature: EmbeddedPdfSignature) -> str:
    """Hex SHA-256 over the byte ranges a signature covers (its ``/ByteRange``)."""
    return signature.compute_digest("sha256").hex()


def timestamp_time(signature: EmbeddedPdfSignature) -> datetime.datetime | None:
    """The time in the signature's timestamp token (unverified: validation checks the token)."""
    return _timestamp_of(signature.signer_info)


def _timestamp_of(signer_info: cms.SignerInfo) -> datetime.datetime | None:
    unsigned = signer_info["unsigned_attrs"]
    if not unsigned:
        return None
    for attribute in unsigned:
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]
            info = token["content"]["encap_content_info"]["content"].parsed
            moment: datetime.datetime = info["gen_time"].native
            return moment
    return None


# Before its first signature a timestamper asks the authority for one throw-away token, to learn
# the authority's certificates (for the validation data) and the token's size; it keeps that
# answer. A new timestamper per signature made two requests to the authority for every result.
# The kept answer is renewed after TIMESTAMPER_TTL_SECONDS, so a renewed TSA certificate is
# picked up without a restart (the token of each signature carries its own certificate anyway).
TIMESTAMPER_TTL_SECONDS = 600.0
_timestampers: dict[tuple[str, float], tuple[float, RequestsHTTPTimeStamper]] = {}
_timestampers_lock = threading.Lock()


def _timestamper(url: str, timeout: float) -> RequestsHTTPTimeStamper:
    now = time.monotonic()
    with _timestampers_lock:
        kept = _timestampers.get((url, timeout))
        if kept is None or now - kept[0] > TIMESTAMPER_TTL_SECONDS:
            kept = (now, RequestsHTTPTimeStamper(url, timeout=timeout))  # type: ignore[no-untyped-call]
            _timestampers[(url, timeout)] = kept
        return kept[1]


def sign_pdf(
    pdf: bytes, *, agency_code: str, agency_name: str, reason: str, location: str, contact: str = ""
) -> SignedPdf:
    """Sign ``pdf`` for the agency (PAdES B-LT), or ``SigningUnavailable``."""
    signer = backend().signer(agency_code, agency_name)
    meta = PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason[:200],
        location=location[:100],
        name=agency_name[:100],
        contact_info=contact[:100] or None,
        embed_validation_info=True,
        validation_context=validation_context(),  # a fresh one: its time is "now"
        use_pades_lta=False,
    )
    timestamper = _timestamper(settings.MOTCUA_TSA_URL, settings.MOTCUA_TSA_TIMEOUT_SECONDS)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    try:
        # a fixed reservation skips pyHanko's dry-run signature that would estimate it
        PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf(
            writer, output=out, bytes_reserved=RESERVED_BYTES
        )
    except TimestampRequestError as exc:
        raise SigningUnavailable("The timestamp authority did not answer.") from exc
    data = out.getvalue()
    # Our own output holds one signature: read its byte range and CMS directly, which is much
    # cheaper than parsing the document again.
    found = _BYTE_RANGE.findall(data)
    if len(found) != 1:
        raise SigningUnavailable("The signed document could not be read back.")
    start1, length1, start2, length2 = (int(n) for n in found[0])
    digest = hashlib.sha256(data[start1 : start1 + length1] + data[start2 : start2 + length2]).hexdigest()
    cms_der = binascii.unhexlify(data[start1 + length1 + 1 : start2 - 1])  # zero padding after the CMS
    signer_info, cert = _signer_of(cms_der)
    return SignedPdf(
        data=data,
        digest=digest,
        signed_at=_timestamp_of(signer_info) or datetime.datetime.now(datetime.UTC),
        certificate_serial=format(cert.serial_number, "x"),
        certificate_subject=cert.subject.human_friendly,
    )


_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def _signer_of(cms_der: bytes) -> tuple[cms.SignerInfo, asn1_x509.Certificate]:
    """The signer info and certificate of a CMS signature (the padding after it is ignored)."""
    content = cms.ContentInfo.load(cms_der, strict=False)
    signed_data = content["content"]
    signer_info = signed_data["signer_infos"][0]
    serial = signer_info["sid"].chosen["serial_number"].native
    for choice in signed_data["certificates"]:
        if choice.name == "certificate" and choice.chosen.serial_number == serial:
            return signer_info, choice.chosen
    raise SigningUnavailable("The signed document does not carry the signer's certificate.")
