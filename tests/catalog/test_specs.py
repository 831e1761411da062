"""Wrong specs stop loading with the file, the path inside it and what is wrong; nothing is written."""

from __future__ import annotations

import re

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import sync_catalog
from motcua.catalog.specs import SpecError, load_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry

from .conftest import birth_spec


def _bundle(**overrides):
    bundle = {
        "spec_version": 1,
        "code": "test-bundle",
        "name": {"vi": "Nhóm thử", "en": "Test bundle"},
        "members": [
            {"procedure": "birth-registration"},
            {
                "procedure": "child-card",
                "after": ["birth-registration"],
                "receives": [
                    {
                        "from": "birth-registration",
                        "source": "form.child_full_name",
                        "target": "form.child_name",
                    }
                ],
            },
        ],
    }
    bundle.update(overrides)
    return bundle


def _child_card():
    spec = birth_spec(code="child-card", name={"vi": "Cấp thẻ cho trẻ", "en": "Child card"})
    del spec["description"]
    del spec["writes"]  # the birth's writes read the birth's form
    spec["form"] = {
        "type": "object",
        "required": ["child_name"],
        "properties": {"child_name": {"type": "string", "title": "Họ tên trẻ", "x-title-en": "Child's name"}},
    }
    return spec


def _problems(spec_dir) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_catalog(spec_dir.root)
    return caught.value.problems


def test_the_shipped_catalog_is_valid():
    catalog = load_catalog()
    assert "birth-registration" in catalog.procedures
    birth = catalog.procedures["birth-registration"]
    assert birth.level == "commune"
    assert [c.kind for c in birth.components] == ["data", "data", "data", "document"]


def test_a_valid_directory_loads(spec_dir):
    spec_dir.procedure(birth_spec())
    spec_dir.procedure(_child_card())
    spec_dir.bundle(_bundle())
    catalog = load_catalog(spec_dir.root)
    assert sorted(catalog.procedures) == ["birth-registration", "child-card"]
    assert catalog.bundles["test-bundle"].members[1].after == ("birth-registration",)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda s: s.update(processing_time={"working_days": "one"}),
            "processing_time.working_days: 'one' is not of type",
        ),
        (lambda s: s["components"][3].update(kind="fax"), "components[3].kind: 'fax' is not one of"),
        (
            lambda s: s["components"][0].pop("legal_basis"),
            "components[0]: 'legal_basis' is a required property",
        ),
        (
            lambda s: s["components"][0].pop("legal_basis_code"),
            "components[0]: 'legal_basis_code' is a required property",
        ),
        (
            lambda s: s["components"][0].update(subject="form.deceased_personal_id"),
            "components[0].subject: 'deceased_personal_id' is not a field of the form",
        ),
        (
            lambda s: s["components"][0].update(subject="the deceased"),
            "components[0].subject: 'the deceased' does not match",
        ),
        (
            lambda s: s["components"][3].update(max_size_mb=500),
            "components[3].max_size_mb: 500 is greater than the maximum of 50",
        ),
        (lambda s: s.update(online_level="partial"), "'partial_reason' is a required property"),
        (lambda s: s["fees"].update(kind="fixed"), "fees: 'amount_vnd' is a required property"),
        (
            lambda s: s["form"]["required"].append("nickname"),
            "form.required[5]: 'nickname' is not a property",
        ),
        (
            lambda s: s["form"]["properties"]["child_sex"].update(type="text"),
            "form.properties.child_sex.type: 'text' is not one of",
        ),
        (
            lambda s: s["form"]["properties"]["child_sex"].pop("x-title-en"),
            "form.properties.child_sex: 'x-title-en' is a required property",
        ),
        (
            lambda s: s["form"]["properties"]["requester_full_name"].update(
                {"x-prefill": "land.holder_name"}
            ),
            "form.properties.requester_full_name.x-prefill: registry 'land' is not used",
        ),
        (
            lambda s: s["components"][1].update(id="requester-identity"),
            "components[1].id: duplicate component id",
        ),
        (
            lambda s: s.update(fees={"kind": "dmn", "decision": "nope.dmn"}),
            "fees.decision: nope.dmn not found",
        ),
        (lambda s: s.update(code="Birth Registration"), "code: 'Birth Registration' does not match"),
        (lambda s: s["name"].pop("en"), "name: 'en' is a required property"),
        # what the approved result writes back (ADR 0061)
        (
            lambda s: s["writes"][0]["body"].update(nickname="form.child_nickname"),
            "writes[0].body.nickname: 'child_nickname' is not a field of the form",
        ),
        (
            lambda s: s["writes"][0]["body"].update(card="result.card_number"),
            "writes[0].body.card: 'card_number' is not a field of the result",
        ),
        (
            lambda s: s["writes"][0]["body"].update(again="result.personal_id"),
            "writes[0].body.again: a write made before the result cannot read the result",
        ),
        (
            lambda s: s["writes"][0]["returns"].update(card_number="card.number"),
            "writes[0].returns.card_number: not a field of the result",
        ),
        (
            lambda s: s["writes"][0].update(when="after_approval"),
            "writes[0].returns: only a before_result write fills the result",
        ),
        (
            lambda s: s["writes"][0]["subject"].append("data.nowhere.personal_id"),
            "writes[0].subject[2]: 'nowhere' is not a data component",
        ),
        (lambda s: s["writes"][0].update(registry="tax"), "writes[0].registry: 'tax' is not one of"),
        (
            lambda s: s["writes"][0]["body"].update(x="http://evil"),
            "writes[0].body.x: 'http://evil' does not match",
        ),
    ],
)
def test_each_wrong_procedure_is_reported_with_file_path_and_problem(spec_dir, mutate, expected):
    spec = birth_spec()
    mutate(spec)
    spec_dir.procedure(spec, file_name="birth-registration.yaml")
    problems = _problems(spec_dir)
    assert any(p.startswith("birth-registration.yaml: ") and expected in p for p in problems), problems


