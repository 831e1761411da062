"""Writes of the units app: (re)loading the administrative-unit map and its agencies."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction

from motcua.core import refdata
from motcua.core.actors import Actor
from motcua.core.services import record_change
from motcua.units.agencies import AgencyRow, agencies_for_commune, agencies_for_province
from motcua.units.dataset import DEFAULT_SOURCE, read_dataset
from motcua.units.events import UnitEvent, UnitSubject
from motcua.units.models import Agency, Commune, Province

M = TypeVar("M", bound=models.Model)
R = TypeVar("R")


@dataclass
class SyncCounts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


@dataclass
class ReloadReport:
    sha256: str
    provinces: SyncCounts = field(default_factory=SyncCounts)
    communes: SyncCounts = field(default_factory=SyncCounts)
    agencies: SyncCounts = field(default_factory=SyncCounts)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.provinces.changed or self.communes.changed or self.agencies.changed


def _sync(
    model: type[M],
    rows: Sequence[R],
    key: Callable[[R], str],
    values: Callable[[R], dict[str, Any]],
) -> SyncCounts:
    """Create, update or deactivate ``model`` rows (keyed on ``code``) to match ``rows``.

    Unchanged rows are not written. Rows missing from the source are deactivated, never
    deleted: dossiers and audit records keep referring to them. A row that reappears is
    reactivated.
    """
    counts = SyncCounts()
    existing: dict[str, Any] = {obj.code: obj for obj in model._default_manager.all()}  # type: ignore[attr-defined]
    to_create: list[M] = []
    to_update: list[M] = []
    update_fields: set[str] = set()
    for row in rows:
        wanted = {**values(row), "is_active": True}
        current = existing.pop(key(row), None)
        if current is None:
            to_create.append(model(code=key(row), **wanted))
            continue
        changed = [name for name, value in wanted.items() if getattr(current, name) != value]
        if changed:
            for name in changed:
                setattr(current, name, wanted[name])
            update_fields.update(changed)
            to_update.append(current)
    to_deactivate = [obj for obj in existing.values() if obj.is_active]
    for obj in to_deactivate:
        obj.is_active = False
    if to_deactivate:
        update_fields.add("is_active")
    model._default_manager.bulk_create(to_create, batch_size=1000)
    if to_update or to_deactivate:
        model._default_manager.bulk_update(
            [*to_update, *to_deactivate], sorted(update_fields), batch_size=1000
        )
    counts.created, counts.updated, counts.deactivated = len(to_create), len(to_update), len(to_deactivate)
    return counts


def _agency_rows(provinces: Iterable[Any], communes: Iterable[Any]) -> list[AgencyRow]:
    rows: list[AgencyRow] = []
    for province in provinces:
        rows.extend(agencies_for_province(province))
    for commune in communes:
        rows.extend(agencies_for_commune(commune))
    return rows


@transaction.atomic
def reload_units(*, actor: Actor, source: Path = DEFAULT_SOURCE) -> ReloadReport:
    """Load or reload provinces, communes and agencies from ``source``; idempotent.

    The whole file is validated first (``ReferenceDataError`` lists every problem); nothing
    is written unless it is valid. One audit entry and event record what changed.
    """
    dataset = read_dataset(source)
    report = ReloadReport(sha256=dataset.sha256)
    unit_fields = ("name", "name_en", "full_name", "full_name_en", "code_name", "unit_type")
    report.provinces = _sync(
        Province, dataset.provinces, lambda r: r.code, lambda r: {f: getattr(r, f) for f in unit_fields}
    )
    province_ids = dict(Province.objects.values_list("code", "id"))
    report.communes = _sync(
        Commune,
        dataset.communes,
        lambda r: r.code,
        lambda r: {**{f: getattr(r, f) for f in unit_fields}, "province_id": province_ids[r.province_code]},
    )
    commune_ids = dict(Commune.objects.values_list("code", "id"))
    report.agencies = _sync(
        Agency,
        _agency_rows(dataset.provinces, dataset.communes),
        lambda r: r.code,
        lambda r: {
            "name": r.name,
            "name_en": r.name_en,
            "agency_type": r.agency_type,
            "level": r.level,
            "province_id": province_ids[r.province_code],
            "commune_id": commune_ids[r.commune_code] if r.commune_code else None,
        },
    )
    report.totals = {
        "provinces": Province.objects.filter(is_active=True).count(),
        "communes": Commune.objects.filter(is_active=True).count(),
        "agencies": Agency.objects.filter(is_active=True).count(),
    }
    if report.changed:
        record_change(
            actor=actor,
            type=UnitEvent.UNITS_RELOADED,
            subject_type=UnitSubject.DATASET,
            subject_id=dataset.sha256,
            changes={
                name: {"created": c.created, "updated": c.updated, "deactivated": c.deactivated}
                for name, c in (
                    ("provinces", report.provinces),
                    ("communes", report.communes),
                    ("agencies", report.agencies),
                )
            },
            payload={"totals": report.totals},
        )
    refdata.bump()  # communes and agencies each process keeps
    return report
