"""The figures the pages read, precomputed per scope and period (``Summary``, ADR 0059).

A summary is a function of its scope's counters for the period and of the catalog's measures
(``selectors.figures_of``). The outbox handler refreshes the summaries of the scopes and periods
whose counters an event changed, in the same savepoint (``refresh``); ``motcua metrics
recompute`` writes them all from the rebuilt counters (``rebuild``). The test of incremental ==
recomputed figures compares these rows too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import connection
from django.db.models import Q

from motcua.metrics import selectors
from motcua.metrics.models import Counter, Summary
from motcua.metrics.periods import Period

SummaryKey = tuple[str, str, str, datetime.date]  # scope kind, scope code, period kind, period start
CounterKey = tuple[str, str, str, datetime.date, str]

# one lock for the handler on PostgreSQL, held to the end of the delivery's transaction: a summary
# is read from counters that concurrent deliveries may be changing (the last to commit must have
# read every other's changes); SQLite serialises writers anyway
LOCK_ID = 766_0059


def lock() -> None:
    """Serialise the handler's deliveries (taken before any counter is written, so that two
    deliveries never wait on each other's counter rows and on the lock at once)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def summary_of(key: SummaryKey, values: Mapping[str, int]) -> Summary | None:
    """The row of one scope and period from its counter values; None when they are all zero."""
    values = {name: value for name, value in values.items() if value}
    if not values:
        return None
    scope, period = selectors.Scope(key[0], key[1]), Period(key[2], key[3])
    report = selectors.build_report(scope, period, values)
    return Summary(
        scope_kind=key[0],
        scope_code=key[1],
        period_kind=key[2],
        period_start=key[3],
        total=report.total,
        figures={
            r.indicator.id: [r.figure.numerator, r.figure.denominator]
            for g in report.groups
            for r in g.results
            if r.figure is not None
        },
        values=report.values,
    )


def _write(rows: list[Summary], gone: list[SummaryKey]) -> None:
    if rows:
        Summary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["scope_kind", "period_kind", "period_start", "scope_code"],
            update_fields=["total", "figures", "values"],
        )
    if gone:
        Summary.objects.filter(_matching(gone)).delete()


def _matching(keys: Iterable[SummaryKey]) -> Q:
    query = Q()
    for kind, code, period_kind, start in keys:
        query |= Q(scope_kind=kind, scope_code=code, period_kind=period_kind, period_start=start)
    return query


def refresh(keys: set[SummaryKey]) -> None:
    """Rewrite the summaries of these scopes and periods from their counters (the handler's
    work, after it has added an event's changes to the counters)."""
    if not keys:
        return
    values: dict[SummaryKey, dict[str, int]] = {key: {} for key in keys}
    # one clause per scope (a handful), not per scope and period: the few rows of other periods
    # it also reads are dropped below
    query = Q()
    for kind, code in sorted({key[:2] for key in keys}):
        query |= Q(
            scope_kind=kind,
            scope_code=code,
            period_kind__in=sorted({key[2] for key in keys}),
            period_start__in=sorted({key[3] for key in keys}),
        )
    for kind, code, period_kind, start, name, value in (
        Counter.objects.filter(query)
        .exclude(value=0)
        .values_list("scope_kind", "scope_code", "period_kind", "period_start", "key", "value")
    ):
        wanted = values.get((kind, code, period_kind, start))
        if wanted is not None:
            wanted[name] = value
    rows, gone = [], []
    for key in sorted(keys):
        row = summary_of(key, values[key])
        if row is None:
            gone.append(key)
        else:
            rows.append(row)
    _write(rows, gone)


def rebuild(counters: Mapping[CounterKey, int]) -> int:
    """Replace every summary by those of these counters (the recompute's, or the table's)."""
    grouped: dict[SummaryKey, dict[str, int]] = {}
    for (kind, code, period_kind, start, name), value in counters.items():
        if value:
            grouped.setdefault((kind, code, period_kind, start), {})[name] = value
    Summary.objects.all().delete()
    rows = [row for key in sorted(grouped) if (row := summary_of(key, grouped[key])) is not None]
    Summary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rebuild_from_counters() -> int:
    """Rewrite every summary from the counters as they stand (after a catalog change: the
    catalog's measures enter the figures; no event replay needed)."""
    selectors.clear_catalog_measures()
    counters = {
        (kind, code, period_kind, start, name): value
        for kind, code, period_kind, start, name, value in Counter.objects.exclude(value=0).values_list(
            "scope_kind", "scope_code", "period_kind", "period_start", "key", "value"
        )
    }
    return rebuild(counters)
