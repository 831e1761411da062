"""A small world for the metrics tests: the small units, the catalog, an applicant and officials
of two wards (every role at both, so a transferred dossier can go on), and helpers that drive
dossiers through the real dossier services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from motcua.core.calendar import WorkingCalendar
from motcua.core.outbox import dispatch_pending_events
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import deadlines as deadline_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.dossiers.services import supplement as supplement_services
from motcua.identity.actors import ApplicantActor, OfficialActor, actor_for_user
from motcua.identity.models import Role, User
from motcua.metrics.models import Counter, DossierFact, PetitionFact, Summary
from tests.identity.world import (
    AGENCY_A,
    AGENCY_B,
    PDF,
    applicant_actor,
    complete_birth_draft,
    make_applicant,
    make_official,
)

PAPER = supplement_services.SupplementFile(chunks=[PDF], file_name="ban-sao.pdf", size=None)
RESULT = {"personal_id": "001226012345"}


class Office:
    def __init__(self) -> None:
        self.applicant_user: User = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
        roles = (Role.RECEPTION, Role.HANDLER, Role.APPROVER)
        self.users: dict[str, User] = {
            role: make_official(f"{role}.metrics", [(role, agency) for agency in (AGENCY_A, AGENCY_B)])[0]
            for role in roles
        }

    @property
    def applicant(self) -> ApplicantActor:
        return applicant_actor(self.applicant_user)

    def official(self, role: str) -> OfficialActor:  # a Role
        actor = actor_for_user(self.users[role], verified=True)
        assert isinstance(actor, OfficialActor)
        return actor

    def submit(self) -> Dossier:
        return submission_services.submit_draft(
            actor=self.applicant, public_id=str(complete_birth_draft(self.applicant).public_id)
        )

    def decide(
        self,
        code: str,
        role: str,
        decision: str,
        *,
        today: datetime.date | None = None,
        agency_code: str = "",
    ) -> Dossier:
        return processing_services.decide(
            actor=self.official(role),
            code=code,
            decision=decision,
            reason="Lý do ghi trong phiếu.",
            result=RESULT,
            today=today,
            agency_code=agency_code,
        )

    def supplement_request(self, code: str, role: str) -> Dossier:
        return processing_services.decide(
            actor=self.official(role),
            code=code,
            decision="supplement",
            reason="Giấy chứng sinh không đọc được.",
            items=[{"component": "birth-certificate"}],
        )

    def supplement(self, code: str) -> Dossier:
        return supplement_services.supplement_dossier(
            actor=self.applicant, code=code, entries={}, files={"birth-certificate": PAPER}
        )

    def withdraw(self, code: str) -> Dossier:
        return supplement_services.withdraw_dossier(actor=self.applicant, code=code, reason="Nộp nhầm.")

    def apologise(self, code: str) -> datetime.date:
        """Let the dossier run late (two working days past its date) and issue the apology letter;
        returns the late day the later decisions are taken on."""
        calendar = WorkingCalendar.current()
        dossier = Dossier.objects.get(code=code)
        assert dossier.due_on is not None
        late = calendar.add_working_days(dossier.due_on, 2)
        deadline_services.issue_apology(
            actor=self.official(Role.HANDLER),
            code=code,
            reason="Chờ xác minh.",
            new_due_on=calendar.add_working_days(late, 2),
            today=late,
        )
        return late


def dispatch() -> None:
    while dispatch_pending_events(batch_size=500).dispatched:
        pass


def counter_rows() -> dict[tuple[str, str, str, datetime.date, str], int]:
    return {
        (c.scope_kind, c.scope_code, c.period_kind, c.period_start, c.key): c.value
        for c in Counter.objects.exclude(value=0)
    }


def fact_rows() -> dict[str, tuple[str, str, dict[str, object]]]:
    dossiers = {f.dossier_code: (f.agency_code, f.commune_code, f.data) for f in DossierFact.objects.all()}
    petitions = {
        f"petition:{f.petition_id}": (f.agency_code, f.commune_code, f.data)
        for f in PetitionFact.objects.all()
    }
    return {**dossiers, **petitions}


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def summary_rows() -> dict[tuple[str, str, str, datetime.date], tuple[object, ...]]:
    """The pages' precomputed figures (ADR 0059)."""
    return {
        (s.scope_kind, s.scope_code, s.period_kind, s.period_start): (s.total, s.figures, s.values)
        for s in Summary.objects.all()
    }
