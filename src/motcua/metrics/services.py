"""Writes of the metrics app: folding one event into the figures (the outbox handler's work),
rebuilding every figure from the event log, and the steering targets.

``apply_event`` runs inside the dispatcher's savepoint with the ``EventDelivery`` row that proves
it ran, so each event changes the figures exactly once; it is also idempotent by itself (a fact
remembers the last event folded into it). ``recompute`` replays the same folds in event order,
in memory, and writes the counters afresh: the test suite proves both give the same rows.
"""

from __future__ import annotations

import datetime
from collections import Counter as Tally
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.actors import Actor
from motcua.core.errors import Forbidden, MotcuaError
from motcua.core.models import Event
from motcua.core.services import record_change
from motcua.identity.actors import OfficialActor
from motcua.metrics import facts, selectors, steering, summaries
from motcua.metrics.events import MetricsEvent, MetricsSubject
from motcua.metrics.indicators import INDICATORS
from motcua.metrics.models import Counter, DossierFact, PeriodKind, PetitionFact, ScopeKind, Target

CounterKey = tuple[str, str, str, datetime.date, str]

HANDLED_EVENTS = (
    *[str(kind) for kind in facts.DOSSIER_EVENTS],
    *facts.PAYMENT_EVENTS,
    *facts.DOSSIER_FEEDBACK_EVENTS,
    *facts.PETITION_EVENTS,
)


def _dossier_tally(fact: DossierFact) -> Tally[CounterKey]:
    return Tally(
        dict(
            facts.by_scope(
                facts.dossier_contributions(fact.data),
                facts.dossier_scopes(fact.agency_code, fact.sector_code),
            )
        )
    )


def _petition_scopes(fact: PetitionFact) -> list[tuple[str, str]]:
    return facts.dossier_scopes(fact.agency_code, fact.sector_code)


def _petition_tally(fact: PetitionFact) -> Tally[CounterKey]:
    return Tally(dict(facts.by_scope(facts.petition_contributions(fact.data), _petition_scopes(fact))))


def _add(delta: Tally[CounterKey]) -> None:
    rows = [(*key[:3], key[3].isoformat(), key[4], value) for key, value in delta.items() if value]
    if not rows:
        return
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (scope_kind, scope_code, period_kind, period_start, key, value) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (scope_kind, scope_code, period_kind, period_start, key) "
            f"DO UPDATE SET value = {table}.value + excluded.value",
            rows,
        )


def _difference(before: Tally[CounterKey], after: Tally[CounterKey]) -> Tally[CounterKey]:
    delta: Tally[CounterKey] = Tally()
    for key in before.keys() | after.keys():
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            delta[key] = change
    return delta


# --- folding, shared by the handler and the rebuild ---------------------------------------------


def _new_dossier_fact(event: Event) -> DossierFact:
    procedure = str(event.payload.get("procedure", ""))
    return DossierFact(
        dossier_code=event.subject_id,
        dossier_id=facts.dossier_id_for(event.subject_id),
        procedure_code=procedure,
        sector_code=facts.procedure_info(procedure).sector_code,
        agency_code=str(event.payload.get("agency") or event.agency_code),
        data={},
    )


def _fold_into_dossier(fact: DossierFact, event: Event) -> None:
    if facts.is_dossier_event(event):
        fact.data = facts.fold_dossier_event(fact.data, event)
        fact.agency_code = str(fact.data.get("agency") or fact.agency_code)
    elif event.type in facts.PAYMENT_EVENTS:
        fact.data = facts.fold_payment_event(fact.data, event)
    elif event.type in facts.DOSSIER_FEEDBACK_EVENTS:
        fact.data = facts.fold_rating_event(fact.data, event)
    fact.commune_code, fact.province_code = facts.agency_units(fact.agency_code)
    fact.last_event_id = event.pk


def _new_petition_fact(event: Event) -> PetitionFact:
    procedure = event.payload.get("procedure_code")
    return PetitionFact(
        petition_id=int(event.payload["petition_id"]),
        agency_code=event.agency_code,
        sector_code=facts.procedure_info(str(procedure)).sector_code if procedure else "",
        data={},
    )


def _dossier_code_of(event: Event) -> str | None:
    if facts.is_dossier_event(event):
        return event.subject_id
    if event.type in facts.PAYMENT_EVENTS:
        return event.payload.get("dossier_code") or None
    return None


