"""The adapter between motcua and SpiffWorkflow: start, read, advance and cancel a process.

Only this module imports SpiffWorkflow. The rest of the platform sees a process as the list of
``Step``s ready now — a BPMN user task, its lane (the role that acts on it) and the decisions it
allows (the task's ``decisions`` property) — and advances it by completing one step with one of
those decisions; the gateways in the BPMN file route on ``decision``. Definitions use the
Camunda extension namespace, so the Camunda parser and the matching serializer configuration are
used together (a mismatched pair cannot read its own output).

Process files are code: their expressions are plain Python evaluated by the engine, so they are
reviewed and shipped in the package (``processes/``), never uploaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

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


def start(process_id: str) -> ProcessInstance:
    """Start a process and run it to its first user task; the instance is saved."""
    stored = definition(process_id)
    workflow = _serializer.deserialize_json(json.dumps({**stored.initial_state, **stored.spec}))
    workflow.do_engine_steps()
    instance = ProcessInstance(definition=stored, schema_version=SCHEMA_VERSION, state={})
    _store(instance, workflow)
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
