"""Petitions (PAKN): received and routed to the competent agency, handled in steps whose limits
are counted in working days on the platform's calendar (weekends, public holidays, official
make-up Saturdays and declared days off), with the clock paused while the petitioner answers,
transfer to another agency, publication with personal data masked, and useful marks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from motcua.core.actors import SYSTEM
from motcua.core.errors import Conflict, Forbidden, NotFound
from motcua.core.inputs import InvalidText
from motcua.core.models import AuditEntry, CalendarExceptionKind, Event
from motcua.core.services import set_calendar_exception
from motcua.feedback.events import FeedbackEvent
from motcua.feedback.models import Petition, PetitionStatus
from motcua.feedback.selectors import petitions as selectors
from motcua.feedback.services import marks
from motcua.feedback.services import petitions as services
from tests.identity.world import AGENCY_A, AGENCY_B, applicant_actor

pytestmark = pytest.mark.django_db

# Thursday 20 August 2026: Saturday 22 August is an official make-up working day, and Monday
# 31 August, Tuesday 1 and Wednesday 2 September are days off (National Day)
RECEIVED = datetime.date(2026, 8, 20)


def send(people, **extra):
    values: dict[str, Any] = {
        "category": "procedure",
        "subject": "Thời gian đăng ký khai sinh quá lâu",
        "content": "Tôi nộp hồ sơ đăng ký khai sinh đã lâu mà chưa có kết quả.",
        "procedure_code": "birth-registration",
        "commune_code": "00004",
        "today": RECEIVED,
    }
    values.update(extra)
    actor = values.pop("actor", applicant_actor(people.an))
    return services.send_petition(actor=actor, **values).petition


def steps(petition):
    return [
        (e.payload["step"], e.payload["on_time"], e.payload["due_on"])
        for e in Event.objects.filter(type=FeedbackEvent.PETITION_STEP, subject_id=petition.code).order_by(
            "id"
        )
    ]


def test_received_and_routed_to_the_procedure_s_agency_with_the_handling_limit_in_working_days(people):
    petition = send(people)
    assert (petition.agency_code, petition.unit_code, petition.status) == (AGENCY_A, "00004", "received")
    # 15 working days after Thu 20/8: Fri 21, Sat 22 (make-up), 24–28, then 31/8–2/9 off, 3/9 … 14/9
    assert petition.due_on == datetime.date(2026, 9, 14)
    [event] = Event.objects.filter(type=FeedbackEvent.PETITION_RECEIVED)
    assert (event.agency_code, event.unit_code, event.subject_id) == (AGENCY_A, "00004", petition.code)
    assert event.payload == {
        "petition_id": petition.pk,
        "procedure_code": "birth-registration",
        "dossier_id": None,
        "category": "procedure",
        "repeat_of": None,
        "due_on": "2026-09-14",
        "channel": "online",  # how it came (staff entry: letter, phone, in_person)
    }


def test_refusal_is_due_within_two_working_days_counting_the_make_up_saturday(people):
    on_time, late = send(people), send(people, subject="Một việc khác", procedure_code="")
    with pytest.raises(InvalidText) as no_reason:
        services.refuse_petition(
            actor=people.official("reception"), code=on_time.code, reason=" ", today=RECEIVED
        )
    assert no_reason.value.fields == {"reason": "Hãy nêu lý do từ chối."}
    services.refuse_petition(
        actor=people.official("reception"),
        code=on_time.code,
        reason="Không phải PAKN.",
        today=RECEIVED + datetime.timedelta(days=2),
    )
    services.refuse_petition(
        actor=people.official("reception"),
        code=late.code,
        reason="Không phải PAKN.",
        today=datetime.date(2026, 8, 24),
    )
    assert steps(on_time) == [("refused", True, "2026-08-22")]
    assert steps(late) == [("refused", False, "2026-08-22")]
    assert Petition.objects.get(pk=on_time.pk).status == PetitionStatus.REFUSED


def test_a_declared_day_off_moves_the_limits(people):
    set_calendar_exception(
        actor=SYSTEM, date=datetime.date(2026, 8, 21), kind=CalendarExceptionKind.DAY_OFF, reason="Nghỉ bù"
    )
    petition = send(people)
    services.refuse_petition(
        actor=people.official("reception"),
        code=petition.code,
        reason="Trùng lặp.",
        today=datetime.date(2026, 8, 24),
    )
    assert steps(petition) == [("refused", True, "2026-08-24")]  # Sat 22 and Mon 24


def test_the_clock_stops_while_the_petitioner_answers_then_answer_and_publication(people):
    petition = send(people)
    handler = people.official("handler")
    services.request_information(
        actor=handler,
        code=petition.code,
        question="Cho biết ngày nộp hồ sơ.",
        today=datetime.date(2026, 8, 24),
    )
    assert Petition.objects.get(pk=petition.pk).due_on is None  # paused
    with pytest.raises(Conflict):
        services.answer_petition(
            actor=handler, code=petition.code, answer="Đã xử lý.", today=datetime.date(2026, 8, 25)
        )
    services.provide_information(
        actor=applicant_actor(people.an),
        code=petition.code,
        information="Ngày 1/8.",
        today=datetime.date(2026, 8, 27),
    )
    # 3 working days paused (25, 26, 27 August): 15 + 3 working days after 20/8
    assert Petition.objects.get(pk=petition.pk).due_on == datetime.date(2026, 9, 17)
    services.answer_petition(
        actor=handler,
        code=petition.code,
        answer="Hồ sơ đã được trả kết quả.",
        today=datetime.date(2026, 9, 17),
    )
    assert Petition.objects.get(pk=petition.pk).due_on == datetime.date(2026, 9, 21)  # Fri 18, Mon 21
    with pytest.raises(Forbidden):  # publishing takes a leader
        services.publish_answer(actor=handler, code=petition.code, today=datetime.date(2026, 9, 22))
    services.publish_answer(
        actor=people.official("approver"), code=petition.code, today=datetime.date(2026, 9, 22)
    )
    assert steps(petition) == [
        ("info_requested", True, "2026-08-26"),
        ("info_received", True, None),
        ("answered", True, "2026-09-17"),
        ("published", False, "2026-09-21"),
    ]


def test_transfer_starts_the_other_agency_s_clock_and_moves_the_petition_out_of_scope(people):
    petition = send(people)
    with pytest.raises(NotFound):
        services.answer_petition(actor=people.official("handler_b"), code=petition.code, answer="Không.")
    services.transfer_petition(
        actor=people.official("reception"),
        code=petition.code,
        agency_code=AGENCY_B,
        reason="Thuộc thẩm quyền phường Ngọc Hà.",
        today=datetime.date(2026, 8, 21),
    )
    moved = Petition.objects.get(pk=petition.pk)
    assert (moved.agency_code, moved.clock_started_on) == (AGENCY_B, datetime.date(2026, 8, 21))
    assert moved.due_on == datetime.date(2026, 9, 15)  # 15 working days after Fri 21/8
    assert steps(petition) == [("transferred", True, "2026-08-22")]
    event = Event.objects.filter(type=FeedbackEvent.PETITION_STEP).latest("id")
    assert event.agency_code == AGENCY_B
    with pytest.raises(NotFound):
        services.answer_petition(actor=people.official("handler"), code=petition.code, answer="Đã xử lý.")
    services.answer_petition(
        actor=people.official("handler_b"),
        code=petition.code,
        answer="Đã xử lý.",
        today=datetime.date(2026, 9, 15),
    )
    assert steps(petition)[-1] == ("answered", True, "2026-09-15")


def test_publication_masks_personal_data_and_the_public_marks_it(people):
    petition = send(
        people,
        actor=None,
        contact_name="Phạm Thị Hoa",
        contact_phone="0987 654 321",
        content="Tôi là Phạm Thị Hoa, CCCD 001190012345, email hoa.pham@example.vn, số nhà 12 ngõ 5 Kim Mã. "
        "Ông Lê Văn Tám ở bộ phận một cửa hẹn tôi ba lần.",
    )
    services.answer_petition(
        actor=people.official("handler"),
        code=petition.code,
        answer="Đã nhắc nhở anh Lê Văn Tám; gọi 0912345678.",
        today=RECEIVED,
    )
    published = services.publish_answer(actor=people.official("approver"), code=petition.code, today=RECEIVED)
    public = published.public_content + published.public_answer + published.public_subject
    for secret in ("Hoa", "001190012345", "hoa.pham", "Kim Mã", "Tám", "0912345678", "0987"):
        assert secret not in public, secret
    assert "bộ phận một cửa hẹn tôi ba lần" in published.public_content
    assert [
        p.code for p in selectors.published_answers(query="mot cua", procedure_code="birth-registration")
    ] == [petition.code]
    assert list(selectors.published_answers(agency_code=AGENCY_B)) == []

    one, two = marks.voter_key("session", "a"), marks.voter_key("session", "b")
    marks.mark_answer(actor=SYSTEM, code=petition.code, voter=one, useful=False)
    marks.mark_answer(actor=SYSTEM, code=petition.code, voter=one, useful=False)  # once per person
    marks.mark_answer(actor=SYSTEM, code=petition.code, voter=two, useful=False)
    counted = marks.mark_answer(actor=SYSTEM, code=petition.code, voter=one, useful=True)  # changed
    assert (counted.useful_count, counted.not_useful_count) == (1, 1)
    last = Event.objects.filter(type=FeedbackEvent.ANSWER_MARKED).latest("id")
    assert last.payload == {
        "petition_id": petition.pk,
        "useful": True,
        "useful_count": 1,
        "not_useful_count": 1,
    }
    assert Event.objects.filter(type=FeedbackEvent.ANSWER_MARKED).count() == 3


def test_a_repeated_complaint_on_the_same_matter_is_linked_and_bad_input_is_named(people):
    first = send(people)
    again = send(people, subject="Lại chậm", content="Vẫn chưa có kết quả khai sinh sau nhiều ngày chờ đợi.")
    other = send(
        people, category="conduct", subject="Thái độ", content="Cán bộ thiếu lịch sự với người dân hôm qua."
    )
    assert again.repeat_of_id == first.pk
    assert other.repeat_of_id is None
    assert (
        Event.objects.filter(type=FeedbackEvent.PETITION_RECEIVED).latest("id").payload["repeat_of"] is None
    )
    count = Petition.objects.count()
    with pytest.raises(InvalidText) as bad:
        services.send_petition(
            actor=None, category="x", subject="", content="a" * 5001, commune_code="99999", contact_name=""
        )
    assert set(bad.value.fields) == {
        "category",
        "subject",
        "content",
        "contact_name",
        "contact_email",
        "commune_code",
    }
    assert bad.value.fields["subject"] == "Trường này là bắt buộc."
    assert Petition.objects.count() == count
    assert not AuditEntry.objects.filter(type=FeedbackEvent.PETITION_RECEIVED, subject_id="").exists()


def test_the_signed_in_petitioner_is_told_of_each_step(people):
    from motcua.core.outbox import dispatch_pending_events
    from motcua.notify import selectors as notify

    petition = send(people)
    services.request_information(
        actor=people.official("handler"), code=petition.code, question="Cho biết ngày nộp.", today=RECEIVED
    )
    services.provide_information(
        actor=applicant_actor(people.an), code=petition.code, information="Ngày 1/8.", today=RECEIVED
    )
    services.answer_petition(actor=people.official("handler"), code=petition.code, answer="Đã có kết quả.")
    dispatch_pending_events()
    views = notify.notification_views(list(notify.notifications_of(applicant_actor(people.an))))
    assert [(v.title, v.petition_code) for v in reversed(views)] == [
        (f"Phản ánh, kiến nghị {petition.code} đã được tiếp nhận", petition.code),
        (f"Phản ánh, kiến nghị {petition.code} cần bổ sung thông tin", petition.code),
        (f"Phản ánh, kiến nghị {petition.code} đã có trả lời", petition.code),
    ]  # not their own information
    asked = next(v for v in views if "bổ sung" in v.title)
    assert "Cho biết ngày nộp." in asked.body
    assert asked.url == f"/phan-anh-kien-nghi/{petition.code}/"


def test_the_inbox_counts_and_flags_overdue_and_due_soon_petitions_in_scope(people):
    late, soon, paused = send(people), send(people, category="conduct"), send(people, category="regulation")
    services.request_information(
        actor=people.official("handler"), code=paused.code, question="Ai?", today=RECEIVED
    )
    Petition.objects.filter(pk=soon.pk).update(due_on=datetime.date(2026, 9, 15))
    found = selectors.inbox(people.official("handler"), today=datetime.date(2026, 9, 15))
    assert [(row.petition.code, row.deadline) for row in found.rows] == [
        (late.code, "overdue"),  # due 14/9
        (soon.code, "due_soon"),
        (paused.code, "paused"),
    ]
    assert (found.overdue, found.due_soon, found.counts["received"], found.counts["info_requested"]) == (
        1,
        1,
        2,
        1,
    )
    overdue_only = selectors.inbox(
        people.official("handler"), deadline="overdue", today=datetime.date(2026, 9, 15)
    )
    assert [row.petition.code for row in overdue_only.rows] == [late.code]
    assert selectors.inbox(people.official("handler_b")).rows == []
