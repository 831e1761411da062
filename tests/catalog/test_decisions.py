"""Decision tables (DMN) named by a spec: `catalog validate` checks that each file exists, that
SpiffWorkflow's DMN parser reads it, that its inputs read fields of the form (or the platform's
facts), that it has the outputs its use needs and covers every choice an applicant can make;
and the tables decide, through SpiffWorkflow's DMN engine, on the facts of a case."""

from __future__ import annotations

import datetime
import io
from xml.sax.saxutils import escape

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from motcua.catalog import decisions
from motcua.catalog.specs import SPECS_DIR, SpecError, load_catalog
from motcua.catalog.typed import parse_procedure
from motcua.workflow import engine

from .conftest import birth_spec

CRIMINAL = yaml.safe_load(
    (SPECS_DIR / "procedures" / "criminal-record-certificate.yaml").read_text(encoding="utf-8")
)
CARD = yaml.safe_load(
    (SPECS_DIR / "procedures" / "health-insurance-card-under-6.yaml").read_text(encoding="utf-8")
)
CRIMINAL_SPEC, CARD_SPEC = parse_procedure(CRIMINAL), parse_procedure(CARD)
DECEMBER = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def vietnamese():
    """The messages below are the applicant's default language (an earlier test's request may
    have left another one active in this thread)."""
    with translation.override("vi"):
        yield


def dmn(
    inputs: list[str], outputs: list[str], rules: list[tuple[list[str], list[str]]], hit: str = "UNIQUE"
) -> str:
    """A DMN 1.3 decision table: one input per expression, one output per name, rules of cells."""
    head = "".join(
        f'<input id="in{i}" label="in{i}"><inputExpression id="ie{i}"><text>{escape(expression)}</text>'
        "</inputExpression></input>"
        for i, expression in enumerate(inputs)
    )
    head += "".join(f'<output id="out{i}" label="{name}" name="{name}"/>' for i, name in enumerate(outputs))
    body = "".join(
        f'<rule id="r{r}">'
        + "".join(
            f'<inputEntry id="r{r}i{i}"><text>{escape(cell)}</text></inputEntry>'
            for i, cell in enumerate(ins)
        )
        + "".join(
            f'<outputEntry id="r{r}o{i}"><text>{escape(cell)}</text></outputEntry>'
            for i, cell in enumerate(outs)
        )
        + "</rule>"
        for r, (ins, outs) in enumerate(rules)
    )
    return (
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="t" '
        'namespace="https://motcua.example/test"><decision id="d" name="d">'
        f'<decisionTable id="t" hitPolicy="{hit}">{head}{body}</decisionTable></decision></definitions>'
    )


SEX_FEE = dmn(["child_sex"], ["fee_vnd"], [(['"male"'], ["5000"]), (['"female"'], ["8000"])])


def _problems(spec_dir) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_catalog(spec_dir.root)
    return caught.value.problems


def _with_fee(spec_dir, table: str, **fees) -> None:
    (spec_dir.root / "decisions" / "birth-fee.dmn").write_text(table, encoding="utf-8")
    spec_dir.procedure(birth_spec(fees={"kind": "dmn", "decision": "birth-fee.dmn", **fees}))


def test_the_shipped_fee_and_eligibility_tables_are_valid(spec_dir):
    spec_dir.copy_decisions()
    spec_dir.procedure(CRIMINAL)
    spec_dir.procedure(CARD)
    catalog = load_catalog(spec_dir.root)
    assert catalog.procedures["criminal-record-certificate"].raw["fees"]["kind"] == "dmn"
    assert (
        catalog.procedures["health-insurance-card-under-6"].raw["eligibility"]["field"]
        == "child_date_of_birth"
    )


