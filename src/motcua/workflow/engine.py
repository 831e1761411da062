"""The adapter between motcua and SpiffWorkflow: start, read, advance and cancel a process.

Only this module imports SpiffWorkflow. The rest of the platform sees a process as the list of
``Step``s ready now — a BPMN user task, its lane (the role that acts on it) and the decisions it
allows (the task's ``decisions`` property) — and advances it by completing one step with one of
those decisions; the gateways in the BPMN file route on ``decision``. Definitions use the
Camunda extension namespace, so the Camunda parser and the matching serializer configuration are
used together (a mismatched pair cannot read its own output).

Process files are code: their expressions are plain Python evaluated by the engine, so they are
reviewed and shipped in the package (``processes/``), never uploaded.

Decision tables (DMN) are evaluated here too (``describe_decision``, ``decide``): the catalog's
fee and eligibility tables (``catalog/specs/decisions/``) run through SpiffWorkflow's DMN engine
on the facts of a dossier, as the business-rule task of a one-task process built for the table,
so a table behaves exactly as it would inside a BPMN process. The same rule applies to them:
their cells are Python expressions, shipped and reviewed, never uploaded (ADR 0016).
"""

from __future__ import annotations

import ast
import datetime
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils import timezone
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from motcua.core import refdata
from motcua.core.errors import MotcuaError
from motcua.workflow.models import ProcessDefinition, ProcessInstance

PROCESS_DIR = Path(__file__).resolve().parent / "processes"
SCHEMA_VERSION = 1
SPEC_KEYS = ("spec", "subprocess_specs")
CANCELLED = "cancelled"

_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))


class WorkflowError(MotcuaError):
    """A step that is not ready, or a decision the step does not allow."""


@dataclass(frozen=True)
class Step:
    name: str  # the BPMN id of the user task, e.g. "reception_check"
    lane: str  # the role that acts on it: reception, handler, approver or applicant
    decisions: tuple[str, ...]


def process_files(process_id: str) -> dict[str, str]:
    """The sources of one shipped process: ``<id>.bpmn`` and the DMN files beside it that it names."""
    path = PROCESS_DIR / f"{process_id}.bpmn"
    if not path.is_file() or "/" in process_id:
        raise WorkflowError(f"No process definition named {process_id!r}.")
    files = {path.name: path.read_text(encoding="utf-8")}
    for dmn in sorted(PROCESS_DIR.glob(f"{process_id}.*.dmn")):
        files[dmn.name] = dmn.read_text(encoding="utf-8")
    return files


