"""The actor is resolved once per session (ADR 0033), and what revokes it still takes effect on
the next request: a disabled account, a revoked role, a deactivated agency, a new login."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from motcua.identity import services
from motcua.identity.actors import ApplicantActor, actor_for
from motcua.identity.models import Applicant, User
from motcua.units.models import Agency
from tests.identity.world import AGENCY_A, World, applicant_client, official_actor


def _tables(queries: CaptureQueriesContext) -> str:
    return " ".join(query["sql"] for query in queries.captured_queries)


def _request(client: Client, user: User) -> HttpRequest:
    """A request of ``client``'s session, its user loaded as the middleware does."""
    request = RequestFactory().get("/api/v1/me")
    request.session = client.session
    request.session.get("_auth_user_id")  # the session read, as SessionMiddleware would
    request.user = user
    return request


def test_an_applicant_is_resolved_once_per_session(world: World, django_assert_num_queries):
    user = world.users["applicant_a"]
    client = applicant_client(user)
    first = _request(client, user)
    resolved = actor_for(first)
    first.session.save()
    second = _request(client, user)

    with django_assert_num_queries(0):
        again = actor_for(second)

    assert again == resolved
    assert isinstance(again, ApplicantActor)
    assert again.applicant_public_id == str(world.applicant("applicant_a").public_id)
    assert client.get("/api/v1/me").status_code == 200


def test_a_disabled_account_is_refused_on_its_next_request(world: World):
    client = applicant_client(world.users["applicant_a"])
    assert client.get("/api/v1/me").status_code == 200

    User.objects.filter(pk=world.users["applicant_a"].pk).update(is_active=False)

    assert client.get("/api/v1/me").status_code == 401


def test_a_new_login_resolves_the_applicant_again(world: World):
    user = world.users["applicant_a"]
    client = applicant_client(user)
    request = _request(client, user)
    assert actor_for(request).assurance_level == 2
    request.session.save()
    Applicant.objects.filter(user=user).update(assurance_level=1)  # signed in again at level 1
    client.force_login(user, backend="motcua.identity.auth.EidBackend")

    assert actor_for(_request(client, user)).assurance_level == 1


def test_a_revoked_role_takes_effect_on_the_officials_next_request(world: World):
    client = world.client("handler_a")
    url = f"/api/v1/inbox/{world.dossier.code}"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert "identity_roleassignment" in _tables(queries)  # the stamp, in the user's statement

    services.revoke_role(actor=official_actor(world.users["admin_a"]), assignment_id=world.assignment.pk)

    assert client.get(url).status_code == 404


def test_a_deactivated_agency_takes_effect_on_the_officials_next_request(world: World):
    client = world.client("handler_a")
    url = f"/api/v1/inbox/{world.dossier.code}"
    assert client.get(url).status_code == 200

    Agency.objects.filter(code=AGENCY_A).update(is_active=False)

    assert client.get(url).status_code == 404