def test_a_fee_table_over_a_choice_field_loads(spec_dir):
    _with_fee(spec_dir, SEX_FEE)
    assert load_catalog(spec_dir.root).procedures["birth-registration"].raw["fees"]["kind"] == "dmn"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("<definitions", "fees.decision: birth-fee.dmn: not a DMN decision table SpiffWorkflow can read"),
        (
            # well-formed XML, but not a DMN 1.3 model (no decision, no name): the XSD says so
            '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/">'
            '<decision id="d"/></definitions>',
            "fees.decision: birth-fee.dmn: not a DMN decision table SpiffWorkflow can read",
        ),
        (
            dmn(["child_gender"], ["fee_vnd"], [(['"male"'], ["5000"])]),
            "fees.decision: birth-fee.dmn: input 'in0' reads 'child_gender', which is not a field of the",
        ),
        (
            dmn(["child_sex"], ["amount"], [(['"male"'], ["5000"]), (['"female"'], ["0"])]),
            "fees.decision: birth-fee.dmn has no output 'fee_vnd' (it has amount)",
        ),
        (
            dmn(["submission_date.year"], ["fee_vnd"], [(["-"], ["5000"])]),
            "fees.decision: birth-fee.dmn: no input reads a field of the form",
        ),
        (
            dmn(["child_sex"], ["fee_vnd"], [(['"male"'], ["5000"])]),
            "fees.decision: birth-fee.dmn: no rule matches child_sex = 'female'",
        ),
        (
            dmn(["child_sex"], ["fee_vnd"], [(['"male"'], ["5000"]), (['"female"'], ['"free"'])]),
            "fees.decision: birth-fee.dmn: fee_vnd '\"free\"' is not a whole number of đồng ≥ 0",
        ),
        (
            dmn(["child_sex"], ["fee_vnd"], [(["-"], ["5000"])], hit="COLLECT"),
            "fees.decision: birth-fee.dmn: a fee table needs hit policy UNIQUE",
        ),
    ],
)
def test_each_wrong_fee_table_is_reported(spec_dir, table, expected):
    _with_fee(spec_dir, table)
    problems = _problems(spec_dir)
    assert any(p.startswith("birth-registration.yaml: ") and expected in p for p in problems), problems


def test_a_shipped_table_missing_a_category_is_reported(spec_dir):
    """The criminal-record fee table with its 'elderly' rule removed: an applicant could choose
    a category no rule prices."""
    spec_dir.procedure(CRIMINAL)
    shipped = (SPECS_DIR / "decisions" / "criminal-record-fee.dmn").read_text(encoding="utf-8")
    start = shipped.index('<rule id="rule_elderly">')
    cut = shipped[:start] + shipped[shipped.index("</rule>", start) + len("</rule>") :]
    (spec_dir.root / "decisions" / "criminal-record-fee.dmn").write_text(cut, encoding="utf-8")
    assert _problems(spec_dir) == [
        "criminal-record-certificate.yaml: fees.decision: criminal-record-fee.dmn: "
        "no rule matches applicant_category = 'elderly'"
    ]


ELIGIBILITY = dmn(
    ["age_in_years(child_date_of_birth, submission_date)"],
    ["eligible", "refusal"],
    [(["< 1"], ["True", '""']), ([">= 1"], ["False", '"too_old"'])],
)


def _with_eligibility(spec_dir, table: str, **eligibility) -> None:
    (spec_dir.root / "decisions" / "birth-eligibility.dmn").write_text(table, encoding="utf-8")
    spec = birth_spec(
        eligibility={
            "decision": "birth-eligibility.dmn",
            "field": "child_date_of_birth",
            "refusals": {"too_old": {"vi": "Quá tuổi.", "en": "Too old."}},
            **eligibility,
        }
    )
    spec_dir.procedure(spec)


def test_an_eligibility_table_over_a_date_and_the_submission_date_loads(spec_dir):
    _with_eligibility(spec_dir, ELIGIBILITY)
    assert load_catalog(spec_dir.root).procedures["birth-registration"].raw["eligibility"]


@pytest.mark.parametrize(
    ("table", "overrides", "expected"),
    [
        (ELIGIBILITY, {"field": "child_age"}, "eligibility.field: 'child_age' is not a field of the form"),
        (
            ELIGIBILITY,
            {"refusals": {"over_age": {"vi": "Quá tuổi.", "en": "Too old."}}},
            "eligibility.refusals: the table can refuse with 'too_old', which has no wording here",
        ),
        (
            dmn(["age_in_years(child_date_of_birth, submission_date)"], ["eligible"], [(["-"], ["True"])]),
            {},
            "eligibility.decision: birth-eligibility.dmn has no output 'refusal'",
        ),
        (ELIGIBILITY, {"decision": "gone.dmn"}, "eligibility.decision: gone.dmn not found in decisions/"),
        (ELIGIBILITY, {"refusals": {}}, "eligibility.refusals: {} should be non-empty"),
    ],
)
def test_each_wrong_eligibility_table_is_reported(spec_dir, table, overrides, expected):
    _with_eligibility(spec_dir, table, **overrides)
    problems = _problems(spec_dir)
    assert any(expected in p for p in problems), problems


