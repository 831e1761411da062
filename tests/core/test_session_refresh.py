"""Idle expiry of signed-in sessions: moved on by a save at most once per refresh interval."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from motcua.core.middleware import SESSION_SAVED_AT_KEY
from tests.identity.world import make_applicant

pytestmark = pytest.mark.django_db

PAGE = "/api/v1/units/provinces"


@pytest.fixture
def client() -> Client:
    browser = Client()
    user = make_applicant("001086027419", "Nguyễn Văn Minh", datetime.date(1986, 4, 12))
    browser.force_login(user, backend="motcua.identity.auth.EidBackend")
    return browser


def only_session() -> Session:
    [session] = Session.objects.all()
    return session


def move_expiry(to: datetime.datetime) -> None:
    Session.objects.update(expire_date=to)


def test_a_request_soon_after_the_last_save_does_not_write_the_session(client: Client) -> None:
    assert client.get(PAGE).status_code == 200
    soon = timezone.now() + datetime.timedelta(minutes=5)
    move_expiry(soon)

    assert client.get(PAGE).status_code == 200

    assert only_session().expire_date == soon


def test_a_request_past_the_refresh_interval_moves_the_expiry_on(client: Client, settings) -> None:
    settings.SESSION_REFRESH_SECONDS = 0
    soon = timezone.now() + datetime.timedelta(minutes=5)
    move_expiry(soon)

    assert client.get(PAGE).status_code == 200

    session = only_session()
    assert session.expire_date > soon + datetime.timedelta(minutes=20)
    assert isinstance(session.get_decoded()[SESSION_SAVED_AT_KEY], int)


def test_the_session_still_ends_when_it_expires(client: Client) -> None:
    move_expiry(timezone.now() - datetime.timedelta(seconds=1))

    answer = client.get("/api/v1/drafts")

    assert answer.status_code == 401
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_a_cookie_naming_a_deleted_session_creates_no_session(client: Client) -> None:
    Session.objects.all().delete()

    assert client.get(PAGE).status_code == 200

    assert not Session.objects.exists()
