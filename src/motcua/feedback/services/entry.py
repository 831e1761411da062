"""Petitions received by letter, by phone or in person, entered by an official of the agency on
the petitioner's behalf (Decision 31/2021 Art. 43(2) [M]; ADR 0058 for the contact's news).

The official records how it came (``channel``), the petitioner's name and contact (an e-mail
address or a phone number: as for a petition sent without an account), what it is about, and for
a letter its scans (PDF, PNG or JPEG, checked, PDFs made safe, the size limit: the same rules as
every upload, ``documents.storage``). It is received for the official's agency, where they hold a
reception, handling or agency-admin role; from there it follows the same steps and deadlines as a
petition sent online (the clock starts on the day it is entered), and the agency may transfer it.
The petitioner gets the code and the key (on the receipt, or read out by phone) to follow it and to
ask for its news by e-mail or SMS. The audit records the official; the event, the channel.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Forbidden
from motcua.core.inputs import InvalidText
from motcua.documents import storage
from motcua.feedback.models import STAFF_CHANNELS, PetitionChannel, PetitionScan
from motcua.feedback.services.petitions import MAX_ATTACHMENTS, Sent, send_petition
from motcua.identity.actors import OfficialActor
from motcua.identity.models import Role

# who may enter a petition received on paper, by phone or in person
ENTRY_ROLES = (Role.RECEPTION, Role.HANDLER, Role.AGENCY_ADMIN)


@dataclass(frozen=True)
class Scan:
    file_name: str
    chunks: Iterable[bytes]
    size: int | None = None


def entry_agencies(actor: OfficialActor) -> list[str]:
    """The agencies the official may enter petitions for."""
    return sorted(actor.agency_codes(*ENTRY_ROLES))


def record_petition(
    *,
    actor: OfficialActor,
    agency_code: str,
    channel: str,
    category: str,
    subject: str,
    content: str,
    contact_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    procedure_code: str = "",
    scans: Sequence[Scan] = (),
    submission_key: uuid.UUID | None = None,
) -> Sent:
    """Enter a petition received by ``channel`` for ``agency_code``. Everything is checked before
    anything is kept; the scans' bytes are removed again if the petition is refused. A repeated
    entry with the same ``submission_key`` returns the first."""
    if not actor.has_role(*ENTRY_ROLES, agency_code=agency_code):
        raise Forbidden(_("Your role at this agency does not allow entering petitions."))
    fields: dict[str, str] = {}
    if channel not in STAFF_CHANNELS:
        fields["channel"] = _("Choose how the petition was received.")
    if len(scans) > MAX_ATTACHMENTS:
        fields["attachments"] = _("Attach at most %(count)d files.") % {"count": MAX_ATTACHMENTS}
    if scans and channel != PetitionChannel.LETTER:
        fields["attachments"] = _("Only a letter is scanned.")
    if fields:
        raise InvalidText(fields)
    stored: list[tuple[str, storage.StoredBytes]] = []
    try:
        for scan in scans:
            try:
                stored.append((scan.file_name, storage.store(scan.chunks, declared_size=scan.size)))
            except storage.UploadRejected as rejected:
                raise InvalidText({"attachments": rejected.message}) from rejected
        with transaction.atomic():
            sent = send_petition(
                actor=None,
                recorder=actor,
                channel=channel,
                category=category,
                subject=subject,
                content=content,
                procedure_code=procedure_code,
                agency_code=agency_code,
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
                submission_key=submission_key,
                scan_names=[storage.clean_file_name(name) for name, _kept in stored],
            )
            if sent.access_key:  # made now (not a repeated entry)
                for file_name, kept in stored:
                    PetitionScan.objects.create(
                        petition=sent.petition,
                        original_name=storage.clean_file_name(file_name),
                        content_type=kept.content_type,
                        size=kept.size,
                        sha256=kept.sha256,
                        storage_name=kept.storage_name,
                        scanned_by_id=actor.user_id,
                    )
            else:
                for _name, kept in stored:
                    storage.discard(kept.storage_name)
    except BaseException:
        for _name, kept in stored:
            storage.discard(kept.storage_name)
        raise
    return sent
