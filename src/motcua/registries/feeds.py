"""The registries' change feeds (ADR 0063): recording a change, and serving a registry's changes
after a cursor.

``record`` is called in the transaction that changes the records (a signed write's writer, the
world's ``advance``): it locks the registry's ``FeedHead``, numbers the change ``last_seq + 1``
and links its hash to the head's, so the feed's order is the commit order, without gaps, and a
change exists if and only if the records changed. ``serve_feed`` answers a signed feed request
(``protocol.feeds.FeedRequest``) checked like a query (key, agency, audience, time window, the
policy's ``feeds`` grant, replay); every change it serves is also logged in the subject's chain,
so the person sees in "who used my data" that the platform read this change about them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from motcua.core.hashchain import canonical_time
from motcua.protocol import ExchangeErrorCode, ProtocolError, check_time
from motcua.protocol.feeds import FEED_KINDS, FeedRequest, change_hash
from motcua.registries import conf, log
from motcua.registries.models import Change, FeedHead, LogEntry, Outcome, WorldClock
from motcua.registries.policy import policy
from motcua.registries.selectors import KnownKey


def world_today() -> datetime.date:
    """The synthetic world's date: the real one, or later once ``advance`` has moved it on."""
    clock = WorldClock.objects.filter(pk=1).values_list("today", flat=True).first()
    real = timezone.localdate()
    return max(clock, real) if clock else real


def record(
    registry: str, kind: str, subject: str, *, occurred_on: datetime.date, data: Mapping[str, Any]
) -> Change:
    """Append one change to ``registry``'s feed; call it inside the transaction that made it."""
    if kind not in FEED_KINDS.get(registry, ()):
        raise ValueError(f"{registry} has no change kind {kind!r}.")
    head = FeedHead.objects.select_for_update().filter(registry=registry).first()
    if head is None:  # the migration creates every head; this covers a database made otherwise
        head = FeedHead.objects.create(registry=registry)
    change = Change(
        registry=registry,
        seq=head.last_seq + 1,
        kind=kind,
        subject_id=subject,
        occurred_on=occurred_on,
        recorded_at=timezone.now(),
        data=dict(data),
        prev_hash=head.last_hash,
    )
    change.change_hash = change_hash(as_message(change, with_hash=False))
    change.save()
    FeedHead.objects.filter(registry=registry).update(last_seq=change.seq, last_hash=change.change_hash)
    return change


def as_message(change: Change, *, with_hash: bool = True) -> dict[str, Any]:
    message: dict[str, Any] = {
        "registry": change.registry,
        "seq": change.seq,
        "kind": change.kind,
        "subject": change.subject_id,
        "occurred_on": change.occurred_on.isoformat(),
        "recorded_at": canonical_time(change.recorded_at),
        "data": change.data,
        "prev_hash": change.prev_hash,
    }
    if with_hash:
        message["hash"] = change.change_hash
    return message


def serve_feed(registry: str, entry: LogEntry, claims: dict[str, Any], known: KnownKey) -> tuple[str, Any]:
    """Check one verified feed request and answer the changes after its cursor."""
    if registry not in FEED_KINDS:
        raise ProtocolError(ExchangeErrorCode.UNKNOWN_REGISTRY, f"{registry!r} publishes no change feed.")
    request = FeedRequest.from_claims(claims)
    entry.request_id = request.request_id
    entry.legal_basis = request.legal_basis
    entry.purpose = request.purpose
    entry.detail = {"feed": {"after": request.after, "limit": request.limit}}
    if request.registry != registry:
        raise ProtocolError(ExchangeErrorCode.WRONG_AUDIENCE, f"The request is for {request.audience}.")
    check_time(request.issued_at, window_seconds=conf.request_window_seconds())
    policy().authorise_feed(registry=registry, legal_basis=request.legal_basis, agency_type=known.agency_type)
    if LogEntry.objects.filter(nonce=request.nonce).exists():
        raise ProtocolError(ExchangeErrorCode.REPLAY, "This nonce was already used: the request is a replay.")
    changes = list(
        Change.objects.filter(registry=registry, seq__gt=request.after).order_by("seq")[: request.limit]
    )
    last_seq = FeedHead.objects.filter(registry=registry).values_list("last_seq", flat=True).first() or 0
    for change in changes:  # each change served is a use of that person's data: in their chain
        log.append(
            LogEntry(
                chain=registry,
                outcome=Outcome.SERVED,
                agency_code=known.agency_code,
                key_id=known.kid,
                is_verified=True,
                procedure_code="",
                purpose=request.purpose,
                legal_basis=request.legal_basis,
                subject_id=change.subject_id,
                fields=[f"changes.{change.kind}"],
                request_id=request.request_id,
                request_digest=entry.request_digest,
                detail={"feed_seq": change.seq, "kind": change.kind},
            )
        )
    entry.detail["feed"]["served"] = len(changes)
    entry.outcome = Outcome.SERVED
    return "ok", {"changes": [as_message(change) for change in changes], "last_seq": last_seq}
