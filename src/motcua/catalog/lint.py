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


# The procedures that deliver the 25 essential services of Decision 06/QĐ-TTg, Appendix I (domain
# notes §1a; docs/catalog.md): by number, the members of the two bundles (15, 16) under theirs.
# Service 8 is a platform service (ADR 0044); 10, 11 and 20 have no spec yet.
ESSENTIAL_SERVICES: dict[str, int] = {
    "id-number-confirmation": 1,
    "id-card-reissue": 2,
    "permanent-residence-registration": 3,
    "temporary-residence-registration": 4,
    "temporary-absence-declaration": 5,
    "stay-notification": 6,
    "motorcycle-registration": 7,
    "passport-issuance": 9,
    "seal-registration": 10,
    "seal-replacement": 11,
    "birth-registration": 12,
    "death-registration": 13,
    "marriage-registration": 14,
    "health-insurance-card-under-6": 15,
    "permanent-residence-deletion": 16,
    "funeral-allowance": 16,
    "survivor-benefit": 16,
    "criminal-record-certificate": 17,
    "household-health-insurance-renewal": 18,
    "land-holder-information-change": 19,
    "driving-licence-exchange": 21,
    "exam-registration": 22,
    "unemployment-benefit": 23,
    "electricity-connection": 24,
    "electricity-contract-change": 25,
}


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
    missing_elements: list[str] = field(default_factory=list)
    # every document component still uploaded, with why (a registry could, else the spec's
    # ``upload_reason``, else none holds it): "portrait (a registry could provide it: identity_card)"
    uploads: list[str] = field(default_factory=list)
    essential_service: int | None = None
    # "<rule id>: <registry>.<kind> -> <concerns> (<level>)" per proactive rule (ADR 0064)
    proactive_rules: list[str] = field(default_factory=list)
    # what the approved result writes back to the registries (ADR 0061): registry.operation (when)
    writes: list[str] = field(default_factory=list)


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
            "proactive": sum(bool(p.proactive_rules) for p in self.procedures),
            "writing_back": sum(bool(p.writes) for p in self.procedures),
            **self._essential(),
        }

    def _essential(self) -> dict[str, Any]:
        """The same share over the procedures of Decision 06's 25 essential services only."""
        essential = [p for p in self.procedures if p.essential_service is not None]
        components = sum(p.components for p in essential)
        data = sum(p.data_components for p in essential)
        return {
            "essential_services": len({p.essential_service for p in essential}),
            "essential_components": components,
            "essential_data_components": data,
            "essential_data_share": round(data / components, 3) if components else 0.0,
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
        missing_elements=_missing_elements(spec.raw),
        uploads=[
            f"{c.id} ("
            + (
                f"a registry could provide it: {c.registry_could_provide}"
                if c.registry_could_provide
                else c.upload_reason or "no registry holds it"
            )
            + (", optional)" if not c.required else ")")
            for c in components
            if c.kind == "document"
        ],
        essential_service=ESSENTIAL_SERVICES.get(spec.code),
        proactive_rules=[
            f"{rule.id}: {rule.trigger.registry}.{rule.trigger.kind} -> {rule.concerns} ({rule.level})"
            for rule in spec.definition.proactive
        ],
        writes=[f"{w.registry}.{w.operation} ({w.when})" for w in spec.definition.writes],
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
        if p.uploads:
            lines.append(f"  uploads that remain: {', '.join(p.uploads)}")
        lines.append(f"  missing elements: {', '.join(p.missing_elements) if p.missing_elements else 'none'}")
        if p.proactive_rules:
            lines.append(f"  proactive rules: {'; '.join(p.proactive_rules)}")
        if p.writes:
            lines.append(f"  writes back: {', '.join(p.writes)}")
    s = report.summary
    lines.append("")
    lines.append(
        f"{s['procedures']} procedures, {s['bundles']} bundles; "
        f"{s['full_process_capable']} full-process capable; "
        f"{s['complete']} with every constituent element; average data share {s['average_data_share']:.0%}; "
        f"{s['replaceable_uploads']} uploads a registry could replace; "
        f"{s['proactive']} with proactive rules"
    )
    lines.append(
        f"components replaced by data across the catalog: {s['data_components']} of {s['components']} "
        f"({s['catalog_data_share']:.0%})"
    )
    lines.append(
        f"components replaced by data in the {s['essential_services']} essential services of Decision 06 "
        f"with a spec: {s['essential_data_components']} of {s['essential_components']} "
        f"({s['essential_data_share']:.0%})"
    )
    lines.append(f"results written back to the registries: {s['writing_back']} procedures")
    return "\n".join(lines)
