"""What a procedure's decision tables (DMN) decide for one case: its fee and whether the
procedure applies to it (eligibility). ADR 0016, docs/catalog.md.

A table lives in ``specs/decisions/<file>.dmn`` and is named by the spec: ``fees: {kind: dmn,
decision: <file>}`` (output ``fee_vnd``) or ``eligibility: {decision: <file>, field, refusals}``
(outputs ``eligible`` and ``refusal``, a code the spec words in both languages). Its inputs
read the form's fields by name, and the facts the platform adds (``FACTS``: the submission
date); ``workflow.engine`` evaluates it through SpiffWorkflow's DMN engine.

Every outcome a person can cause is a problem on a form field, in their language — a field the
table needs that is empty, a value no rule covers, a refusal — never an exception out of a page:
``DecisionRefused`` carries them like the form's own errors. ``check_procedure`` is what
``motcua catalog validate`` runs on a spec's tables.
"""

from __future__ import annotations

import ast
import datetime
import hashlib
import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog.labels import localised
from motcua.catalog.specs import SPECS_DIR
from motcua.catalog.typed import ProcedureDefinition, parse_procedure
from motcua.core.errors import MotcuaError
from motcua.workflow import engine

logger = logging.getLogger(__name__)

DECISIONS_DIR = SPECS_DIR / "decisions"
# what a table may read beside the form's fields: the day the dossier is submitted (received)
FACTS = ("submission_date",)
FEE_OUTPUT = "fee_vnd"
ELIGIBLE_OUTPUT = "eligible"
REFUSAL_OUTPUT = "refusal"
_MAX_COMBINATIONS = 500  # completeness check: at most this many combinations of choice values


class DecisionRefused(MotcuaError):
    """The tables cannot accept the case as entered: ``fields`` maps each form field to what is
    wrong with it, in the applicant's language (the draft is not touched)."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(_("The application is not complete yet: see the marked fields and components."))
        self.fields = dict(fields)


@dataclass(frozen=True)
class Fee:
    """The fee of one case (lệ phí): ``amount_vnd`` is None when the catalog does not set it
    (``unconfirmed``, or a table of cases an official applies); ``basis`` is how it was set."""

    amount_vnd: int | None
    kind: str  # none | fixed | dmn | table | unconfirmed
    basis: dict[str, Any] = field(default_factory=dict)


def _read(file: str) -> str:
    return (DECISIONS_DIR / file).read_text(encoding="utf-8")


def _facts(spec: ProcedureDefinition, entries: Mapping[str, Any], on: datetime.date) -> dict[str, Any]:
    """The form's values as a table reads them (dates as dates, an empty field as None), and the
    platform's facts."""
    facts: dict[str, Any] = {}
    for name, prop in spec.fields.items():
        value = entries.get(name)
        if value in ("", [], None):
            value = None
        elif prop.format == "date" and isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                value = None  # the form's own check reports it
        facts[name] = value
    facts["submission_date"] = on
    return facts


def _input_fields(spec: ProcedureDefinition, table: engine.DecisionTable) -> list[str]:
    """The form fields the table reads, in the form's order."""
    return [name for name in spec.fields if name in table.names]


def fee_fields(spec: ProcedureDefinition) -> list[str]:
    """The form fields a procedure's fee table reads ([] when the fee is not a table)."""
    if spec.fees is None or spec.fees.kind != "dmn":
        return []
    return _input_fields(spec, _table(spec.fees.decision)[1])


def _table(file: str) -> tuple[str, engine.DecisionTable]:
    text = _read(file)
    return text, engine.describe_decision(text, filename=file)


def _evaluate(
    spec: ProcedureDefinition, file: str, entries: Mapping[str, Any], on: datetime.date, missing_message: str
) -> tuple[engine.Decision, dict[str, Any], list[str]]:
    """The decision of ``file`` on the case, its basis (file, content hash) and the form fields
    it read; ``DecisionRefused`` with ``missing_message`` on each of those fields left empty."""
    text, table = _table(file)
    fields = _input_fields(spec, table)
    facts = _facts(spec, entries, on)
    basis = {"decision": file, "sha256": hashlib.sha256(text.encode()).hexdigest()}
    empty = [name for name in fields if facts.get(name) is None]
    if empty:
        raise DecisionRefused(dict.fromkeys(empty, missing_message))
    try:
        return engine.decide(text, facts, filename=file), basis, fields
    except engine.DecisionError as exc:
        # a value the table cannot compare (the form's own checks let it through): say which
        logger.warning("decision_not_evaluated", extra={"decision": file, "error": str(exc)})
        raise DecisionRefused(
            dict.fromkeys(
                fields, _("This value could not be checked against the procedure's rules: check it.")
            )
        ) from None


