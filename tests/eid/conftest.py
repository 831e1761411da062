from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.eid.server import EidServer

PLATFORM_CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture(scope="session")
def eid_server(tmp_path_factory) -> Iterator[EidServer]:
    with EidServer(tmp_path_factory.mktemp("eid"), [PLATFORM_CALLBACK]) as server:
        yield server
