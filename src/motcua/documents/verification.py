"""Checking the PAdES signatures of a PDF against the configured trust roots only.

Used by the public verifier (anyone uploads a result) and on applicants' uploads (a business
declaration signed with the company's own certificate). ``check_pdf`` never raises on bad input:
a file that is not a PDF, or a PDF whose signature cannot be read, gets a verdict that says so.

Verdicts, per signature and for the file (the worst of its signatures):

- ``valid``: intact, made with a certificate that chains to a configured root and was not
  revoked, and nothing but validation data (the DSS) was added after it;
- ``invalid``: the signed bytes were changed, the signature does not verify, or the document
  was modified after signing in a way a signature does not allow;
- ``untrusted``: intact, but the signer's certificate does not chain to a configured root;
- ``revoked``: the signer's certificate is revoked (for a result, the issuing agency's revocation
  of the document is reported by the verifier on top of this);
- ``unsigned`` / ``unreadable``.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget, StreamDecodeLimits
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext

from motcua.documents import pdf_safety, pki, signing
from motcua.documents.models import ResultDocument

logger = logging.getLogger(__name__)

MAX_SIGNATURES = 10


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNTRUSTED = "untrusted"
    REVOKED = "revoked"
    UNSIGNED = "unsigned"
    UNREADABLE = "unreadable"


# the file's verdict is its worst signature's
_SEVERITY = [Verdict.VALID, Verdict.UNTRUSTED, Verdict.REVOKED, Verdict.INVALID]


@dataclass(frozen=True)
class SignatureCheck:
    verdict: Verdict
    field_name: str
    signer: str  # the certificate's subject, human-readable
    signer_organisation: str
    signed_at: datetime.datetime | None  # the timestamp's time when there is a trusted one
    timestamped: bool
    long_term: bool  # validation data embedded (B-LT)
    digest: str  # SHA-256 of the signed byte ranges (finds an issued result)
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": str(self.verdict),
            "field": self.field_name,
            "signer": self.signer,
            "signer_organisation": self.signer_organisation,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamped": self.timestamped,
            "long_term": self.long_term,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class FileCheck:
    verdict: Verdict
    signatures: tuple[SignatureCheck, ...] = field(default_factory=tuple)

    def summary(self) -> dict[str, Any]:
        """What is kept on a stored file and shown on its component."""
        first = self.signatures[0] if self.signatures else None
        return {
            "status": str(self.verdict),
            "signer": first.signer if first else "",
            "signer_organisation": first.signer_organisation if first else "",
            "signed_at": first.signed_at.isoformat() if first and first.signed_at else None,
            "signatures": len(self.signatures),
        }


def _unreadable(name: str) -> SignatureCheck:
    return SignatureCheck(Verdict.INVALID, name, "", "", None, False, False, "", ("unreadable_signature",))


def _organisation(signature: EmbeddedPdfSignature) -> str:
    subject = signature.signer_cert.subject.native
    return str(subject.get("organization_name") or subject.get("common_name") or "")


# A validation context fixes its "now" when made and keeps what it has validated (certificate
# paths, revocation lists), so reusing one for a few seconds saves re-validating the same agency
# and TSA chains for every upload. Per thread (a context is not made for concurrent use), renewed
# after CONTEXT_SECONDS and whenever the trust roots or revocation lists change (a revoked
# certificate counts from the new list on); certificates are issued valid from some minutes
# back, so a "now" a few seconds old never makes a new one look not yet valid.
CONTEXT_SECONDS = 5.0
_contexts = threading.local()


def _validation_context() -> ValidationContext:
    trust = pki.trust()  # the same object until a file changes
    policy = (settings.MOTCUA_REVOCATION_MODE, settings.MOTCUA_REVOCATION_FETCHING)
    kept = getattr(_contexts, "kept", None)
    now = time.monotonic()
    if kept is None or kept[0] is not trust or kept[1] != policy or now - kept[2] > CONTEXT_SECONDS:
        kept = (trust, policy, now, signing.validation_context())
        _contexts.kept = kept
    context: ValidationContext = kept[3]
    return context


def _check(signature: EmbeddedPdfSignature, *, known_revision: bool) -> SignatureCheck:
    context = _validation_context()
    name = str(signature.field_name or "")
    try:
        status = validate_pdf_signature(
            signature,
            signer_validation_context=context,
            ts_validation_context=context,
            # the exact file the platform issued: what follows the signature is its own DSS
            skip_diff=known_revision,
        )
    except (SignatureValidationError, ValueError, KeyError, TypeError) as exc:
        logger.info("signature could not be validated", extra={"error": type(exc).__name__})
        return _unreadable(name)
    reasons: list[str] = []
    verdict = Verdict.VALID
    if not (status.intact and status.valid):
        verdict = Verdict.INVALID
        reasons.append("signature_does_not_match" if not status.intact else "signature_not_valid")
    elif not known_revision and (
        status.modification_level is None or status.modification_level > ModificationLevel.LTA_UPDATES
    ):
        verdict = Verdict.INVALID
        reasons.append("modified_after_signing")
    elif status.revoked:
        verdict = Verdict.REVOKED
        reasons.append("certificate_revoked")
    elif not status.trusted:
        verdict = Verdict.UNTRUSTED
        reasons.append("untrusted_certificate")
    timestamp = status.timestamp_validity
    timestamped = bool(timestamp is not None and timestamp.intact and timestamp.valid and timestamp.trusted)
    if timestamp is not None and not timestamped and verdict is Verdict.VALID:
        verdict = Verdict.INVALID
        reasons.append("timestamp_not_valid")
    root = signature.reader.root
    return SignatureCheck(
        verdict=verdict,
        field_name=name,
        signer=signature.signer_cert.subject.human_friendly,
        signer_organisation=_organisation(signature),
        signed_at=timestamp.timestamp if timestamped and timestamp is not None else status.signer_reported_dt,
        timestamped=timestamped,
        long_term="/DSS" in root,
        digest=signing.signed_content_digest(signature),
        reasons=tuple(reasons),
    )


def _decode_limits() -> DecodeLimits:
    """pyHanko's own bounds on decoding, which also cover the earlier revisions of a signed
    file (qpdf reads only the last): no stream past ``MOTCUA_PDF_MAX_DECODED_MB``, and in all
    that or 100 times the file's size, whichever is more (pyHanko's default ratio)."""
    cap: int = settings.MOTCUA_PDF_MAX_DECODED_BYTES
    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_output_size=cap),
        document_budget=DocumentDecodeBudget(base_allowance=cap),
    )


def check_pdf(data: bytes, *, issued_copy: bool = False) -> FileCheck:
    """The verdict on every signature of ``data``. ``issued_copy``: the bytes are exactly a file
    the platform issued (same SHA-256), so the revision after its one signature is known to be
    the platform's own validation data and the slower modification analysis is skipped."""
    if not data.startswith(b"%PDF-"):
        return FileCheck(Verdict.UNREADABLE)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False, decode_limits=_decode_limits())
        signatures = list(reader.embedded_signatures)[: MAX_SIGNATURES + 1]
    except Exception as exc:  # any parser error: the file is not a readable PDF
        logger.info("PDF could not be read", extra={"error": type(exc).__name__})
        return FileCheck(Verdict.UNREADABLE)
    if not signatures:
        return FileCheck(Verdict.UNSIGNED)
    if len(signatures) > MAX_SIGNATURES:
        return FileCheck(Verdict.UNREADABLE)
    checks: list[SignatureCheck] = []
    for signature in signatures:
        try:
            checks.append(_check(signature, known_revision=issued_copy and len(signatures) == 1))
        except Exception as exc:  # a malformed signature dictionary, a broken CMS structure, …
            logger.info("signature check failed", extra={"error": type(exc).__name__})
            checks.append(_unreadable(""))
    worst = max((check.verdict for check in checks), key=_SEVERITY.index)
    return FileCheck(worst, tuple(checks))


