"""The API fuzzed from its own OpenAPI schema (schemathesis): no operation may answer with a
server error, whatever the input, for an anonymous caller, an applicant, two officials (a
reception officer, who may receive at the counter and decide at reception, and a handler) and an
agency system with a bearer token (an integrator client with the reception role).

Bounded for CI: a few generated cases per operation, each sent by every caller
(``MOTCUA_FUZZ_EXAMPLES``, default 3; raise it for a deeper run). The cases are reproducible
but not the same on both databases: the seed is the database's (SQLite 1, PostgreSQL 2, or
``MOTCUA_FUZZ_SEED``), so the two passes of ``make test`` try different inputs — PostgreSQL
refuses some that SQLite stores (a NUL character in text), so each pass fuzzes its own.
The world is the access matrix's (drafts, a dossier, a file, officials), built once for the
module, and the registries are the real test server, so operations that pull data really call it.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from tests.identity.world import World
from tests.inprocess import keep_the_test_connection

from motcua.api.api import api
from motcua.wsgi import application

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "3"))
SEED = int(
    os.environ.get("MOTCUA_FUZZ_SEED")
    or ("2" if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")) else "1")
)
CALLERS = [
    "anonymous",
    "applicant_a",
    "reception_a",
    "handler_a",
    "client_reception_a",
]  # reception: the counter, reception decisions; the client: the token endpoint and the inbox


def _load_schema() -> Any:
    """The schema the API publishes at /api/v1/openapi.json, built without a request (the
    database is not open at collection), with calls going to the WSGI application in-process."""
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture
def world(world_copy: World, settings: Any) -> World:
    settings.MOTCUA_RATE_LIMITS = {
        **settings.MOTCUA_RATE_LIMITS,
        "api_address": "1000000/m",
        "api_user": "1000000/m",
        "lookup_failures_address": "1000000/h",
        "api_client": "1000000/m",
        "token_client": "1000000/h",
    }
    return world_copy


def _session(world: World, name: str) -> tuple[dict[str, str], dict[str, str]]:
    if name in world.tokens:  # an agency system: no cookies, its bearer token
        return {}, {"Authorization": f"Bearer {world.tokens[name]}"}
    return _browser(world.client(name))


def _browser(client: Client) -> tuple[dict[str, str], dict[str, str]]:
    """The cookies and the CSRF header a browser with this client's session would send."""
    client.get("/")  # sets the CSRF cookie
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return cookies, {"X-CSRFToken": cookies.get("csrftoken", "")}


@pytest.fixture
def callers(world: World) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Signed-in sessions, made once per operation (the officials' through password + TOTP)."""
    return {name: _session(world, name) for name in CALLERS if name != "anonymous"}


@schema.parametrize()  # type: ignore[untyped-decorator]
@hypothesis_seed(SEED)
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing kept between runs: the seed alone decides the cases
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case: Any, callers: Any) -> None:
    with keep_the_test_connection():
        for caller in CALLERS:
            if caller == "anonymous":
                case.call_and_validate(checks=[not_a_server_error])
                continue
            cookies, headers = callers[caller]
            case.call_and_validate(
                headers={**(case.headers or {}), **headers}, cookies=cookies, checks=[not_a_server_error]
            )
