"""Ratings of finished dossiers: asked for when the dossier ends, given once by its applicant
(or at the counter on a screen the officer hands over), changeable for a set period, and written
as the event the metrics read."""

from __future__ import annotations

import datetime

import pytest

from motcua.core.errors import Conflict, Forbidden, NotFound
from motcua.core.inputs import InvalidText
from motcua.core.models import AuditEntry, Event
from motcua.core.outbox import dispatch_pending_events
from motcua.feedback.events import FeedbackEvent
from motcua.feedback.models import Rating, RatingChannel, RatingInvitation
from motcua.feedback.services import ratings
from tests.identity.world import AGENCY_A, applicant_actor

pytestmark = pytest.mark.django_db


def test_a_dossier_that_ends_is_offered_for_rating_once(people):
    open_dossier = people.submit()
    refused = people.refused()
    dispatch_pending_events()
    dispatch_pending_events()
    assert list(RatingInvitation.objects.values_list("dossier__code", flat=True)) == [refused.code]
    [asked] = Event.objects.filter(type=FeedbackEvent.RATING_REQUESTED)
    assert (asked.subject_id, asked.agency_code) == (refused.code, AGENCY_A)
    assert ratings.request_rating(dossier_code=refused.code) is None  # redelivery: nothing new
    assert ratings.request_rating(dossier_code=open_dossier.code) is None  # still open: not asked
    assert Event.objects.filter(type=FeedbackEvent.RATING_REQUESTED).count() == 1


def test_the_applicant_rates_and_changes_the_rating_within_the_period(people):
    dossier = people.refused()
    actor = applicant_actor(people.an)
    rating = ratings.rate_dossier(
        actor=actor,
        dossier_code=dossier.code,
        overall="dissatisfied",
        criteria={"attitude": "satisfied", "total_time": "dissatisfied", "publicity": ""},
        comment="Chờ lâu.",
    )
    assert (rating.overall, rating.criteria, rating.channel) == (
        "dissatisfied",
        {"attitude": "satisfied", "total_time": "dissatisfied"},
        RatingChannel.ONLINE,
    )
    [event] = Event.objects.filter(type=FeedbackEvent.DOSSIER_RATED)
    assert event.agency_code == AGENCY_A
    assert event.unit_code == dossier.commune_code
    assert {
        k: event.payload[k] for k in ("dossier_id", "dossier_code", "procedure_code", "overall", "previous")
    } == {
        "dossier_id": dossier.pk,
        "dossier_code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "overall": "dissatisfied",
        "previous": None,
    }
    # the same again is not a change; a different level is, with the previous one in the event
    ratings.rate_dossier(
        actor=actor,
        dossier_code=dossier.code,
        overall="dissatisfied",
        criteria={"attitude": "satisfied", "total_time": "dissatisfied"},
        comment="Chờ lâu.",
    )
    assert Event.objects.filter(type=FeedbackEvent.DOSSIER_RATED).count() == 1
    ratings.rate_dossier(actor=actor, dossier_code=dossier.code, overall="very_satisfied")
    latest = Event.objects.filter(type=FeedbackEvent.DOSSIER_RATED).latest("id")
    assert (latest.payload["overall"], latest.payload["previous"]) == ("very_satisfied", "dissatisfied")
    assert Rating.objects.count() == 1

    # after the period, the rating stands
    Rating.objects.filter(pk=rating.pk).update(
        changeable_until=rating.rated_at - datetime.timedelta(seconds=1)
    )
    with pytest.raises(Conflict) as refused:
        ratings.rate_dossier(actor=actor, dossier_code=dossier.code, overall="satisfied")
    assert refused.value.code == "rating_closed"
    assert Rating.objects.get().overall == "very_satisfied"


