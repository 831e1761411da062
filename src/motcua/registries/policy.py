"""The registries' data-sharing policy (``policy.yaml``): what each legal basis lets an agency receive,
and what an applicant may receive about someone else.

A request names its legal basis and procedure; ``authorise`` finds the grant for that registry,
legal basis and procedure, checks the requesting agency's type, and refuses any field the grant
does not cover. A granted subtree covers the fields inside it (``permanent_residence`` covers
``permanent_residence.address``), never the other way round.

When the data is about a person other than the applicant (the person the consent token says
the application is for), ``authorise_third_party`` also needs a ``third_party`` rule of this
registry and procedure naming a relation the registries found between the two in their own
records (``registries.relations``), and the fields must be within that rule's. ADR 0021.

The file is read once per process and validated strictly: a policy that does not parse stops
the service at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from motcua.protocol import ExchangeErrorCode, ProtocolError

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


# The relations ``third_party`` rules may name: those the registries find in their records
# (registries.relations), and ``named_party``, the other party a procedure names (a marriage),
# which no record can show and which a rule therefore grants only the least data for.
RELATIVES = ("spouse", "parent", "child", "sibling", "grandparent", "grandchild")
RELATIONS = (*RELATIVES, "household", "named_party")


@dataclass(frozen=True)
class ThirdPartyRule:
    """An applicant with one of ``relations`` to the subject may receive these ``fields``."""

    registry: str
    procedure: str
    relations: frozenset[str]
    fields: frozenset[str]

    def covers(self, field: str) -> bool:
        return field in self.fields or any(field.startswith(granted + ".") for granted in self.fields)


@dataclass(frozen=True)
class WriteGrant:
    """Under one legal basis, agencies of these types may apply ``operation`` to ``registry``
    for one procedure (ADR 0043)."""

    registry: str
    operation: str
    legal_basis: str
    procedure: str
    agency_types: frozenset[str]


@dataclass(frozen=True)
class FeedGrant:
    """Under one legal basis, agencies of these types may read ``registry``'s change feed (ADR 0063)."""

    registry: str
    legal_basis: str
    agency_types: frozenset[str]


@dataclass(frozen=True)
class Policy:
    legal_bases: dict[str, LegalBasis]
    grants: dict[tuple[str, str, str], Grant]  # (registry, legal basis, procedure)
    access_log_basis: str
    access_log_agency_types: frozenset[str]
    third_party: dict[tuple[str, str], tuple[ThirdPartyRule, ...]]  # (registry, procedure)
    writes: dict[tuple[str, str, str, str], WriteGrant]  # (registry, operation, basis, procedure)
    feeds: dict[tuple[str, str], FeedGrant] = field(default_factory=dict)  # (registry, legal basis)

    def authorise_feed(self, *, registry: str, legal_basis: str, agency_type: str) -> FeedGrant:
        """The grant that lets this agency read this registry's changes, or the typed refusal."""
        if legal_basis not in self.legal_bases:
            raise ProtocolError(
                ExchangeErrorCode.UNKNOWN_LEGAL_BASIS, f"No legal basis {legal_basis!r} in the policy."
            )
        grant = self.feeds.get((registry, legal_basis))
        if grant is None or agency_type not in grant.agency_types:
            raise ProtocolError(
                ExchangeErrorCode.NOT_COVERED_BY_LEGAL_BASIS,
                f"Legal basis {legal_basis} does not let a {agency_type or 'unknown'} agency "
                f"read the changes of {registry}.",
            )
        return grant

    def authorise_write(
        self, *, registry: str, operation: str, legal_basis: str, procedure: str, agency_type: str
    ) -> WriteGrant:
        """The grant that allows this write, or the typed refusal."""
        if legal_basis not in self.legal_bases:
            raise ProtocolError(
                ExchangeErrorCode.UNKNOWN_LEGAL_BASIS, f"No legal basis {legal_basis!r} in the policy."
            )
        grant = self.writes.get((registry, operation, legal_basis, procedure))
        if grant is None or agency_type not in grant.agency_types:
            raise ProtocolError(
                ExchangeErrorCode.NOT_COVERED_BY_LEGAL_BASIS,
                f"Legal basis {legal_basis} does not let a {agency_type or 'unknown'} agency "
                f"{operation} in {registry} for {procedure}.",
            )
        return grant

    def third_party_relations(self, *, registry: str, procedure: str) -> frozenset[str]:
        """Every relation some rule of this registry and procedure accepts (what to look for)."""
        rules = self.third_party.get((registry, procedure), ())
        return frozenset().union(*(rule.relations for rule in rules))

    def authorise_third_party(
        self, *, registry: str, procedure: str, relations: frozenset[str] | set[str], fields: Sequence[str]
    ) -> str:
        """The relation under which an applicant who holds ``relations`` to the subject may receive
        ``fields`` of them, or the typed refusal (``not_related``, ``fields_not_allowed``)."""
        rules = self.third_party.get((registry, procedure), ())
        if not rules:
            raise ProtocolError(
                ExchangeErrorCode.NOT_RELATED,
                f"{procedure} does not let an applicant receive another person's {registry} data.",
            )
        matching = [rule for rule in rules if rule.relations & relations]
        if not matching:
            wanted = sorted(set().union(*(rule.relations for rule in rules)))
            raise ProtocolError(
                ExchangeErrorCode.NOT_RELATED,
                "The applicant is not recorded as related to this person (" + ", ".join(wanted) + ").",
            )
        for rule in matching:
            if all(rule.covers(name) for name in fields):
                return next(name for name in RELATIONS if name in rule.relations & relations)
        allowed = sorted(set().union(*(rule.fields for rule in matching)))
        raise ProtocolError(
            ExchangeErrorCode.FIELDS_NOT_ALLOWED,
            "As related to this person, the applicant may receive only: " + ", ".join(allowed),
        )

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
        third_party=_third_party(data.get("third_party") or [], registries=registries),
        writes=_writes(data.get("writes") or [], registries=registries, legal_bases=legal_bases),
        feeds=_feeds(data.get("feeds") or [], legal_bases=legal_bases),
    )