class _Store:
    """Where folds read and write facts: the database (the handler) or memory (the rebuild)."""

    needs_delta = True  # the rebuild sums the final facts: it needs no before/after tallies

    def dossier(self, *, code: str | None = None, dossier_id: int | None = None) -> DossierFact | None:
        raise NotImplementedError

    def petition(self, petition_id: int) -> PetitionFact | None:
        raise NotImplementedError

    def changed(
        self, fact: DossierFact | PetitionFact, before: Tally[CounterKey], after: Tally[CounterKey]
    ) -> None:
        raise NotImplementedError


def _fold(event: Event, store: _Store) -> None:
    """Fold one event into its fact (and, through it, into the counters)."""
    if event.type in facts.PETITION_EVENTS:
        _fold_petition(event, store)
        return
    code = _dossier_code_of(event)
    if event.type in facts.DOSSIER_FEEDBACK_EVENTS:
        fact = store.dossier(
            code=event.payload.get("dossier_code"), dossier_id=event.payload.get("dossier_id")
        )
    elif code is None:
        return
    else:
        fact = store.dossier(code=code)
    if fact is None:
        if event.type != "dossiers.submitted":
            return  # a dossier the figures never saw received (before the app existed): recompute
        fact = _new_dossier_fact(event)
    elif event.pk <= fact.last_event_id:
        return  # folded already
    delta = store.needs_delta
    before = _dossier_tally(fact) if fact.data and delta else Tally()
    _fold_into_dossier(fact, event)
    store.changed(fact, before, _dossier_tally(fact) if delta else Tally())


def _fold_petition(event: Event, store: _Store) -> None:
    petition_id = event.payload.get("petition_id")
    if petition_id is None:
        return
    fact = store.petition(int(petition_id))
    if fact is None:
        if event.type != facts.PETITION_RECEIVED:
            return
        fact = _new_petition_fact(event)
    elif event.pk <= fact.last_event_id:
        return
    delta = store.needs_delta
    before = _petition_tally(fact) if fact.data and delta else Tally()
    fact.data = facts.fold_petition_event(fact.data, event)
    fact.commune_code, fact.province_code = facts.agency_units(fact.agency_code)
    fact.last_event_id = event.pk
    store.changed(fact, before, _petition_tally(fact) if delta else Tally())
    # 5.4 counts dossiers with a petition about them
    dossier_id = event.payload.get("dossier_id") if event.type == facts.PETITION_RECEIVED else None
    if dossier_id is not None:
        dossier = store.dossier(dossier_id=int(dossier_id))
        if dossier is not None and dossier.data:
            before = _dossier_tally(dossier) if delta else Tally()
            dossier.data = {**dossier.data, "petitions": int(dossier.data.get("petitions") or 0) + 1}
            store.changed(dossier, before, _dossier_tally(dossier) if delta else Tally())


class _DatabaseStore(_Store):
    def dossier(self, *, code: str | None = None, dossier_id: int | None = None) -> DossierFact | None:
        rows = DossierFact.objects.select_for_update()
        if code:
            return rows.filter(dossier_code=code).first()
        if dossier_id is not None:
            return rows.filter(dossier_id=dossier_id).first()
        return None

    def petition(self, petition_id: int) -> PetitionFact | None:
        return PetitionFact.objects.select_for_update().filter(petition_id=petition_id).first()

    def changed(
        self, fact: DossierFact | PetitionFact, before: Tally[CounterKey], after: Tally[CounterKey]
    ) -> None:
        fact.save()
        delta = _difference(before, after)
        _add(delta)
        summaries.refresh({key[:4] for key in delta})


def apply_event(event: Event) -> None:
    """The outbox handler's work for one event (in the dispatcher's savepoint)."""
    with transaction.atomic():
        if event.type in HANDLED_EVENTS:
            summaries.lock()
        _fold(event, _DatabaseStore())


# --- the rebuild --------------------------------------------------------------------------------


class _MemoryStore(_Store):
    needs_delta = False

    def __init__(self) -> None:
        self.dossiers: dict[str, DossierFact] = {}
        self.by_id: dict[int, DossierFact] = {}
        self.petitions: dict[int, PetitionFact] = {}

    def dossier(self, *, code: str | None = None, dossier_id: int | None = None) -> DossierFact | None:
        if code:
            return self.dossiers.get(code)
        return self.by_id.get(dossier_id) if dossier_id is not None else None

    def petition(self, petition_id: int) -> PetitionFact | None:
        return self.petitions.get(petition_id)

    def changed(
        self, fact: DossierFact | PetitionFact, before: Tally[CounterKey], after: Tally[CounterKey]
    ) -> None:
        if isinstance(fact, DossierFact):
            self.dossiers[fact.dossier_code] = fact
            if fact.dossier_id is not None:
                self.by_id[fact.dossier_id] = fact
        else:
            self.petitions[fact.petition_id] = fact