def _parse(process_id: str, files: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The serialised spec of the process, and the state of a workflow not yet started."""
    parser = CamundaParser()
    for name, text in files.items():
        if name.endswith(".bpmn"):
            parser.add_bpmn_str(text.encode(), filename=name)
        else:
            parser.add_dmn_str(text.encode(), filename=name)
    workflow = BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id))
    serialised = json.loads(_serializer.serialize_json(workflow))
    spec = {key: serialised.pop(key) for key in SPEC_KEYS}
    return spec, serialised


def definition(process_id: str) -> ProcessDefinition:
    """The stored definition of the shipped process ``process_id``, created on first use."""
    files = process_files(process_id)
    sha = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    stored = ProcessDefinition.objects.filter(sha256=sha).defer("sources").first()
    if stored is None:
        spec, initial_state = _parse(process_id, files)
        stored, _ = ProcessDefinition.objects.get_or_create(
            sha256=sha,
            defaults={
                "process_id": process_id,
                "sources": files,
                "spec": spec,
                "initial_state": initial_state,
                "serializer_version": _serializer.VERSION,
            },
        )
    return stored


def _load(instance: ProcessInstance) -> BpmnWorkflow:
    spec = instance.definition.spec
    return _serializer.deserialize_json(json.dumps({**instance.state, **spec}))


def _store(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    state = json.loads(_serializer.serialize_json(workflow))
    for key in SPEC_KEYS:
        state.pop(key, None)
    instance.state = state
    instance.updated_at = timezone.now()
    if workflow.is_completed() and not instance.completed:
        instance.completed = True
        ends = [
            task.task_spec.bpmn_id
            for task in workflow.get_tasks(state=TaskState.COMPLETED)
            if isinstance(task.task_spec, EndEvent)
        ]
        instance.outcome = ends[-1] if ends else ""


def _decisions(task_spec: Any) -> tuple[str, ...]:
    return tuple(str(getattr(task_spec, "extensions", {}).get("decisions", "")).split())


def _steps(workflow: BpmnWorkflow) -> list[Step]:
    return [
        Step(
            name=str(task.task_spec.bpmn_id),
            lane=str(task.task_spec.lane or ""),
            decisions=_decisions(task.task_spec),
        )
        for task in workflow.get_tasks(state=TaskState.READY, manual=True)
    ]


@dataclass(frozen=True)
class _Template:
    """A shipped process parsed once per process: its stored definition and the deserialised
    specs every new workflow of it is built from (specs are read-only; each workflow has its
    own tasks and data)."""

    definition: ProcessDefinition
    spec: Any
    subprocess_specs: Any


def _template(process_id: str) -> _Template:
    """The template of ``process_id``, kept per process (``core.refdata``): the files are read,
    hashed and deserialised once, not at every submission. Keyed by the directory too, since
    shipped files change only with a new release (and a test may point at other files)."""

    def load() -> _Template:
        stored = definition(process_id)
        workflow = _serializer.deserialize_json(json.dumps({**stored.initial_state, **stored.spec}))
        return _Template(definition=stored, spec=workflow.spec, subprocess_specs=workflow.subprocess_specs)

    return refdata.cached("process_template", (str(PROCESS_DIR), process_id), load)


def prepare(process_id: str) -> tuple[ProcessInstance, list[Step]]:
    """A new instance of the process run to its first user task, not saved yet, and the steps
    ready on it: built from the cached template, so a caller can do it before it takes a lock."""
    template = _template(process_id)
    workflow = BpmnWorkflow(template.spec, template.subprocess_specs)
    workflow.do_engine_steps()
    instance = ProcessInstance(definition=template.definition, schema_version=SCHEMA_VERSION, state={})
    _store(instance, workflow)
    return instance, _steps(workflow)


def start(process_id: str) -> ProcessInstance:
    """Start a process and run it to its first user task; the instance is saved."""
    instance, _ready = prepare(process_id)
    instance.save()
    return instance


def steps(instance: ProcessInstance) -> list[Step]:
    """The user tasks ready now (none once the process has ended)."""
    if instance.completed:
        return []
    return _steps(_load(instance))


def complete(
    instance: ProcessInstance, *, step: str, decision: str, data: Mapping[str, Any] | None = None
) -> list[Step]:
    """Complete the ready user task ``step`` with ``decision`` and run the engine to the next
    user task (or the end). Saves the instance; call it inside the caller's transaction."""
    workflow = _load(instance)
    ready = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == step]
    if not ready:
        raise WorkflowError(f"The step {step!r} is not waiting for a decision.")
    task = ready[0]
    if decision not in _decisions(task.task_spec):
        raise WorkflowError(f"The step {step!r} does not allow {decision!r}.")
    task.data = {**dict(data or {}), "decision": decision}
    task.run()
    workflow.do_engine_steps()
    _store(instance, workflow)
    instance.save(update_fields=["state", "updated_at", "completed", "outcome"])
    return _steps(workflow)


def cancel(instance: ProcessInstance) -> None:
    """End the process where it stands (the applicant withdrew the dossier)."""
    workflow = _load(instance)
    workflow.cancel()
    _store(instance, workflow)
    instance.completed = True
    instance.outcome = CANCELLED
    instance.save(update_fields=["state", "updated_at", "completed", "outcome"])


def lanes_of(process_id: str) -> dict[str, str]:
    """The lane of every user task of a shipped process (``{task id: lane}``)."""
    from SpiffWorkflow.camunda.specs.user_task import UserTask

    parser = CamundaParser()
    for name, text in process_files(process_id).items():
        if name.endswith(".bpmn"):
            parser.add_bpmn_str(text.encode(), filename=name)
    spec = parser.get_spec(process_id)
    return {
        str(task_spec.bpmn_id): str(task_spec.lane or "")
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, UserTask)
    }


# --- Decision tables (DMN) ---------------------------------------------------------------------


class DecisionError(WorkflowError):
    """A decision table that cannot be read, or facts it cannot be evaluated on."""


def age_in_years(born: datetime.date, on: datetime.date) -> int:
    """Completed years of age on ``on`` of someone born on ``born`` (negative if born later)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# What a table's cells may call, beside the facts they are given (``DecisionTable.names``).
DECISION_FUNCTIONS: dict[str, Callable[..., Any]] = {"age_in_years": age_in_years}

_DECISION_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="motcua_decide_definitions"
    targetNamespace="https://motcua.example/bpmn/decide">
  <bpmn:process id="motcua_decide" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>to_decide</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="decide" camunda:decisionRef="{decision_id}">
      <bpmn:incoming>to_decide</bpmn:incoming><bpmn:outgoing>to_end</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="end"><bpmn:incoming>to_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="to_decide" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="to_end" sourceRef="decide" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

_decision_engine = PythonScriptEngine(environment=TaskDataEnvironment(dict(DECISION_FUNCTIONS)))


@dataclass(frozen=True)
class DecisionInput:
    id: str
    label: str
    expression: str  # Python over the facts, e.g. ``applicant_category``
    names: tuple[str, ...]  # the facts and functions it reads


@dataclass(frozen=True)
class DecisionTable:
    """What a DMN file declares, for the catalog's checks."""

    id: str
    name: str
    hit_policy: str  # UNIQUE or COLLECT (the two SpiffWorkflow supports)
    inputs: tuple[DecisionInput, ...]
    outputs: tuple[str, ...]
    rules: tuple[str, ...]  # rule ids, in order
    output_entries: dict[str, tuple[str, ...]]  # each output's cell texts, rule by rule

    @property
    def names(self) -> set[str]:
        """Every fact the inputs read (functions of ``DECISION_FUNCTIONS`` left out)."""
        return {n for i in self.inputs for n in i.names if n not in DECISION_FUNCTIONS}


