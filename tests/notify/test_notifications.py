"""Applicants are told what happens to their dossiers: one notification per event and recipient,
made by the event-log dispatcher from the dossier's own events, with its text composed in the
reader's language from the dossier and its notice; read on the portal and through the API, by
the applicant it is addressed to and nobody else."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.calendar import WorkingCalendar
from motcua.core.errors import NotFound
from motcua.core.models import AuditEntry, Event, EventDelivery
from motcua.core.outbox import dispatch_pending_events
from motcua.core.types import EventType
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import deadlines as deadline_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.models import Role, User
from motcua.notify import selectors
from motcua.notify import services as notify
from motcua.notify.models import Notification, NotificationKind
from motcua.units.models import Agency
from tests.identity.world import (
    AGENCY_A,
    AGENCY_B,
    applicant_actor,
    applicant_client,
    complete_birth_draft,
    load_small_units,
    make_applicant,
    make_official,
    official_client,
)

pytestmark = pytest.mark.django_db


class People:
    def __init__(self) -> None:
        self.an = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
        self.binh = make_applicant("079190067890", "Trần Thị Bình", datetime.date(1990, 7, 9))
        grants: dict[str, list[tuple[str, str]]] = {
            "reception": [(Role.RECEPTION, AGENCY_A)],
            "handler": [(Role.HANDLER, AGENCY_A)],
            "approver": [(Role.APPROVER, AGENCY_A)],
        }
        made = {name: make_official(f"{name}.notify", g) for name, g in grants.items()}
        self.users: dict[str, User] = {name: user for name, (user, _key) in made.items()}
        self.keys = {name: key for name, (_user, key) in made.items()}

    def official(self, name: str) -> OfficialActor:
        actor = actor_for_user(self.users[name], verified=True)
        assert isinstance(actor, OfficialActor)
        return actor

    def submit(self) -> Dossier:
        actor = applicant_actor(self.an)
        return submission_services.submit_draft(
            actor=actor, public_id=str(complete_birth_draft(actor).public_id)
        )


@pytest.fixture
def people(tmp_path, settings) -> People:
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return People()


def told(user: User) -> list[tuple[str, str, str]]:
    """What the user reads, newest first: (kind, title, body)."""
    actor = applicant_actor(user)
    views = selectors.notification_views(list(selectors.notifications_of(actor)))
    return [(v.kind, v.title, v.body) for v in views]


def agency_name(code: str) -> str:
    return Agency.objects.get(code=code).name


def test_the_applicant_is_told_of_reception_supplement_delay_and_result_in_vietnamese(people):
    dossier = people.submit()
    code, agency = dossier.code, agency_name(AGENCY_A)
    assert told(people.an) == []  # nothing before the dispatcher has run
    dispatch_pending_events()
    [(kind, title, body)] = told(people.an)
    assert kind == NotificationKind.RECEIVED
    assert title == f"Hồ sơ {code} đã được tiếp nhận"
    assert (
        body == f"Đăng ký khai sinh, do {agency} tiếp nhận. Ngày hẹn trả kết quả: {dossier.due_on:%d/%m/%Y}."
    )

    processing_services.decide(
        actor=people.official("reception"),
        code=code,
        decision="supplement",
        reason="Giấy chứng sinh bị mờ.",
        items=[{"component": "birth-certificate"}],
    )
    dispatch_pending_events()
    kind, title, body = told(people.an)[0]
    assert (kind, title) == (NotificationKind.SUPPLEMENT_REQUESTED, f"Hồ sơ {code} cần bổ sung")
    assert body.startswith(f"{agency} đề nghị bổ sung, hoàn thiện hồ sơ (mẫu 02): Giấy chứng sinh bị mờ.")
    assert "tạm dừng" in body

    # supplemented, accepted, then late: the handler writes the apology letter with a new date
    dossier = people.submit()
    calendar = WorkingCalendar.current()
    assert dossier.due_on is not None
    late = calendar.add_working_days(dossier.due_on, 2)
    new_date = calendar.add_working_days(late, 2)
    deadline_services.issue_apology(
        actor=people.official("handler"),
        code=dossier.code,
        reason="Chờ xác minh nơi sinh.",
        new_due_on=new_date,
        today=late,
    )
    dispatch_pending_events()
    kind, title, body = told(people.an)[0]
    assert (kind, title) == (NotificationKind.APOLOGY, f"Hồ sơ {dossier.code} sẽ trả kết quả muộn")
    assert (
        body
        == f"{agency} xin lỗi (mẫu 04): Chờ xác minh nơi sinh. Ngày hẹn trả kết quả mới: {new_date:%d/%m/%Y}."
    )

    for who, decision in [("reception", "accept"), ("handler", "propose"), ("approver", "approve")]:
        processing_services.decide(
            actor=people.official(who),
            code=dossier.code,
            decision=decision,
            result={"personal_id": "001226012345"},
            today=late,
        )
    dispatch_pending_events()
    assert told(people.an)[0][0] == NotificationKind.APOLOGY  # approval alone tells nobody
    processing_services.decide(
        actor=people.official("reception"), code=dossier.code, decision="return", today=late
    )
    dispatch_pending_events()
    kind, title, body = told(people.an)[0]
    assert (kind, title) == (NotificationKind.RESULT_READY, f"Đã có kết quả hồ sơ {dossier.code}")
    returned = Event.objects.get(subject_id=dossier.code, type=EventType.DOSSIER_RESULT_RETURNED)
    if returned.payload.get("result"):
        assert (
            body == f"Kết quả điện tử đã ký số {returned.payload['result']} đã có trong kho dữ liệu của bạn."
        )
    else:
        assert body == f"{agency} đã trả kết quả Đăng ký khai sinh."
    assert [k for k, _t, _b in told(people.an)] == [
        NotificationKind.RESULT_READY,
        NotificationKind.APOLOGY,
        NotificationKind.RECEIVED,
        NotificationKind.SUPPLEMENT_REQUESTED,
        NotificationKind.RECEIVED,
    ]
    assert told(people.binh) == []


def test_refusal_stop_and_transfer_are_told_with_their_reasons(people):
    refused, stopped, moved = people.submit(), people.submit(), people.submit()
    reception, handler = people.official("reception"), people.official("handler")
    processing_services.decide(
        actor=reception, code=refused.code, decision="refuse", reason="Không thuộc thẩm quyền."
    )
    processing_services.decide(actor=reception, code=stopped.code, decision="accept")
    processing_services.decide(
        actor=handler, code=stopped.code, decision="stop", reason="Người nộp đề nghị dừng."
    )
    processing_services.decide(
        actor=reception, code=moved.code, decision="transfer", reason="Nơi cư trú khác.", agency_code=AGENCY_B
    )
    dispatch_pending_events()
    views = selectors.notification_views(list(selectors.notifications_of(applicant_actor(people.an))))
    by_code = {v.dossier_code: v for v in views if v.kind != NotificationKind.RECEIVED}
    assert by_code[refused.code].title == f"Hồ sơ {refused.code} bị từ chối"
    assert (
        by_code[refused.code].body
        == f"{agency_name(AGENCY_A)} từ chối giải quyết hồ sơ (mẫu 03): Không thuộc thẩm quyền."
    )
    assert by_code[stopped.code].body == "Lý do (mẫu 05): Người nộp đề nghị dừng."
    assert (
        by_code[moved.code].body
        == f"Hồ sơ nay do {agency_name(AGENCY_B)} giải quyết. Lý do: Nơi cư trú khác."
    )


def test_redelivery_makes_no_second_notification_and_each_one_is_audited(people):
    dossier = people.submit()
    event = Event.objects.get(subject_id=dossier.code, type=EventType.DOSSIER_SUBMITTED)
    [first] = notify.notify_applicants(event=event)
    assert notify.notify_applicants(event=event) == []  # a second delivery of the same event
    EventDelivery.objects.filter(event=event).delete()  # as if the dispatcher's record were lost
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    dispatch_pending_events()
    assert Notification.objects.filter(dossier=dossier).count() == 1
    created = AuditEntry.objects.filter(type=EventType.NOTIFICATION_CREATED, subject_id=str(first.public_id))
    assert created.count() == 1
    assert created.get().changes["dossier"] == [None, dossier.code]
    # events that tell the applicant nothing make nothing
    accepted = processing_services.decide(
        actor=people.official("reception"), code=dossier.code, decision="accept"
    )
    assert (
        notify.notify_applicants(
            event=Event.objects.get(subject_id=accepted.code, type=EventType.DOSSIER_ACCEPTED)
        )
        == []
    )


def test_a_dossier_filed_for_someone_else_tells_both_and_each_reads_only_their_own(people):
    dossier = people.submit()
    Dossier.objects.filter(pk=dossier.pk).update(submitted_by=people.binh.applicant)
    dispatch_pending_events()
    for user in (people.an, people.binh):
        [(kind, _title, _body)] = told(user)
        assert kind == NotificationKind.RECEIVED
    an, binh = applicant_actor(people.an), applicant_actor(people.binh)
    mine = selectors.notifications_of(an).get()
    with pytest.raises(NotFound):
        selectors.get_notification(binh, mine.public_id)
    with pytest.raises(NotFound):
        notify.mark_read(actor=binh, public_id=mine.public_id)
    with pytest.raises(NotFound):
        selectors.get_notification(an, "not-a-uuid")
    assert Notification.objects.get(pk=mine.pk).read_at is None
    assert selectors.notifications_of(people.official("reception")).count() == 0
    assert selectors.notifications_of(None).count() == 0


def test_marking_read_once_or_all_at_once(people):
    people.submit(), people.submit()
    dispatch_pending_events()
    an = applicant_actor(people.an)
    assert selectors.unread_count(an) == 2
    first = selectors.notifications_of(an).first()
    assert first is not None
    read = notify.mark_read(actor=an, public_id=first.public_id)
    assert read.read_at is not None
    again = notify.mark_read(actor=an, public_id=first.public_id)
    assert again.read_at == read.read_at
    assert AuditEntry.objects.filter(type=EventType.NOTIFICATION_READ).count() == 1
    assert selectors.unread_count(an) == 1
    assert notify.mark_all_read(actor=an) == 1
    assert notify.mark_all_read(actor=an) == 0
    assert AuditEntry.objects.filter(type=EventType.NOTIFICATIONS_READ).count() == 1
    assert selectors.unread_count(an) == 0


def test_the_notifications_page_in_vietnamese_and_english(people):
    dossier = people.submit()
    dispatch_pending_events()
    client = applicant_client(people.an)
    page = client.get("/thong-bao/").content.decode()
    assert f"Hồ sơ {dossier.code} đã được tiếp nhận" in page
    assert "1 thông báo chưa đọc." in page
    assert 'class="count"' in page  # the count beside the menu entry
    client.cookies["django_language"] = "en"
    page = client.get("/thong-bao/").content.decode()
    assert f"Dossier {dossier.code} has been received" in page
    assert "1 unread notification." in page
    notification = Notification.objects.get(dossier=dossier)
    opened = client.post(f"/thong-bao/{notification.public_id}/da-doc/", {"open": "1"})
    assert opened["Location"] == f"/ho-so/{dossier.code}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    page = client.get("/thong-bao/").content.decode()
    assert "0 unread notifications." in page
    assert 'class="count"' not in page
    assert client.post("/thong-bao/00000000-0000-0000-0000-000000000000/da-doc/").status_code == 404


def test_the_notifications_api(people):
    dossier = people.submit()
    dispatch_pending_events()
    client = applicant_client(people.an)
    body = client.get("/api/v1/notifications").json()
    assert body["unread"] == 1
    [item] = body["items"]
    assert (item["kind"], item["dossier"], item["read_at"]) == ("received", dossier.code, None)
    assert item["title"] == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert item["kind_label"] == "Hồ sơ đã được tiếp nhận"
    read = client.post(f"/api/v1/notifications/{item['id']}/read", content_type="application/json").json()
    assert read["id"] == item["id"]
    assert read["read_at"] is not None
    assert client.get("/api/v1/notifications?unread_only=true").json() == {"unread": 0, "items": []}
    assert client.post("/api/v1/notifications/read", content_type="application/json").json() == {"marked": 0}
    # another applicant: not theirs; an official: not for their kind of account; nobody: sign in
    other = applicant_client(people.binh).post(f"/api/v1/notifications/{item['id']}/read")
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    official = official_client(people.users["reception"].username, people.keys["reception"])
    assert official.get("/api/v1/notifications").status_code == 403
    assert Client().get("/api/v1/notifications").json()["code"] == "unauthenticated"
