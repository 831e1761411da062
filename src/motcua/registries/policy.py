"""The registries' data-sharing policy (``policy.yaml``): what each legal basis lets an agency receive.

A request names its legal basis and procedure; ``authorise`` finds the grant for that registry,
legal basis and procedure, checks the requesting agency's type, and refuses any field the grant
does not cover. A granted subtree covers the fields inside it (``permanent_residence`` covers
``permanent_residence.address``), never the other way round. The file is read once per process
and validated strictly: a policy that does not parse stops the service at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from motcua.exchange.protocol import ExchangeErrorCode, ProtocolError

POLICY_FILE = Path(__file__).resolve().parent / "policy.yaml"


@dataclass(frozen=True)
class LegalBasis:
    code: str
    title: str
    confirmed: bool


@dataclass(frozen=True)
class Grant:
    registry: str
    legal_basis: str
    procedure: str
    agency_types: frozenset[str]
    fields: frozenset[str]

    def covers(self, field: str) -> bool:
        return field in self.fields or any(field.startswith(granted + ".") for granted in self.fields)


@dataclass(frozen=True)
class Policy:
    legal_bases: dict[str, LegalBasis]
    grants: dict[tuple[str, str, str], Grant]  # (registry, legal basis, procedure)
    access_log_basis: str
    access_log_agency_types: frozenset[str]

    def authorise(
        self, *, registry: str, legal_basis: str, procedure: str, agency_type: str, fields: Sequence[str]
    ) -> Grant:
        """The grant that allows this request, or the typed refusal."""
        if legal_basis not in self.legal_bases:
            raise ProtocolError(
                ExchangeErrorCode.UNKNOWN_LEGAL_BASIS, f"No legal basis {legal_basis!r} in the policy."
            )
        grant = self.grants.get((registry, legal_basis, procedure))
        if grant is None or agency_type not in grant.agency_types:
            raise ProtocolError(
                ExchangeErrorCode.NOT_COVERED_BY_LEGAL_BASIS,
                f"Legal basis {legal_basis} does not let a {agency_type or 'unknown'} agency receive "
                f"{registry} data for {procedure}.",
            )
        beyond = [field for field in fields if not grant.covers(field)]
        if beyond:
            raise ProtocolError(
                ExchangeErrorCode.FIELDS_NOT_ALLOWED,
                f"Legal basis {legal_basis} does not allow these fields for {procedure}: "
                + ", ".join(beyond),
            )
        return grant

    def authorise_access_log(self, *, legal_basis: str, agency_type: str) -> None:
        if legal_basis != self.access_log_basis or agency_type not in self.access_log_agency_types:
            raise ProtocolError(
                ExchangeErrorCode.NOT_COVERED_BY_LEGAL_BASIS,
                "Only the portal, under the data subject's right of access, may read access logs.",
            )


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value):
        raise ImproperlyConfigured(f"{POLICY_FILE.name}: {where} must be a non-empty list of strings.")
    return list(value)


def parse_policy(data: Any, *, registries: frozenset[str]) -> Policy:
    if not isinstance(data, dict) or data.get("spec_version") != 1:
        raise ImproperlyConfigured(f"{POLICY_FILE.name}: expected a mapping with spec_version: 1.")
    legal_bases = {
        code: LegalBasis(code=code, title=str(entry["title"]), confirmed=bool(entry.get("confirmed", True)))
        for code, entry in dict(data.get("legal_bases") or {}).items()
    }
    grants: dict[tuple[str, str, str], Grant] = {}
    for index, raw in enumerate(data.get("grants") or []):
        where = f"grants[{index}]"
        if not isinstance(raw, dict) or set(raw) != {
            "registry",
            "legal_basis",
            "procedure",
            "agency_types",
            "fields",
        }:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where} needs exactly registry, legal_basis, procedure, "
                "agency_types and fields."
            )
        if raw["registry"] not in registries:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.registry: no registry {raw['registry']!r}."
            )
        if raw["legal_basis"] not in legal_bases:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.legal_basis: {raw['legal_basis']!r} is not in legal_bases."
            )
        key = (str(raw["registry"]), str(raw["legal_basis"]), str(raw["procedure"]))
        if key in grants:
            raise ImproperlyConfigured(f"{POLICY_FILE.name}: {where}: a second grant for {key}.")
        grants[key] = Grant(
            registry=key[0],
            legal_basis=key[1],
            procedure=key[2],
            agency_types=frozenset(_strings(raw["agency_types"], f"{where}.agency_types")),
            fields=frozenset(_strings(raw["fields"], f"{where}.fields")),
        )
    access_log = data.get("access_log") or {}
    if access_log.get("legal_basis") not in legal_bases:
        raise ImproperlyConfigured(f"{POLICY_FILE.name}: access_log.legal_basis must be one of legal_bases.")
    return Policy(
        legal_bases=legal_bases,
        grants=grants,
        access_log_basis=str(access_log["legal_basis"]),
        access_log_agency_types=frozenset(
            _strings(access_log.get("agency_types"), "access_log.agency_types")
        ),
    )


@cache
def policy() -> Policy:
    from motcua.registries.data.records import REGISTRIES

    with POLICY_FILE.open(encoding="utf-8") as handle:
        return parse_policy(yaml.safe_load(handle), registries=frozenset(REGISTRIES))
