"""Issuing and revoking signed results.

``issue_result`` runs inside the approval's transaction (``dossiers.services.processing.decide``): it
renders the dossier's result from its type's template (``result_types.yaml``) as PDF/A, signs it
with the agency's key (``signing``: PAdES B-LT, the approving official named in the signature's
reason), stores the file and writes the result's record, audit entry and event. If signing
fails, ``SigningUnavailable`` rolls the approval back: nothing is half-issued, and the approver
can try again.

The number is the dossier's code and the type's abbreviation (one result per dossier, so it is
unique without a counter); the check code printed in the QR code keeps numbers from being
enough to look a result up.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.catalog.labels import enum_label
from motcua.catalog.selectors import definition
from motcua.catalog.typed import FieldSpec, ProcedureDefinition
from motcua.core.errors import Forbidden, MotcuaError
from motcua.core.inputs import clean_text
from motcua.core.services import record_change
from motcua.documents import rendering, signing, storage
from motcua.documents.events import DocumentEvent, DocumentSubject
from motcua.documents.models import ResultDocument, StoredFile
from motcua.identity.actors import OfficialActor
from motcua.identity.models import Role, User
from motcua.units.models import Agency

if TYPE_CHECKING:
    from motcua.catalog.models import Procedure
    from motcua.identity.models import Applicant


class ResultSubject(Protocol):
    """What a result is issued for, as this module reads it: a dossier. ``dossiers.models.Dossier``
    has these attributes; documents never imports the dossiers app, which imports it (ADR 0036)."""

    @property
    def pk(self) -> Any: ...
    @property
    def code(self) -> str: ...
    @property
    def agency_code(self) -> str: ...
    @property
    def entries(self) -> Any: ...
    @property
    def result(self) -> Any: ...
    @property
    def procedure(self) -> Procedure: ...
    @property
    def spec_sha256(self) -> str: ...
    @property
    def applicant(self) -> Applicant: ...


TEMPLATES_FILE = Path(__file__).resolve().parent / "result_types.yaml"
CHECK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CHECK_LENGTH = 8
REVOKING_ROLES = (Role.APPROVER, Role.AGENCY_ADMIN)


@dataclass(frozen=True)
class Template:
    code: str
    title: str
    abbreviation: str
    rows: tuple[tuple[str, str], ...]  # (label, value path)
    all_form_fields: bool
    valid_from: str
    valid_years: int


@lru_cache(maxsize=1)
def templates() -> dict[str, Template]:
    raw = yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))
    return {
        code: Template(
            code=code,
            title=str(entry["title"]),
            abbreviation=str(entry["abbreviation"]),
            rows=tuple((str(row["label"]), str(row["value"])) for row in entry.get("rows", [])),
            all_form_fields=bool(entry.get("form")),
            valid_from=str(entry.get("valid_from", "")),
            valid_years=int(entry.get("valid_years", 0)),
        )
        for code, entry in raw.items()
    }


def template_for(result_type: str) -> Template:
    try:
        return templates()[result_type]
    except KeyError:
        raise MotcuaError(f"No result template for {result_type!r} (documents/result_types.yaml).") from None


def initials(name: str) -> str:
    """ "Nguyễn Thị Ánh" → "N. T. Á." (what the public verifier shows of a holder)."""
    return " ".join(f"{part[0].upper()}." for part in name.split() if part)


def _spec(dossier: ResultSubject) -> ProcedureDefinition:
    """The spec version the dossier was filed under (ADR 0039): its labels, not today's."""
    return definition(dossier.procedure, dossier.spec_sha256)


