"""Loading and validating procedure and bundle specs (ADR 0004, docs/catalog.md).

``load_catalog(directory)`` reads every ``procedures/*.yaml`` and ``bundles/*.yaml`` under
``directory``, validates each against its JSON Schema and then the semantic rules the schema
cannot express, and returns typed specs. Every problem in every file is collected; if there
is any, ``SpecError`` lists them as ``<file>: <path inside it>: <what is wrong>`` and nothing
is returned, so a wrong spec never half-loads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema.exceptions import ValidationError

from motcua.catalog.errors import CatalogErrorCode
from motcua.catalog.public_text import editorial_marker_problems
from motcua.catalog.typed import (
    BundleDefinition,
    ComponentSpec,
    MemberSpec,
    ProcedureDefinition,
    parse_procedure,
)
from motcua.catalog.writes import check_writes
from motcua.core.errors import MotcuaError

PACKAGE_DIR = Path(__file__).resolve().parent
SPECS_DIR = PACKAGE_DIR / "specs"
SCHEMA_DIR = PACKAGE_DIR / "schema"


class SpecError(MotcuaError):
    code = CatalogErrorCode.INVALID_PROCEDURE_SPEC

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the procedure catalog:\n{listing}")


def subject_field_of(component: Mapping[str, Any]) -> str:
    """The form field where the applicant enters the ID of whom a data component is about, or ""
    when it is about the applicant (``subject: applicant``, the default)."""
    kind, _sep, name = str(component.get("subject", "applicant")).partition(".")
    return name if kind == "form" else ""


@dataclass(frozen=True)
class ProcedureSpec:
    """A valid procedure spec file: where it is, its hash, the mapping (for the checks, lint and
    the published row) and its typed form (``definition``, what every other reader uses)."""

    code: str
    source: Path
    sha256: str
    raw: dict[str, Any]

    @property
    def name_vi(self) -> str:
        return str(self.raw["name"]["vi"])

    @cached_property
    def definition(self) -> ProcedureDefinition:
        """The spec as typed objects (``typed.py``)."""
        return parse_procedure(self.raw, self.sha256)

    @property
    def components(self) -> tuple[ComponentSpec, ...]:
        return self.definition.components

    @property
    def level(self) -> str:
        return str(self.raw.get("competent_authority", {}).get("level", ""))

    @property
    def agency_type(self) -> str:
        return str(self.raw.get("competent_authority", {}).get("agency_type", ""))

    @property
    def form_properties(self) -> dict[str, Any]:
        return dict(self.raw.get("form", {}).get("properties", {}))

    @property
    def result_fields(self) -> dict[str, Any]:
        return dict(self.raw.get("result", {}).get("fields", {}))


@dataclass(frozen=True)
class BundleSpec:
    code: str
    source: Path
    sha256: str
    raw: dict[str, Any]

    @cached_property
    def definition(self) -> BundleDefinition:
        """The spec as typed objects (``typed.py``)."""
        return BundleDefinition.model_validate({**self.raw, "sha256": self.sha256})

    @property
    def members(self) -> tuple[MemberSpec, ...]:
        return self.definition.members


@dataclass(frozen=True)
class Catalog:
    procedures: dict[str, ProcedureSpec]
    bundles: dict[str, BundleSpec]


@cache
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _path(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _most_relevant(error: ValidationError, instance: Any) -> ValidationError:
    """For a oneOf over a ``kind`` discriminator, report the error of the branch that kind selects."""
    if error.validator == "oneOf" and error.context and isinstance(error.instance, dict):
        kind = error.instance.get("kind")
        candidates: list[ValidationError] = []
        for sub in error.context:
            branches: Any = error.validator_value
            branch = branches[sub.schema_path[0]] if sub.schema_path else {}
            const = branch.get("properties", {}).get("kind", {}).get("const")
            if const == kind:
                candidates.append(sub)
        if candidates:
            best = min(candidates, key=lambda e: (e.validator == "additionalProperties", len(e.path)))
            return _most_relevant(best, instance)
        if kind is not None:
            return error  # unknown kind: the enum check reports it
    return error


def _schema_problems(kind: str, data: Any) -> list[str]:
    problems = []
    for error in sorted(_validator(kind).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        if error.validator == "oneOf" and isinstance(error.instance, dict) and "kind" in error.instance:
            # The enum on `kind` already reports an unknown kind; skip the redundant oneOf noise.
            allowed = {"data", "document", "wallet", "none", "fixed", "table", "dmn", "unconfirmed"}
            if error.instance["kind"] not in allowed:
                continue
        relevant = _most_relevant(error, data)
        message = relevant.message
        if len(message) > 300:
            message = message[:300] + "…"
        problems.append(f"{_path(relevant.absolute_path)}: {message}")
    return problems


def _read_yaml(path: Path, problems: list[str]) -> tuple[Any, str] | None:
    try:
        content = path.read_bytes()
        return yaml.safe_load(content), hashlib.sha256(content).hexdigest()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problems.append(f"{path.name}: {where}: not valid YAML: {getattr(exc, 'problem', exc)}")
    except OSError as exc:
        problems.append(f"{path.name}: cannot read: {exc.strerror}")
    return None


def _check_procedure(spec: dict[str, Any], source: Path, decisions_dir: Path) -> list[str]:
    problems: list[str] = []
    form = spec.get("form")
    properties: dict[str, Any] = form.get("properties", {}) if isinstance(form, dict) else {}
    if isinstance(form, dict):
        try:
            jsonschema.Draft202012Validator.check_schema(form)
        except jsonschema.SchemaError as exc:
            problems.append(f"form.{_path(exc.absolute_path)}: not a valid JSON Schema: {exc.message}")
        for index, name in enumerate(form.get("required", [])):
            if name not in properties:
                problems.append(f"form.required[{index}]: {name!r} is not a property of the form")
    components = spec.get("components", [])
    data_registries = {c.get("registry") for c in components if c.get("kind") == "data"}
    for name, prop in properties.items():
        prefill = prop.get("x-prefill") if isinstance(prop, dict) else None
        if prefill and prefill.split(".")[0] not in data_registries:
            problems.append(
                f"form.properties.{name}.x-prefill: registry {prefill.split('.')[0]!r} is not used by any "
                "data component of this procedure (only consented data may prefill the form)"
            )
    seen: set[str] = set()
    for index, component in enumerate(components):
        if component.get("id") in seen:
            problems.append(f"components[{index}].id: duplicate component id {component.get('id')!r}")
        seen.add(component.get("id"))
        subject_field = subject_field_of(component)
        if subject_field and subject_field not in properties:
            problems.append(
                f"components[{index}].subject: {subject_field!r} is not a field of the form "
                "(the applicant enters the subject's personal ID number there)"
            )
    problems += check_writes(spec)
    if not problems:  # the tables read the form: check them against a sound one
        from motcua.catalog import decisions  # runs SpiffWorkflow's parser (workflow.engine)

        problems += decisions.check_procedure(spec, decisions_dir)
    process = spec.get("process")
    if process is not None:
        bpmn = Path(__file__).resolve().parent.parent / "workflow" / "processes" / f"{process}.bpmn"
        if not bpmn.is_file():
            problems.append(f"process: no process definition {process!r} in motcua/workflow/processes/")
    if spec.get("code") != source.stem:
        problems.append(f"code: {spec.get('code')!r} must equal the file name {source.stem!r}")
    problems += _proactive_problems(spec, properties)
    return problems + editorial_marker_problems(spec)


# What each registry's change feed carries (motcua.protocol.feeds.FEED_KINDS, kept in step by a test).
_FEED_KINDS = {
    "civil_status": {"birth_registered", "death_registered", "marriage_registered"},
    "residence": {"moved"},
    "population": {"reached_age"},
    "identity_card": {"issued", "expiring", "expired"},
    "driving_licence": {"issued", "expiring", "expired"},
    "health_insurance": {"issued", "expiring", "expired"},
    "passport": {"issued", "expiring", "expired"},
}


def _proactive_problems(spec: dict[str, Any], properties: dict[str, Any]) -> list[str]:
    """The semantic checks of proactive rules (ADR 0064): the trigger is a change the registry's
    feed carries, prefilled fields exist on the form, ``grant`` only where the procedure is
    declared grantable, rule ids unique."""
    problems: list[str] = []
    seen: set[str] = set()
    for index, rule in enumerate(spec.get("proactive") or []):
        where = f"proactive[{index}]"
        if rule.get("id") in seen:
            problems.append(f"{where}.id: duplicate rule id {rule.get('id')!r}")
        seen.add(rule.get("id"))
        trigger = rule.get("trigger") or {}
        if trigger.get("kind") not in _FEED_KINDS.get(str(trigger.get("registry")), set()):
            problems.append(
                f"{where}.trigger: {trigger.get('registry')!r} publishes no {trigger.get('kind')!r} change"
            )
        for name in rule.get("prefill") or {}:
            if name not in properties:
                problems.append(f"{where}.prefill.{name}: not a field of the form")
        if rule.get("level") == "grant" and not spec.get("proactive_grantable"):
            problems.append(
                f"{where}.level: grant needs proactive_grantable: true (the law must let the agency "
                "decide without an application)"
            )
    return problems


def _check_bundle(spec: dict[str, Any], source: Path, procedures: dict[str, ProcedureSpec]) -> list[str]:
    problems: list[str] = []
    if spec.get("code") != source.stem:
        problems.append(f"code: {spec.get('code')!r} must equal the file name {source.stem!r}")
    earlier: list[str] = []
    members = spec.get("members", [])
    for index, member in enumerate(members):
        where = f"members[{index}]"
        code = member.get("procedure")
        procedure = procedures.get(code)
        if procedure is None:
            problems.append(f"{where}.procedure: no procedure spec {code!r}")
        for after in member.get("after", []):
            if after not in earlier:
                problems.append(f"{where}.after: {after!r} is not an earlier member of this bundle")
        for flow_index, flow in enumerate(member.get("receives", [])):
            flow_where = f"{where}.receives[{flow_index}]"
            source_code = flow.get("from")
            if source_code not in earlier:
                problems.append(f"{flow_where}.from: {source_code!r} is not an earlier member of this bundle")
            source_spec = procedures.get(source_code)
            kind, _, name = str(flow.get("source")).partition(".")
            if kind == "form" and source_spec is not None and name not in source_spec.form_properties:
                problems.append(f"{flow_where}.source: {name!r} is not a field of {source_code}'s form")
            if kind == "result" and source_spec is not None and name not in source_spec.result_fields:
                problems.append(f"{flow_where}.source: {name!r} is not a field of {source_code}'s result")
            target = str(flow.get("target")).partition(".")[2]
            if procedure is not None and target not in procedure.form_properties:
                problems.append(f"{flow_where}.target: {target!r} is not a field of {code}'s form")
        earlier.append(code)
    choices = spec.get("choices")
    if choices:
        low, high = choices.get("min_members", 1), choices.get("max_members", len(members))
        if not low <= high <= len(members):
            problems.append(f"choices: need min_members <= max_members <= {len(members)} members")
    return problems + editorial_marker_problems(spec)


def _read_specs(
    directory: Path, kind: str, problems: list[str], check: Callable[[dict[str, Any], Path], list[str]]
) -> list[tuple[Path, str, dict[str, Any]]]:
    """Valid (path, sha256, data) of every ``<kind>s/*.yaml``; problems are appended, prefixed by file."""
    valid: list[tuple[Path, str, dict[str, Any]]] = []
    codes: set[str] = set()
    for path in sorted((directory / f"{kind}s").glob("*.yaml")):
        loaded = _read_yaml(path, problems)
        if loaded is None:
            continue
        data, sha = loaded
        if not isinstance(data, dict):
            problems.append(f"{path.name}: (top level): a {kind} spec is a mapping")
            continue
        file_problems = _schema_problems(kind, data) or check(data, path)
        code = str(data.get("code"))
        if code in codes:
            file_problems.append(f"code: duplicate {kind} code {code!r}")
        codes.add(code)
        if file_problems:
            problems.extend(f"{path.name}: {problem}" for problem in file_problems)
        else:
            valid.append((path, sha, data))
    return valid


def load_catalog(directory: Path = SPECS_DIR) -> Catalog:
    problems: list[str] = []
    procedures = {
        data["code"]: ProcedureSpec(code=data["code"], source=path, sha256=sha, raw=data)
        for path, sha, data in _read_specs(
            directory,
            "procedure",
            problems,
            lambda data, path: _check_procedure(data, path, directory / "decisions"),
        )
    }
    bundles = {
        data["code"]: BundleSpec(code=data["code"], source=path, sha256=sha, raw=data)
        for path, sha, data in _read_specs(
            directory, "bundle", problems, lambda data, path: _check_bundle(data, path, procedures)
        )
    }
    if problems:
        raise SpecError(problems)
    return Catalog(procedures=procedures, bundles=bundles)
