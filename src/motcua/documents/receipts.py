"""The electronic receipt (biên lai điện tử) of a paid fee, issued by the collecting agency.

The payments app hands over what the receipt says (``ReceiptFacts``); this module renders it
like a result (``rendering``), signs it with the collecting agency's key through the one signing
path (``signing.sign_pdf``), stores it as a ``ResultDocument`` of kind ``receipt`` (so the wallet,
the file download's access rules and the public verifier ``/xac-minh/`` treat it as they treat
results) and puts it in the payer's wallet. One receipt per dossier's payment: issuing again
returns the one already issued (ADR 0057).

The printed content follows the checklist of Decree 123/2020 in the domain notes, which is
marked **[M]** there (not verified against the text): receipt name, number, collecting
organisation, payer, fee or charge names, amount in figures and words, date, the collector's
digital signature. Form and series symbols and the collecting organisation's tax code are not
printed (the platform keeps neither: docs/payments.md).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.actors import Actor
from motcua.core.services import record_change
from motcua.documents import rendering, signing, storage, wallet
from motcua.documents.events import DocumentEvent, DocumentSubject
from motcua.documents.models import IssuedKind, ResultDocument, StoredFile
from motcua.documents.results import CHECK_ALPHABET, CHECK_LENGTH, ResultSubject, initials, verify_url
from motcua.units.models import Agency

TITLE = "Biên lai thu phí, lệ phí điện tử"
ABBREVIATION = "BLĐT"
RESULT_TYPE = "fee-receipt"
KIND_LABELS = {"phi": "Phí", "le_phi": "Lệ phí"}

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", " nghìn", " triệu", " tỷ"]


def _three(n: int, *, full: bool) -> str:
    """Words for 0–999 inside a larger number (``full``: print the leading "không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 4:
            words.append("tư")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif units:
        if hundreds or full:
            words.append("lẻ")
        words.append(_DIGITS[units])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """An amount in đồng in Vietnamese words: 1_250_000 → "Một triệu hai trăm năm mươi nghìn đồng"."""
    if amount == 0:
        return "Không đồng"
    groups: list[int] = []
    rest = amount
    while rest:
        groups.append(rest % 1000)
        rest //= 1000
    parts: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        scale = _GROUPS[index % 4] + " tỷ" * (index // 4)
        parts.append(_three(value, full=index < len(groups) - 1) + scale)
    text = " ".join(parts)
    return text[0].upper() + text[1:] + " đồng"


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


@dataclass(frozen=True)
class ReceiptFacts:
    """What a receipt says, as the payments app knows it."""

    reference: str  # our payment reference (vnp_TxnRef / MaThamChieu)
    transaction_no: str  # the gateway's transaction number
    paid_at: datetime.datetime
    amount_vnd: int
    fees: tuple[tuple[str, str, int], ...]  # (phi | le_phi, name, amount in đồng)
    account: str  # beneficiary "BIN:account"
    channel: str


def receipt_of(dossier: ResultSubject) -> ResultDocument | None:
    return ResultDocument.objects.filter(dossier_id=dossier.pk, kind=IssuedKind.RECEIPT).first()


def _rows(dossier: ResultSubject, facts: ReceiptFacts) -> list[tuple[str, str]]:
    payer = dossier.applicant
    rows = [
        ("Người nộp", payer.name),
        ("Số định danh", getattr(payer, "personal_id", "") or getattr(payer, "enterprise_code", "") or ""),
        ("Nội dung thu", f"{dossier.procedure.name_vi} — hồ sơ {dossier.code}"),
    ]
    for kind, name, amount in facts.fees:
        rows.append((f"{KIND_LABELS.get(kind, 'Lệ phí')}: {name}", money(amount)))
    paid_on = timezone.localtime(facts.paid_at)
    bank_bin, _sep, account = facts.account.partition(":")
    rows += [
        ("Tổng số tiền", money(facts.amount_vnd)),
        ("Bằng chữ", amount_in_words(facts.amount_vnd)),
        (
            "Hình thức nộp",
            "Chuyển khoản (VietQR)" if facts.channel == "transfer" else "Thanh toán trực tuyến",
        ),
        ("Mã giao dịch", facts.transaction_no),
        ("Mã tham chiếu", facts.reference),
        ("Thời điểm thanh toán", paid_on.strftime("%H:%M %d/%m/%Y")),
        ("Tài khoản thụ hưởng", f"{account} (ngân hàng {bank_bin})"),
    ]
    return [(label, value) for label, value in rows if value]


def issue_receipt(*, actor: Actor, dossier: ResultSubject, facts: ReceiptFacts) -> ResultDocument:
    """Render, sign, keep the receipt and put it in the payer's wallet; idempotent (the receipt
    already issued is returned, and a concurrent second issue loses on the unique constraint)."""
    existing = receipt_of(dossier)
    if existing is not None:
        wallet.add_result(actor=actor, result=existing)  # a retry after a failure in between
        return existing
    agency = Agency.objects.select_related("province").get(code=dossier.agency_code)
    number = f"{dossier.code}/{ABBREVIATION}"
    check_code = "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))
    issued_on = timezone.localdate(facts.paid_at)
    place = agency.province.name if agency.province is not None else ""
    page = rendering.Page(
        agency_name=agency.name,
        parent_name=agency.province.full_name if agency.province is not None else "",
        number=number,
        place=place,
        issued_on=issued_on,
        title=TITLE,
        rows=_rows(dossier, facts),
        holder=initials(dossier.applicant.name),
        verify_url=verify_url(number, check_code),
        signer_note=(
            f"Biên lai điện tử có chữ ký số của đơn vị thu {agency.name}. Mã xác minh: {check_code}."
        ),
        pdf_title=f"{TITLE} số {number}",
    )
    signed = signing.sign_pdf(
        rendering.render(page),
        agency_code=agency.code,
        agency_name=agency.name,
        reason=f"Biên lai thu phí, lệ phí hồ sơ {dossier.code}; mã giao dịch {facts.transaction_no}",
        location=place or agency.name,
    )
    stored = storage.store([signed.data], from_outside=False)  # our own signed PDF
    try:
        with transaction.atomic():
            file = StoredFile.objects.create(
                owner=dossier.applicant,
                original_name=f"{ABBREVIATION}-{dossier.code}.pdf",
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                original_sha256=stored.original_sha256,
                storage_name=stored.storage_name,
                issued_by_agency=agency.code,
                signature={
                    "status": "valid",
                    "signer": signed.certificate_subject,
                    "signed_at": signed.signed_at.isoformat(),
                },
            )
            receipt = ResultDocument.objects.create(
                kind=IssuedKind.RECEIPT,
                number=number,
                check_code=check_code,
                result_type=RESULT_TYPE,
                title=TITLE,
                dossier_id=dossier.pk,
                holder=dossier.applicant,
                agency_code=agency.code,
                agency_name=agency.name,
                file=file,
                digest=signed.digest,
                signed_at=signed.signed_at,
                certificate_serial=signed.certificate_serial,
                certificate_subject=signed.certificate_subject[:500],
                approved_by=None,
                issued_on=issued_on,
            )
            record_change(
                actor=actor,
                type=DocumentEvent.RESULT_ISSUED,
                subject_type=DocumentSubject.RESULT,
                subject_id=str(receipt.public_id),
                agency_code=agency.code,
                changes={"status": [None, "valid"]},
                payload={
                    "dossier": dossier.code,
                    "number": number,
                    "result_type": RESULT_TYPE,
                    "kind": IssuedKind.RECEIPT,
                    "reference": facts.reference,
                    "certificate_serial": signed.certificate_serial,
                    "signed_at": signed.signed_at.isoformat(),
                },
            )
            wallet.add_result(actor=actor, result=receipt)
    except IntegrityError:
        storage.discard(stored.storage_name)
        found = receipt_of(dossier)
        if found is None:
            raise
        return found
    except BaseException:
        storage.discard(stored.storage_name)
        raise
    return receipt
