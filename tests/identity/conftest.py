from __future__ import annotations

import pytest

from tests.identity.world import World, build_world


@pytest.fixture(autouse=True)
def _fast_hashing_and_uploads(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def world(exchange, tmp_path) -> World:
    return build_world(tmp_path)
