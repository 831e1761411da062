from __future__ import annotations

import pytest

from tests.identity.world import World, build_world


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def world(exchange, tmp_path) -> World:
    return build_world(tmp_path)