def fee_of(spec: ProcedureDefinition, entries: Mapping[str, Any], *, on: datetime.date) -> Fee:
    """The fee of the case ``entries`` (the form's typed values) submitted on ``on``;
    ``DecisionRefused`` when a fee table cannot set it from them."""
    fees, kind = spec.fees, spec.fee_kind
    if kind == "none":
        return Fee(0, kind, {"kind": kind})
    if fees is not None and kind == "fixed":
        return Fee(int(fees.amount_vnd or 0), kind, {"kind": kind})
    if fees is None or kind != "dmn":
        return Fee(None, kind, {"kind": kind})
    file = fees.decision
    decision, basis, fields = _evaluate(spec, file, entries, on, _("Enter this: the fee depends on it."))
    amount = decision.outputs.get(FEE_OUTPUT)
    if not decision.matched or isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise DecisionRefused(
            dict.fromkeys(
                fields,
                _("No fee is set for this value: check it, or ask the agency that handles the procedure."),
            )
        )
    return Fee(amount, kind, {"kind": kind, **basis, "rule": decision.rules[0]})


def eligibility_refusals(
    spec: ProcedureDefinition, entries: Mapping[str, Any], *, on: datetime.date
) -> dict[str, str]:
    """Why the procedure does not apply to the case, by form field ({} when it applies, or when
    the procedure has no eligibility table)."""
    eligibility = spec.eligibility
    if eligibility is None:
        return {}
    file, where = eligibility.decision, eligibility.field
    try:
        decision, _basis, _fields = _evaluate(
            spec, file, entries, on, _("Enter this: whether the procedure applies depends on it.")
        )
    except DecisionRefused as refused:
        return refused.fields
    if not decision.matched:
        return {
            where: _(
                "Whether this procedure applies could not be decided from what you entered: ask the agency."
            )
        }
    if decision.outputs.get(ELIGIBLE_OUTPUT) is True:
        return {}
    code = str(decision.outputs.get(REFUSAL_OUTPUT, ""))
    wording = eligibility.refusals.get(code)
    return {where: localised(wording) if wording else _("This procedure does not apply to this case.")}


def decided(
    spec: ProcedureDefinition, entries: Mapping[str, Any], *, on: datetime.date
) -> tuple[Fee | None, dict[str, str]]:
    """The fee and every problem the tables find with the case, by form field, both at once
    (the checks of a submission, online or at the counter)."""
    problems = eligibility_refusals(spec, entries, on=on)
    try:
        fee: Fee | None = fee_of(spec, entries, on=on)
    except DecisionRefused as refused:
        fee = None
        for name, message in refused.fields.items():
            problems.setdefault(name, message)
    return fee, problems


@dataclass(frozen=True)
class FeePreview:
    """The fee as the draft page shows it before submission."""

    amount_vnd: int | None
    kind: str
    waiting_for: list[str]  # field names the fee depends on that are still empty
    problem: str  # why the entered values give no fee ("" otherwise)


def fee_preview(spec: ProcedureDefinition, entries: Mapping[str, Any], *, on: datetime.date) -> FeePreview:
    kind = spec.fee_kind
    try:
        fee = fee_of(spec, entries, on=on)
    except DecisionRefused as refused:
        facts = _facts(spec, entries, on)
        empty = [name for name in refused.fields if facts.get(name) is None]
        if empty:
            return FeePreview(None, kind, empty, "")
        return FeePreview(None, kind, [], next(iter(refused.fields.values())))
    return FeePreview(fee.amount_vnd, kind, [], "")


# --- Catalog checks ----------------------------------------------------------------------------


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text) if text.strip() else None
    except (ValueError, SyntaxError):
        return ast  # a marker: not a literal


