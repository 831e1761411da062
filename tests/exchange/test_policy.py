"""The registries' policy and the procedure specs agree, and the policy means what it says.

The two are owned by different sides (the registry operator, the catalog's integrators), so a
test keeps them in step: every data component of a shipped spec is granted, field by field, to
the spec's competent agency type under its legal basis, and no grant outlives the spec that
needed it. Every field a spec asks for has a name the consent screen can show.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.catalog.labels import VOCABULARIES
from motcua.catalog.specs import load_catalog
from motcua.exchange.labels import FIELD_LABELS, field_label
from motcua.exchange.sources import sources_from_spec
from motcua.protocol import ExchangeErrorCode, ProtocolError
from motcua.registries.data.records import REGISTRIES
from motcua.registries.policy import parse_policy, policy

CATALOG = load_catalog()


def _components():
    for spec in CATALOG.procedures.values():
        for source in sources_from_spec(spec.definition):
            yield spec, source


def test_every_data_component_is_granted_exactly_what_it_asks_for():
    rules = policy()
    for spec, source in _components():
        grant = rules.authorise(
            registry=source.registry,
            legal_basis=source.legal_basis_code,
            procedure=spec.code,
            agency_type=spec.agency_type,
            fields=source.fields,
        )
        assert grant.procedure == spec.code


# Platform services that read a registry without being a catalog procedure: the fines page
# (essential service #8) reads a person's camera-detected fines (exchange.fines).
PLATFORM_SERVICE_GRANTS = {("traffic_fines", "nd-118-2021", "traffic-fine-payment")}
# Acting for an organisation: the enterprise registry confirms its legal representative (ADR 0065).
PLATFORM_SERVICE_GRANTS |= {("enterprise", "nd-01-2021", "organisation-representation")}


def test_no_grant_outlives_the_spec_that_needed_it():
    used = {(source.registry, source.legal_basis_code, spec.code) for spec, source in _components()}
    assert set(policy().grants) == used | PLATFORM_SERVICE_GRANTS


def test_every_component_about_someone_else_has_a_relation_rule_and_no_rule_outlives_its_spec():
    """A component whose subject the applicant names (``subject: form.<field>``) is served only
    under a ``third_party`` rule of its registry and procedure covering its fields (ADR 0021)."""
    rules = policy()
    used = set()
    for spec, source in _components():
        if not source.subject_field:
            continue
        relations = rules.third_party_relations(registry=source.registry, procedure=spec.code)
        assert relations, (spec.code, source.component_id)
        assert (
            rules.authorise_third_party(
                registry=source.registry, procedure=spec.code, relations=relations, fields=source.fields
            )
            in relations
        )
        used.add((source.registry, spec.code))
    assert set(rules.third_party) == used


@pytest.mark.parametrize(
    ("relations", "fields", "outcome"),
    [
        ({"child"}, ("full_name", "sex"), "child"),
        ({"household"}, ("full_name",), "household"),
        ({"spouse", "household"}, ("full_name",), "spouse"),  # the closest relation is recorded
        (set(), ("full_name",), ExchangeErrorCode.NOT_RELATED),
        ({"named_party"}, ("full_name",), ExchangeErrorCode.NOT_RELATED),  # not for a death
        ({"child"}, ("full_name", "permanent_residence"), ExchangeErrorCode.FIELDS_NOT_ALLOWED),
    ],
)
def test_a_relation_allows_the_fields_of_its_rule_only(relations, fields, outcome):
    decide = {
        "registry": "population",
        "procedure": "death-registration",
        "relations": relations,
        "fields": fields,
    }
    if isinstance(outcome, ExchangeErrorCode):
        with pytest.raises(ProtocolError) as refused:
            policy().authorise_third_party(**decide)
        assert refused.value.code == outcome
    else:
        assert policy().authorise_third_party(**decide) == outcome


def test_a_procedure_without_a_relation_rule_gives_nobody_elses_data():
    with pytest.raises(ProtocolError) as refused:
        policy().authorise_third_party(
            registry="population", procedure="birth-registration", relations={"child"}, fields=("full_name",)
        )
    assert refused.value.code == ExchangeErrorCode.NOT_RELATED


def test_every_legal_basis_code_of_the_specs_has_a_name_in_both_languages():
    codes = {source.legal_basis_code for _spec, source in _components()}
    assert codes <= set(policy().legal_bases)
    assert codes <= set(VOCABULARIES["legal_basis"])
    assert policy().access_log_basis in VOCABULARIES["legal_basis"]


def test_every_prefill_comes_from_fetched_fields():
    for spec in CATALOG.procedures.values():
        sources = sources_from_spec(spec.definition)
        for name, prop in spec.form_properties.items():
            target = prop.get("x-prefill")
            if not target:
                continue
            registry, _sep, path = target.partition(".")
            assert any(s.registry == registry and s.covers(path) for s in sources), (spec.code, name, target)


def test_every_requested_field_has_a_label():
    for _spec, source in _components():
        for name in source.fields:
            assert field_label(name) != name, name
    assert all(str(label) for label in FIELD_LABELS.values())


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"legal_basis": "qd-06-2099"}, ExchangeErrorCode.UNKNOWN_LEGAL_BASIS),
        (
            {"procedure": "marriage-registration", "agency_type": "commune_police"},
            "not_covered_by_legal_basis",
        ),
        ({"fields": ("full_name", "ethnicity")}, ExchangeErrorCode.FIELDS_NOT_ALLOWED),
        ({"fields": ("permanent_residence.commune_code",)}, None),  # inside a granted subtree
    ],
)
def test_authorise_refuses_beyond_the_grant(change, code):
    request = {
        "registry": "population",
        "legal_basis": "qd-06-2022",
        "procedure": "birth-registration",
        "agency_type": "commune_peoples_committee",
        "fields": ("full_name", "permanent_residence"),
        **change,
    }
    if code is None:
        policy().authorise(**request)
        return
    with pytest.raises(ProtocolError) as refused:
        policy().authorise(**request)
    assert refused.value.code == code


def test_a_granted_field_does_not_grant_its_parent():
    with pytest.raises(ProtocolError) as refused:
        policy().authorise(
            registry="residence",
            legal_basis="qd-06-2022",
            procedure="birth-registration",
            agency_type="commune_peoples_committee",
            fields=("permanent_residence",),  # only .commune_code and .address are granted
        )
    assert refused.value.code == ExchangeErrorCode.FIELDS_NOT_ALLOWED


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"spec_version": 2}, "spec_version: 1"),
        (
            {
                "spec_version": 1,
                "legal_bases": {"x": {"title": "X"}},
                "access_log": {"legal_basis": "x", "agency_types": ["portal"]},
                "grants": [
                    {
                        "registry": "astrology",
                        "legal_basis": "x",
                        "procedure": "p",
                        "agency_types": ["a"],
                        "fields": ["f"],
                    }
                ],
            },
            "no registry 'astrology'",
        ),
        (
            {
                "spec_version": 1,
                "legal_bases": {"x": {"title": "X"}},
                "access_log": {"legal_basis": "x", "agency_types": ["portal"]},
                "grants": [
                    {
                        "registry": "population",
                        "legal_basis": "y",
                        "procedure": "p",
                        "agency_types": ["a"],
                        "fields": ["f"],
                    }
                ],
            },
            "'y' is not in legal_bases",
        ),
        (
            {
                "spec_version": 1,
                "legal_bases": {"x": {"title": "X"}},
                "access_log": {"legal_basis": "x", "agency_types": []},
                "grants": [],
            },
            "access_log.agency_types",
        ),
        (
            {
                "spec_version": 1,
                "legal_bases": {"x": {"title": "X"}},
                "access_log": {"legal_basis": "x", "agency_types": ["portal"]},
                "grants": [],
                "third_party": [
                    {"registry": "population", "procedure": "p", "relations": ["neighbour"], "fields": ["f"]}
                ],
            },
            "unknown neighbour",
        ),
    ],
)
def test_a_broken_policy_file_stops_the_service(document, problem):
    with pytest.raises(ImproperlyConfigured, match=problem):
        parse_policy(document, registries=frozenset(REGISTRIES))
