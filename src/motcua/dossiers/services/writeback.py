"""What an approved result writes back to the registries (ADR 0043, 0061): the spec's ``writes``
made concrete for one dossier, and sent.

- A ``before_result`` write (birth registration: the civil-status record and the child's
  personal ID number) is sent at approval, **before** the approving transaction, by
  ``write_before_result``; the approval waits for the answer (the exchange client's timeout),
  and the answer fills the result fields the spec's ``returns`` name (the official types none).
  Its request id is derived from the dossier and the write's content, so an approval that rolls
  back and is taken again gets the registry's kept answer (the same number), never a second
  child. A refusal or no answer stops the approval with the registry's reason; the dossier stays
  at approval, to be approved again or sent back. The answered write is kept as done in the
  approving transaction (``record``).
- An ``after_approval`` write (a residence, a death, a marriage) is queued in the approving
  transaction (``queue``) and sent after commit through the outbox, with retries; a refused or
  undelivered one waits for an official at ``/can-bo/ghi-du-lieu/``.

An agency that is not connected to the exchange (no active signing key) writes nothing, and its
officials enter what the registry would have answered, as the provinces without the connection
did (domain notes, part E [V]: the officer asked the police for the number and wrote it in).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.typed import ProcedureDefinition, WriteSpec
from motcua.core.actors import Actor
from motcua.core.errors import Conflict
from motcua.dossiers.errors import DossierErrorCode
from motcua.dossiers.models import Dossier
from motcua.exchange import writes
from motcua.exchange.client import PullStatus
from motcua.exchange.models import RegistryWrite
from motcua.exchange.sources import value_at
from motcua.protocol import WriteRequest, body_digest

# request ids of the writes a dossier's approval makes: uuid5 of the dossier, the write and its body
WRITE_NAMESPACE = uuid.UUID("6f1d3c1e-21a0-4d61-9a61-0b1e7e5a0061")


class WriteNotMade(Conflict):
    """A write the approval waits for was refused or not answered: nothing was approved."""

    def __init__(self, registry: str, code: str, message: str) -> None:
        super().__init__(
            _(
                "The %(registry)s registry did not record the result (%(code)s: %(message)s). "
                "Nothing was approved."
            )
            % {"registry": registry, "code": code, "message": message},
            code=DossierErrorCode.REGISTRY_WRITE,
        )


@dataclass
class WrittenBack:
    """What the writes before the result answered: the result fields they fill, and the writes."""

    result: dict[str, Any] = field(default_factory=dict)
    sent: list[writes.SentWrite] = field(default_factory=list)


def register_number(dossier: Dossier) -> str:
    """The registration's number in the commune's register: commune, day and sequence of the
    dossier's code (``UBND.00004-261207-0001`` at commune 00004: ``00004-261207-0001``)."""
    day_and_sequence = "-".join(dossier.code.rsplit("-", 2)[-2:])
    return f"{dossier.commune_code}-{day_and_sequence}"[:20]


def value_of(source: str, dossier: Dossier, day: datetime.date) -> Any:
    """The value of one write source for ``dossier`` decided on ``day`` (None or "" when empty)."""
    if source.startswith("const:"):
        return source.removeprefix("const:")
    kind, _sep, rest = source.partition(".")
    if kind == "form":
        return dossier.entries.get(rest)
    if kind == "result":
        return dossier.result.get(rest)
    if kind == "data":
        component, _sep, path = rest.partition(".")
        fetched = dossier.fetched.get(component)
        return value_at(fetched, path) if fetched is not None else None
    fixed = {
        "applicant.personal_id": lambda: dossier.applicant.personal_id,
        "dossier.code": lambda: dossier.code,
        "dossier.register_number": lambda: register_number(dossier),
        "dossier.commune_code": lambda: dossier.commune_code,
        "dossier.decided_on": day.isoformat,
    }
    return fixed[source]() if source in fixed else None


