from __future__ import annotations

import pytest

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.metrics import facts
from tests.identity.world import load_small_units
from tests.metrics.world import Office


@pytest.fixture
def office(db, tmp_path, settings) -> Office:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    facts.clear_caches()
    return Office()