# --- The public verifier ---------------------------------------------------------------------


@dataclass(frozen=True)
class ResultFacts:
    """What anyone verifying a result may see of it: no personal data beyond initials."""

    number: str
    title: str
    issuer: str
    issued_on: datetime.date
    holder_initials: str
    revoked: bool
    revoked_at: datetime.datetime | None
    revocation_reason: str
    valid_until: datetime.date | None

    @classmethod
    def of(cls, result: ResultDocument) -> ResultFacts:
        from motcua.documents.results import initials

        return cls(
            number=result.number,
            title=result.title,
            issuer=result.agency_name,
            issued_on=result.issued_on,
            holder_initials=initials(result.holder.name),
            revoked=result.is_revoked,
            revoked_at=result.revoked_at,
            revocation_reason=result.revocation_reason,
            valid_until=result.valid_until,
        )


@dataclass(frozen=True)
class PublicReport:
    verdict: Verdict
    result: ResultFacts | None
    signatures: tuple[SignatureCheck, ...]


def verify_upload(data: bytes) -> PublicReport:
    """The public verifier on an uploaded PDF: its signatures against the configured roots and,
    when a valid signature is one the platform made, the result's record (a revoked result makes
    the verdict ``revoked`` even though its signature is intact).

    A PDF past one of the bounds (pages, objects, decompressed size) raises
    ``pdf_safety.PdfRefused`` before pyHanko reads it (ADR 0024); a byte-identical copy of a
    file the platform issued is its own output and needs no such check."""
    from motcua.documents import selectors

    issued_copy = selectors.is_issued_file(hashlib.sha256(data).hexdigest())
    if not issued_copy:
        pdf_safety.check_limits(data)
    check = check_pdf(data, issued_copy=issued_copy)
    result = None
    for signature in check.signatures:
        if signature.digest and signature.verdict in (Verdict.VALID, Verdict.REVOKED):
            result = selectors.result_by_digest(signature.digest)
            if result is not None:
                break
    verdict = check.verdict
    if result is not None and result.is_revoked and verdict is Verdict.VALID:
        verdict = Verdict.REVOKED
    return PublicReport(verdict, ResultFacts.of(result) if result else None, check.signatures)


def lookup_throttled(address: str, number: str, check_code: str) -> PublicReport:
    """The QR code's lookup (number and check code): the record's status, without a file.
    ``NotFound`` for a wrong pair; ``selectors.LookupBlocked`` after too many from one address."""
    from motcua.documents import selectors

    result = selectors.throttled_public_result(address, number, check_code)
    return PublicReport(Verdict.REVOKED if result.is_revoked else Verdict.VALID, ResultFacts.of(result), ())


# what the verifier says of each verdict, in the reader's language
VERDICT_TEXT = {
    Verdict.VALID: _("Valid: the document is intact and signed under a trusted root."),
    Verdict.INVALID: _(
        "Not valid: the document was changed after it was signed, or its signature is broken."
    ),
    Verdict.UNTRUSTED: _("Not trusted: the signature is intact but was not made with a trusted certificate."),
    Verdict.REVOKED: _("Revoked: the issuing agency withdrew this document, or the signer's certificate."),
    Verdict.UNSIGNED: _("This PDF carries no digital signature."),
    Verdict.UNREADABLE: _("This file is not a readable PDF."),
}
