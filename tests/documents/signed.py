"""Helpers of the signer-backend tests: a result page to sign, and what a relying party checks."""

from __future__ import annotations

import datetime
import io
from functools import cache

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from motcua.documents import rendering, signing


@cache
def sample_pdf() -> bytes:
    return rendering.render(
        rendering.Page(
            agency_name="Sở Tư pháp thành phố Hà Nội",
            parent_name="Ủy ban nhân dân thành phố Hà Nội",
            number="123/TP-KS",
            place="Hà Nội",
            issued_on=datetime.date(2025, 7, 1),
            title="TRÍCH LỤC KHAI SINH",
            rows=[("Họ, chữ đệm, tên", "Nguyễn Văn An"), ("Lệ phí", "8.000 ₫")],
            holder="N. V. A.",
            verify_url="https://example.invalid/xac-thuc/123",
            signer_note="Ký số bởi cơ quan cấp",
            pdf_title="Trích lục khai sinh",
        )
    )


def sign(agency_code: str) -> signing.SignedPdf:
    return signing.sign_pdf(
        sample_pdf(),
        agency_code=agency_code,
        agency_name=f"Cơ quan thử nghiệm {agency_code}",
        reason="Phê duyệt kết quả",
        location="Hà Nội",
    )


def assert_trusted_and_timestamped(data: bytes) -> None:
    """What any relying party checks, against the configured (development) root only:
    intact, valid, trusted, with a trusted signature timestamp and validation data (B-LT)."""
    reader = PdfFileReader(io.BytesIO(data))
    (embedded,) = reader.embedded_signatures
    status = validate_pdf_signature(embedded, signing.validation_context())
    assert status.intact, status.pretty_print_details()
    assert status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.timestamp_validity is not None, "no signature timestamp"
    assert status.timestamp_validity.intact
    assert status.timestamp_validity.valid
    assert status.timestamp_validity.trusted
    assert "/DSS" in reader.root, "no document security store (B-LT)"


def messages(exc: BaseException) -> str:
    """Everything an exception would show in a log: its text, detail and causes."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None:
        parts.extend([str(current), repr(current), str(getattr(current, "detail", ""))])
        current = current.__cause__ or current.__context__
    return "\n".join(parts)
