"""Proactive rules in procedure specs (ADR 0064): typed, validated like the rest of the spec,
reported by ``catalog lint``, and in step with what the registries' feeds carry."""

from __future__ import annotations

import pytest

from motcua.catalog import specs
from motcua.catalog.lint import format_text, lint_catalog
from motcua.catalog.specs import SpecError, load_catalog
from motcua.protocol.feeds import FEED_KINDS

from .conftest import birth_spec


def _rule(**overrides):
    rule = {
        "id": "test-rule",
        "trigger": {"registry": "civil_status", "kind": "birth_registered"},
        "concerns": "guardians",
        "level": "prefilled",
        "prefill": {"child_full_name": "event.data.full_name"},
        "reason": {"vi": "Lý do", "en": "Reason"},
    }
    rule.update(overrides)
    return rule


def _problems(spec_dir, spec) -> list[str]:
    spec_dir.procedure(spec, file_name="birth-registration.yaml")
    with pytest.raises(SpecError) as caught:
        load_catalog(spec_dir.root)
    return caught.value.problems


def test_the_shipped_rules_are_typed():
    catalog = load_catalog()
    card = catalog.procedures["health-insurance-card-under-6"].definition
    [rule] = card.proactive
    assert (rule.trigger.registry, rule.trigger.kind, rule.concerns, rule.level) == (
        "civil_status",
        "birth_registered",
        "guardians",
        "prefilled",
    )
    assert rule.prefill["child_personal_id"] == "event.subject"
    reissue = catalog.procedures["id-card-reissue"].definition
    by_id = {rule.id: rule for rule in reissue.proactive}
    assert by_id["child-turns-14"].trigger.matches("population", "reached_age", {"age": 14})
    assert not by_id["child-turns-14"].trigger.matches("population", "reached_age", {"age": 15})
    assert by_id["card-expiring"].prefill["reason"] == "value:renewal_age"


def test_a_valid_rule_loads(spec_dir):
    spec = birth_spec()
    spec["form"]["properties"]["child_full_name"] = {
        "type": "string",
        "title": "Họ tên trẻ",
        "x-title-en": "Name",
    }
    spec["proactive"] = [_rule()]
    spec_dir.procedure(spec, file_name="birth-registration.yaml")
    catalog = load_catalog(spec_dir.root)
    assert catalog.procedures["birth-registration"].definition.proactive[0].id == "test-rule"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (_rule(trigger={"registry": "civil_status", "kind": "expiring"}), "publishes no 'expiring' change"),
        (_rule(trigger={"registry": "land", "kind": "moved"}), "proactive[0].trigger.registry"),
        (
            _rule(prefill={"no_such_field": "event.subject"}),
            "proactive[0].prefill.no_such_field: not a field",
        ),
        (_rule(prefill={"child_full_name": "population.full_name"}), "proactive[0].prefill.child_full_name"),
        (_rule(level="grant"), "grant needs proactive_grantable"),
        (_rule(level="now"), "proactive[0].level"),
        (_rule(concerns="neighbours"), "proactive[0].concerns"),
    ],
)
def test_each_wrong_rule_is_reported(spec_dir, rule, expected):
    spec = birth_spec()
    spec["form"]["properties"]["child_full_name"] = {
        "type": "string",
        "title": "Họ tên trẻ",
        "x-title-en": "Name",
    }
    spec["proactive"] = [rule]
    problems = _problems(spec_dir, spec)
    assert any(expected in problem for problem in problems), problems


def test_a_grant_rule_is_accepted_where_the_procedure_is_declared_grantable(spec_dir):
    spec = birth_spec(proactive_grantable=True)
    spec["form"]["properties"]["child_full_name"] = {
        "type": "string",
        "title": "Họ tên trẻ",
        "x-title-en": "Name",
    }
    spec["proactive"] = [_rule(level="grant")]
    spec_dir.procedure(spec, file_name="birth-registration.yaml")
    assert (
        load_catalog(spec_dir.root).procedures["birth-registration"].definition.proactive[0].level == "grant"
    )


def test_lint_reports_the_procedures_with_proactive_rules():
    report = lint_catalog(load_catalog())
    by_code = {p.code: p for p in report.procedures}
    assert by_code["id-card-reissue"].proactive_rules == [
        "card-expiring: identity_card.expiring -> subject (prefilled)",
        "child-turns-14: population.reached_age -> guardians (remind)",
    ]
    assert by_code["birth-registration"].proactive_rules == []
    assert report.summary["proactive"] == 3
    assert "proactive rules: newborn-residence: civil_status.birth_registered" in format_text(report)


def test_the_catalog_knows_the_changes_the_feeds_carry():
    assert {registry: set(kinds) for registry, kinds in FEED_KINDS.items()} == specs._FEED_KINDS
