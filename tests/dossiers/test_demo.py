"""The demo data `make run` loads gives the back office a late dossier that needs form 04."""

from __future__ import annotations

import pytest

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.errors import Conflict
from motcua.dossiers.demo import seed_demo_dossiers
from motcua.dossiers.models import DeadlineFlag, Dossier
from motcua.dossiers.services import deadlines as deadline_services
from motcua.dossiers.services import processing as processing_services
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.demo import seed_demo
from motcua.identity.models import User
from tests.identity.world import load_small_units


def test_demo_dossiers_include_a_late_one_and_seeding_twice_adds_nothing(db, tmp_path, settings):
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    seed_demo(actor=SYSTEM)
    seed_demo_dossiers(actor=SYSTEM)
    seed_demo_dossiers(actor=SYSTEM)
    assert Dossier.objects.count() == 2
    deadline_services.flag_deadlines()
    late = Dossier.objects.get(deadline_flag=DeadlineFlag.OVERDUE)
    assert late.channel == "counter"
    reception = actor_for_user(User.objects.get(username="tiepnhan.badinh"), verified=True)
    assert isinstance(reception, OfficialActor)
    with pytest.raises(Conflict) as refused:
        processing_services.decide(actor=reception, code=late.code, decision="accept")
    assert refused.value.code == "apology_required"