def _events(batch: int = 2000) -> Iterable[Event]:
    last = 0
    while True:
        chunk = list(Event.objects.filter(pk__gt=last, type__in=HANDLED_EVENTS).order_by("pk")[:batch])
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].pk


@transaction.atomic
def recompute(*, actor: Actor, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Rebuild every fact and counter from the event log, in one transaction (readers see the old
    figures until it commits). Events already folded by the handler are the same events: the
    result equals the incremental figures."""
    facts.clear_caches()
    store = _MemoryStore()
    seen = 0
    for event in _events():
        _fold(event, store)
        seen += 1
        if progress and seen % 10000 == 0:
            progress(seen)
    totals: Tally[CounterKey] = Tally()
    for dossier in store.dossiers.values():
        totals.update(_dossier_tally(dossier))
    for petition in store.petitions.values():
        totals.update(_petition_tally(petition))
    Counter.objects.all().delete()
    DossierFact.objects.all().delete()
    PetitionFact.objects.all().delete()
    DossierFact.objects.bulk_create(store.dossiers.values(), batch_size=1000)
    PetitionFact.objects.bulk_create(store.petitions.values(), batch_size=1000)
    Counter.objects.bulk_create(
        (
            Counter(scope_kind=k[0], scope_code=k[1], period_kind=k[2], period_start=k[3], key=k[4], value=v)
            for k, v in totals.items()
            if v
        ),
        batch_size=2000,
    )
    summary = {
        "events": seen,
        "dossiers": len(store.dossiers),
        "petitions": len(store.petitions),
        "counters": len(totals),
        "summaries": summaries.rebuild(totals),
    }
    record_change(
        actor=actor,
        type=MetricsEvent.RECOMPUTED,
        subject_type=MetricsSubject.FIGURES,
        subject_id="766",
        payload=summary,
    )
    return summary


# --- steering targets (Plan 02) -----------------------------------------------------------------


@transaction.atomic
def set_target(
    *,
    actor: Actor,
    scope_kind: str,
    scope_code: str,
    period_kind: str,
    period_start: datetime.date,
    indicator: str,
    target_percent: Decimal,
    leader_name: str,
    due_on: datetime.date,
) -> Target:
    """Set (or change) one target. An official must be the scope's supervising level
    (``steering.may_set_target``): Forbidden otherwise."""
    if isinstance(actor, OfficialActor) and not steering.may_set_target(
        actor, selectors.Scope(scope_kind, scope_code)
    ):
        raise Forbidden(_("Only the supervising level sets this scope's targets."))
    if indicator not in INDICATORS or not INDICATORS[indicator].computable:
        raise MotcuaError(_("Choose an indicator the platform computes."))
    if not Decimal(0) <= target_percent <= Decimal(100):
        raise MotcuaError(_("A target is a percentage between 0 and 100."))
    leader_name = leader_name.strip()
    if not leader_name:
        raise MotcuaError(_("Name the leader responsible for the target."))
    if scope_kind not in ScopeKind.values or period_kind not in PeriodKind.values:
        raise MotcuaError(_("Choose a scope and a period."))
    target = (
        Target.objects.select_for_update()
        .filter(
            scope_kind=scope_kind,
            scope_code=scope_code,
            period_kind=period_kind,
            period_start=period_start,
            indicator=indicator,
        )
        .first()
    )
    old: dict[str, Any] = {}
    if target is None:
        target = Target(
            scope_kind=scope_kind,
            scope_code=scope_code,
            period_kind=period_kind,
            period_start=period_start,
            indicator=indicator,
        )
    else:
        old = {
            "target_percent": str(target.target_percent),
            "leader_name": target.leader_name,
            "due_on": target.due_on.isoformat(),
        }
    target.target_percent = target_percent
    target.leader_name = leader_name
    target.due_on = due_on
    target.set_by = f"{actor.actor_kind}:{actor.actor_id}"
    target.updated_at = timezone.now()
    target.save()
    new = {"target_percent": str(target_percent), "leader_name": leader_name, "due_on": due_on.isoformat()}
    record_change(
        actor=actor,
        type=MetricsEvent.TARGET_SET,
        subject_type=MetricsSubject.TARGET,
        subject_id=target.pk,
        changes={key: [old.get(key), value] for key, value in new.items() if key != "leader_name"},
        payload={
            "scope": f"{scope_kind}:{scope_code}",
            "period": f"{period_kind}:{period_start.isoformat()}",
            "indicator": indicator,
        },
    )
    return target
