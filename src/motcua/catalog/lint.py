"""`motcua catalog lint`: how complete and how "once-only" each procedure is.

Pure functions over validated specs. Gaps are information for integrators, not errors:
lint never fails on a valid catalog.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from motcua.catalog.specs import Catalog, ProcedureSpec

# Constituent elements a published procedure must state (Decree 63/2010 Art. 8(2), which
# 766 indicator 1.3 checks, plus the result, fees and legal basis the portal publishes).
ELEMENTS = (
    "name",
    "steps",
    "method",
    "components",
    "time limit",
    "applicants",
    "agency",
    "result",
    "fees",
    "legal basis",
)


@dataclass
class ProcedureLint:
    code: str
    name: str
    full_process_capable: bool
    full_process_blockers: list[str] = field(default_factory=list)
    components: int = 0
    data_components: int = 0
    wallet_components: int = 0
    data_share: float = 0.0
    data_or_wallet_share: float = 0.0
    replaceable_uploads: list[str] = field(default_factory=list)
    # the uploads that stay, each with the spec's reason (``upload_reason``) when it gives one
    remaining_uploads: list[str] = field(default_factory=list)
    missing_elements: list[str] = field(default_factory=list)


@dataclass
class CatalogLint:
    procedures: list[ProcedureLint]
    bundles: list[str]

    @property
    def summary(self) -> dict[str, Any]:
        count = len(self.procedures)
        components = sum(p.components for p in self.procedures)
        data = sum(p.data_components for p in self.procedures)
        return {
            "procedures": count,
            "bundles": len(self.bundles),
            "full_process_capable": sum(p.full_process_capable for p in self.procedures),
            "average_data_share": round(sum(p.data_share for p in self.procedures) / count, 3)
            if count
            else 0.0,
            # every component of every procedure together: the share Decision 06's services reach
            "components": components,
            "data_components": data,
            "catalog_data_share": round(data / components, 3) if components else 0.0,
            "replaceable_uploads": sum(len(p.replaceable_uploads) for p in self.procedures),
            "complete": sum(not p.missing_elements for p in self.procedures),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "procedures": [asdict(p) for p in self.procedures],
            "bundles": self.bundles,
        }


def _missing_elements(raw: dict[str, Any]) -> list[str]:
    missing = []
    checks = {
        "name": bool(raw.get("name")),
        "steps": bool(raw.get("steps")),
        "method": bool(raw.get("methods")),
        "components": bool(raw.get("components")),
        "time limit": raw.get("processing_time", {}).get("working_days") is not None,
        "applicants": bool(raw.get("applicant_types")),
        "agency": bool(raw.get("competent_authority")),
        "result": bool(raw.get("result")),
        "fees": bool(raw.get("fees")) and raw.get("fees", {}).get("kind") != "unconfirmed",
        "legal basis": any(entry.get("confirmed", True) for entry in raw.get("legal_basis", [])),
    }
    for element in ELEMENTS:
        if not checks[element]:
            missing.append(element)
    return missing


def _blockers(spec: ProcedureSpec) -> list[str]:
    typed = spec.definition
    blockers = []
    if typed.online_level != "full":
        reason = typed.partial_reason
        blockers.append(f"declared partial: {reason}" if reason else "online level not declared full")
    if "online" not in typed.methods:
        blockers.append("online is not among the submission methods")
    if typed.result is None:
        blockers.append("no result declared")
    elif not typed.result.electronic:
        blockers.append("the result is not electronic")
    # Every component kind (data, document, wallet) can be provided online, so components
    # themselves never block; physical presence is expressed as online_level partial.
    return blockers


def lint_procedure(spec: ProcedureSpec) -> ProcedureLint:
    components = spec.components
    total = len(components)
    data = sum(c.kind == "data" for c in components)
    wallet = sum(c.kind == "wallet" for c in components)
    blockers = _blockers(spec)
    return ProcedureLint(
        code=spec.code,
        name=spec.name_vi,
        full_process_capable=not blockers,
        full_process_blockers=blockers,
        components=total,
        data_components=data,
        wallet_components=wallet,
        data_share=round(data / total, 3) if total else 0.0,
        data_or_wallet_share=round((data + wallet) / total, 3) if total else 0.0,
        replaceable_uploads=[
            f"{c.id} (from {c.registry_could_provide})"
            for c in components
            if c.kind == "document" and c.registry_could_provide
        ],
        remaining_uploads=[
            f"{c.id} ({c.upload_reason})" if c.upload_reason else c.id
            for c in components
            if c.kind == "document" and not c.registry_could_provide
        ],
        missing_elements=_missing_elements(spec.raw),
    )


def lint_catalog(catalog: Catalog) -> CatalogLint:
    return CatalogLint(
        procedures=[lint_procedure(spec) for spec in catalog.procedures.values()],
        bundles=sorted(catalog.bundles),
    )


def format_text(report: CatalogLint) -> str:
    lines: list[str] = []
    for p in report.procedures:
        lines.append(f"{p.code} — {p.name}")
        capability = "yes" if p.full_process_capable else "no: " + "; ".join(p.full_process_blockers)
        lines.append(f"  full-process capable: {capability}")
        lines.append(
            f"  components: {p.components} ({p.data_components} data, {p.wallet_components} wallet); "
            f"replaced by data {p.data_share:.0%}, by data or wallet {p.data_or_wallet_share:.0%}"
        )
        if p.replaceable_uploads:
            lines.append(f"  uploads a registry could replace: {', '.join(p.replaceable_uploads)}")
        if p.remaining_uploads:
            lines.append(f"  uploads that remain: {'; '.join(p.remaining_uploads)}")
        lines.append(f"  missing elements: {', '.join(p.missing_elements) if p.missing_elements else 'none'}")
    s = report.summary
    lines.append("")
    lines.append(
        f"{s['procedures']} procedures, {s['bundles']} bundles; "
        f"{s['full_process_capable']} full-process capable; "
        f"{s['complete']} with every constituent element; average data share {s['average_data_share']:.0%}; "
        f"{s['replaceable_uploads']} uploads a registry could replace"
    )
    lines.append(
        f"components replaced by data across the catalog: {s['data_components']} of {s['components']} "
        f"({s['catalog_data_share']:.0%})"
    )
    return "\n".join(lines)
