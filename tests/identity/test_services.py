"""Identity services: who an applicant is, representation rules, officials' roles."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import translation

from motcua.core.actors import SYSTEM
from motcua.core.audit import seal_pending, verify_audit_log
from motcua.core.errors import Forbidden, MotcuaError, NotFound
from motcua.core.ids import InvalidPersonalId
from motcua.core.models import AuditEntry, Event
from motcua.identity import selectors, services
from motcua.identity.actors import OfficialActor, acting_for_organisation, actor_for_user
from motcua.identity.events import IdentityEvent
from motcua.identity.models import Applicant, Representation, RepresentationBasis, Role
from motcua.identity.validators import parse_enterprise_code
from tests.identity.world import (
    AGENCY_A,
    AGENCY_B,
    APPLICANTS,
    World,
    applicant_actor,
    make_applicant,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _official(world: World, name: str) -> OfficialActor:
    actor = actor_for_user(world.users[name], verified=True)
    assert isinstance(actor, OfficialActor)
    return actor


def _counts() -> tuple[int, int]:
    return AuditEntry.objects.count(), Event.objects.count()


def test_first_sign_in_creates_an_applicant_and_later_ones_update_it():
    user = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2), level=1)
    applicant = Applicant.objects.get(user=user)
    assert (applicant.personal_id, applicant.assurance_level, applicant.kind) == (
        "001085012345",
        1,
        "individual",
    )
    assert "001085012345" not in user.username
    assert user.username.startswith("eid:")
    again = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2), level=2)
    assert again.pk == user.pk
    applicant.refresh_from_db()
    assert applicant.assurance_level == 2
    signed_in = AuditEntry.objects.filter(
        type=IdentityEvent.APPLICANT_SIGNED_IN, subject_id=str(applicant.public_id)
    )
    assert [entry.changes for entry in signed_in.order_by("id")] == [
        {"assurance_level": [0, 1]},
        {"assurance_level": [1, 2]},
    ]
    seal_pending()
    assert verify_audit_log().ok


def test_sign_in_links_an_applicant_who_was_authorised_before_ever_signing_in(world: World):
    assert not Applicant.objects.filter(personal_id="036095000123").exists()
    services.authorise(
        actor=applicant_actor(world.users["applicant_a"]),
        representative_personal_id="036095000123",
        representative_name="Phạm Thị Dung",
        valid_until=TODAY + datetime.timedelta(days=10),
    )
    waiting = Applicant.objects.get(personal_id="036095000123")
    assert waiting.user is None
    user = make_applicant("036095000123", "Phạm Thị Dung", datetime.date(1995, 5, 5))
    waiting.refresh_from_db()
    assert waiting.user == user
    actor = applicant_actor(user)
    names = [a.name for a in selectors.applicants_actor_may_act_for(actor)]
    assert names == ["Phạm Thị Dung", APPLICANTS["applicant_a"][1]]


def test_a_second_eid_account_cannot_take_over_a_linked_personal_id():
    make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
    with pytest.raises(MotcuaError, match="already linked"):
        services.sign_in_applicant(
            identity=services.EidIdentity(
                issuer="https://eid.test/o",
                subject="someone-else",
                personal_id="001085012345",
                name="Kẻ Giả Mạo",
                birthdate=None,
                assurance_level=2,
            )
        )
    assert Applicant.objects.get(personal_id="001085012345").name == "Nguyễn Văn An"


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"sub": "s", "name": "A B", "personal_id": "12345", "assurance_level": 2}, "12 digits"),
        ({"sub": "s", "name": "A B", "personal_id": "001085012345", "assurance_level": 3}, "assurance level"),
        ({"sub": "", "name": "A B", "personal_id": "001085012345", "assurance_level": 2}, "subject"),
        (
            {
                "sub": "s",
                "name": "A B",
                "personal_id": "001085012345",
                "assurance_level": 2,
                "birthdate": "85",
            },
            "date of birth",
        ),
    ],
)
def test_bad_claims_from_the_provider_are_refused_with_a_reason(claims, message):
    with pytest.raises(MotcuaError, match=message):
        services.identity_from_claims("https://eid.test/o", claims)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_authorisation_rules(world: World):
    actor = applicant_actor(world.users["applicant_a"])
    own_id = APPLICANTS["applicant_a"][0]
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(representative_personal_id=own_id), "yourself"),
        (dict(valid_until=TODAY), "after today"),
        (dict(valid_until=TODAY + datetime.timedelta(days=365 * 6)), "at most 5 years"),
        (dict(scope=["no-such-procedure"]), "no-such-procedure"),
        (dict(representative_name=" "), "full name"),
    ]
    before = _counts()
    for override, message in cases:
        arguments: dict[str, Any] = {
            "representative_personal_id": "036095000123",
            "representative_name": "Phạm Thị Dung",
            "valid_until": TODAY + datetime.timedelta(days=30),
            **override,
        }
        with pytest.raises(MotcuaError, match=message):
            services.authorise(actor=actor, **arguments)
    with pytest.raises(InvalidPersonalId):
        services.authorise(
            actor=actor,
            representative_personal_id="000085012345",
            representative_name="X Y",
            valid_until=TODAY + datetime.timedelta(days=3),
        )
    assert _counts() == before


def test_authorising_twice_is_one_authorisation_and_scope_limits_acting(world: World):
    actor = applicant_actor(world.users["applicant_b"])
    arguments: dict[str, Any] = {
        "representative_personal_id": APPLICANTS["representative"][0],
        "representative_name": APPLICANTS["representative"][1],
        "valid_until": TODAY + datetime.timedelta(days=30),
        "scope": ["marriage-registration"],
    }
    first = services.authorise(actor=actor, **arguments)
    second = services.authorise(actor=actor, **arguments)
    assert first.pk == second.pk
    representative = applicant_actor(world.users["representative"])
    b_name = APPLICANTS["applicant_b"][1]
    names = [
        a.name
        for a in selectors.applicants_actor_may_act_for(
            representative, procedure_code="marriage-registration"
        )
    ]
    assert b_name in names
    names = [
        a.name
        for a in selectors.applicants_actor_may_act_for(representative, procedure_code="birth-registration")
    ]
    assert b_name not in names


def test_an_expired_or_revoked_authorisation_no_longer_lets_anyone_act(world: World):
    representative = applicant_actor(world.users["representative"])
    a_name = APPLICANTS["applicant_a"][1]
    assert a_name in [a.name for a in selectors.applicants_actor_may_act_for(representative)]
    later = TODAY + datetime.timedelta(days=31)
    assert a_name not in [a.name for a in selectors.applicants_actor_may_act_for(representative, on=later)]
    assert world.representation is not None
    services.revoke_representation(
        actor=applicant_actor(world.users["applicant_a"]), public_id=str(world.representation.public_id)
    )
    assert a_name not in [a.name for a in selectors.applicants_actor_may_act_for(representative)]
    before = _counts()
    services.revoke_representation(
        actor=applicant_actor(world.users["applicant_a"]), public_id=str(world.representation.public_id)
    )
    assert _counts() == before  # revoking again changes nothing


def test_parenthood_runs_until_the_child_turns_18_and_cannot_be_revoked_by_an_applicant(world: World):
    child = make_applicant("001215004321", "Nguyễn Minh Khôi", datetime.date(2015, 6, 1), level=1)
    child_applicant = Applicant.objects.get(user=child)
    parent = services.record_representation(
        actor=SYSTEM,
        representative_personal_id=APPLICANTS["applicant_a"][0],
        representative_name=APPLICANTS["applicant_a"][1],
        represented=child_applicant,
        basis=RepresentationBasis.PARENT,
        valid_from=datetime.date(2015, 6, 1),
    )
    assert parent.valid_until == datetime.date(2033, 6, 1)
    again = services.record_representation(
        actor=SYSTEM,
        representative_personal_id=APPLICANTS["applicant_a"][0],
        representative_name=APPLICANTS["applicant_a"][1],
        represented=child_applicant,
        basis=RepresentationBasis.PARENT,
        valid_from=datetime.date(2015, 6, 1),
    )
    assert again.pk == parent.pk
    parent_actor = applicant_actor(world.users["applicant_a"])
    assert "Nguyễn Minh Khôi" in [a.name for a in selectors.applicants_actor_may_act_for(parent_actor)]
    with pytest.raises(Forbidden):
        services.revoke_representation(actor=parent_actor, public_id=str(parent.public_id))
    with pytest.raises(Forbidden):
        services.record_representation(
            actor=parent_actor,
            representative_personal_id=APPLICANTS["applicant_b"][0],
            representative_name="X Y",
            represented=child_applicant,
            basis=RepresentationBasis.PARENT,
            valid_from=datetime.date(2015, 6, 1),
        )


def test_a_legal_representative_authorises_for_the_organisation(world: World):
    company = services.register_organisation(
        actor=SYSTEM, enterprise_code="0101234567", name="Công ty TNHH Mẫu"
    )
    assert (
        services.register_organisation(actor=SYSTEM, enterprise_code="0101234567", name="x").pk == company.pk
    )
    director = applicant_actor(world.users["applicant_b"])
    arguments: dict[str, Any] = {
        "actor": director,
        "grantor_public_id": str(company.public_id),
        "representative_personal_id": APPLICANTS["representative"][0],
        "representative_name": APPLICANTS["representative"][1],
        "valid_until": TODAY + datetime.timedelta(days=60),
    }
    with pytest.raises(NotFound):  # not (yet) the company's legal representative
        services.authorise(**arguments)
    services.record_representation(
        actor=SYSTEM,
        representative_personal_id=APPLICANTS["applicant_b"][0],
        representative_name=APPLICANTS["applicant_b"][1],
        represented=company,
        basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
        valid_from=TODAY,
        valid_until=TODAY + datetime.timedelta(days=3650),
    )
    authorisation = services.authorise(**arguments)
    assert authorisation.represented == company
    employee = applicant_actor(world.users["representative"])
    # acting for themself the employee never sees the company; acting for it, only the company
    assert "Công ty TNHH Mẫu" not in [a.name for a in selectors.applicants_actor_may_act_for(employee)]
    for_company = acting_for_organisation(employee, str(company.public_id))
    assert for_company is not None
    assert [a.name for a in selectors.applicants_actor_may_act_for(for_company)] == ["Công ty TNHH Mẫu"]
    # the director sees the company's authorisation; an outsider does not
    assert selectors.get_representation(director, authorisation.public_id) == authorisation
    with pytest.raises(NotFound):
        selectors.get_representation(applicant_actor(world.users["applicant_a"]), authorisation.public_id)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0101234567", "0101234567"),
        (" 0101234567-001 ", "0101234567-001"),
        ("0101234567001", "0101234567-001"),
    ],
)
def test_enterprise_codes_are_normalised(raw, expected):
    assert parse_enterprise_code(raw) == expected


@pytest.mark.parametrize("raw", ["010123456", "01012345678", "0101234567-01", "abcdefghij"])
def test_bad_enterprise_codes_are_refused(raw):
    with pytest.raises(MotcuaError, match="10 digits"):
        parse_enterprise_code(raw)


def test_supervisor_scope_is_their_unit_and_below(world: World):
    province = {a.code for a in selectors.visible_agencies(_official(world, "supervisor_province"))}
    commune_b = {a.code for a in selectors.visible_agencies(_official(world, "supervisor_b"))}
    other = {a.code for a in selectors.visible_agencies(_official(world, "supervisor_other_province"))}
    assert {AGENCY_A, AGENCY_B, "UBNDT.01", "CAX.00004"} <= province
    assert all(not code.endswith(".04") for code in province)
    assert commune_b
    assert all(code.endswith(".00008") for code in commune_b)
    assert AGENCY_A not in other
    assert AGENCY_B not in other
    reception = {a.code for a in selectors.visible_agencies(_official(world, "reception_a"))}
    assert reception == {AGENCY_A}
    handler = {a.code for a in selectors.visible_agencies(_official(world, "handler_a"))}
    assert handler == {AGENCY_A, "CAX.00004"}  # roles at two agencies


def test_role_changes_are_checked_before_anything_is_written(world: World):
    before = _counts()
    with pytest.raises(NotFound):
        services.grant_role(
            actor=_official(world, "admin_b"), username="reception.b", role="approver", agency_code=AGENCY_A
        )
    with pytest.raises(Forbidden):
        services.grant_role(
            actor=_official(world, "supervisor_province"),
            username="reception.b",
            role="approver",
            agency_code=AGENCY_A,
        )
    with pytest.raises(Forbidden):
        services.grant_role(
            actor=_official(world, "admin_a"), username="reception.a", role=Role.PLATFORM_ADMIN
        )
    with pytest.raises(MotcuaError, match="No official"):
        services.grant_role(
            actor=_official(world, "admin_a"), username="nobody", role="approver", agency_code=AGENCY_A
        )
    own = selectors.staff_of_agency(_official(world, "admin_a"), AGENCY_A)
    own_assignment = next(row for row in own if row.username == "admin.a")
    with pytest.raises(Forbidden, match="own role"):
        services.revoke_role(actor=_official(world, "admin_a"), assignment_id=own_assignment.assignment_id)
    assert _counts() == before


def test_a_revoked_role_stops_giving_access_at_once(world: World):
    assert world.assignment is not None
    services.revoke_role(actor=_official(world, "admin_a"), assignment_id=world.assignment.pk)
    handler = _official(world, "handler_a")
    assert {a.code for a in selectors.visible_agencies(handler)} == {"CAX.00004"}
    with pytest.raises(NotFound):
        selectors.staff_of_agency(handler, AGENCY_A)
    assert AuditEntry.objects.get(type=IdentityEvent.ROLE_REVOKED).agency_code == AGENCY_A
    assert Representation.objects.filter(revoked_at__isnull=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_person_registered_by_two_requests_at_once_is_one_applicant():
    """A counter reception and the person's first eID login, say: the second insert waits on the
    first's uncommitted row, then finds it instead of failing."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite serialises writers (BEGIN IMMEDIATE), so the second request cannot reach its "
            "insert before the first commits; the PostgreSQL pass runs this test."
        )
    created = threading.Event()
    found: list[Applicant] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                found.append(services.ensure_individual(personal_id="001085012345", name="Nguyễn Văn An"))
                created.set()
                with connection.cursor() as cursor:  # hold the row until the other insert waits on it
                    for _ in range(100):
                        cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
                        if cursor.fetchone()[0]:
                            break
                        time.sleep(0.05)
                    else:
                        raise AssertionError("the second request never waited on the first")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    def second() -> None:
        try:
            created.wait(10)
            found.append(services.ensure_individual(personal_id="001085012345", name="Nguyễn Văn An"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert not errors, errors
    assert [a.pk for a in found] == [found[0].pk] * 2
    assert Applicant.objects.filter(personal_id="001085012345").count() == 1
    assert AuditEntry.objects.filter(type=IdentityEvent.APPLICANT_REGISTERED).count() == 1
