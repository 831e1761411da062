"""Repeated complaints linked by hand: an official who handles a petition links it to an earlier
one on the same matter (one level deep), or unlinks it, within what they may see; the public page
of a published repeat shows the earlier answer; each change is audited and an event."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.core.inputs import InvalidText
from motcua.core.models import AuditEntry, Event
from motcua.feedback.events import FeedbackEvent
from motcua.feedback.models import Petition
from motcua.feedback.services import petitions as services
from motcua.feedback.services import repeats
from motcua.identity.actors import ApplicantActor
from tests.identity.world import AGENCY_B, applicant_actor, official_client

pytestmark = pytest.mark.django_db


def send(actor: ApplicantActor | None, subject: str, **extra: str) -> Petition:
    values = {
        "category": "regulation",
        "subject": subject,
        "content": "Biểu mẫu tờ khai có nhiều mục khó hiểu với người dân.",
        "commune_code": "00004",
        **extra,
    }
    return services.send_petition(actor=actor, **values).petition  # type: ignore[arg-type]


def published(people, petition: Petition, answer: str) -> None:
    services.answer_petition(actor=people.official("handler"), code=petition.code, answer=answer)
    services.publish_answer(actor=people.official("approver"), code=petition.code)


def test_an_official_links_a_repeat_by_hand_and_the_public_page_shows_the_earlier_answer(people):
    first = send(applicant_actor(people.an), "Biểu mẫu khó hiểu")
    # another petitioner, so the automatic rule does not link it
    second = send(None, "Lại là biểu mẫu", contact_name="Đỗ Văn Nam", contact_email="nam@example.vn")
    third = send(applicant_actor(people.binh), "Biểu mẫu vẫn chưa sửa")
    assert second.repeat_of_id is None
    assert third.repeat_of_id is None
    handler = people.official("handler")
    # a later petition cannot be the earlier one; a code not in their agencies is not found
    with pytest.raises(InvalidText) as later:
        repeats.link_repeat(actor=handler, code=second.code, earlier_code=third.code)
    assert "repeat_of" in later.value.fields
    elsewhere = send(None, "Ở xã khác", contact_name="Lê Văn Tư", contact_email="tu@example.vn")
    Petition.objects.filter(pk=elsewhere.pk).update(agency_code=AGENCY_B)
    with pytest.raises(InvalidText):
        repeats.link_repeat(actor=handler, code=third.code, earlier_code=elsewhere.code)

    repeats.link_repeat(actor=handler, code=second.code, earlier_code=first.code)
    # linking to a repeat links to the first of the matter (one level)
    repeats.link_repeat(actor=handler, code=third.code, earlier_code=second.code.lower())
    second, third = Petition.objects.get(pk=second.pk), Petition.objects.get(pk=third.pk)
    assert (second.repeat_of_id, third.repeat_of_id) == (first.pk, first.pk)
    assert third.repeat_linked_by_id == people.users["handler"].pk
    events = Event.objects.filter(type=FeedbackEvent.REPEAT_LINKED).order_by("id")
    assert [(e.subject_id, e.payload["repeat_of"], e.payload["previous"]) for e in events] == [
        (second.code, first.pk, None),
        (third.code, first.pk, None),
    ]
    assert AuditEntry.objects.filter(type=FeedbackEvent.REPEAT_LINKED, subject_id=third.code).count() == 1

    # the public page of the published repeat shows the earlier answer (masked) with it
    published(people, first, "Sở sẽ sửa biểu mẫu trong tháng này.")
    published(people, third, "Xem trả lời trước đó.")
    page = Client().get(f"/phan-anh-kien-nghi/tra-loi/{third.code}/")
    shown = page.content.decode()
    assert 'id="linked-answer"' in shown
    assert "Sở sẽ sửa biểu mẫu trong tháng này." in shown
    answer = Client().get(f"/api/v1/petition-answers/{third.code}").json()
    assert answer["linked_answer"] == first.code

    # unlinking (through the page) removes it, and the event says what it was
    client = official_client(people.users["handler"].username, people.keys["handler"])
    done = client.post(f"/can-bo/phan-anh-kien-nghi/{third.code}/lap-lai/", {"action": "unlink"})
    assert done.status_code == 302
    third.refresh_from_db()
    assert third.repeat_of_id is None
    last = Event.objects.filter(type=FeedbackEvent.REPEAT_LINKED).order_by("-id").first()
    assert last is not None
    assert (last.payload["repeat_of"], last.payload["previous"]) == (None, first.pk)
    assert (
        'id="linked-answer"'
        not in Client().get(f"/phan-anh-kien-nghi/tra-loi/{third.code}/").content.decode()
    )


def test_linking_takes_a_handling_role_and_refusals_show_on_the_page(people):
    first = send(applicant_actor(people.an), "Biểu mẫu khó hiểu")
    second = send(applicant_actor(people.binh), "Lại là biểu mẫu")
    supervisor = official_client(people.users["supervisor"].username, people.keys["supervisor"])
    refused = supervisor.post(f"/can-bo/phan-anh-kien-nghi/{second.code}/lap-lai/", {"repeat_of": first.code})
    assert refused.status_code == 403
    other = official_client(people.users["reception_b"].username, people.keys["reception_b"])
    assert (
        other.post(
            f"/can-bo/phan-anh-kien-nghi/{second.code}/lap-lai/", {"repeat_of": first.code}
        ).status_code
        == 404
    )
    handler = official_client(people.users["handler"].username, people.keys["handler"])
    wrong = handler.post(
        f"/can-bo/phan-anh-kien-nghi/{second.code}/lap-lai/", {"repeat_of": "PAKN-000000-XXXXXX"}
    )
    assert wrong.status_code == 422
    assert 'href="#field-repeat_of"' in wrong.content.decode()
    api = handler.put(
        f"/api/v1/officials/petitions/{second.code}/repeat-of",
        {"code": first.code},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert api.json()["repeat_of"] == first.code
    assert handler.delete(f"/api/v1/officials/petitions/{second.code}/repeat-of").json()["repeat_of"] is None
    assert Petition.objects.get(pk=second.pk).repeat_of_id is None
