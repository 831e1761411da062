"""The checks of a spec's ``writes`` (ADR 0061) that its JSON Schema cannot make: every source
names something the procedure has (a form field, a result field, a data component), and the
result fields a write's answer fills are fields of the result. Used by ``specs`` when a catalog
is validated, and by ``catalog lint`` to report what each procedure writes back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Sources that need nothing from the spec (schema pattern ``$defs.write_source``).
FIXED_SOURCES = frozenset(
    {
        "applicant.personal_id",
        "dossier.code",
        "dossier.register_number",
        "dossier.commune_code",
        "dossier.decided_on",
    }
)


def source_problem(source: str, spec: Mapping[str, Any]) -> str:
    """Why ``source`` names nothing in ``spec`` ("" when it does)."""
    if source in FIXED_SOURCES or source.startswith("const:"):
        return ""
    kind, _sep, rest = source.partition(".")
    if kind == "form":
        properties = (spec.get("form") or {}).get("properties", {})
        return "" if rest in properties else f"{rest!r} is not a field of the form"
    if kind == "result":
        fields = (spec.get("result") or {}).get("fields", {})
        return "" if rest in fields else f"{rest!r} is not a field of the result"
    if kind == "data":
        component = rest.partition(".")[0]
        data = {c.get("id") for c in spec.get("components", []) if c.get("kind") == "data"}
        return "" if component in data else f"{component!r} is not a data component"
    return f"unknown source {source!r}"


def check_writes(spec: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    result_fields = (spec.get("result") or {}).get("fields", {})
    for index, write in enumerate(spec.get("writes", [])):
        where = f"writes[{index}]"
        sources = [(f"{where}.subject[{i}]", s) for i, s in enumerate(write.get("subject", []))]
        sources += [(f"{where}.body.{name}", s) for name, s in write.get("body", {}).items()]
        for place, source in sources:
            problem = source_problem(source, spec)
            if problem:
                problems.append(f"{place}: {problem}")
            elif source.startswith("result.") and write.get("when") == "before_result":
                problems.append(f"{place}: a write made before the result cannot read the result")
        returns = write.get("returns", {})
        if returns and write.get("when") != "before_result":
            problems.append(f"{where}.returns: only a before_result write fills the result")
        for name in returns:
            if name not in result_fields:
                problems.append(f"{where}.returns.{name}: not a field of the result")
    return problems
