from __future__ import annotations

import datetime

import pytest

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.identity.models import User
from tests.identity.world import load_small_units, make_applicant

MINH = ("001086027419", "Nguyễn Văn Minh", datetime.date(1986, 4, 12))


@pytest.fixture
def minh(exchange, tmp_path, settings) -> User:
    """Nguyễn Văn Minh of the demo population (Ba Đình, Hà Nội), signed up, with the small
    world's units and the catalog loaded and the registries wired in."""
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return make_applicant(*MINH)