_FEED_KEYS = {"registry", "legal_basis", "agency_types"}


def _feeds(raw_grants: Any, *, legal_bases: dict[str, LegalBasis]) -> dict[tuple[str, str], FeedGrant]:
    from motcua.protocol.feeds import FEED_KINDS

    if not isinstance(raw_grants, list):
        raise ImproperlyConfigured(f"{POLICY_FILE.name}: feeds must be a list of grants.")
    grants: dict[tuple[str, str], FeedGrant] = {}
    for index, raw in enumerate(raw_grants):
        where = f"feeds[{index}]"
        if not isinstance(raw, dict) or set(raw) != _FEED_KEYS:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where} needs exactly {', '.join(sorted(_FEED_KEYS))}."
            )
        if raw["registry"] not in FEED_KINDS:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.registry: {raw['registry']!r} has no feed."
            )
        if raw["legal_basis"] not in legal_bases:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.legal_basis: {raw['legal_basis']!r} is not in legal_bases."
            )
        key = (str(raw["registry"]), str(raw["legal_basis"]))
        if key in grants:
            raise ImproperlyConfigured(f"{POLICY_FILE.name}: {where}: a second feed grant for {key}.")
        grants[key] = FeedGrant(
            registry=key[0],
            legal_basis=key[1],
            agency_types=frozenset(_strings(raw["agency_types"], f"{where}.agency_types")),
        )
    return grants


_WRITE_KEYS = {"registry", "operation", "legal_basis", "procedure", "agency_types"}


def _writes(
    raw_grants: Any, *, registries: frozenset[str], legal_bases: dict[str, LegalBasis]
) -> dict[tuple[str, str, str, str], WriteGrant]:
    if not isinstance(raw_grants, list):
        raise ImproperlyConfigured(f"{POLICY_FILE.name}: writes must be a list of grants.")
    grants: dict[tuple[str, str, str, str], WriteGrant] = {}
    for index, raw in enumerate(raw_grants):
        where = f"writes[{index}]"
        if not isinstance(raw, dict) or set(raw) != _WRITE_KEYS:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where} needs exactly {', '.join(sorted(_WRITE_KEYS))}."
            )
        if raw["registry"] not in registries:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.registry: no registry {raw['registry']!r}."
            )
        if raw["legal_basis"] not in legal_bases:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.legal_basis: {raw['legal_basis']!r} is not in legal_bases."
            )
        key = (str(raw["registry"]), str(raw["operation"]), str(raw["legal_basis"]), str(raw["procedure"]))
        if key in grants:
            raise ImproperlyConfigured(f"{POLICY_FILE.name}: {where}: a second write grant for {key}.")
        grants[key] = WriteGrant(
            registry=key[0],
            operation=key[1],
            legal_basis=key[2],
            procedure=key[3],
            agency_types=frozenset(_strings(raw["agency_types"], f"{where}.agency_types")),
        )
    return grants


def _third_party(
    raw_rules: Any, *, registries: frozenset[str]
) -> dict[tuple[str, str], tuple[ThirdPartyRule, ...]]:
    if not isinstance(raw_rules, list):
        raise ImproperlyConfigured(f"{POLICY_FILE.name}: third_party must be a list of rules.")
    rules: dict[tuple[str, str], list[ThirdPartyRule]] = {}
    for index, raw in enumerate(raw_rules):
        where = f"third_party[{index}]"
        if not isinstance(raw, dict) or set(raw) != {"registry", "procedure", "relations", "fields"}:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where} needs exactly registry, procedure, relations and fields."
            )
        if raw["registry"] not in registries:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.registry: no registry {raw['registry']!r}."
            )
        relations = frozenset(_strings(raw["relations"], f"{where}.relations"))
        unknown = sorted(relations - set(RELATIONS))
        if unknown:
            raise ImproperlyConfigured(
                f"{POLICY_FILE.name}: {where}.relations: unknown {', '.join(unknown)} "
                f"(known: {', '.join(RELATIONS)})."
            )
        rule = ThirdPartyRule(
            registry=str(raw["registry"]),
            procedure=str(raw["procedure"]),
            relations=relations,
            fields=frozenset(_strings(raw["fields"], f"{where}.fields")),
        )
        rules.setdefault((rule.registry, rule.procedure), []).append(rule)
    return {key: tuple(value) for key, value in rules.items()}


@cache
def policy() -> Policy:
    from motcua.registries.data.records import REGISTRIES

    with POLICY_FILE.open(encoding="utf-8") as handle:
        return parse_policy(yaml.safe_load(handle), registries=frozenset(REGISTRIES))
