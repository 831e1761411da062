"""Fixtures that run the stand-in eID provider as a real process (``tests.eid.server``).

``eid_server`` is shared by the whole test session (platform tests sign in through it too):
tests must leave it usable, so nothing here locks its demo accounts or its address.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.eid.server import EidServer

PLATFORM_CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture(scope="session")
def eid_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EidServer]:
    with EidServer(tmp_path_factory.mktemp("eid"), [PLATFORM_CALLBACK]) as server:
        yield server
