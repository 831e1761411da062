"""Writes of the catalog: publishing the shipped specs to the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from motcua.catalog.events import CatalogEvent, CatalogSubject
from motcua.catalog.models import Bundle, BundleMember, Procedure, ProcedureSpecVersion
from motcua.catalog.specs import SPECS_DIR, BundleSpec, ProcedureSpec, load_catalog
from motcua.core import refdata
from motcua.core.actors import Actor
from motcua.core.services import record_change
from motcua.core.text import fold_vietnamese
from motcua.core.types import EventKind


@dataclass
class SyncReport:
    published: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.published or self.updated or self.withdrawn)


def _procedure_values(spec: ProcedureSpec, directory: Path) -> dict[str, Any]:
    typed = spec.definition
    words = [
        spec.code,
        typed.name.vi,
        typed.name.en,
        typed.sector.vi,
        typed.sector.en,
        typed.description.vi,
        typed.description.en,
        typed.national_code or "",
    ]
    return {
        "national_code": typed.national_code or "",
        "name_vi": typed.name.vi,
        "name_en": typed.name.en,
        "sector_code": typed.sector.code,
        "sector_vi": typed.sector.vi,
        "sector_en": typed.sector.en,
        "level": spec.level,
        "agency_type": spec.agency_type,
        "processing_days": typed.working_days,
        "online_level": typed.online_level,
        "fee_kind": typed.fees.kind if typed.fees is not None else "",
        "spec": spec.raw,
        "spec_sha256": spec.sha256,
        "source_file": str(spec.source.relative_to(directory)),
        # Padded with spaces so that a query word matches the start of a word (" tu" ≠ "cu tru").
        "search_text": f" {fold_vietnamese(' '.join(words))} ",
        "is_active": True,
    }


def _sync_procedure(spec: ProcedureSpec, directory: Path, *, actor: Actor, report: SyncReport) -> Procedure:
    values = _procedure_values(spec, directory)
    existing = Procedure.objects.filter(code=spec.code).first()
    changes: dict[str, list[Any]]
    if existing is None:
        procedure = Procedure.objects.create(code=spec.code, **values)
        report.published.append(spec.code)
        event = CatalogEvent.PROCEDURE_PUBLISHED
        changes = {"spec_sha256": [None, spec.sha256]}
    elif existing.spec_sha256 == spec.sha256 and existing.is_active:
        report.unchanged.append(spec.code)
        return existing
    else:
        changes = {
            "spec_sha256": [existing.spec_sha256, spec.sha256],
            "is_active": [existing.is_active, True],
        }
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        procedure = existing
        report.updated.append(spec.code)
        event = CatalogEvent.PROCEDURE_UPDATED
    # the version dossiers filed under it keep reading (ADR 0039); a spec published again as it
    # was before (a revert) already has its row
    ProcedureSpecVersion.objects.get_or_create(
        sha256=spec.sha256, defaults={"procedure": procedure, "spec": spec.raw}
    )
    record_change(
        actor=actor,
        type=event,
        subject_type=CatalogSubject.PROCEDURE,
        subject_id=spec.code,
        changes=changes,
        payload={"level": spec.level, "agency_type": spec.agency_type},
    )
    return procedure


def _sync_bundle(spec: BundleSpec, directory: Path, *, actor: Actor, report: SyncReport) -> None:
    existing = Bundle.objects.filter(code=spec.code).first()
    if existing is not None and existing.spec_sha256 == spec.sha256 and existing.is_active:
        report.unchanged.append(spec.code)
        return
    old_hash = existing.spec_sha256 if existing is not None else None
    values = {
        "name_vi": spec.definition.name.vi,
        "name_en": spec.definition.name.en,
        "spec": spec.raw,
        "spec_sha256": spec.sha256,
        "source_file": str(spec.source.relative_to(directory)),
        "is_active": True,
    }
    bundle, created = Bundle.objects.update_or_create(code=spec.code, defaults=values)
    BundleMember.objects.filter(bundle=bundle).delete()
    procedure_ids = dict(
        Procedure.objects.filter(code__in=[m.procedure for m in spec.members]).values_list("code", "id")
    )
    BundleMember.objects.bulk_create(
        BundleMember(
            bundle=bundle, procedure_id=procedure_ids[m.procedure], position=i, is_optional=m.optional
        )
        for i, m in enumerate(spec.members)
    )
    (report.published if created else report.updated).append(spec.code)
    record_change(
        actor=actor,
        type=CatalogEvent.BUNDLE_PUBLISHED if created else CatalogEvent.BUNDLE_UPDATED,
        subject_type=CatalogSubject.BUNDLE,
        subject_id=spec.code,
        changes={"spec_sha256": [old_hash, spec.sha256]},
    )


def _withdraw(
    model: type[Procedure] | type[Bundle],
    *,
    keep: Iterable[str],
    event: EventKind,
    actor: Actor,
    report: SyncReport,
) -> None:
    """Withdraw published rows whose spec is no longer shipped (kept, never deleted)."""
    for row in model.objects.filter(is_active=True).exclude(code__in=list(keep)):
        row.is_active = False
        row.save(update_fields=["is_active", "updated_at"])
        report.withdrawn.append(row.code)
        record_change(
            actor=actor,
            type=event,
            subject_type=CatalogSubject.PROCEDURE if model is Procedure else CatalogSubject.BUNDLE,
            subject_id=row.code,
            changes={"is_active": [True, False]},
        )


@transaction.atomic
def sync_catalog(*, actor: Actor, directory: Path = SPECS_DIR) -> SyncReport:
    """Publish the specs in ``directory``: create, update, or withdraw procedures and bundles.

    Every spec is validated first (``SpecError``); nothing is written if any is wrong. A
    second run with the same files writes nothing. Specs no longer shipped are withdrawn
    (``is_active=False``), never deleted: dossiers keep referring to them.
    """
    catalog = load_catalog(directory)
    report = SyncReport()
    for spec in catalog.procedures.values():
        _sync_procedure(spec, directory, actor=actor, report=report)
    for bundle_spec in catalog.bundles.values():
        _sync_bundle(bundle_spec, directory, actor=actor, report=report)
    _withdraw(Bundle, keep=catalog.bundles, event=CatalogEvent.BUNDLE_WITHDRAWN, actor=actor, report=report)
    _withdraw(
        Procedure, keep=catalog.procedures, event=CatalogEvent.PROCEDURE_WITHDRAWN, actor=actor, report=report
    )
    refdata.bump()  # procedures and their specs each process keeps
    return report