def test_only_an_ended_dossier_of_ones_own_can_be_rated_and_bad_input_is_named(people):
    open_dossier = people.submit()
    refused = people.refused()
    with pytest.raises(Conflict) as not_yet:
        ratings.rate_dossier(
            actor=applicant_actor(people.an), dossier_code=open_dossier.code, overall="satisfied"
        )
    assert not_yet.value.code == "rating_not_open"
    with pytest.raises(NotFound):
        ratings.rate_dossier(
            actor=applicant_actor(people.binh), dossier_code=refused.code, overall="satisfied"
        )
    with pytest.raises(InvalidText) as bad:
        ratings.rate_dossier(
            actor=applicant_actor(people.an),
            dossier_code=refused.code,
            overall="great",
            criteria={"colour": "satisfied", "attitude": "superb"},
            comment="x" * 2001,
        )
    assert set(bad.value.fields) == {"overall", "criteria.colour", "criteria.attitude", "comment"}
    assert bad.value.fields["overall"] == "Hãy chọn mức độ hài lòng chung của bạn."
    assert not Rating.objects.exists()
    assert not AuditEntry.objects.filter(type=FeedbackEvent.DOSSIER_RATED).exists()


def test_the_counter_screen_rates_once_without_an_account(people):
    dossier = people.refused()
    with pytest.raises(Forbidden):
        ratings.open_counter_rating(actor=people.official("supervisor"), dossier_code=dossier.code)
    with pytest.raises(NotFound):
        ratings.open_counter_rating(actor=people.official("reception_b"), dossier_code=dossier.code)
    token = ratings.open_counter_rating(actor=people.official("reception"), dossier_code=dossier.code)
    rating = ratings.rate_at_counter(
        token=token, overall="satisfied", criteria={"attitude": "very_satisfied"}
    )
    assert (rating.channel, rating.overall) == (RatingChannel.COUNTER, "satisfied")
    entry = AuditEntry.objects.get(type=FeedbackEvent.DOSSIER_RATED)
    assert entry.actor_kind == "public"
    assert entry.actor_id.startswith("counter_screen:")
    with pytest.raises(NotFound):  # used once
        ratings.rate_at_counter(token=token, overall="dissatisfied")
    with pytest.raises(NotFound):
        ratings.rate_at_counter(token="guess", overall="dissatisfied")
    assert Rating.objects.get().overall == "satisfied"


def test_the_applicant_is_asked_in_the_notifications_and_on_the_dossier_page(people):
    from motcua.notify import selectors as notify
    from tests.identity.world import applicant_client

    dossier = people.refused()
    dispatch_pending_events()
    dispatch_pending_events()  # the ask is an event too: its notification comes next round
    views = notify.notification_views(list(notify.notifications_of(applicant_actor(people.an))))
    [ask] = [v for v in views if v.kind == "rate_dossier"]
    assert ask.title == f"Đánh giá hồ sơ {dossier.code}"
    assert ask.url == f"/ho-so/{dossier.code}/danh-gia/"
    client = applicant_client(people.an)
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()
    assert f'href="/ho-so/{dossier.code}/danh-gia/"' in page
    response = client.post(
        f"/ho-so/{dossier.code}/danh-gia/",
        {"overall": "", "criteria-attitude": "satisfied", "comment": "Tốt"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'href="#field-overall"' in body
    assert "Tốt</textarea>" in body
    response = client.post(f"/ho-so/{dossier.code}/danh-gia/", {"overall": "satisfied", "comment": "Tốt"})
    assert response.status_code == 302
    assert Rating.objects.get().comment == "Tốt"
    assert client.get(f"/ho-so/{dossier.code}/danh-gia/").status_code == 200
    assert applicant_client(people.binh).get(f"/ho-so/{dossier.code}/danh-gia/").status_code == 404


def test_the_officer_hands_over_a_counter_screen_and_officials_never_see_who_rated(people):
    from tests.identity.world import official_client

    dossier = people.refused()
    officer = official_client("reception.feedback", people.keys["reception"])
    assert "danh-gia-tai-quay" in officer.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    opened = officer.post(f"/can-bo/ho-so/{dossier.code}/danh-gia-tai-quay/")
    assert opened.status_code == 302
    screen_url = opened["Location"]
    from django.test import Client

    person = Client()  # no account
    assert dossier.code in person.get(screen_url).content.decode()
    done = person.post(screen_url, {"overall": "very_satisfied", "comment": "Cán bộ nhiệt tình"})
    assert done.status_code == 200
    assert "Cảm ơn" in done.content.decode()
    assert person.get(screen_url).status_code == 404  # once
    listing = officer.get("/can-bo/danh-gia/").content.decode()
    assert "Cán bộ nhiệt tình" in listing
    assert dossier.code not in listing
    assert "Nguyễn Văn An" not in listing