def _uncovered(spec: ProcedureDefinition, text: str, file: str, table: engine.DecisionTable) -> list[str]:
    """The combinations of values no rule matches, when every input is one choice field (an
    enum or a yes/no field) of the form: those are cases an applicant can enter."""
    properties = spec.fields
    domains: list[tuple[str, list[Any]]] = []
    for item in table.inputs:
        prop = properties.get(item.expression.strip())
        if prop is None:
            return []
        if prop.enum is not None:
            domains.append((item.expression.strip(), list(prop.enum)))
        elif prop.type == "boolean":
            domains.append((item.expression.strip(), [True, False]))
        else:
            return []
    uncovered = []
    for values in itertools.islice(itertools.product(*(d[1] for d in domains)), _MAX_COMBINATIONS):
        facts = {**dict.fromkeys(properties), "submission_date": datetime.date(2000, 1, 1)}
        facts.update({name: value for (name, _d), value in zip(domains, values, strict=True)})
        try:
            matched = engine.decide(text, facts, filename=file).matched
        except engine.DecisionError as exc:
            return [f"cannot be evaluated: {exc}"]
        if not matched:
            uncovered.append(
                ", ".join(f"{name} = {value!r}" for (name, _d), value in zip(domains, values, strict=True))
            )
    return [f"no rule matches {case}" for case in uncovered]


def _check_table(
    spec: ProcedureDefinition, where: str, file: str, decisions_dir: Path, outputs: tuple[str, ...]
) -> tuple[engine.DecisionTable | None, list[str]]:
    path = decisions_dir / file
    if not path.is_file():
        return None, [f"{where}: {file} not found in {decisions_dir.name}/"]
    text = path.read_text(encoding="utf-8")
    try:
        table = engine.describe_decision(text, filename=file)
    except engine.DecisionError as exc:
        return None, [f"{where}: {exc}"]
    problems = []
    properties = spec.fields
    for output in outputs:
        if output not in table.outputs:
            problems.append(
                f"{where}: {file} has no output {output!r} (it has {', '.join(table.outputs) or 'none'})"
            )
    for item in table.inputs:
        unknown = [
            n
            for n in item.names
            if n not in properties and n not in FACTS and n not in engine.DECISION_FUNCTIONS
        ]
        if unknown:
            problems.append(
                f"{where}: {file}: input {item.label or item.id!r} reads {', '.join(map(repr, unknown))}, "
                f"which is not a field of the form nor a fact the platform gives ({', '.join(FACTS)})"
            )
    if not _input_fields(spec, table):
        problems.append(f"{where}: {file}: no input reads a field of the form")
    if not problems:
        problems += [f"{where}: {file}: {p}" for p in _uncovered(spec, text, file, table)]
    return table, problems


def check_procedure(raw: Mapping[str, Any], decisions_dir: Path) -> list[str]:
    """The problems of a procedure spec's decision tables: the file exists, SpiffWorkflow reads
    it, its inputs read the form's fields (or the platform's facts), it has the outputs its use
    needs, and every choice an applicant can make is covered by a rule. ``raw`` passed the
    schema."""
    problems: list[str] = []
    spec = parse_procedure(raw)
    fees = spec.fees
    if fees is not None and fees.kind == "dmn":
        file = fees.decision
        table, found = _check_table(spec, "fees.decision", file, decisions_dir, (FEE_OUTPUT,))
        problems += found
        if table is not None and not found:
            if table.hit_policy != "UNIQUE":
                problems.append(
                    f"fees.decision: {file}: a fee table needs hit policy UNIQUE (one fee per case)"
                )
            for text in table.output_entries.get(FEE_OUTPUT, ()):
                value = _literal(text)
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    problems.append(
                        f"fees.decision: {file}: fee_vnd {text!r} is not a whole number of đồng ≥ 0"
                    )
    eligibility = spec.eligibility
    if eligibility is not None:
        file = eligibility.decision
        if eligibility.field not in spec.fields:
            problems.append(f"eligibility.field: {eligibility.field!r} is not a field of the form")
        table, found = _check_table(
            spec, "eligibility.decision", file, decisions_dir, (ELIGIBLE_OUTPUT, REFUSAL_OUTPUT)
        )
        problems += found
        if table is not None and not found:
            if table.hit_policy != "UNIQUE":
                problems.append(f"eligibility.decision: {file}: an eligibility table needs hit policy UNIQUE")
            worded = set(eligibility.refusals)
            for text in table.output_entries.get(REFUSAL_OUTPUT, ()):
                code = _literal(text)
                if code is ast or not isinstance(code, str | type(None)):
                    problems.append(f"eligibility.decision: {file}: refusal {text!r} is not a text literal")
                elif code and code not in worded:
                    problems.append(
                        f"eligibility.refusals: the table can refuse with {code!r}, which has no wording here"
                    )
            for text in table.output_entries.get(ELIGIBLE_OUTPUT, ()):
                if _literal(text) not in (True, False):
                    problems.append(f"eligibility.decision: {file}: eligible {text!r} is not True or False")
    return problems
