"""Answers projected on their declared schemas without validating them (ADR 0051).

django-ninja builds a pydantic model of every answer a handler returns (``model_validate`` then
``model_dump``), which checks the platform's own output and drops the keys a schema does not
declare. In production the platform does not check itself: an answer whose values already have
exactly the declared types is *projected* on the schema instead (the declared fields in their
order, defaults for the ones left out, every other key dropped), which gives the same data for a
fraction of the CPU. Whatever the projection cannot vouch for, it refuses (``Unfit``), and that
answer is validated as before: a value of another type than declared (a ``bool`` for an ``int``,
an ``int`` for a ``float``, a model instance, a lazy translation), a required field left out, a
schema with resolvers, aliases, validators or serialisers, a union of models.

``API_CHECK_RESPONSES`` (on in development and tests, off in production) keeps the validation
and also projects, and a projection that differs from the validated answer in any value or type
is an error: the test suite proves the fast path on every answer it makes.
"""

from __future__ import annotations

import collections
import copy
import datetime
import decimal
import enum
import functools
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any

import annotated_types
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Schema
from ninja.operation import Operation, ResponseObject
from ninja.responses import Status
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

Projector = Callable[[Any], Any]

# Values of exactly these types are what validation would return for them, unchanged.
_EXACT: frozenset[type] = frozenset(
    {str, int, float, bool, decimal.Decimal, datetime.date, datetime.datetime, datetime.time, uuid.UUID}
)
# The field metadata that only constrains a value (checked by validation, never changed by it).
_CONSTRAINTS = (annotated_types.BaseMetadata,)
# Model settings under which validation or dumping changes a value of the declared type.
_CHANGING_CONFIG = (
    "str_strip_whitespace",
    "str_to_lower",
    "str_to_upper",
    "use_enum_values",
    "alias_generator",
    "strict",
)


# How many answers each operation projected and left to validation, in this process (for the
# benchmarks: ``bench/profile_submissions.py`` prints them).
counts: collections.Counter[tuple[str, bool]] = collections.Counter()


class Unfit(Exception):
    """The projection cannot vouch for this answer: validate it."""


class ProjectionMismatch(AssertionError):
    """Checking mode: the projection of an answer differs from its validation."""


def _unfit(value: Any) -> Any:
    raise Unfit


def _exact(kind: type) -> Projector:
    def project(value: Any) -> Any:
        if type(value) is kind:
            return value
        raise Unfit

    return project


def _project_str(value: Any) -> Any:
    if type(value) is str:
        return value
    # validation turns a str enum's member into its plain value
    if isinstance(value, enum.Enum) and isinstance(value, str) and type(value.value) is str:
        return value.value
    raise Unfit


def _project_any(value: Any) -> Any:
    # an Any field is dumped as it is, apart from containers and models it walks: pass the JSON
    # kinds through and leave the rest to validation
    if value is None or type(value) in _EXACT:
        return value
    if type(value) is list:
        return [_project_any(item) for item in value]
    if type(value) is dict:
        return {key: _project_any(item) for key, item in value.items() if type(key) is str}
    raise Unfit


def _optional(inner: Projector) -> Projector:
    def project(value: Any) -> Any:
        return None if value is None else inner(value)

    return project


def _list(inner: Projector) -> Projector:
    def project(value: Any) -> Any:
        if type(value) is not list:
            raise Unfit
        return [inner(item) for item in value]

    return project


def _dict(key: Projector, inner: Projector) -> Projector:
    def project(value: Any) -> Any:
        if type(value) is not dict:
            raise Unfit
        return {key(k): inner(v) for k, v in value.items()}

    return project


def _literal(choices: tuple[Any, ...]) -> Projector:
    allowed = {(type(choice), choice) for choice in choices}

    def project(value: Any) -> Any:
        if (type(value), value) in allowed:
            return value
        raise Unfit

    return project


def _enum(kind: type[enum.Enum]) -> Projector:
    def project(value: Any) -> Any:
        if type(value) is kind:
            return value
        raise Unfit

    return project


def _plain_model(model: type[BaseModel]) -> bool:
    """A model whose validation only checks its fields' types: no resolver, alias, validator,
    serialiser, computed field or setting that changes a value."""
    if getattr(model, "_ninja_resolvers", None):
        return False
    config = model.model_config
    if any(config.get(name) for name in _CHANGING_CONFIG) or config.get("extra") == "allow":
        return False
    decorators = model.__pydantic_decorators__
    wrap_validators = set(decorators.model_validators) - {"_run_root_validator"}  # ninja's own getter
    if (
        wrap_validators
        or decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
    ):
        return False
    for name, field in model.model_fields.items():
        if field.alias not in (None, name) or field.validation_alias is not None:
            return False
        if field.serialization_alias not in (None, name) or field.exclude:
            return False
        if any(not isinstance(item, _CONSTRAINTS) for item in field.metadata):
            return False
    return True


