"""The people of the feedback tests: two applicants, the officials of agency A (and one of B),
and finished dossiers made through the dossiers' own services."""

from __future__ import annotations

import datetime

import pytest

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.models import Role, User
from tests.identity.world import (
    AGENCY_A,
    AGENCY_B,
    applicant_actor,
    complete_birth_draft,
    load_small_units,
    make_applicant,
    make_official,
)


class People:
    def __init__(self) -> None:
        self.an = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
        self.binh = make_applicant("079190067890", "Trần Thị Bình", datetime.date(1990, 7, 9))
        grants: dict[str, list[tuple[str, str]]] = {
            "reception": [(Role.RECEPTION, AGENCY_A)],
            "handler": [(Role.HANDLER, AGENCY_A)],
            "approver": [(Role.APPROVER, AGENCY_A)],
            "supervisor": [(Role.SUPERVISOR, AGENCY_A)],
            "reception_b": [(Role.RECEPTION, AGENCY_B)],
            "handler_b": [(Role.HANDLER, AGENCY_B)],
        }
        made = {name: make_official(f"{name}.feedback", g) for name, g in grants.items()}
        self.users: dict[str, User] = {name: user for name, (user, _key) in made.items()}
        self.keys = {name: key for name, (_user, key) in made.items()}

    def official(self, name: str) -> OfficialActor:
        actor = actor_for_user(self.users[name], verified=True)
        assert isinstance(actor, OfficialActor)
        return actor

    def submit(self, user: User | None = None) -> Dossier:
        actor = applicant_actor(user or self.an)
        return submission_services.submit_draft(
            actor=actor, public_id=str(complete_birth_draft(actor).public_id)
        )

    def refused(self, user: User | None = None) -> Dossier:
        dossier = self.submit(user)
        processing_services.decide(
            actor=self.official("reception"),
            code=dossier.code,
            decision="refuse",
            reason="Không thuộc thẩm quyền.",
        )
        return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def people(tmp_path, settings) -> People:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return People()
