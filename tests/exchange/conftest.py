from __future__ import annotations

import pytest

from tests.exchange.requests import Agency, register_agencies
from tests.exchange.server import RegistriesServer


@pytest.fixture(scope="module")
def agencies(registries_server: RegistriesServer) -> dict[str, Agency]:
    """Test agencies and a test consent issuer, registered with the session's registries."""
    return register_agencies(registries_server)