def _model(model: type[BaseModel]) -> Projector:
    if not _plain_model(model):
        return _unfit
    fields: list[tuple[str, Projector, Any, Callable[[], Any] | None, bool]] = []
    for name, field in model.model_fields.items():
        projector = compile_projector(typing.cast(Any, field.annotation))
        default = field.default
        factory = typing.cast("Callable[[], Any] | None", field.default_factory)
        required = default is PydanticUndefined and factory is None
        fields.append((name, projector, default, factory, required))

    def project(value: Any) -> Any:
        if type(value) is not dict:
            raise Unfit
        out: dict[str, Any] = {}
        for name, projector, default, factory, required in fields:
            if name in value:
                out[name] = projector(value[name])
            elif required:
                raise Unfit
            elif factory is not None:
                out[name] = factory()
            else:
                # pydantic copies a default that is not hashable for each instance
                out[name] = default if default is None or type(default) in _EXACT else copy.deepcopy(default)
        return out

    return project


def _forward(model: type[BaseModel]) -> Projector:
    """A model met again inside itself: compiled on first use."""
    compiled: list[Projector] = []

    def project(value: Any) -> Any:
        if not compiled:
            compiled.append(compile_projector(model))
        return compiled[0](value)

    return project


_COMPILING: set[type] = set()


@functools.cache
def compile_projector(annotation: Any) -> Projector:
    """The projector of a declared type; ``_unfit`` for what the projection never vouches for."""
    if annotation is Any or annotation is object:
        return _project_any
    if annotation is None or annotation is type(None):
        return lambda value: None if value is None else _unfit(value)
    if annotation is str:
        return _project_str
    if isinstance(annotation, type) and annotation in _EXACT:
        return _exact(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in _COMPILING:
            return _forward(annotation)
        _COMPILING.add(annotation)
        try:
            return _model(annotation)
        finally:
            _COMPILING.discard(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        if all(isinstance(item, _CONSTRAINTS) for item in annotation.__metadata__):
            return compile_projector(args[0])
        return _unfit
    if origin is typing.Literal:
        return _literal(args)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in args if arg is not type(None)]
        if len(members) == 1 and len(args) == 2:
            return _optional(compile_projector(members[0]))
        return _unfit  # pydantic's smart union choice is not reproduced
    if origin is list and len(args) == 1:
        return _list(compile_projector(args[0]))
    if origin is dict and len(args) == 2:
        return _dict(compile_projector(args[0]), compile_projector(args[1]))
    return _unfit


def same(a: Any, b: Any) -> bool:
    """Equal in value and in type all the way down (``1``, ``1.0`` and ``True`` differ)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _result_to_response(
    operation: Operation, validating: Callable[..., HttpResponseBase], check: bool
) -> Callable[[HttpRequest, Any, HttpResponse], HttpResponseBase]:
    """``Operation._result_to_response`` that projects the answers it can (see the module)."""
    api = operation.api
    models = operation.response_models
    plain_dump = not (
        operation.by_alias or operation.exclude_unset or operation.exclude_defaults or operation.exclude_none
    )
    name = operation.view_func.__name__
    projectors: dict[Any, Projector] = {}
    for status, model in models.items():
        if isinstance(model, type) and issubclass(model, BaseModel) and plain_dump:
            declared = typing.cast(Any, model.model_fields["response"].annotation)
            projectors[status] = compile_projector(declared)

    def result_to_response(
        request: HttpRequest, result: Any, temporal_response: HttpResponse
    ) -> HttpResponseBase:
        status = next(iter(models)) if len(models) == 1 else 200
        value = result
        if isinstance(result, Status):
            status, value = result.status_code, result.value
        projector = projectors.get(status)
        if projector is None or isinstance(value, (HttpResponseBase, tuple, BaseModel)):
            counts[name, False] += 1
            return validating(request, result, temporal_response)
        try:
            data = projector(value)
        except Unfit:
            counts[name, False] += 1
            return validating(request, result, temporal_response)
        counts[name, True] += 1
        if check:
            expected = _validated(models[status], request, value, status)
            if not same(data, expected):
                raise ProjectionMismatch(
                    f"{operation.view_func.__module__}.{operation.view_func.__name__}: "
                    f"projected {data!r}, validated {expected!r}"
                )
        temporal_response.status_code = status
        return api.create_response(request, data, temporal_response=temporal_response)

    return result_to_response


def _validated(model: type[Schema], request: HttpRequest, result: Any, status: int) -> Any:
    context = {"request": request, "response_status": status}
    return model.model_validate(ResponseObject(result), context=context).model_dump(context=context)[
        "response"
    ]


def install(operations: list[Operation]) -> None:
    """Let these operations project their answers; with ``API_CHECK_RESPONSES`` also check
    every projection against the validated answer."""
    check = bool(getattr(settings, "API_CHECK_RESPONSES", True))
    for operation in operations:
        if getattr(operation, "_motcua_projects", False):
            continue
        validating = operation._result_to_response
        operation._result_to_response = _result_to_response(operation, validating, check)  # type: ignore[method-assign,assignment]
        operation._motcua_projects = True  # type: ignore[attr-defined]