def test_catalog_validate_names_the_problem_and_fails(spec_dir):
    _with_fee(spec_dir, dmn(["child_gender"], ["fee_vnd"], [(['"male"'], ["5000"])]))
    with pytest.raises(CommandError) as failed:
        call_command("catalog", "validate", "--dir", str(spec_dir.root), stdout=io.StringIO())
    assert "input 'in0' reads 'child_gender'" in str(failed.value)


# --- Evaluation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "fee", "rule"),
    [
        ("standard", 200_000, "rule_standard"),
        ("student", 100_000, "rule_student"),
        ("child", 0, "rule_child"),
    ],
)
def test_the_criminal_record_fee_follows_the_applicant_category(category, fee, rule):
    decided = decisions.fee_of(CRIMINAL_SPEC, {"applicant_category": category}, on=DECEMBER)
    assert decided.amount_vnd == fee
    assert decided.basis["rule"] == rule
    assert decided.basis["decision"] == "criminal-record-fee.dmn"
    assert len(decided.basis["sha256"]) == 64


def test_an_unmatched_or_empty_fee_input_is_a_problem_on_its_field():
    with pytest.raises(decisions.DecisionRefused) as unmatched:
        decisions.fee_of(CRIMINAL_SPEC, {"applicant_category": "astronaut"}, on=DECEMBER)
    assert unmatched.value.fields == {
        "applicant_category": "Không có mức lệ phí cho giá trị này: hãy kiểm tra lại, "
        "hoặc hỏi cơ quan giải quyết thủ tục."
    }
    with pytest.raises(decisions.DecisionRefused) as empty:
        decisions.fee_of(CRIMINAL_SPEC, {"applicant_category": ""}, on=DECEMBER)
    assert empty.value.fields == {"applicant_category": "Hãy khai mục này: lệ phí phụ thuộc vào nó."}


def test_fees_that_are_not_tables():
    assert decisions.fee_of(CARD_SPEC, {}, on=DECEMBER).amount_vnd == 0  # kind: none
    assert (
        decisions.fee_of(
            parse_procedure(birth_spec(fees={"kind": "fixed", "amount_vnd": 8000})), {}, on=DECEMBER
        ).amount_vnd
        == 8000
    )
    assert (
        decisions.fee_of(
            parse_procedure(birth_spec(fees={"kind": "unconfirmed", "note": "?"})), {}, on=DECEMBER
        ).amount_vnd
        is None
    )


@pytest.mark.parametrize(
    ("born", "refusal"),
    [
        (datetime.date(2020, 12, 2), None),  # 5 years and 364 days old
        (datetime.date(2026, 12, 1), None),  # born today
        (datetime.date(2020, 12, 1), "Trẻ đã đủ 6 tuổi vào ngày nộp hồ sơ"),  # sixth birthday today
        (datetime.date(2014, 3, 9), "Trẻ đã đủ 6 tuổi vào ngày nộp hồ sơ"),
        (datetime.date(2026, 12, 2), "Ngày sinh của trẻ sau ngày nộp hồ sơ"),
    ],
)
def test_the_health_card_is_for_a_child_under_6_on_the_submission_date(born, refusal):
    problems = decisions.eligibility_refusals(
        CARD_SPEC, {"child_date_of_birth": born.isoformat()}, on=DECEMBER
    )
    if refusal is None:
        assert problems == {}
    else:
        assert list(problems) == ["child_date_of_birth"]
        assert problems["child_date_of_birth"].startswith(refusal)


def test_the_refusal_is_in_the_applicants_language():
    with translation.override("en"):
        problems = decisions.eligibility_refusals(
            CARD_SPEC, {"child_date_of_birth": "2015-01-01"}, on=DECEMBER
        )
    assert problems == {
        "child_date_of_birth": "The child is 6 or older on the day of submission, so this procedure "
        "(a card for a child under 6) does not apply."
    }


def test_a_date_the_table_needs_left_empty_is_asked_for():
    assert decisions.eligibility_refusals(CARD_SPEC, {}, on=DECEMBER) == {
        "child_date_of_birth": "Hãy khai mục này: thủ tục có áp dụng hay không phụ thuộc vào nó."
    }


def test_the_engine_reports_a_table_it_cannot_evaluate_on_the_facts():
    with pytest.raises(engine.DecisionError):
        engine.decide(
            ELIGIBILITY, {"child_date_of_birth": "not a date", "submission_date": DECEMBER}, filename="t"
        )
    assert engine.age_in_years(datetime.date(2020, 2, 29), datetime.date(2026, 2, 28)) == 5
    assert engine.age_in_years(datetime.date(2020, 2, 29), datetime.date(2026, 3, 1)) == 6