def test_file_name_must_match_the_code(spec_dir):
    spec_dir.procedure(birth_spec(), file_name="khai-sinh.yaml")
    assert _problems(spec_dir) == [
        "khai-sinh.yaml: code: 'birth-registration' must equal the file name 'khai-sinh'"
    ]


def test_invalid_yaml_names_the_line(spec_dir):
    (spec_dir.root / "procedures" / "broken.yaml").write_text("code: [unclosed\n", encoding="utf-8")
    problems = _problems(spec_dir)
    assert problems[0].startswith("broken.yaml: line 2, column 1: not valid YAML")


def test_a_missing_dmn_decision_file_is_reported_and_a_present_one_accepted(spec_dir):
    spec_dir.procedure(birth_spec(fees={"kind": "dmn", "decision": "birth-fee.dmn"}))
    assert "fees.decision: birth-fee.dmn not found" in _problems(spec_dir)[0]
    from .test_decisions import SEX_FEE

    (spec_dir.root / "decisions" / "birth-fee.dmn").write_text(SEX_FEE, encoding="utf-8")
    assert load_catalog(spec_dir.root).procedures["birth-registration"].raw["fees"]["kind"] == "dmn"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda b: b["members"][1].update(procedure="no-such-procedure"),
            "members[1].procedure: no procedure spec",
        ),
        (
            lambda b: b["members"][1].update(after=["child-card"]),
            "members[1].after: 'child-card' is not an earlier",
        ),
        (
            lambda b: b["members"][1]["receives"][0].update(target="form.child_nickname"),
            "members[1].receives[0].target: 'child_nickname' is not a field of child-card's form",
        ),
        (
            lambda b: b["members"][1]["receives"][0].update(source="form.nickname"),
            "members[1].receives[0].source: 'nickname' is not a field of birth-registration's form",
        ),
        (lambda b: b.update(choices={"min_members": 3, "max_members": 2}), "choices: need min_members"),
        (
            lambda b: b.update(members=[b["members"][0]]),
            "members: [{'procedure': 'birth-registration'}] is too short",
        ),
    ],
)
def test_each_wrong_bundle_is_reported(spec_dir, mutate, expected):
    spec_dir.procedure(birth_spec())
    spec_dir.procedure(_child_card())
    bundle = _bundle()
    mutate(bundle)
    spec_dir.bundle(bundle)
    problems = _problems(spec_dir)
    assert any(p.startswith("test-bundle.yaml: ") and expected in p for p in problems), problems


def test_all_problems_in_all_files_are_reported(spec_dir):
    first = birth_spec()
    first["components"][0].pop("purpose")
    spec_dir.procedure(first)
    second = _child_card()
    second["online_level"] = "partial"
    spec_dir.procedure(second)
    problems = _problems(spec_dir)
    assert len(problems) == 2
    assert {p.split(":")[0] for p in problems} == {"birth-registration.yaml", "child-card.yaml"}


@pytest.mark.django_db
def test_a_broken_spec_writes_nothing(spec_dir):
    spec_dir.procedure(birth_spec())
    broken = _child_card()
    broken["sector"] = "civil"
    spec_dir.procedure(broken)
    with pytest.raises(
        SpecError, match=re.escape("child-card.yaml: sector: 'civil' is not of type 'object'")
    ):
        sync_catalog(actor=SYSTEM, directory=spec_dir.root)
    assert not Procedure.objects.exists()
    assert not AuditEntry.objects.exists()