def build_request(
    spec: ProcedureDefinition, write: WriteSpec, dossier: Dossier, day: datetime.date
) -> WriteRequest | None:
    """The signed write this dossier's approval makes, or None when no subject source has a value
    (the form left it out: there is nobody to write about)."""
    subject = next((str(v) for v in (value_of(s, dossier, day) for s in write.subject) if v), "")
    if not subject:
        return None
    body = {
        name: value
        for name, source in write.body.items()
        if (value := value_of(source, dossier, day)) not in (None, "")
    }
    index = spec.writes.index(write)
    key = f"{dossier.public_id}:{index}:{write.registry}.{write.operation}:{subject}:{body_digest(body)}"
    return WriteRequest(
        agency=dossier.agency_code,
        registry=write.registry,
        procedure=dossier.procedure.code,
        dossier=dossier.code,
        purpose=write.purpose.vi or write.operation,
        legal_basis=write.legal_basis_code,
        subject=subject,
        operation=write.operation,
        body=body,
        request_id=str(uuid.uuid5(WRITE_NAMESPACE, key)),
        requester=dossier.applicant.personal_id or "",
    )


def filled_by_registry(spec: ProcedureDefinition, dossier: Dossier, day: datetime.date) -> frozenset[str]:
    """The result fields a registry will fill when this dossier is approved (the approval page
    does not ask for them): none when the agency is not connected or a write has no subject."""
    wanted = [write for write in spec.writes if write.before_result and write.returns]
    if not wanted or not writes.agency_can_write(dossier.agency_code):
        return frozenset()
    return frozenset(
        name
        for write in wanted
        if build_request(spec, write, dossier, day) is not None
        for name in write.returns
    )


def write_before_result(spec: ProcedureDefinition, dossier: Dossier, day: datetime.date) -> WrittenBack:
    """Send the spec's ``before_result`` writes for ``dossier`` now (outside any transaction) and
    return the result fields their answers fill; ``WriteNotMade`` when one is refused or not
    answered. Nothing is sent by an agency not connected to the exchange."""
    written = WrittenBack()
    wanted = [write for write in spec.writes if write.before_result]
    if not wanted or not writes.agency_can_write(dossier.agency_code):
        return written
    for write in wanted:
        request = build_request(spec, write, dossier, day)
        if request is None:
            continue
        sent = writes.send_now(request)
        if sent.status != PullStatus.OK:
            code = sent.error_code or str(sent.status)
            message = sent.error_message or (
                _("The registry holds no such person.") if sent.status == PullStatus.NOT_FOUND else ""
            )
            raise WriteNotMade(write.registry, code, message)
        data = sent.data if isinstance(sent.data, Mapping) else {}
        for name, path in write.returns.items():
            value = value_at(data, path)
            if value in (None, ""):
                raise WriteNotMade(write.registry, "invalid_response", f"the answer has no {path}")
            written.result[name] = value
        written.sent.append(sent)
    return written


def record(
    *, actor: Actor, spec: ProcedureDefinition, dossier: Dossier, day: datetime.date, written: WrittenBack
) -> list[RegistryWrite]:
    """In the approving transaction: keep the writes already answered, queue the others (sent
    after commit through the outbox). The registry writes of this approval, in spec order."""
    kept = [writes.record_sent(actor=actor, sent=sent) for sent in written.sent]
    for write in spec.writes:
        if write.before_result:
            continue
        request = build_request(spec, write, dossier, day)
        if request is None or not writes.agency_can_write(dossier.agency_code):
            continue
        kept.append(
            writes.queue_write(
                actor=actor,
                registry=request.registry,
                operation=request.operation,
                subject=request.subject,
                body=request.body,
                agency_code=request.agency,
                procedure_code=request.procedure,
                dossier_ref=request.dossier,
                legal_basis_code=request.legal_basis,
                purpose=request.purpose,
                request_id=request.request_id,
            )
        )
    return kept
