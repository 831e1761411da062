"""The engine adapter: definitions stored once per version, instances without their spec, a
running instance kept on the definition it started with, and the refusals."""

from __future__ import annotations

import pytest

from motcua.workflow import engine
from motcua.workflow.models import ProcessDefinition

pytestmark = pytest.mark.django_db


def test_a_definition_is_stored_once_and_instances_carry_only_their_state():
    first, second = engine.start("onestop"), engine.start("onestop")
    assert ProcessDefinition.objects.count() == 1
    assert first.definition_id == second.definition_id
    assert "spec" not in first.state
    assert "subprocess_specs" not in first.state
    assert [s.name for s in engine.steps(first)] == ["reception_check"]
    assert engine.steps(first)[0].decisions == ("accept", "supplement", "refuse", "transfer")


def test_steps_follow_the_gateways_and_the_outcome_is_the_end_event_reached():
    instance = engine.start("onestop")
    for step, decision in [
        ("reception_check", "supplement"),
        ("supplement_at_reception", "supplemented"),
        ("reception_check", "accept"),
        ("handling", "propose"),
        ("approval", "approve"),
    ]:
        engine.complete(instance, step=step, decision=decision)
    instance.refresh_from_db()
    assert [s.name for s in engine.steps(instance)] == ["result_return"]
    engine.complete(instance, step="result_return", decision="return")
    instance.refresh_from_db()
    assert instance.completed
    assert instance.outcome == "returned"
    assert engine.steps(instance) == []


def test_a_step_not_waiting_or_a_decision_it_does_not_list_is_refused():
    instance = engine.start("onestop")
    with pytest.raises(engine.WorkflowError):
        engine.complete(instance, step="approval", decision="approve")
    with pytest.raises(engine.WorkflowError):
        engine.complete(instance, step="reception_check", decision="approve")
    with pytest.raises(engine.WorkflowError):
        engine.start("../onestop")
    assert [s.name for s in engine.steps(instance)] == ["reception_check"]


def test_a_running_instance_stays_on_its_definition_when_a_new_one_ships(tmp_path, monkeypatch):
    old = engine.start("onestop")
    # a new version of the process ships: approval leaves only "approve"
    shipped = engine.PROCESS_DIR / "onestop.bpmn"
    changed = shipped.read_text(encoding="utf-8").replace('value="approve send_back stop"', 'value="approve"')
    (tmp_path / "onestop.bpmn").write_text(changed, encoding="utf-8")
    monkeypatch.setattr(engine, "PROCESS_DIR", tmp_path)  # the package directory, not our code
    new = engine.start("onestop")
    assert new.definition_id != old.definition_id
    for instance in (old, new):
        engine.complete(instance, step="reception_check", decision="accept")
        engine.complete(instance, step="handling", decision="propose")
    assert engine.steps(old)[0].decisions == ("approve", "send_back", "stop")
    assert engine.steps(new)[0].decisions == ("approve",)


def test_only_the_engine_imports_spiffworkflow():
    """BPMN processes and DMN tables alike go through ``workflow.engine`` (ADR 0014, 0016)."""
    import re
    from pathlib import Path

    import motcua

    importing = re.compile(r"^\s*(from|import)\s+SpiffWorkflow\b", re.MULTILINE)
    root = Path(motcua.__file__).parent
    found = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if importing.search(path.read_text("utf-8"))
    )
    assert found == ["workflow/engine.py"]
