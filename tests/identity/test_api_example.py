"""The agency-system example in docs/api.md runs as written: its Python block is executed against
the platform (the real WSGI application, through httpx), with a client registered the way the
document says, so the document cannot drift from the API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from joserfc.jwk import OKPKey

from motcua.core.actors import SYSTEM
from motcua.identity import integrators
from motcua.wsgi import application
from tests.identity.world import AGENCY_A, World
from tests.inprocess import keep_the_test_connection

pytestmark = pytest.mark.django_db
API_DOC = Path(__file__).parents[2] / "docs" / "api.md"


@pytest.fixture
def world(world_copy: World) -> World:
    return world_copy


def _example() -> dict[str, Any]:
    blocks = re.findall(r"```python\n(.*?)```", API_DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 1, "docs/api.md should hold exactly one Python example"
    namespace: dict[str, Any] = {"__name__": "agency_client"}  # not __main__: the test drives it
    exec(compile(blocks[0], str(API_DOC), "exec"), namespace)
    return namespace


def test_the_python_example_gets_a_token_with_its_key_and_lists_the_inbox(world, capsys):
    example = _example()
    key = OKPKey.generate_key("Ed25519")
    client = integrators.create_client(
        actor=SYSTEM,
        name="Thử nghiệm",
        agency_code=AGENCY_A,
        roles=["reception", "handler"],
        public_jwk=key.as_dict(private=False),
    ).client
    transport = httpx.WSGITransport(app=application)
    with (
        keep_the_test_connection(),
        httpx.Client(transport=transport, base_url=settings.MOTCUA_PUBLIC_URL) as http,
    ):
        token = example["get_token"](http, client.client_id, key)
        example["show_inbox"](http, token)
        refused = http.get("/api/v1/drafts", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    printed = capsys.readouterr().out
    assert world.dossier is not None
    line = next(line for line in printed.splitlines() if line.startswith(world.dossier.code))
    assert "step reception_check: accept, supplement, refuse, transfer" in line
    assert printed.splitlines()[0].endswith("overdue")
    assert "dossiers waiting on my roles" in printed
