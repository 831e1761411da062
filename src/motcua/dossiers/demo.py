"""Demo dossiers for `make run` (refused in production): so that the back office has work on
the first visit, including a dossier that is already late and needs the apology letter.

They are received at the Ba Đình counter through the counter service, like any paper dossier;
the late one is then dated back as if it had been received three working days ago — the one
write no real service would do, audited as ``dossiers.demo_backdated``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from motcua.catalog import selectors as catalog
from motcua.core.actors import Actor
from motcua.core.calendar import WorkingCalendar
from motcua.core.services import record_change
from motcua.dossiers.events import DossierEvent, DossierSubject
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import counter as counter_services
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.demo import refuse_in_production
from motcua.identity.models import User

# a blank one-page scan (well-formed: the platform refuses a PDF it cannot read)
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n203\n%%EOF\n"
)
LATE_KEY = "6f1b4d0e-2a7c-4c1e-9b7a-0d3c5e8f9a01"
FRESH_KEY = "6f1b4d0e-2a7c-4c1e-9b7a-0d3c5e8f9a02"
PEOPLE = {
    LATE_KEY: ("038078052964", "Lê Văn Hùng", "25/01/1978", "Lê Văn Phúc"),
    FRESH_KEY: ("048195018347", "Phạm Thị Lan", "30/11/1995", "Phạm Gia Bảo"),
}


def _birth(actor: OfficialActor, key: str) -> Dossier:
    personal_id, name, birth_date, child = PEOPLE[key]
    procedure = "birth-registration"
    scans = {
        c.id: counter_services.Scan(chunks=[PDF], file_name=f"{c.id}.pdf")
        for c in counter_services.scannable_components(catalog.get_procedure(procedure))
    }
    return counter_services.receive_at_counter(
        actor=actor,
        procedure_code=procedure,
        channel="counter",
        person=counter_services.Person(
            personal_id=personal_id, full_name=name, birth_date=birth_date, identity_check="chip_card"
        ),
        entries={
            "child_full_name": child,
            "child_date_of_birth": (timezone.localdate() - datetime.timedelta(days=20)).isoformat(),
            "child_sex": "male",
            "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội",
            "requester_relationship": "father" if "Văn" in name else "mother",
        },
        scans=scans,
        key=key,
        agency_code="UBND.00004",
    )


def seed_demo_dossiers(*, actor: Actor) -> list[str]:
    """Idempotent (the counter keys): one fresh dossier and one three working days late."""
    refuse_in_production()
    official = actor_for_user(User.objects.get(username="tiepnhan.badinh"), verified=True)
    assert isinstance(official, OfficialActor)
    fresh = _birth(official, FRESH_KEY)
    late = _birth(official, LATE_KEY)
    if late.original_due_on == late.due_on and timezone.localdate(late.received_at) == timezone.localdate():
        _date_back(late, working_days=3, actor=actor)
    return [f"{fresh.code} received today", f"{late.code} received three working days ago, now overdue"]


def _date_back(dossier: Dossier, *, working_days: int, actor: Actor) -> None:
    calendar = WorkingCalendar.current()
    day = timezone.localdate()
    for _ in range(working_days):
        day -= datetime.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= datetime.timedelta(days=1)
    shift = timezone.localdate() - day
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        old_due = locked.due_on
        locked.submitted_at -= shift
        locked.received_at -= shift
        if locked.due_on:
            locked.due_on -= shift
            locked.original_due_on = locked.due_on
        locked.save(update_fields=["submitted_at", "received_at", "due_on", "original_due_on"])
        record_change(
            actor=actor,
            type=DossierEvent.DOSSIER_DEMO_BACKDATED,
            subject_type=DossierSubject.DOSSIER,
            subject_id=locked.code,
            agency_code=locked.agency_code,
            changes={"due_on": [str(old_due), str(locked.due_on)]},
        )