@dataclass(frozen=True)
class Decision:
    """The outcome of a table on some facts: the outputs of the rule that matched (UNIQUE) or the
    lists of outputs of every rule that matched (COLLECT), and which rules those were; no
    ``rules`` when none matched."""

    outputs: dict[str, Any]
    rules: tuple[str, ...]

    @property
    def matched(self) -> bool:
        return bool(self.rules)


def _names(expression: str) -> tuple[str, ...]:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise DecisionError(
            f"input expression {expression!r} is not a Python expression: {exc.msg}"
        ) from None
    return tuple(sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}))


@lru_cache(maxsize=64)
def _decision_spec(text: str, filename: str) -> tuple[Any, DecisionTable]:
    """The one-task process that runs the table in ``text``, and what the table declares; parsed
    once per content (the cache is keyed by the text itself)."""
    parser = CamundaParser(validator=BpmnValidator())  # also checks the DMN against its XSD
    try:
        parser.add_dmn_str(text.encode(), filename=filename)
        if len(parser.dmn_parsers) != 1:
            raise DecisionError(f"{filename}: a decision file holds exactly one <decision>")
        decision_id = next(iter(parser.dmn_parsers))
        parser.add_bpmn_str(_DECISION_PROCESS.format(decision_id=decision_id).encode(), filename="decide")
        spec = parser.get_spec("motcua_decide")
    except DecisionError:
        raise
    except Exception as exc:  # lxml's and the parser's many errors: the file cannot be used, whichever
        raise DecisionError(f"{filename}: not a DMN decision table SpiffWorkflow can read: {exc}") from None
    table = spec.task_specs["decide"].dmnEngine.decision_table
    if table.hit_policy not in ("UNIQUE", "COLLECT"):
        raise DecisionError(
            f"{filename}: hit policy {table.hit_policy} (SpiffWorkflow runs UNIQUE and COLLECT)"
        )
    inputs = []
    for item in table.inputs:
        if not item.expression:
            raise DecisionError(f"{filename}: input {item.id} has no input expression")
        inputs.append(DecisionInput(item.id, item.label or "", item.expression, _names(item.expression)))
    outputs = tuple(str(o.name or o.label) for o in table.outputs)
    described = DecisionTable(
        id=decision_id,
        name=str(parser.dmn_parsers[decision_id].get_name() or ""),
        hit_policy=table.hit_policy,
        inputs=tuple(inputs),
        outputs=outputs,
        rules=tuple(str(rule.id) for rule in table.rules),
        output_entries={
            name: tuple(str(rule.outputEntries[index].text or "") for rule in table.rules)
            for index, name in enumerate(outputs)
        },
    )
    return spec, described


def describe_decision(text: str, *, filename: str) -> DecisionTable:
    """What the DMN ``text`` declares; ``DecisionError`` if SpiffWorkflow cannot read it."""
    return _decision_spec(text, filename)[1]


def decide(text: str, facts: Mapping[str, Any], *, filename: str) -> Decision:
    """Evaluate the DMN table in ``text`` on ``facts`` through SpiffWorkflow's DMN engine (the
    business-rule task of a workflow made for the call; nothing is stored). ``DecisionError``
    when a cell cannot be evaluated on these facts (a missing fact, a wrong type)."""
    spec, _table = _decision_spec(text, filename)
    workflow = BpmnWorkflow(spec, script_engine=_decision_engine)
    [task] = [t for t in workflow.get_tasks() if t.task_spec.name == "decide"]
    task.data = dict(facts)
    dmn = task.task_spec.dmnEngine
    try:
        matched = dmn.decide(task)
        outputs = dict(dmn.result(task)) if matched else {}
    except SpiffWorkflowException as exc:
        notes = "; ".join(getattr(exc, "__notes__", []) or [])
        raise DecisionError(f"{filename}: {exc}{f' ({notes})' if notes else ''}") from None
    return Decision(outputs=outputs, rules=tuple(str(rule.id) for rule in matched))
