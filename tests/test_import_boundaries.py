"""The import contracts in pyproject.toml (ADR 0036): kept by the code as it is, and each one
broken by the import it exists to forbid.

`lint-imports` in `make test` checks the first half; this test proves the second, so that a
contract whose module names no longer match anything (after a rename, a split, a mistyped
wildcard) cannot pass by checking nothing."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from typing import Any

import grimp
import pytest
from importlinter import api as importlinter_api
from importlinter.application import use_cases
from importlinter.domain.contract import Contract, registry

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

# contract id -> imports each of which alone breaks it (importer, imported)
FORBIDDEN = {
    "core-knows-no-domain": [
        ("motcua.core.services", "motcua.dossiers.models"),
        ("motcua.core.outbox", "motcua.notify.handlers"),
        ("motcua.core.models", "motcua.settings"),
    ],
    "domain-below-pages-and-api": [
        ("motcua.dossiers.models", "motcua.dossiers.views"),
        ("motcua.documents.services", "motcua.documents.api"),
        ("motcua.identity.services", "motcua.portal.views"),
        ("motcua.exchange.selectors", "motcua.backoffice.views"),
        ("motcua.catalog.services", "motcua.api.errors"),
        ("motcua.dossiers.handlers", "motcua.identity.forms"),
        ("motcua.notify.handlers", "motcua.notify.context_processors"),
    ],
    "domain-layers": [
        ("motcua.identity.services", "motcua.documents.services"),
        ("motcua.exchange.services", "motcua.documents.models"),
        ("motcua.units.models", "motcua.catalog.models"),
        ("motcua.workflow.engine", "motcua.units.models"),
        ("motcua.notify.handlers", "motcua.ops.health"),
        ("motcua.catalog.services", "motcua.identity.models"),
    ],
    "platform-apart-from-registries-and-eid": [
        ("motcua.exchange.client", "motcua.registries.services"),
        ("motcua.identity.demo", "motcua.eid.accounts"),
        ("motcua.portal.banner", "motcua.eid.accounts"),
        ("motcua.identity.demo", "motcua.registries.models"),
        ("motcua.protocol.payments", "motcua.gateway.services"),
    ],
    "registries-and-eid-share-only-neutral-packages": [
        ("motcua.registries.services", "motcua.exchange.client"),
        ("motcua.registries.log", "motcua.core.models"),
        ("motcua.eid.views", "motcua.identity.models"),
        ("motcua.gateway.services", "motcua.core.models"),
        ("motcua.gateway.views", "motcua.dossiers.models"),
    ],
    "registries-apart-from-eid": [
        ("motcua.registries.data.generator", "motcua.eid.accounts"),
        ("motcua.eid.views", "motcua.registries.models"),
        ("motcua.gateway.services", "motcua.registries.models"),
    ],
    "neutral-packages": [
        ("motcua.protocol", "motcua.exchange.models"),
        ("motcua.protocol.consent_token", "motcua.registries.models"),
        ("motcua.demo.people", "motcua.registries.data.generator"),
        ("motcua.demo.accounts", "motcua.eid.models"),
        ("motcua.protocol.payments", "motcua.gateway.models"),
    ],
    "documents-below-dossiers": [
        ("motcua.documents.results", "motcua.dossiers.models"),
        ("motcua.documents.selectors", "motcua.dossiers.forms"),
    ],
}

# imports the code makes on purpose, which must stay allowed
ALLOWED = [
    ("motcua.dossiers.api", "motcua.documents.views"),  # an API answer that streams a file
    ("motcua.backoffice.views", "motcua.dossiers.forms"),  # the spec's form (not a Django form)
    ("motcua.registries.services", "motcua.protocol"),
    ("motcua.gateway.services", "motcua.protocol.payments"),
    ("motcua.eid.accounts", "motcua.core.ids"),
    ("motcua.identity.demo", "motcua.demo.accounts"),
    ("motcua.dossiers.services", "motcua.documents.storage"),
    ("motcua.notify.services", "motcua.exchange.models"),  # a higher layer imports a lower one
    ("motcua.identity.views", "motcua.dossiers.selectors"),  # pages may read any app
    ("motcua.units.api", "motcua.identity.permissions"),
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("motcua", cache_dir=None)


@pytest.fixture(scope="module")
def contracts() -> dict[str, tuple[type[Contract], dict[str, Any], dict[str, Any]]]:
    configuration = importlinter_api.read_configuration(str(PYPROJECT))  # importing api configures it
    use_cases._register_built_in_contract_types()
    session_options = configuration["session_options"]
    return {
        options["id"]: (registry.get_contract_class(options["type"]), options, session_options)
        for options in configuration["contracts_options"]
    }


def check(contract: tuple[type[Contract], dict[str, Any], dict[str, Any]], graph: grimp.ImportGraph) -> bool:
    contract_class, options, session_options = contract
    instance = contract_class(name=options["name"], session_options=session_options, contract_options=options)
    return instance.check(deepcopy(graph), verbose=False).kept


def test_every_contract_is_tested(contracts):
    assert set(contracts) == set(FORBIDDEN)


def test_the_code_keeps_every_contract(contracts, graph):
    broken = [contract_id for contract_id, contract in contracts.items() if not check(contract, graph)]
    assert broken == []


@pytest.mark.parametrize(
    ("contract_id", "importer", "imported"),
    [(contract_id, *edge) for contract_id, edges in FORBIDDEN.items() for edge in edges],
)
def test_the_forbidden_import_breaks_the_contract(contracts, graph, contract_id, importer, imported):
    assert importer in graph.modules, importer
    assert imported in graph.modules, imported
    illegal = deepcopy(graph)
    illegal.add_import(importer=importer, imported=imported)
    assert not check(contracts[contract_id], illegal)


@pytest.mark.parametrize(("importer", "imported"), ALLOWED)
def test_the_allowed_import_breaks_nothing(contracts, graph, importer, imported):
    assert importer in graph.modules, importer
    assert imported in graph.modules, imported
    legal = deepcopy(graph)
    legal.add_import(importer=importer, imported=imported)
    broken = [contract_id for contract_id, contract in contracts.items() if not check(contract, legal)]
    assert broken == []