def _display(fields: Mapping[str, FieldSpec], name: str, value: Any) -> str:
    """A form value as the document prints it: dates as dd/mm/yyyy, choices by their Vietnamese
    label, booleans as Có/Không."""
    prop = fields.get(name) or FieldSpec()
    if value in (None, "", []):
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if prop.format == "date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if prop.enum is not None:
        with translation.override("vi"):
            return enum_label(prop, value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _value(dossier: ResultSubject, path: str) -> str:
    source, _sep, name = path.partition(".")
    spec = _spec(dossier)
    if source == "entries":
        return _display(spec.fields, name, dossier.entries.get(name))
    if source == "result":
        return _display(spec.result_fields, name, dossier.result.get(name))
    if source == "holder":
        return str(
            getattr(
                dossier.applicant,
                {"name": "name", "personal_id": "personal_id", "enterprise_code": "enterprise_code"}.get(
                    name, ""
                ),
                "",
            )
            or ""
        )
    return ""


def rows_for(dossier: ResultSubject, template: Template) -> list[tuple[str, str]]:
    if template.all_form_fields:
        spec = _spec(dossier)
        found = [
            (prop.title_vi or name, _display(spec.fields, name, dossier.entries.get(name)))
            for name, prop in spec.fields.items()
        ]
        found += [
            (prop.title_vi or name, _value(dossier, f"result.{name}"))
            for name, prop in spec.result_fields.items()
        ]
    else:
        found = [(label, _value(dossier, path)) for label, path in template.rows]
    return [(label, value) for label, value in found if value]


def _valid_until(dossier: ResultSubject, template: Template) -> datetime.date | None:
    if not template.valid_years or not template.valid_from:
        return None
    source, _sep, name = template.valid_from.partition(".")
    raw = dossier.entries.get(name) if source == "entries" else None
    try:
        start = datetime.date.fromisoformat(str(raw))
    except ValueError:
        return None
    try:
        return start.replace(year=start.year + template.valid_years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + template.valid_years, day=28)


def verify_url(number: str, check_code: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL.rstrip('/')}/xac-minh/?{urlencode({'so': number, 'ma': check_code})}"


def _parent_name(agency: Agency) -> str:
    """The line over the agency's name: its province (national agencies have none)."""
    return agency.province.full_name if agency.province is not None else ""


def issue_result(
    *, actor: OfficialActor, dossier: ResultSubject, on_written: Callable[[str], None]
) -> ResultDocument:
    """Render, sign and keep the dossier's result (in the approval's transaction).

    ``on_written`` receives the stored file's name as soon as its bytes are on disk, so the
    caller can remove them if its transaction rolls back."""
    result_spec = _spec(dossier).result
    template = template_for(result_spec.type if result_spec is not None else "")
    agency = Agency.objects.select_related("province", "commune").get(code=dossier.agency_code)
    approver = User.objects.get(pk=actor.user_id)
    number = f"{dossier.code}/{template.abbreviation}"
    check_code = "".join(secrets.choice(CHECK_ALPHABET) for _ in range(CHECK_LENGTH))
    issued_on = timezone.localdate()
    url = verify_url(number, check_code)
    place = agency.province.name if agency.province is not None else ""
    page = rendering.Page(
        agency_name=agency.name,
        parent_name=_parent_name(agency),
        number=number,
        place=place,
        issued_on=issued_on,
        title=template.title,
        rows=rows_for(dossier, template),
        holder=initials(dossier.applicant.name),
        verify_url=url,
        signer_note=(
            f"Văn bản điện tử có chữ ký số của {agency.name}. "
            f"Người ký duyệt: {approver.full_name}. Mã xác minh: {check_code}."
        ),
        pdf_title=f"{template.title} số {number}",
    )
    signed = signing.sign_pdf(
        rendering.render(page),
        agency_code=agency.code,
        agency_name=agency.name,
        reason=f"Phê duyệt và ký số kết quả hồ sơ {dossier.code}; người duyệt: {approver.full_name}",
        location=place or agency.name,
    )
    stored = storage.store([signed.data], from_outside=False)  # our own signed PDF
    on_written(stored.storage_name)
    file = StoredFile.objects.create(
        owner=dossier.applicant,
        original_name=f"{template.abbreviation}-{dossier.code}.pdf",
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
    result = ResultDocument.objects.create(
        number=number,
        check_code=check_code,
        result_type=template.code,
        title=template.title,
        dossier_id=dossier.pk,
        holder=dossier.applicant,
        agency_code=agency.code,
        agency_name=agency.name,
        file=file,
        digest=signed.digest,
        signed_at=signed.signed_at,
        certificate_serial=signed.certificate_serial,
        certificate_subject=signed.certificate_subject[:500],
        approved_by=approver,
        issued_on=issued_on,
        valid_until=_valid_until(dossier, template),
    )
    record_change(
        actor=actor,
        type=DocumentEvent.RESULT_ISSUED,
        subject_type=DocumentSubject.RESULT,
        subject_id=str(result.public_id),
        agency_code=agency.code,
        changes={"status": [None, "valid"]},
        payload={
            "dossier": dossier.code,
            "number": number,
            "result_type": template.code,
            "certificate_serial": signed.certificate_serial,
            "signed_at": signed.signed_at.isoformat(),
        },
    )
    return result


def revoke_result(*, actor: OfficialActor, public_id: str, reason: str) -> ResultDocument:
    """Revoke a result the actor's agency issued (its leader or administrator), with the reason
    the verifier will show. Revoking again changes nothing."""
    from motcua.documents import selectors

    reason = clean_text(reason.strip(), field="reason", max_length=1000)
    if not reason:
        raise MotcuaError(_("Give the reason for revoking: anyone verifying the document will read it."))
    with transaction.atomic():
        result = selectors.get_issued_result(actor, public_id, for_update=True)
        if not actor.has_role(*REVOKING_ROLES, agency_code=result.agency_code):
            raise Forbidden(_("Only the agency's leader or administrator may revoke its results."))
        if result.revoked_at is not None:
            return result
        result.revoked_at = timezone.now()
        result.revoked_by_id = actor.user_id
        result.revocation_reason = reason[:1000]
        result.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        record_change(
            actor=actor,
            type=DocumentEvent.RESULT_REVOKED,
            subject_type=DocumentSubject.RESULT,
            subject_id=str(result.public_id),
            agency_code=result.agency_code,
            changes={"status": ["valid", "revoked"]},
            payload={"number": result.number},
        )
    return result
