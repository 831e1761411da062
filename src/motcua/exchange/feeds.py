"""Reading the registries' change feeds (ADR 0063): the platform's consumer.

``consume`` reads one registry's changes after the stored cursor (``FeedCursor``), page by page,
signed by the portal's agency key under the policy's feed grant. Each page must continue the
chain the cursor holds (``protocol.feeds.check_chain``: no change left out, reordered or
altered), or nothing of it is accepted. An accepted page is stored in one transaction: one
``RegistryChange`` per change (unique per registry and seq), its audit entry and outbox event
(``exchange.change_received``, which the proactive rules handle), and the cursor moved to its
last change; the cursor row is locked, so two consumers never store the same page twice. So each
change is taken exactly once, and a registry that was down is caught up from where the cursor
stopped the next time (the periodic task runs every minute).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.actors import SYSTEM
from motcua.core.services import record_change
from motcua.exchange.client import PullStatus, default_client
from motcua.exchange.events import ExchangeEvent, ExchangeSubject
from motcua.exchange.keys import NoSigningKey, signing_key
from motcua.exchange.models import FeedCursor, RegistryChange
from motcua.protocol import ExchangeErrorCode, ProtocolError
from motcua.protocol.feeds import FEED_KINDS, FEED_PAGE, FeedRequest, check_chain

FEED_LEGAL_BASIS = "dvc-chu-dong"  # the registries' policy: proactive online public services [M]
FEED_PURPOSE = "Proactive services: offering people the services a life event calls for"
FEED_REGISTRIES = tuple(FEED_KINDS)


@dataclass
class ConsumeReport:
    registry: str
    received: int = 0
    pages: int = 0
    error_code: str = ""
    error_message: str = ""


def _failed(registry: str, code: str, message: str) -> None:
    with transaction.atomic():
        cursor, _created = FeedCursor.objects.select_for_update().get_or_create(registry=registry)
        first = not cursor.error_code
        cursor.error_code, cursor.error_message = code[:40], message[:500]
        cursor.updated_at = timezone.now()
        cursor.save(update_fields=["error_code", "error_message", "updated_at"])
        if first:  # one audit entry per outage, not one per minute
            record_change(
                actor=SYSTEM,
                type=ExchangeEvent.REGISTRY_FEED_FAILED,
                subject_type=ExchangeSubject.REGISTRY_FEED,
                subject_id=registry,
                payload={"error_code": cursor.error_code, "last_seq": cursor.last_seq},
            )


def _store(registry: str, after: int, changes: list[dict[str, Any]]) -> bool:
    """Store one checked page, if the cursor is still where the page starts; False otherwise."""
    with transaction.atomic():
        cursor, _created = FeedCursor.objects.select_for_update().get_or_create(registry=registry)
        if cursor.last_seq != after:  # another consumer stored it meanwhile
            return False
        for change in changes:
            row = RegistryChange.objects.create(
                registry=registry,
                seq=change["seq"],
                kind=str(change["kind"]),
                subject=str(change["subject"])[:16],
                occurred_on=change["occurred_on"],
                data=change.get("data") or {},
                change_hash=str(change["hash"]),
            )
            record_change(
                actor=SYSTEM,
                type=ExchangeEvent.REGISTRY_CHANGE_RECEIVED,
                subject_type=ExchangeSubject.REGISTRY_CHANGE,
                subject_id=row.pk,
                payload={"registry": registry, "seq": row.seq, "kind": row.kind},
            )
        now = timezone.now()
        if changes:
            cursor.last_seq, cursor.last_hash = changes[-1]["seq"], str(changes[-1]["hash"])
        cursor.last_read_at = cursor.updated_at = now
        cursor.error_code = cursor.error_message = ""
        cursor.save()
    return True


def consume(registry: str, *, max_pages: int = 50, page: int = FEED_PAGE) -> ConsumeReport:
    """Read ``registry``'s changes after the cursor, up to ``max_pages`` pages (never inside a
    transaction: the calls hold no lock)."""
    if registry not in FEED_KINDS:
        raise ValueError(f"{registry} publishes no change feed.")
    report = ConsumeReport(registry=registry)
    agency = str(_portal_agency())
    try:
        key = signing_key(agency)
    except NoSigningKey:
        _failed(registry, "no_signing_key", "The portal has no active exchange key.")
        report.error_code = "no_signing_key"
        return report
    while report.pages < max_pages:
        cursor, _created = FeedCursor.objects.get_or_create(registry=registry)
        request = FeedRequest(
            agency=agency,
            registry=registry,
            legal_basis=FEED_LEGAL_BASIS,
            purpose=FEED_PURPOSE,
            request_id=str(uuid.uuid4()),
            after=cursor.last_seq,
            limit=page,
        )
        outcome = default_client().feed(request, key)
        report.pages += 1
        if outcome.status != PullStatus.OK or not isinstance(outcome.data, dict):
            report.error_code = outcome.error_code or str(outcome.status)
            report.error_message = outcome.error_message
            _failed(registry, report.error_code, report.error_message)
            return report
        changes = outcome.data.get("changes")
        try:
            if not isinstance(changes, list):
                raise ProtocolError(
                    ExchangeErrorCode.INVALID_RESPONSE, "The answer carries no list of changes."
                )
            check_chain(changes, registry=registry, after=cursor.last_seq, last_hash=cursor.last_hash)
        except ProtocolError as exc:
            report.error_code, report.error_message = str(exc.code), exc.message
            _failed(registry, report.error_code, report.error_message)
            return report
        if _store(registry, cursor.last_seq, changes):
            report.received += len(changes)
        if len(changes) < page:
            break
    return report


def consume_all(*, max_pages: int = 50) -> list[ConsumeReport]:
    """Every feed, one after the other (the periodic task)."""
    return [consume(registry, max_pages=max_pages) for registry in FEED_REGISTRIES]


def _portal_agency() -> str:
    from motcua.exchange.services import portal_agency_code

    return portal_agency_code()
