"""Role × URL matrix: for every protected page and API operation, each actor either gets the
content (and, for a change, the change with its audit row) or is refused — 302 to the login
page or 401 when anonymous, 403 for the wrong kind of account or a visible object it may not
change, 404 for an object outside its scope — and a refusal changes nothing at all.

Agency systems (integrator clients, with a bearer token) are actors too: on the operations open
to them (``agency_auth``) they get what an official of the same role at the same agency gets, and
every change they make is audited as the client; every other API operation answers them 403;
pages ignore the token (302 to the login page); a revoked client's or an expired token gets 401
everywhere on the API.

``test_url_access.py`` checks that this table covers every protected URL.

The world is built once for the module, inside an outer transaction that every test nests in and
that is rolled back at the end (what Django's ``TestCase.setUpTestData`` does): building it per
case cost a second each, over 500 cases on each database.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from motcua.core.models import AuditEntry, Event
from motcua.core.types import EventKind
from motcua.demo.people import DEMO_COMPANY
from motcua.documents import storage
from motcua.documents.events import DocumentEvent
from motcua.documents.models import ResultDocument, ShareLink, StoredFile, WalletItem
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.models import Dossier, Draft
from motcua.exchange.models import Consent, Exchange, RegistryWrite
from motcua.feedback.events import FeedbackEvent
from motcua.feedback.models import CounterRatingScreen, Petition, Rating
from motcua.identity.actors import IntegratorActor
from motcua.identity.events import IdentityEvent
from motcua.identity.models import Applicant, Representation, RoleAssignment
from motcua.metrics.models import FollowUpReport
from motcua.notify.events import NotifyEvent
from motcua.notify.models import ContactPoint, Delivery, DeliveryStatus, Notification
from motcua.notify.services import contacts as contact_services
from tests.identity.world import (
    AGENCY_A,
    APPLICANTS,
    BIRTH_ENTRIES,
    CLIENTS,
    OFFICIALS,
    ORGANISATION_ACTORS,
    PDF,
    World,
    acting_client,
    add_organisation,
)
from tests.notify.servers import MailCaptureServer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def mail_capture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailCaptureServer]:
    with MailCaptureServer(tmp_path_factory.mktemp("mail")) as server:
        yield server


@pytest.fixture
def world(world_copy: World, mail_capture: MailCaptureServer, settings: Any) -> World:
    settings.MOTCUA_SMTP_HOST, settings.MOTCUA_SMTP_PORT = "127.0.0.1", mail_capture.port
    settings.MOTCUA_NOTIFY_CHANNELS = ["email", "sms"]
    applicant = world_copy.users["applicant_a"].applicant
    email = ContactPoint.objects.create(applicant=applicant, channel="email", address="an@example.vn")
    email.code_hash = contact_services._code_hash(email, CONTACT_CODE)
    email.code_expires_at = timezone.now() + datetime.timedelta(minutes=10)
    email.save()
    ContactPoint.objects.create(
        applicant=applicant, channel="sms", address="+84912000111", verified_at=timezone.now()
    )
    assert world_copy.notification is not None
    Delivery.objects.create(
        notification=world_copy.notification,
        channel="sms",
        status=DeliveryStatus.DEAD,
        attempts=5,
        last_error="503",
    )
    return world_copy


APPLICANT_NAMES = ["applicant_a", "applicant_b", "representative"]
OFFICIAL_NAMES = list(OFFICIALS)
CLIENT_NAMES = list(CLIENTS)
ACTORS = ["anonymous", *APPLICANT_NAMES, *OFFICIAL_NAMES, *CLIENT_NAMES]
SEES_AGENCY_A = {"reception_a", "handler_a", "approver_a", "admin_a", "supervisor_province", "platform_admin"}
# agency systems whose token works (the revoked client's and the expired token do not)
REFUSED_TOKENS = {"client_revoked", "client_expired"}
WORKING_CLIENTS = set(CLIENT_NAMES) - REFUSED_TOKENS
CLIENTS_SEEING_A = {"client_reception_a", "client_handler_a", "client_supervisor_province"}
MANAGES_AGENCY_A = {"admin_a", "platform_admin"}
RECEIVES = {"reception_a", "reception_b"}  # the reception role, at commune A and at commune B
# officials with a role at commune A, which issued the world's result (a province supervisor
# sees the dossier, but results are read by the issuing agency's own officials)
RESULT_READERS = {"reception_a", "handler_a", "approver_a", "admin_a"}
REVOKES = {"approver_a", "admin_a"}
HOLDS_RESULT = {"applicant_a", "representative"}
# officials who act on commune A's writes to the registries (handle, approve, administer), and the
# platform administrator (every agency's); a receptionist or a supervisor does not
ACTS_ON_WRITES_A = {"handler_a", "approver_a", "admin_a", "platform_admin"}


def _write(world: World) -> str:
    assert world.registry_write is not None
    return str(world.registry_write.public_id)


def _write_status(status: str) -> Callable[[World, Any], None]:
    def check(world: World, response: Any) -> None:
        assert world.registry_write is not None
        assert RegistryWrite.objects.get(pk=world.registry_write.pk).status == status

    return check


@dataclass(frozen=True)
class Endpoint:
    url_name: str  # the URL name (pages) or "api:<method> <path>" (API operations)
    method: str
    url: Callable[[World], str]
    allowed: set[str]
    forbidden: set[str] = field(default_factory=set)  # visible to them, but 403
    audience: str = "applicant"  # which kind of account the URL is for
    data: Callable[[World], dict] | None = None
    json: Callable[[World], dict] | None = None
    check: Callable[[World, Any], None] | None = None
    # of the allowed, those whose request changes something (None: all); the others get an answer
    # that says why nothing was done (a bulk claim of dossiers not theirs to take)
    changes_for: set[str] | None = None
    for_clients: bool = False  # open to agency systems' bearer tokens (``agency_auth``)

    @property
    def is_api(self) -> bool:
        return self.url_name.startswith("api:")

    def expected(self, actor: str) -> int | str:
        if actor in CLIENT_NAMES:
            return self._expected_for_client(actor)
        if actor in self.allowed:
            return "ok"
        if actor == "anonymous":
            return 401 if self.is_api else "login"
        if actor in self.forbidden:
            return 403
        if self.audience == "any":  # for applicants and officials alike: outside scope is 404
            return 404
        kind = "applicant" if actor in APPLICANT_NAMES else "official"
        return 403 if kind != self.audience else 404

    def _expected_for_client(self, actor: str) -> int | str:
        if not self.is_api:
            return "login"  # pages never read the Authorization header
        if actor in REFUSED_TOKENS:
            return 401
        if actor in self.allowed:
            return "ok"
        if not self.for_clients or actor in self.forbidden:
            return 403
        return 404

    def call(self, client: Client, world: World) -> Any:
        url = self.url(world)
        if self.method == "get":
            return client.get(url)
        if self.method == "put":
            return client.put(url, self.json(world) if self.json else {}, content_type="application/json")
        if self.method == "delete":
            return client.delete(url)
        if self.method == "patch":
            return client.patch(url, self.json(world) if self.json else {}, content_type="application/json")
        if self.json is not None:
            return client.post(url, self.json(world), content_type="application/json")
        return client.post(url, self.data(world) if self.data else {})


def _rep(world: World) -> str:
    assert world.representation is not None
    return str(world.representation.public_id)


def _file(world: World) -> str:
    assert world.file is not None
    return str(world.file.public_id)


def _draft(world: World) -> str:
    assert world.draft is not None
    return str(world.draft.public_id)


def _ready_draft(world: World) -> str:
    assert world.ready_draft is not None
    return str(world.ready_draft.public_id)


def _dossier(world: World) -> str:
    assert world.dossier is not None
    return world.dossier.code


def _waiting(world: World) -> str:
    assert world.waiting is not None
    return world.waiting.code


def _application(world: World) -> str:
    assert world.waiting is not None
    assert world.waiting.bundle_application is not None
    return str(world.waiting.bundle_application.public_id)


def _bundle_started(world: World, response: Any) -> None:
    draft = Draft.objects.get(public_id=response.json()["id"])
    assert draft.bundle_code == "death-bundle"
    assert draft.bundle_members == ["death-registration", "permanent-residence-deletion"]


def _bundle_started_page(response: Any) -> None:
    draft = Draft.objects.filter(bundle_code="death-bundle").get()
    assert str(draft.public_id) in response["Location"]


def _bundle_list(world: World, response: Any) -> None:
    """applicant_a sees their one application; the others, none."""
    assert [a["id"] for a in response.json()] in ([_application(world)], [])


def _dossier_file(world: World) -> str:
    assert world.dossier is not None
    return str(world.dossier.components["birth-certificate"]["file"])


def _dossier_list(world: World, response: Any) -> None:
    """applicant_a sees their dossiers; the other applicants, none (nobody else's)."""
    assert world.returned is not None
    mine = [world.returned.code, _waiting(world), _dossier(world)]
    assert [d["code"] for d in response.json()] in (mine, [])


def _issued(world: World) -> str:
    """The world's dossier with a signed result (approved and returned: it is in the wallet)."""
    assert world.returned is not None
    return world.returned.code


def _result(world: World) -> ResultDocument:
    return ResultDocument.objects.get(dossier__code=_issued(world))


def _is_the_signed_result(world: World, response: Any) -> None:
    body = b"".join(response.streaming_content)
    assert body == storage.path_of(_result(world).file.storage_name).read_bytes()
    assert body.startswith(b"%PDF-")
    assert b"/ByteRange" in body
    assert "attachment" in response["Content-Disposition"]


def _result_list(world: World, response: Any) -> None:
    """applicant_a (and their representative) and commune A's officials see the one result."""
    numbers = [r["number"] for r in response.json()]
    user_pk = response.wsgi_request.user.pk
    sees = {world.users[name].pk for name in ("applicant_a", "representative", *RESULT_READERS)}
    assert numbers == ([_result(world).number] if user_pk in sees else [])


def _result_revoked(world: World, response: Any) -> None:
    result = _result(world)
    assert result.is_revoked
    assert result.revocation_reason == "Cấp nhầm số định danh"
    assert AuditEntry.objects.filter(
        type=DocumentEvent.RESULT_REVOKED, subject_id=str(result.public_id)
    ).exists()


# who handles commune A's petitions (every role there but the supervisor's)
PETITION_HANDLERS = {"reception_a", "handler_a", "approver_a", "admin_a"}


def _petition(world: World) -> str:
    assert world.petition is not None
    return world.petition.code


def _petition_answered(world: World, response: Any) -> None:
    petition = Petition.objects.get(code=_petition(world))
    assert (petition.status, petition.answer) == ("answered", "Hồ sơ đã được giải quyết.")


def _asked(world: World) -> str:
    assert world.asked_petition is not None
    return world.asked_petition.code


def _information_received(world: World, response: Any) -> None:
    petition = Petition.objects.get(code=_asked(world))
    assert (petition.status, petition.paused_on) == ("received", None)


# who may open a counter rating screen for commune A's dossiers (reception, handling, agency admin)
COUNTER_RATERS = {"reception_a", "handler_a", "admin_a"}


def _rated(world: World, response: Any) -> None:
    rating = Rating.objects.get(dossier__code=_issued(world))
    assert (rating.overall, rating.criteria) == ("satisfied", {"attitude": "very_satisfied"})
    assert AuditEntry.objects.filter(type=FeedbackEvent.DOSSIER_RATED, subject_id=_issued(world)).exists()


def _counter_screen_opened(world: World, response: Any) -> None:
    assert response["Location"].startswith("/danh-gia-tai-quay/")
    assert CounterRatingScreen.objects.filter(dossier__code=_issued(world), used_at__isnull=True).count() == 1


def _after(code: Callable[[World], str], event: EventKind, **state: Any) -> Callable[[World, Any], None]:
    """The dossier is in ``state`` now, with the audit row of the change."""

    def check(world: World, response: Any) -> None:
        dossier = Dossier.objects.get(code=code(world))
        for name, value in state.items():
            assert getattr(dossier, name) == value, (name, getattr(dossier, name))
        assert AuditEntry.objects.filter(type=event, subject_id=dossier.code).exists()

    return check


def _claimed_by_requester(world: World, response: Any) -> None:
    """Bulk claim answers every official; only the reception officer of commune A takes the dossier."""
    dossier = Dossier.objects.get(code=_dossier(world))
    user_pk = response.wsgi_request.user.pk
    if user_pk == world.users["reception_a"].pk:
        assert dossier.assignee_id == user_pk
    else:
        assert dossier.assignee_id is None


def _assigned(world: World, response: Any) -> None:
    assert Dossier.objects.get(code=_dossier(world)).assignee == world.users["reception_a"]


def _apology_date() -> str:
    from motcua.core.calendar import WorkingCalendar

    return WorkingCalendar.current().add_working_days(datetime.date.today(), 3).isoformat()


def _supplemented(world: World, response: Any) -> None:
    dossier = Dossier.objects.get(code=_waiting(world))
    assert dossier.step == "handling"
    assert dossier.entries["child_place_of_birth"] == "Trạm y tế phường Ba Đình"
    assert AuditEntry.objects.filter(type=DossierEvent.DOSSIER_SUPPLEMENTED, subject_id=dossier.code).exists()


def _actor_name(world: World, response: Any) -> str:
    """Who made the request: the world's name of the user, or of the agency system."""
    actor = getattr(response.wsgi_request, "actor", None)
    if isinstance(actor, IntegratorActor):
        return next(name for name, client in world.clients.items() if client.client_id == actor.client_id)
    user_pk = response.wsgi_request.user.pk
    return next(name for name, user in world.users.items() if user.pk == user_pk)


def _sees_agency_a(world: World, response: Any) -> bool:
    """Whether the official or agency system who made the request is one who sees commune A."""
    return _actor_name(world, response) in SEES_AGENCY_A | CLIENTS_SEEING_A


def _inbox_page(world: World, response: Any) -> None:
    """Every official gets the page; commune A's dossier is there exactly for those who see A."""
    body = _text(response)
    assert "<h1>Hồ sơ</h1>" in body
    assert (_dossier(world) in body) == _sees_agency_a(world, response)


def _inbox_api(world: World, response: Any) -> None:
    codes = sorted(row["code"] for row in response.json()["dossiers"])
    expected = sorted([_dossier(world), _waiting(world)])
    assert codes == (expected if _sees_agency_a(world, response) else [])


def _submitted(world: World, response: Any) -> None:
    code = response.json()["code"]
    assert Dossier.objects.get(code=code).applicant.user == world.users["applicant_a"]
    assert not Draft.objects.filter(public_id=_ready_draft(world)).exists()
    assert AuditEntry.objects.filter(type=DossierEvent.DOSSIER_SUBMITTED, subject_id=code).exists()


def _consented_again(world: World, response: Any) -> None:
    assert Consent.objects.filter(dossier_ref=_draft(world)).count() == 2
    assert Exchange.objects.filter(dossier_ref=_draft(world), component_id="requester-identity").count() == 2


def _draft_started(world: World, response: Any) -> None:
    [draft] = Draft.objects.filter(procedure__code="temporary-absence-declaration")
    assert (
        AuditEntry.objects.filter(type=DossierEvent.DRAFT_STARTED, subject_id=str(draft.public_id)).count()
        == 1
    )


def _discard_page(world: World, response: Any) -> None:
    """The confirmation: what will be deleted, and the form that deletes it (nothing yet)."""
    body = _text(response)
    assert "<h1>Xóa bản nháp này?</h1>" in body
    assert f'action="/ho-so-nhap/{_draft(world)}/xoa/"' in body
    assert Draft.objects.filter(public_id=_draft(world)).exists()


def _discarded(world: World, response: Any) -> None:
    assert not Draft.objects.filter(public_id=_draft(world)).exists()
    [entry] = AuditEntry.objects.filter(type=DossierEvent.DRAFT_DISCARDED, subject_id=_draft(world))
    assert (entry.actor_kind, entry.actor_id) == ("applicant", str(world.applicant("applicant_a").public_id))
    # the evidence of what was fetched for it stays
    assert Consent.objects.filter(dossier_ref=_draft(world)).exists()


def _component_uploaded(world: World, response: Any) -> None:
    assert world.draft is not None
    world.draft.refresh_from_db()
    assert world.draft.components["death-notice"]["state"] == "uploaded"


def _data_use_listed(world: World, response: Any) -> None:
    # applicant_a's own pull at world-building time is in the registries' log; others see none of it
    body = _text(response)
    assert ("Ủy ban nhân dân phường Ba Đình" in body or "UBND.00004" in body) == (
        APPLICANTS["applicant_a"][1] in body
    )


def _text(response: Any) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _contains(*texts: str) -> Callable[[World, Any], None]:
    def check(world: World, response: Any) -> None:
        body = _text(response)
        for text in texts:
            assert text in body, text

    return check


def _revoked(world: World, response: Any) -> None:
    assert world.representation is not None
    world.representation.refresh_from_db()
    assert world.representation.revoked_at is not None
    assert (
        AuditEntry.objects.filter(type=IdentityEvent.REPRESENTATION_REVOKED, subject_id=_rep(world)).count()
        == 1
    )


def _is_the_pdf(world: World, response: Any) -> None:
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("sandbox")


def _form_pdf(file_name: Callable[[World], str]) -> Callable[[World, Any], None]:
    """A form 01–05 as a PDF download (its text is checked in tests/dossiers/test_form_pdfs.py)."""

    def check(world: World, response: Any) -> None:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"] == f'attachment; filename="{file_name(world)}"'

    return check


def _granted(world: World, response: Any) -> None:
    granted = RoleAssignment.objects.get(
        user=world.users["reception_b"], agency__code=AGENCY_A, role="approver", revoked_at__isnull=True
    )
    audit = AuditEntry.objects.get(type=IdentityEvent.ROLE_GRANTED, subject_id=str(granted.pk))
    assert audit.agency_code == AGENCY_A


def _role_revoked(world: World, response: Any) -> None:
    assert world.assignment is not None
    world.assignment.refresh_from_db()
    assert world.assignment.revoked_at is not None
    assert AuditEntry.objects.filter(type=IdentityEvent.ROLE_REVOKED, agency_code=AGENCY_A).count() == 1


def _uploaded(world: World, response: Any) -> None:
    [newest] = StoredFile.objects.order_by("-id")[:1]
    assert newest.original_name == "ban-sao.pdf"
    assert newest.public_id not in {world.file.public_id if world.file else None}
    assert (
        AuditEntry.objects.filter(type=DocumentEvent.FILE_UPLOADED, subject_id=str(newest.public_id)).count()
        == 1
    )


def _result_item(world: World) -> str:
    assert world.result_item is not None
    return str(world.result_item.public_id)


def _kept_item(world: World) -> str:
    assert world.kept_item is not None
    return str(world.kept_item.public_id)


def _share(world: World) -> str:
    assert world.share is not None
    return str(world.share.public_id)


def _card_draft(world: World) -> str:
    assert world.card_draft is not None
    return str(world.card_draft.public_id)


def _notification(world: World) -> str:
    assert world.notification is not None
    return str(world.notification.public_id)


def _notifications_listed(world: World, response: Any) -> None:
    """Each applicant reads their own notifications: applicant_a's, only applicant_a."""
    body = _text(response)
    assert world.dossier is not None
    sees = response.wsgi_request.user.pk == world.users["applicant_a"].pk
    assert (_notification(world) in body) == sees
    assert (f"{world.dossier.code}" in body) == sees


def _notification_read(world: World, response: Any) -> None:
    assert Notification.objects.get(public_id=_notification(world)).read_at is not None
    read = AuditEntry.objects.filter(type=NotifyEvent.NOTIFICATION_READ, subject_id=_notification(world))
    assert read.count() == 1


def _all_read(world: World, response: Any) -> None:
    user = response.wsgi_request.user
    assert not Notification.objects.filter(recipient__user=user, read_at__isnull=True).exists()
    if user.pk == world.users["applicant_a"].pk:
        assert AuditEntry.objects.filter(type=NotifyEvent.NOTIFICATIONS_READ).count() == 1
        assert Notification.objects.filter(read_at__isnull=True).count() == 0


def _wallet_listed(world: World, response: Any) -> None:
    """applicant_a and whom they authorised see applicant_a's wallet; applicant_b, nothing of it."""
    body = _text(response)
    user_pk = response.wsgi_request.user.pk
    sees = user_pk in {world.users["applicant_a"].pk, world.users["representative"].pk}
    assert (_result_item(world) in body) == sees
    assert (_kept_item(world) in body) == sees


def _kept(world: World, response: Any) -> None:
    item = WalletItem.objects.get(file__public_id=_dossier_file(world))
    assert item.kind == "upload"
    assert item.removed_at is None
    assert AuditEntry.objects.filter(
        type=DocumentEvent.WALLET_ITEM_ADDED, subject_id=str(item.public_id)
    ).exists()


def _removed(world: World, response: Any) -> None:
    assert WalletItem.objects.get(public_id=_kept_item(world)).removed_at is not None
    assert AuditEntry.objects.filter(
        type=DocumentEvent.WALLET_ITEM_REMOVED, subject_id=_kept_item(world)
    ).exists()


def _shared(world: World, response: Any) -> None:
    assert ShareLink.objects.filter(item__public_id=_result_item(world)).count() == 2
    assert AuditEntry.objects.filter(type=DocumentEvent.SHARE_CREATED).count() == 2


def _share_revoked(world: World, response: Any) -> None:
    assert ShareLink.objects.get(public_id=_share(world)).revoked_at is not None
    assert AuditEntry.objects.filter(type=DocumentEvent.SHARE_REVOKED, subject_id=_share(world)).count() == 1


def _taken_from_wallet(world: World, response: Any) -> None:
    draft = Draft.objects.get(public_id=_card_draft(world))
    entry = draft.components["birth-extract"]
    assert (entry["state"], entry["wallet_item"]) == ("wallet", _result_item(world))


COUNTER_PERSON = {"personal_id": "001190012345", "full_name": "Phạm Thị Hoa", "birth_date": "1990-05-17"}
COUNTER_SCANS = ["requester-identity", "parents-residence", "birth-certificate"]


def _counter_page(world: World, data: dict) -> dict:
    """The counter form of a birth registration at commune A, with a scan of each paper."""
    return {
        "counter-key": "6f1c1f0e-8a4b-4c55-9d8e-0c7a1f2b3c4d",
        **{f"applicant-{name}": value for name, value in COUNTER_PERSON.items()},
        "applicant-identity_check": "paper_id",
        **data,
        **{f"scan-{component}": _pdf_upload() for component in COUNTER_SCANS},
    }


def _counter_api(world: World) -> dict:
    return {
        "key": "0d9e6a52-3f1b-4f7a-a1c2-5b6d7e8f9a0b",
        "procedure": "birth-registration",
        "channel": "counter",
        "agency": AGENCY_A,
        **COUNTER_PERSON,
        "identity_check": "chip_card",
        "entries": json.dumps(BIRTH_ENTRIES),
        "scan_components": COUNTER_SCANS,
        "scans": [_pdf_upload() for _component in COUNTER_SCANS],
    }


def _received_at_counter(world: World, response: Any) -> None:
    dossier = Dossier.objects.get(applicant__personal_id=COUNTER_PERSON["personal_id"])
    assert (dossier.channel, dossier.agency_code) == ("counter", AGENCY_A)
    assert dossier.received_by == world.users["reception_a"]
    assert {dossier.components[c]["provenance"] for c in COUNTER_SCANS} == {"scan"}
    assert AuditEntry.objects.get(type=DossierEvent.DOSSIER_SUBMITTED, subject_id=dossier.code).actor_id == (
        f"user:{world.users['reception_a'].pk}"
    )


def _counter_form(world: World, response: Any) -> None:
    """A reception officer gets the form for the agencies they receive for, and only those."""
    body = _text(response)
    user_pk = response.wsgi_request.user.pk
    own = AGENCY_A if user_pk == world.users["reception_a"].pk else "UBND.00008"
    assert "<h1>Tiếp nhận hồ sơ</h1>" in body
    assert f'<option value="{own}"' in body
    assert body.count('<option value="UBND.') == 1


def _own_name(world: World, response: Any) -> None:
    # whoever asked sees their own name and no one else's
    body = _text(response)
    shown = [name for _pid, name, _born in APPLICANTS.values() if name in body]
    assert shown, body[:300]


def _health_report(world: World, response: Any) -> None:
    report = response.json()
    names = [check["name"] for check in report["checks"]]
    assert names == ["database", "cache", "registries", "worker", "outbox"]
    assert report["checks"][0] == {
        "name": "database",
        "ok": True,
        "summary": f"reachable ({connection.vendor})",
        "details": {"engine": connection.vendor},
    }
    assert report["checks"][2]["ok"] is True  # the world talks to the session's registries


def _followup_url(world: World) -> str:
    """A five-day report to read (made here without an audit row: the matrix compares those)."""
    report, _created = FollowUpReport.objects.get_or_create(
        created_on=datetime.date(2026, 12, 1),
        defaults={"period_kind": "month", "period_start": datetime.date(2026, 12, 1)},
    )
    return f"/can-bo/chi-so-766/theo-doi/{report.pk}.pdf"


def _is_list(response: Any) -> None:
    assert isinstance(response.json(), list)


STEERS = {"supervisor_province", "supervisor_b", "supervisor_other_province", "platform_admin"}

ENDPOINTS = [
    # --- applicant pages
    Endpoint("identity:my-space", "get", lambda w: "/ca-nhan/", set(APPLICANT_NAMES), check=_own_name),
    Endpoint(
        "identity:authorisation-new",
        "get",
        lambda w: "/ca-nhan/uy-quyen/moi/",
        set(APPLICANT_NAMES),
        check=_contains("representative_personal_id"),
    ),
    Endpoint(
        "identity:representation-detail",
        "get",
        lambda w: f"/ca-nhan/uy-quyen/{_rep(w)}/",
        {"applicant_a", "representative"},
        check=_contains(APPLICANTS["representative"][1], APPLICANTS["applicant_a"][1]),
    ),
    Endpoint(
        "identity:representation-revoke",
        "post",
        lambda w: f"/ca-nhan/uy-quyen/{_rep(w)}/thu-hoi/",
        {"applicant_a", "representative"},
        check=_revoked,
    ),
    Endpoint(
        "documents:download",
        "get",
        lambda w: f"/tep-tin/{_file(w)}/",
        {"applicant_a", "representative"},
        check=_is_the_pdf,
    ),
    Endpoint(
        "documents:upload",
        "post",
        lambda w: "/ca-nhan/tep-tin/",
        set(APPLICANT_NAMES),
        data=lambda w: {"file": _pdf_upload()},
        check=_uploaded,
    ),
    # --- drafts and data use (applicant pages)
    Endpoint(
        "dossiers:start",
        "post",
        lambda w: "/thu-tuc/temporary-absence-declaration/nop-ho-so/",
        set(APPLICANT_NAMES),
        data=lambda w: {"province": "01", "commune": "00004"},
        check=_draft_started,
    ),
    Endpoint(
        "dossiers:drafts", "get", lambda w: "/ho-so-nhap/", set(APPLICANT_NAMES), check=_contains("<h1>")
    ),
    Endpoint(
        "dossiers:draft",
        "get",
        lambda w: f"/ho-so-nhap/{_draft(w)}/",
        {"applicant_a"},
        check=_contains("Đăng ký khai tử", "Cơ sở dữ liệu không có thông tin này"),
    ),
    Endpoint(
        "dossiers:consent",
        "post",
        lambda w: f"/ho-so-nhap/{_draft(w)}/dong-y/",
        {"applicant_a"},
        data=lambda w: {"accept": ["requester-identity"]},
        check=_consented_again,
    ),
    Endpoint(
        "dossiers:check",
        "get",
        lambda w: f"/ho-so-nhap/{_draft(w)}/kiem-tra/",
        {"applicant_a"},
        check=_contains("Kiểm tra thông tin", "Đăng ký khai tử"),
    ),
    Endpoint("dossiers:retry", "post", lambda w: f"/ho-so-nhap/{_draft(w)}/lay-lai/", {"applicant_a"}),
    Endpoint(
        "dossiers:discard",
        "get",
        lambda w: f"/ho-so-nhap/{_draft(w)}/xoa/",
        {"applicant_a"},
        check=_discard_page,
    ),
    Endpoint(
        "dossiers:discard",
        "post",
        lambda w: f"/ho-so-nhap/{_draft(w)}/xoa/",
        {"applicant_a"},
        check=_discarded,
    ),
    Endpoint(
        "dossiers:component-upload",
        "post",
        lambda w: f"/ho-so-nhap/{_draft(w)}/thanh-phan/death-notice/",
        {"applicant_a"},
        data=lambda w: {"file": _pdf_upload()},
        check=_component_uploaded,
    ),
    Endpoint(
        "dossiers:dossiers",
        "get",
        lambda w: "/ho-so/",
        set(APPLICANT_NAMES),
        check=_contains("<h1>Hồ sơ của tôi</h1>"),
    ),
    Endpoint(
        "dossiers:dossier",
        "get",
        lambda w: f"/ho-so/{_dossier(w)}/",
        {"applicant_a"},
        check=lambda w, r: _contains(f'<strong id="dossier-code">{_dossier(w)}</strong>')(w, r),
    ),
    Endpoint(
        "dossiers:receipt",
        "get",
        lambda w: f"/ho-so/{_dossier(w)}/giay-tiep-nhan/",
        {"applicant_a"},
        check=lambda w, r: _contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _dossier(w))(w, r),
    ),
    Endpoint(
        "dossiers:receipt-pdf",
        "get",
        lambda w: f"/ho-so/{_dossier(w)}/giay-tiep-nhan.pdf",
        {"applicant_a"},
        check=_form_pdf(lambda w: f"{_dossier(w)}-mau-01.pdf"),
    ),
    Endpoint(
        "dossiers:notice-pdf",
        "get",
        lambda w: f"/ho-so/{_waiting(w)}/thong-bao/02-1.pdf",
        {"applicant_a"},
        check=_form_pdf(lambda w: f"{_waiting(w)}-mau-02-1.pdf"),
    ),
    Endpoint(
        "dossiers:start-bundle",
        "post",
        lambda w: "/lien-thong/death-bundle/nop-ho-so/",
        set(APPLICANT_NAMES),
        data=lambda w: {"commune": "00004"},
        check=lambda w, r: _bundle_started_page(r),
    ),
    Endpoint(
        "dossiers:bundle-application",
        "get",
        lambda w: f"/ho-so/lien-thong/{_application(w)}/",
        {"applicant_a"},
        check=lambda w, r: _contains(_waiting(w), 'id="member-permanent-residence-registration"')(w, r),
    ),
    Endpoint(
        "dossiers:supplement",
        "post",
        lambda w: f"/ho-so/{_waiting(w)}/bo-sung/",
        {"applicant_a"},
        data=lambda w: {
            "file-birth-certificate": _pdf_upload(),
            "child_place_of_birth": "Trạm y tế phường Ba Đình",
        },
        check=_supplemented,
    ),
    Endpoint(
        "dossiers:withdraw",
        "post",
        lambda w: f"/ho-so/{_dossier(w)}/rut-ho-so/",
        {"applicant_a"},
        data=lambda w: {"reason": "Nộp nhầm."},
        check=_after(_dossier, DossierEvent.DOSSIER_WITHDRAWN, status="withdrawn"),
    ),
    # --- notifications (applicant pages)
    Endpoint(
        "notify:notifications",
        "get",
        lambda w: "/thong-bao/",
        set(APPLICANT_NAMES),
        check=_notifications_listed,
    ),
    Endpoint(
        "notify:mark-read",
        "post",
        lambda w: f"/thong-bao/{_notification(w)}/da-doc/",
        {"applicant_a"},
        check=_notification_read,
    ),
    Endpoint(
        "notify:mark-all-read",
        "post",
        lambda w: "/thong-bao/da-doc/",
        set(APPLICANT_NAMES),
        changes_for={"applicant_a"},  # the others have nothing unread
        check=_all_read,
    ),
    # --- rating a finished dossier (feedback pages): the applicant's own, the counter screen
    Endpoint("feedback:rate", "get", lambda w: f"/ho-so/{_issued(w)}/danh-gia/", {"applicant_a"}),
    Endpoint(
        "feedback:rate",
        "post",
        lambda w: f"/ho-so/{_issued(w)}/danh-gia/",
        {"applicant_a"},
        data=lambda w: {"overall": "satisfied", "criteria-attitude": "very_satisfied"},
        check=_rated,
    ),
    Endpoint(
        "feedback:counter-open",
        "post",
        lambda w: f"/can-bo/ho-so/{_issued(w)}/danh-gia-tai-quay/",
        COUNTER_RATERS,
        forbidden=SEES_AGENCY_A - COUNTER_RATERS,
        audience="official",
        check=_counter_screen_opened,
    ),
    Endpoint(
        "feedback:agency-ratings",
        "get",
        lambda w: "/can-bo/danh-gia/",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    # --- petitions (feedback pages): the petitioner's own, the officials' inbox and steps
    Endpoint("feedback:mine", "get", lambda w: "/phan-anh-kien-nghi/cua-toi/", set(APPLICANT_NAMES)),
    Endpoint("feedback:petition", "get", lambda w: f"/phan-anh-kien-nghi/{_petition(w)}/", {"applicant_a"}),
    Endpoint(
        "feedback:inbox",
        "get",
        lambda w: "/can-bo/phan-anh-kien-nghi/",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    Endpoint(
        "feedback:official-petition",
        "get",
        lambda w: f"/can-bo/phan-anh-kien-nghi/{_petition(w)}/",
        SEES_AGENCY_A,
        audience="official",
    ),
    Endpoint(
        "feedback:step",
        "post",
        lambda w: f"/can-bo/phan-anh-kien-nghi/{_petition(w)}/buoc/",
        PETITION_HANDLERS,
        forbidden=SEES_AGENCY_A - PETITION_HANDLERS,
        audience="official",
        data=lambda w: {"step": "answer", "answer": "Hồ sơ đã được giải quyết."},
        check=_petition_answered,
    ),
    Endpoint(
        "feedback:petition-file",
        "get",
        lambda w: f"/can-bo/phan-anh-kien-nghi/{_petition(w)}/tep-tin/{_file(w)}/",
        SEES_AGENCY_A,
        audience="official",
    ),
    # --- the data wallet (applicant pages)
    Endpoint(
        "documents:wallet",
        "get",
        lambda w: "/ca-nhan/kho-du-lieu/",
        set(APPLICANT_NAMES),
        check=_wallet_listed,
    ),
    Endpoint(
        "documents:wallet-keep",
        "post",
        lambda w: "/ca-nhan/kho-du-lieu/luu/",
        {"applicant_a", "representative"},
        data=lambda w: {"file": _dossier_file(w)},
        check=_kept,
    ),
    Endpoint(
        "documents:wallet-item",
        "get",
        lambda w: f"/ca-nhan/kho-du-lieu/{_result_item(w)}/",
        {"applicant_a", "representative"},
        check=_contains("Trích lục khai sinh", "Ủy ban nhân dân phường Ba Đình"),
    ),
    Endpoint(
        "documents:wallet-remove",
        "post",
        lambda w: f"/ca-nhan/kho-du-lieu/{_kept_item(w)}/xoa/",
        {"applicant_a", "representative"},
        check=_removed,
    ),
    Endpoint(
        "documents:wallet-share",
        "post",
        lambda w: f"/ca-nhan/kho-du-lieu/{_result_item(w)}/chia-se/",
        {"applicant_a", "representative"},
        data=lambda w: {"hours": "24", "recipient": "Ngân hàng"},
        check=_shared,
    ),
    Endpoint(
        "documents:share-revoke",
        "post",
        lambda w: f"/ca-nhan/chia-se/{_share(w)}/thu-hoi/",
        {"applicant_a", "representative"},
        check=_share_revoked,
    ),
    Endpoint(
        "dossiers:component-wallet",
        "post",
        lambda w: f"/ho-so-nhap/{_card_draft(w)}/thanh-phan/birth-extract/kho-du-lieu/",
        {"applicant_a"},
        data=lambda w: {"item": _result_item(w)},
        check=_taken_from_wallet,
    ),
    Endpoint(
        "exchange:data-use",
        "get",
        lambda w: "/ca-nhan/du-lieu-cua-toi/",
        set(APPLICANT_NAMES),
        check=_data_use_listed,
    ),
    Endpoint("exchange:fines", "get", lambda w: "/ca-nhan/phat-nguoi/", set(APPLICANT_NAMES)),
    Endpoint("exchange:fines", "post", lambda w: "/ca-nhan/phat-nguoi/", set(APPLICANT_NAMES)),
    Endpoint(
        "exchange:registry-writes",
        "get",
        lambda w: "/can-bo/ghi-du-lieu/",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    Endpoint(
        "exchange:registry-write-retry",
        "post",
        lambda w: f"/can-bo/ghi-du-lieu/{_write(w)}/gui-lai/",
        ACTS_ON_WRITES_A,
        audience="official",
        check=_write_status("queued"),
    ),
    Endpoint(
        "exchange:registry-write-resolve",
        "post",
        lambda w: f"/can-bo/ghi-du-lieu/{_write(w)}/dong/",
        ACTS_ON_WRITES_A,
        audience="official",
        data=lambda w: {"note": "Đã hoàn tiền cho người nộp."},
        check=_write_status("resolved"),
    ),
    # --- official pages
    Endpoint(
        "identity:official-home",
        "get",
        lambda w: "/can-bo/",
        set(OFFICIAL_NAMES),
        audience="official",
        check=_contains("<h1>"),
    ),
    Endpoint(
        "backoffice:inbox",
        "get",
        lambda w: "/can-bo/ho-so/",
        set(OFFICIAL_NAMES),
        audience="official",
        check=_inbox_page,
    ),
    Endpoint(
        "backoffice:overview",
        "get",
        lambda w: "/can-bo/tong-quan/",
        set(OFFICIAL_NAMES),
        audience="official",
        check=_contains("Tổng quan công việc"),
    ),
    Endpoint(
        "backoffice:dossier",
        "get",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/",
        SEES_AGENCY_A,
        audience="official",
        check=lambda w, r: _contains(_dossier(w), "Nộp và tiếp nhận hồ sơ")(w, r),
    ),
    Endpoint(
        "backoffice:decide",
        "post",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/quyet-dinh/",
        {"reception_a"},
        forbidden=SEES_AGENCY_A - {"reception_a"},
        audience="official",
        data=lambda w: {"decision": "accept"},
        check=_after(_dossier, DossierEvent.DOSSIER_ACCEPTED, step="handling"),
    ),
    Endpoint(
        "backoffice:claim",
        "post",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/nhan-xu-ly/",
        {"reception_a"},
        forbidden=SEES_AGENCY_A - {"reception_a"},
        audience="official",
        check=_after(_dossier, DossierEvent.DOSSIER_CLAIMED),
    ),
    Endpoint(
        "backoffice:assign",
        "post",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/phan-cong/",
        {"approver_a", "admin_a"},
        forbidden=SEES_AGENCY_A - {"approver_a", "admin_a"},
        audience="official",
        data=lambda w: {"user_id": str(w.users["reception_a"].pk)},
        check=_assigned,
    ),
    Endpoint(
        "backoffice:apology",
        "post",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/xin-loi/",
        {"handler_a", "approver_a"},
        forbidden=SEES_AGENCY_A - {"handler_a", "approver_a"},
        audience="official",
        data=lambda w: {"reason": "Chờ xác minh.", "new_due_on": _apology_date()},
        check=_after(_dossier, DossierEvent.DOSSIER_APOLOGY_ISSUED),
    ),
    Endpoint(
        "backoffice:bulk-claim",
        "post",
        lambda w: "/can-bo/ho-so/nhan-nhieu/",
        set(OFFICIAL_NAMES),
        audience="official",
        data=lambda w: {"codes": [_dossier(w)]},
        check=_claimed_by_requester,
        changes_for={"reception_a"},
    ),
    Endpoint(
        "backoffice:receipt",
        "get",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/giay-tiep-nhan/",
        SEES_AGENCY_A,
        audience="official",
        check=lambda w, r: _contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _dossier(w))(w, r),
    ),
    Endpoint(
        "backoffice:receipt-pdf",
        "get",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/giay-tiep-nhan.pdf",
        SEES_AGENCY_A,
        audience="official",
        check=_form_pdf(lambda w: f"{_dossier(w)}-mau-01.pdf"),
    ),
    Endpoint(
        "backoffice:notice-pdf",
        "get",
        lambda w: f"/can-bo/ho-so/{_waiting(w)}/thong-bao/02-1.pdf",
        SEES_AGENCY_A,
        audience="official",
        check=_form_pdf(lambda w: f"{_waiting(w)}-mau-02-1.pdf"),
    ),
    Endpoint(
        "backoffice:dossier-file",
        "get",
        lambda w: f"/can-bo/ho-so/{_dossier(w)}/tep-tin/{_dossier_file(w)}/",
        SEES_AGENCY_A,
        audience="official",
        check=_is_the_pdf,
    ),
    Endpoint(
        "backoffice:dossier-file",
        "get",
        lambda w: f"/can-bo/ho-so/{_issued(w)}/tep-tin/{_result(w).file.public_id}/",
        SEES_AGENCY_A,
        audience="official",
        check=_is_the_signed_result,
    ),
    Endpoint(
        "backoffice:revoke-result",
        "post",
        lambda w: f"/can-bo/ho-so/{_issued(w)}/thu-hoi-ket-qua/",
        REVOKES,
        # supervisors see the dossier but not the agency's results (404); its other officials, 403
        forbidden=RESULT_READERS - REVOKES,
        audience="official",
        data=lambda w: {"reason": "Cấp nhầm số định danh"},
        check=_result_revoked,
    ),
    Endpoint(
        "documents:result-file",
        "get",
        lambda w: f"/ket-qua/{_result(w).public_id}/tep-tin/",
        HOLDS_RESULT,
        check=_is_the_signed_result,
    ),
    Endpoint(
        "api:get /results",
        "get",
        lambda w: "/api/v1/results",
        set(APPLICANT_NAMES) | set(OFFICIAL_NAMES),
        audience="any",
        check=_result_list,
    ),
    Endpoint(
        "api:get /results/{result_id}",
        "get",
        lambda w: f"/api/v1/results/{_result(w).public_id}",
        HOLDS_RESULT | RESULT_READERS,
        audience="any",
        check=lambda w, r: _contains(_result(w).number, "valid")(w, r),
    ),
    Endpoint(
        "api:get /results/{result_id}/file",
        "get",
        lambda w: f"/api/v1/results/{_result(w).public_id}/file",
        HOLDS_RESULT | RESULT_READERS,
        audience="any",
        check=_is_the_signed_result,
    ),
    Endpoint(
        "api:post /results/{result_id}/revocation",
        "post",
        lambda w: f"/api/v1/results/{_result(w).public_id}/revocation",
        REVOKES,
        forbidden=RESULT_READERS - REVOKES,
        audience="official",
        json=lambda w: {"reason": "Cấp nhầm số định danh"},
        check=_result_revoked,
    ),
    Endpoint(
        "backoffice:counter",
        "get",
        lambda w: "/can-bo/tiep-nhan/",
        RECEIVES,
        forbidden=set(OFFICIAL_NAMES) - RECEIVES,
        audience="official",
        check=_counter_form,
    ),
    Endpoint(
        "backoffice:counter",
        "post",
        lambda w: f"/can-bo/tiep-nhan/?agency={AGENCY_A}&procedure=birth-registration&channel=counter",
        {"reception_a"},
        forbidden=set(OFFICIAL_NAMES) - RECEIVES,  # reception_b: commune A is not theirs, 404
        audience="official",
        data=lambda w: _counter_page(w, BIRTH_ENTRIES),
        check=_received_at_counter,
    ),
    Endpoint(
        "identity:agency-staff",
        "get",
        lambda w: f"/can-bo/co-quan/{AGENCY_A}/",
        SEES_AGENCY_A,
        audience="official",
        check=_contains("reception.a", "handler.a", "admin.a"),
    ),
    Endpoint(
        "identity:agency-role-grant",
        "post",
        lambda w: f"/can-bo/co-quan/{AGENCY_A}/vai-tro/",
        MANAGES_AGENCY_A,
        forbidden=SEES_AGENCY_A - MANAGES_AGENCY_A,
        audience="official",
        data=lambda w: {"username": "reception.b", "role": "approver"},
        check=_granted,
    ),
    Endpoint(
        "identity:role-revoke",
        "post",
        lambda w: f"/can-bo/vai-tro/{w.assignment.pk}/thu-hoi/",
        MANAGES_AGENCY_A,
        forbidden=SEES_AGENCY_A - MANAGES_AGENCY_A,
        audience="official",
        check=_role_revoked,
    ),
    # --- API
    Endpoint("api:get /me", "get", lambda w: "/api/v1/me", set(APPLICANT_NAMES), check=_own_name),
    Endpoint(
        "api:get /me/representations",
        "get",
        lambda w: "/api/v1/me/representations",
        set(APPLICANT_NAMES),
        check=lambda w, r: None,
    ),
    Endpoint(
        "api:post /me/authorisations",
        "post",
        lambda w: "/api/v1/me/authorisations",
        set(APPLICANT_NAMES),
        json=lambda w: {
            "representative_personal_id": "036095000123",
            "representative_name": "Phạm Thị Dung",
            "valid_until": (datetime.date.today() + datetime.timedelta(days=90)).isoformat(),
        },
    ),
    Endpoint(
        "api:post /me/representations/{representation_id}/revoke",
        "post",
        lambda w: f"/api/v1/me/representations/{_rep(w)}/revoke",
        {"applicant_a", "representative"},
        check=_revoked,
    ),
    Endpoint("api:get /files", "get", lambda w: "/api/v1/files", set(APPLICANT_NAMES)),
    Endpoint(
        "api:post /files",
        "post",
        lambda w: "/api/v1/files",
        set(APPLICANT_NAMES),
        data=lambda w: {"file": _pdf_upload()},
        check=_uploaded,
    ),
    Endpoint(
        "api:get /files/{file_id}",
        "get",
        lambda w: f"/api/v1/files/{_file(w)}",
        {"applicant_a", "representative"},
        check=_is_the_pdf,
    ),
    Endpoint("api:get /drafts", "get", lambda w: "/api/v1/drafts", set(APPLICANT_NAMES)),
    Endpoint(
        "api:post /drafts",
        "post",
        lambda w: "/api/v1/drafts",
        set(APPLICANT_NAMES),
        json=lambda w: {"procedure": "temporary-absence-declaration", "commune_code": "00004"},
        check=_draft_started,
    ),
    Endpoint(
        "api:get /drafts/{draft_id}",
        "get",
        lambda w: f"/api/v1/drafts/{_draft(w)}",
        {"applicant_a"},
        check=_contains("deceased-record", "needs_subject"),
    ),
    Endpoint(
        "api:delete /drafts/{draft_id}",
        "delete",
        lambda w: f"/api/v1/drafts/{_draft(w)}",
        {"applicant_a"},
        check=_discarded,
    ),
    Endpoint(
        "api:post /drafts/{draft_id}/consent",
        "post",
        lambda w: f"/api/v1/drafts/{_draft(w)}/consent",
        {"applicant_a"},
        json=lambda w: {"accept": ["requester-identity"]},
        check=_consented_again,
    ),
    Endpoint(
        "api:post /drafts/{draft_id}/pull",
        "post",
        lambda w: f"/api/v1/drafts/{_draft(w)}/pull",
        {"applicant_a"},
        json=lambda w: {"components": []},
    ),
    Endpoint(
        "api:put /drafts/{draft_id}/entries",
        "put",
        lambda w: f"/api/v1/drafts/{_draft(w)}/entries",
        {"applicant_a"},
        json=lambda w: {"values": {"place_of_death": "Bệnh viện Bạch Mai"}},
        check=_contains("Bệnh viện Bạch Mai"),
    ),
    Endpoint(
        "api:post /drafts/{draft_id}/submit",
        "post",
        lambda w: f"/api/v1/drafts/{_ready_draft(w)}/submit",
        {"applicant_a"},
        check=_submitted,
    ),
    Endpoint(
        "api:get /dossiers",
        "get",
        lambda w: "/api/v1/dossiers",
        set(APPLICANT_NAMES),
        check=_dossier_list,
    ),
    Endpoint(
        "api:get /dossiers/{code}",
        "get",
        lambda w: f"/api/v1/dossiers/{_dossier(w)}",
        {"applicant_a"},
        check=lambda w, r: _contains(_dossier(w), "lookup_pin")(w, r),
    ),
    Endpoint(
        "api:get /inbox",
        "get",
        lambda w: "/api/v1/inbox",
        set(OFFICIAL_NAMES) | WORKING_CLIENTS,
        audience="official",
        check=_inbox_api,
        for_clients=True,
    ),
    Endpoint(
        "api:get /inbox/{code}",
        "get",
        lambda w: f"/api/v1/inbox/{_dossier(w)}",
        SEES_AGENCY_A | CLIENTS_SEEING_A,
        audience="official",
        check=lambda w, r: _contains(_dossier(w), "history")(w, r),
        for_clients=True,
    ),
    Endpoint(
        "api:post /inbox/{code}/decision",
        "post",
        lambda w: f"/api/v1/inbox/{_dossier(w)}/decision",
        {"reception_a", "client_reception_a"},
        forbidden=SEES_AGENCY_A - {"reception_a"} | CLIENTS_SEEING_A - {"client_reception_a"},
        audience="official",
        json=lambda w: {"decision": "refuse", "reason": "Không thuộc thẩm quyền."},
        check=_after(_dossier, DossierEvent.DOSSIER_REFUSED, status="refused", step="done"),
        for_clients=True,
    ),
    Endpoint(
        "api:post /inbox/{code}/claim",
        "post",
        lambda w: f"/api/v1/inbox/{_dossier(w)}/claim",
        {"reception_a"},
        forbidden=SEES_AGENCY_A - {"reception_a"},
        audience="official",
        json=lambda w: {},
        check=_after(_dossier, DossierEvent.DOSSIER_CLAIMED),
    ),
    Endpoint(
        "api:post /claims",
        "post",
        lambda w: "/api/v1/claims",
        set(OFFICIAL_NAMES),
        audience="official",
        json=lambda w: {"codes": [_dossier(w)]},
        check=_claimed_by_requester,
        changes_for={"reception_a"},
    ),
    Endpoint(
        "api:post /inbox/{code}/assignee",
        "post",
        lambda w: f"/api/v1/inbox/{_dossier(w)}/assignee",
        {"approver_a", "admin_a"},
        forbidden=SEES_AGENCY_A - {"approver_a", "admin_a"},
        audience="official",
        json=lambda w: {"user_id": w.users["reception_a"].pk},
        check=_assigned,
    ),
    Endpoint(
        "api:post /inbox/{code}/apology",
        "post",
        lambda w: f"/api/v1/inbox/{_dossier(w)}/apology",
        {"handler_a", "approver_a", "client_handler_a"},
        forbidden=SEES_AGENCY_A - {"handler_a", "approver_a"} | CLIENTS_SEEING_A - {"client_handler_a"},
        audience="official",
        json=lambda w: {"reason": "Chờ xác minh.", "new_due_on": _apology_date()},
        check=_after(_dossier, DossierEvent.DOSSIER_APOLOGY_ISSUED),
        for_clients=True,
    ),
    Endpoint(
        "api:post /bundle-drafts",
        "post",
        lambda w: "/api/v1/bundle-drafts",
        set(APPLICANT_NAMES),
        json=lambda w: {"bundle": "death-bundle", "commune_code": "00004"},
        check=_bundle_started,
    ),
    Endpoint(
        "api:get /bundle-applications",
        "get",
        lambda w: "/api/v1/bundle-applications",
        set(APPLICANT_NAMES),
        check=lambda w, r: _bundle_list(w, r),
    ),
    Endpoint(
        "api:get /bundle-applications/{application_id}",
        "get",
        lambda w: f"/api/v1/bundle-applications/{_application(w)}",
        {"applicant_a"},
        check=lambda w, r: _contains(_waiting(w), "health-insurance-card-under-6")(w, r),
    ),
    Endpoint(
        "api:post /dossiers/{code}/supplement",
        "post",
        lambda w: f"/api/v1/dossiers/{_waiting(w)}/supplement",
        {"applicant_a"},
        data=lambda w: {
            "birth-certificate": _pdf_upload(),
            "entries": json.dumps({"child_place_of_birth": "Trạm y tế phường Ba Đình"}),
        },
        check=_supplemented,
    ),
    Endpoint(
        "api:post /dossiers/{code}/withdraw",
        "post",
        lambda w: f"/api/v1/dossiers/{_dossier(w)}/withdraw",
        {"applicant_a"},
        json=lambda w: {"reason": "Nộp nhầm."},
        check=_after(_dossier, DossierEvent.DOSSIER_WITHDRAWN, status="withdrawn"),
    ),
    Endpoint(
        "api:get /inbox/{code}/files/{file_id}",
        "get",
        lambda w: f"/api/v1/inbox/{_dossier(w)}/files/{_dossier_file(w)}",
        SEES_AGENCY_A | CLIENTS_SEEING_A,
        audience="official",
        check=_is_the_pdf,
        for_clients=True,
    ),
    Endpoint(
        "api:post /counter/dossiers",
        "post",
        lambda w: "/api/v1/counter/dossiers",
        {"reception_a"},
        forbidden=set(OFFICIAL_NAMES) - RECEIVES,  # reception_b: commune A is not theirs, 404
        audience="official",
        data=_counter_api,
        check=_received_at_counter,
    ),
    Endpoint(
        "api:post /drafts/{draft_id}/components/{component_id}/file",
        "post",
        lambda w: f"/api/v1/drafts/{_draft(w)}/components/death-notice/file",
        {"applicant_a"},
        data=lambda w: {"file": _pdf_upload()},
        check=_component_uploaded,
    ),
    # --- payments (applicant pages)
    Endpoint(
        "payments:payment",
        "get",
        lambda w: f"/thanh-toan/{_payment_dossier(w)}/",
        {"applicant_a"},
        check=lambda w, r: _contains("TTWORLD000001", "50000")(w, r),
    ),
    Endpoint(
        "payments:payment",
        "post",
        lambda w: f"/thanh-toan/{_payment_dossier(w)}/",
        {"applicant_a"},
        data=lambda w: {},
    ),
    Endpoint(
        "payments:result",
        "get",
        lambda w: f"/thanh-toan/{_payment_dossier(w)}/ket-qua/",
        {"applicant_a"},
        check=lambda w, r: _contains(_payment_dossier(w))(w, r),
    ),
    # --- payments (API; the gateway's notification is public, authenticated by its signature)
    Endpoint(
        "api:get /dossiers/{code}/payment",
        "get",
        lambda w: f"/api/v1/dossiers/{_payment_dossier(w)}/payment",
        {"applicant_a"},
        check=lambda w, r: _contains("TTWORLD000001", "created")(w, r),
    ),
    Endpoint(
        "api:post /dossiers/{code}/payment/start",
        "post",
        lambda w: f"/api/v1/dossiers/{_payment_dossier(w)}/payment/start",
        {"applicant_a"},
        json=lambda w: {},
        check=lambda w, r: _contains("vnp_SecureHash", "TTWORLD000001-1")(w, r),
    ),
    Endpoint(
        "api:get /official/dossiers/{code}/payment",
        "get",
        lambda w: f"/api/v1/official/dossiers/{_payment_dossier(w)}/payment",
        SEES_AGENCY_A,
        audience="official",
        check=lambda w, r: _contains("TTWORLD000001")(w, r),
    ),
    # --- notifications (API)
    Endpoint(
        "api:get /notifications",
        "get",
        lambda w: "/api/v1/notifications",
        set(APPLICANT_NAMES),
        check=_notifications_listed,
    ),
    Endpoint(
        "api:post /notifications/{notification_id}/read",
        "post",
        lambda w: f"/api/v1/notifications/{_notification(w)}/read",
        {"applicant_a"},
        json=lambda w: {},
        check=_notification_read,
    ),
    Endpoint(
        "api:post /notifications/read",
        "post",
        lambda w: "/api/v1/notifications/read",
        set(APPLICANT_NAMES),
        json=lambda w: {},
        changes_for={"applicant_a"},
        check=_all_read,
    ),
    # --- the data wallet (API)
    Endpoint(
        "api:get /wallet", "get", lambda w: "/api/v1/wallet", set(APPLICANT_NAMES), check=_wallet_listed
    ),
    Endpoint(
        "api:post /wallet",
        "post",
        lambda w: "/api/v1/wallet",
        {"applicant_a", "representative"},
        json=lambda w: {"file": _dossier_file(w)},
        check=_kept,
    ),
    Endpoint(
        "api:get /wallet/{item_id}",
        "get",
        lambda w: f"/api/v1/wallet/{_result_item(w)}",
        {"applicant_a", "representative"},
        check=lambda w, r: _contains(_share(w), '"validity": "valid"')(w, r),
    ),
    Endpoint(
        "api:get /wallet/{item_id}/file",
        "get",
        lambda w: f"/api/v1/wallet/{_result_item(w)}/file",
        {"applicant_a", "representative"},
        check=_is_the_signed_result,
    ),
    Endpoint(
        "api:delete /wallet/{item_id}",
        "delete",
        lambda w: f"/api/v1/wallet/{_kept_item(w)}",
        {"applicant_a", "representative"},
        check=_removed,
    ),
    Endpoint(
        "api:post /wallet/{item_id}/shares",
        "post",
        lambda w: f"/api/v1/wallet/{_result_item(w)}/shares",
        {"applicant_a", "representative"},
        json=lambda w: {"valid_for_hours": 24},
        check=_shared,
    ),
    Endpoint(
        "api:post /shares/{share_id}/revoke",
        "post",
        lambda w: f"/api/v1/shares/{_share(w)}/revoke",
        {"applicant_a", "representative"},
        check=_share_revoked,
    ),
    Endpoint(
        "api:get /drafts/{draft_id}/components/{component_id}/wallet",
        "get",
        lambda w: f"/api/v1/drafts/{_card_draft(w)}/components/birth-extract/wallet",
        {"applicant_a"},
        check=lambda w, r: _contains(_result_item(w), '"usable": true')(w, r),
    ),
    Endpoint(
        "api:post /drafts/{draft_id}/components/{component_id}/wallet",
        "post",
        lambda w: f"/api/v1/drafts/{_card_draft(w)}/components/birth-extract/wallet",
        {"applicant_a"},
        json=lambda w: {"item": _result_item(w)},
        check=_taken_from_wallet,
    ),
    Endpoint(
        "api:get /me/data-access",
        "get",
        lambda w: "/api/v1/me/data-access",
        set(APPLICANT_NAMES),
        check=lambda w, r: None,
    ),
    Endpoint("api:post /me/fines", "post", lambda w: "/api/v1/me/fines", set(APPLICANT_NAMES)),
    Endpoint(
        "api:get /registry-writes",
        "get",
        lambda w: "/api/v1/registry-writes",
        set(OFFICIAL_NAMES),
        audience="official",
        check=lambda w, r: None,
    ),
    Endpoint(
        "api:get /registry-writes/{write_id}",
        "get",
        lambda w: f"/api/v1/registry-writes/{_write(w)}",
        ACTS_ON_WRITES_A,
        audience="official",
        check=_contains("write_rejected"),
    ),
    Endpoint(
        "api:post /registry-writes/{write_id}/retry",
        "post",
        lambda w: f"/api/v1/registry-writes/{_write(w)}/retry",
        ACTS_ON_WRITES_A,
        audience="official",
        json=lambda w: {},
        check=_write_status("queued"),
    ),
    Endpoint(
        "api:post /registry-writes/{write_id}/resolve",
        "post",
        lambda w: f"/api/v1/registry-writes/{_write(w)}/resolve",
        ACTS_ON_WRITES_A,
        audience="official",
        json=lambda w: {"note": "Đã hoàn tiền cho người nộp."},
        check=_write_status("resolved"),
    ),
    Endpoint(
        "api:get /officials/me",
        "get",
        lambda w: "/api/v1/officials/me",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    Endpoint(
        "api:get /agencies/{agency_code}/staff",
        "get",
        lambda w: f"/api/v1/agencies/{AGENCY_A}/staff",
        SEES_AGENCY_A,
        audience="official",
        check=_contains("reception.a", "handler.a", "admin.a"),
    ),
    Endpoint(
        "api:post /agencies/{agency_code}/roles",
        "post",
        lambda w: f"/api/v1/agencies/{AGENCY_A}/roles",
        MANAGES_AGENCY_A,
        forbidden=SEES_AGENCY_A - MANAGES_AGENCY_A,
        audience="official",
        json=lambda w: {"username": "reception.b", "role": "approver"},
        check=_granted,
    ),
    Endpoint(
        "api:post /role-assignments/{assignment_id}/revoke",
        "post",
        lambda w: f"/api/v1/role-assignments/{w.assignment.pk}/revoke",
        MANAGES_AGENCY_A,
        forbidden=SEES_AGENCY_A - MANAGES_AGENCY_A,
        audience="official",
        check=_role_revoked,
    ),
    # --- feedback (API): ratings and petitions
    Endpoint(
        "api:get /dossiers/{code}/rating",
        "get",
        lambda w: f"/api/v1/dossiers/{_issued(w)}/rating",
        {"applicant_a"},
    ),
    Endpoint(
        "api:put /dossiers/{code}/rating",
        "put",
        lambda w: f"/api/v1/dossiers/{_issued(w)}/rating",
        {"applicant_a"},
        json=lambda w: {"overall": "satisfied", "criteria": {"attitude": "very_satisfied"}},
        check=_rated,
    ),
    Endpoint(
        "api:post /officials/dossiers/{code}/counter-rating",
        "post",
        lambda w: f"/api/v1/officials/dossiers/{_issued(w)}/counter-rating",
        COUNTER_RATERS,
        forbidden=SEES_AGENCY_A - COUNTER_RATERS,
        audience="official",
        json=lambda w: {},
    ),
    Endpoint(
        "api:get /officials/ratings",
        "get",
        lambda w: "/api/v1/officials/ratings",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    Endpoint(
        "api:post /petitions",
        "post",
        lambda w: "/api/v1/petitions",
        set(APPLICANT_NAMES),
        json=lambda w: {
            "category": "regulation",
            "subject": "Lệ phí không rõ",
            "content": "Mức lệ phí đăng ký khai sinh ghi không rõ ràng.",
            "commune_code": "00004",
        },
    ),
    Endpoint("api:get /petitions", "get", lambda w: "/api/v1/petitions", set(APPLICANT_NAMES)),
    Endpoint(
        "api:get /petitions/{code}", "get", lambda w: f"/api/v1/petitions/{_petition(w)}", {"applicant_a"}
    ),
    Endpoint(
        "api:post /petitions/{code}/information",
        "post",
        lambda w: f"/api/v1/petitions/{_asked(w)}/information",
        {"applicant_a"},
        json=lambda w: {"information": "Ngày 3/8."},
        check=_information_received,
    ),
    Endpoint(
        "api:get /officials/petitions",
        "get",
        lambda w: "/api/v1/officials/petitions",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    Endpoint(
        "api:get /officials/petitions/{code}",
        "get",
        lambda w: f"/api/v1/officials/petitions/{_petition(w)}",
        SEES_AGENCY_A,
        audience="official",
    ),
    Endpoint(
        "api:post /officials/petitions/{code}/steps",
        "post",
        lambda w: f"/api/v1/officials/petitions/{_petition(w)}/steps",
        PETITION_HANDLERS,
        forbidden=SEES_AGENCY_A - PETITION_HANDLERS,
        audience="official",
        json=lambda w: {"step": "answer", "answer": "Hồ sơ đã được giải quyết."},
        check=_petition_answered,
    ),
    # --- operations (API): the platform's health, for the platform administrator only
    Endpoint(
        "api:get /health",
        "get",
        lambda w: "/api/v1/health",
        {"platform_admin"},
        forbidden=set(OFFICIAL_NAMES) - {"platform_admin"},
        audience="official",
        check=_health_report,
    ),
    # --- metrics (API): the dossiers behind a number, for any official, scoped to what they see
    # (tests/metrics/test_api.py shows the scoping with dossiers in two wards)
    Endpoint(
        "api:get /metrics/dossiers",
        "get",
        lambda w: "/api/v1/metrics/dossiers?scope=commune&code=00004",
        set(OFFICIAL_NAMES),
        audience="official",
        check=lambda w, r: _is_list(r),
    ),
    Endpoint(
        "metrics:dashboard",
        "get",
        lambda w: "/can-bo/chi-so-766/?scope=province&code=01",
        set(OFFICIAL_NAMES),
        audience="official",
        check=_contains("<svg"),
    ),
    Endpoint(
        "metrics:dossiers",
        "get",
        lambda w: "/can-bo/chi-so-766/ho-so/?scope=province&code=01",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    # Plan 02 steering: every official sees a scope's progress; the supervising level (the
    # province's supervisor for its communes, the platform administrator) sets targets; the
    # five-day reports are the steering officials' (supervisors, platform administrator)
    Endpoint(
        "metrics:targets",
        "get",
        lambda w: "/can-bo/chi-so-766/chi-tieu/?scope=commune&code=00004",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    Endpoint(
        "metrics:targets",
        "post",
        lambda w: "/can-bo/chi-so-766/chi-tieu/?scope=commune&code=00004",
        {"supervisor_province", "platform_admin"},
        forbidden=set(OFFICIAL_NAMES) - {"supervisor_province", "platform_admin"},
        audience="official",
        data=lambda w: {
            "indicator": "2.1",
            "target_percent": "90",
            "leader_name": "Lê Văn Hòa",
            "due_on": "2026-12-31",
        },
    ),
    Endpoint(
        "metrics:followup",
        "get",
        _followup_url,
        STEERS,
        forbidden=set(OFFICIAL_NAMES) - STEERS,
        audience="official",
    ),
]

# --- e-mail and SMS: contact addresses and preferences (applicants), dead letters (operators) ------
# ``world`` gives applicant_a an unverified e-mail address (code 123456), a verified phone and a
# dead SMS delivery of their notification; a code is sent to the capture server (``mail_capture``).
CONTACT_CODE = "123456"


def _dead_letter(world: World) -> str:
    return str(Delivery.objects.get(notification__public_id=_notification(world), channel="sms").public_id)


def _contacts_listed(world: World, response: Any) -> None:
    sees = response.wsgi_request.user.pk == world.users["applicant_a"].pk
    assert ("+84912000111" in _text(response)) == sees


def _contact_state(channel: str, **expected: object) -> Callable[[World, Any], None]:
    def check(world: World, response: Any) -> None:
        contact = ContactPoint.objects.filter(
            applicant__user=response.wsgi_request.user, channel=channel
        ).first()
        for name, value in expected.items():
            assert getattr(contact, name) == value if contact is not None else value is None, (name, contact)

    return check


def _dead_letters_listed(world: World, response: Any) -> None:
    assert _dead_letter(world) in _text(response)
    assert "+84912000111" not in _text(response)  # operators see no address


def _delivery_status(status: str) -> Callable[[World, Any], None]:
    def check(world: World, response: Any) -> None:
        assert Delivery.objects.get(public_id=_dead_letter(world)).status == status

    return check


ENDPOINTS += [
    Endpoint("notify:contacts", "get", lambda w: "/lien-he/", set(APPLICANT_NAMES), check=_contacts_listed),
    Endpoint(
        "notify:contact-action",
        "post",
        lambda w: "/lien-he/sms/preferences/",
        {"applicant_a"},
        data=lambda w: {"language": "en"},
        check=_contact_state("sms", notify=False, language="en"),
    ),
    Endpoint(
        "notify:dead-letters",
        "get",
        lambda w: "/can-bo/thu-chua-gui-duoc/",
        {"platform_admin"},
        forbidden=set(OFFICIAL_NAMES) - {"platform_admin"},
        audience="official",
        check=_dead_letters_listed,
    ),
    Endpoint(
        "notify:dead-letter-action",
        "post",
        lambda w: f"/can-bo/thu-chua-gui-duoc/{_dead_letter(w)}/resolve/",
        {"platform_admin"},
        forbidden=set(OFFICIAL_NAMES) - {"platform_admin"},
        audience="official",
        check=_delivery_status("resolved"),
    ),
    Endpoint(
        "api:get /contacts", "get", lambda w: "/api/v1/contacts", set(APPLICANT_NAMES), check=_contacts_listed
    ),
    Endpoint(
        "api:put /contacts/{channel}",
        "put",
        lambda w: "/api/v1/contacts/email",
        set(APPLICANT_NAMES),
        json=lambda w: {"address": "matrix@example.vn"},
        check=_contact_state("email", address="matrix@example.vn", verified_at=None),
    ),
    Endpoint(
        "api:post /contacts/{channel}/code",
        "post",
        lambda w: "/api/v1/contacts/email/code",
        {"applicant_a"},
        json=lambda w: {},
        check=_contact_state("email", verified_at=None),
    ),
    Endpoint(
        "api:post /contacts/{channel}/verify",
        "post",
        lambda w: "/api/v1/contacts/email/verify",
        {"applicant_a"},
        json=lambda w: {"code": CONTACT_CODE},
        check=lambda w, r: _contact_state("email", is_verified=True)(w, r),
    ),
    Endpoint(
        "api:patch /contacts/{channel}",
        "patch",
        lambda w: "/api/v1/contacts/sms",
        {"applicant_a"},
        json=lambda w: {"notify": False},
        check=_contact_state("sms", notify=False),
    ),
    Endpoint(
        "api:delete /contacts/{channel}",
        "delete",
        lambda w: "/api/v1/contacts/sms",
        {"applicant_a"},
        check=_contact_state("sms"),
    ),
    Endpoint(
        "api:get /notify/dead-letters",
        "get",
        lambda w: "/api/v1/notify/dead-letters",
        {"platform_admin"},
        forbidden=set(OFFICIAL_NAMES) - {"platform_admin"},
        audience="official",
        check=_dead_letters_listed,
    ),
    Endpoint(
        "api:post /notify/dead-letters/{delivery_id}/retry",
        "post",
        lambda w: f"/api/v1/notify/dead-letters/{_dead_letter(w)}/retry",
        {"platform_admin"},
        forbidden=set(OFFICIAL_NAMES) - {"platform_admin"},
        audience="official",
        json=lambda w: {},
        check=_delivery_status("pending"),
    ),
    Endpoint(
        "api:post /notify/dead-letters/{delivery_id}/resolve",
        "post",
        lambda w: f"/api/v1/notify/dead-letters/{_dead_letter(w)}/resolve",
        {"platform_admin"},
        forbidden=set(OFFICIAL_NAMES) - {"platform_admin"},
        audience="official",
        json=lambda w: {},
        check=_delivery_status("resolved"),
    ),
]


# --- petitions entered by officials (letter, phone, in person) -----------------------------------
# entering takes a reception, handling or agency-admin role; for agency A, one held there
ENTERS_SOMEWHERE = {"reception_a", "handler_a", "admin_a", "reception_b", "admin_b"}
ENTERS_FOR_A = {"reception_a", "handler_a", "admin_a"}


def _entered(**values: str) -> dict[str, str]:
    return {
        "agency_code": AGENCY_A,
        "channel": "phone",
        "category": "procedure",
        "subject": "Thủ tục rườm rà",
        "content": "Bà Hoa gọi điện phản ánh thủ tục cần quá nhiều bản sao giấy tờ.",
        "contact_name": "Phạm Thị Hoa",
        "contact_phone": "0987 654 321",
        **values,
    }


def _entered_by_phone(world: World, response: Any) -> None:
    petition = Petition.objects.order_by("-id").first()
    assert petition is not None
    assert (petition.channel, petition.agency_code, petition.entered_by_id) == (
        "phone",
        AGENCY_A,
        response.wsgi_request.user.pk,
    )


ENDPOINTS += [
    Endpoint(
        "feedback:record",
        "get",
        lambda w: "/can-bo/phan-anh-kien-nghi/ghi-nhan/",
        ENTERS_SOMEWHERE,
        forbidden=set(OFFICIAL_NAMES) - ENTERS_SOMEWHERE,
        audience="official",
    ),
    Endpoint(
        "feedback:record",
        "post",
        lambda w: "/can-bo/phan-anh-kien-nghi/ghi-nhan/",
        ENTERS_FOR_A,
        forbidden=set(OFFICIAL_NAMES) - ENTERS_FOR_A,
        audience="official",
        data=lambda w: _entered(),
        check=_entered_by_phone,
    ),
    Endpoint(
        "api:post /officials/petitions",
        "post",
        lambda w: "/api/v1/officials/petitions",
        ENTERS_FOR_A,
        forbidden=set(OFFICIAL_NAMES) - ENTERS_FOR_A,
        audience="official",
        data=lambda w: _entered(),
        check=_entered_by_phone,
    ),
]


# --- repeated complaints linked by hand (the handlers of commune A's petitions) -------------------


def _linked_as_repeat(world: World, response: Any) -> None:
    asked = Petition.objects.get(code=_asked(world))
    assert asked.repeat_of is not None
    assert asked.repeat_of.code == _petition(world)


ENDPOINTS += [
    Endpoint(
        "feedback:repeat",
        "post",
        lambda w: f"/can-bo/phan-anh-kien-nghi/{_asked(w)}/lap-lai/",
        PETITION_HANDLERS,
        forbidden=SEES_AGENCY_A - PETITION_HANDLERS,
        audience="official",
        data=lambda w: {"repeat_of": _petition(w)},
        check=_linked_as_repeat,
    ),
    Endpoint(
        "api:put /officials/petitions/{code}/repeat-of",
        "put",
        lambda w: f"/api/v1/officials/petitions/{_asked(w)}/repeat-of",
        PETITION_HANDLERS,
        forbidden=SEES_AGENCY_A - PETITION_HANDLERS,
        audience="official",
        json=lambda w: {"code": _petition(w)},
        check=_linked_as_repeat,
    ),
    Endpoint(
        "api:delete /officials/petitions/{code}/repeat-of",
        "delete",
        lambda w: f"/api/v1/officials/petitions/{_asked(w)}/repeat-of",
        PETITION_HANDLERS,
        forbidden=SEES_AGENCY_A - PETITION_HANDLERS,
        audience="official",
        changes_for=set(),  # not linked in the world: nothing to remove
    ),
]

# --- metrics (API): Plan 02 steering targets; every official reads a scope's targets and
# progress, the supervising level (the province's supervisor for its communes, the platform
# administrator) sets them (tests/metrics/test_targets_api.py)
TARGET_QUERY = "scope=commune&code=00004&period_kind=month&period=2026-07"
TARGET_SETTERS = {"supervisor_province", "platform_admin"}


def _target_set(world: World, response: Any) -> None:
    body = response.json()
    assert (body["indicator"], body["target"], body["isDefault"]) == ("2.1", 90.0, False)


ENDPOINTS += [
    Endpoint(
        "api:get /metrics/targets",
        "get",
        lambda w: f"/api/v1/metrics/targets?{TARGET_QUERY}",
        set(OFFICIAL_NAMES),
        audience="official",
        check=lambda w, r: None if len(r.json()["targets"]) >= 6 else pytest.fail("no targets"),
    ),
    Endpoint(
        "api:get /metrics/targets/{indicator}",
        "get",
        lambda w: f"/api/v1/metrics/targets/5.4?{TARGET_QUERY}",
        set(OFFICIAL_NAMES),
        audience="official",
    ),
    Endpoint(
        "api:put /metrics/targets/{indicator}",
        "put",
        lambda w: f"/api/v1/metrics/targets/2.1?{TARGET_QUERY}",
        TARGET_SETTERS,
        forbidden=set(OFFICIAL_NAMES) - TARGET_SETTERS,
        audience="official",
        json=lambda w: {"target_percent": "90", "leader_name": "Lê Văn Hòa", "due_on": "2026-12-31"},
        check=_target_set,
    ),
]


# --- payments: the dossier panels' pages, the counter's VietQR, the finance officer's (h18) ---
FINANCE_FORBIDDEN = set(OFFICIAL_NAMES) - {"platform_admin"}


def _open_mismatch(world: World) -> int:
    from motcua.payments.models import Mismatch

    assert world.payment is not None
    found, _ = Mismatch.objects.get_or_create(
        day=datetime.date(2026, 12, 1),
        kind="known_unpaid",
        reference=world.payment.reference,
        defaults={"payment": world.payment, "ledger_vnd": 50_000},
    )
    return found.id


def _paid_payment(world: World) -> str:
    """A paid fee of the world's received dossier (a Treasury refund needs no gateway)."""
    from motcua.payments.models import Payment

    found, _ = Payment.objects.get_or_create(
        dossier=world.dossier,
        defaults={
            "reference": "TTWORLDPAID01",
            "agency_code": world.dossier.agency_code,
            "procedure_code": world.dossier.procedure.code,
            "amount_vnd": 20_000,
            "fees": [{"kind": "le_phi", "amount_vnd": 20_000}],
            "due": "before_reception",
            "account": "970436:0011000123456",
            "status": "success",
            "transaction_no": "10000001",
            "paid_at": timezone.now(),
        },
    )
    return found.reference


def _mismatch_resolved(world: World, response: Any) -> None:
    from motcua.payments.models import Mismatch

    found = Mismatch.objects.get(id=_open_mismatch(world))
    assert (found.resolution, found.note) == ("noted", "Đã đối chiếu")


ENDPOINTS += [
    Endpoint(
        "payments:counter",
        "get",
        lambda w: f"/can-bo/ho-so/{_payment_dossier(w)}/thu-phi/",
        {"reception_a", "platform_admin"},
        forbidden=SEES_AGENCY_A - {"reception_a", "platform_admin"},
        audience="official",
        check=_contains("TTWORLD000001", "<svg", "000201"),
    ),
    Endpoint(
        "payments:finance-ledger",
        "get",
        lambda w: "/can-bo/tai-chinh/",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        check=_contains('id="ledger"'),
    ),
    Endpoint(
        "payments:finance-reconciliation",
        "get",
        lambda w: f"/can-bo/tai-chinh/doi-soat/?open={_open_mismatch(w)}",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        check=lambda w, r: _contains(f"mismatch-{_open_mismatch(w)}")(w, r),
    ),
    Endpoint(
        "payments:finance-resolve",
        "post",
        lambda w: f"/can-bo/tai-chinh/doi-soat/{_open_mismatch(w)}/",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        data=lambda w: {"resolution": "noted", "note": "Đã đối chiếu"},
        check=_mismatch_resolved,
    ),
    Endpoint(
        "payments:finance-refund",
        "get",
        lambda w: "/can-bo/tai-chinh/hoan-tien/TTWORLD000001/",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        check=_contains("TTWORLD000001", "50000"),
    ),
    Endpoint(
        "api:get /finance/ledger",
        "get",
        lambda w: "/api/v1/finance/ledger",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
    ),
    Endpoint(
        "api:get /finance/mismatches",
        "get",
        lambda w: f"/api/v1/finance/mismatches?open={_open_mismatch(w)}",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        check=lambda w, r: _contains(f'"id": {_open_mismatch(w)}')(w, r),
    ),
    Endpoint(
        "api:post /finance/reconciliations",
        "post",
        lambda w: "/api/v1/finance/reconciliations",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        json=lambda w: {"day": "2026-12-01"},
        changes_for=set(),  # queued for the worker: the job writes, the request does not
        check=_contains("2026-12-01"),
    ),
    Endpoint(
        "api:post /finance/mismatches/{mismatch_id}/resolve",
        "post",
        lambda w: f"/api/v1/finance/mismatches/{_open_mismatch(w)}/resolve",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        json=lambda w: {"resolution": "noted", "note": "Đã đối chiếu"},
        check=_mismatch_resolved,
    ),
    Endpoint(
        "api:post /finance/payments/{reference}/refunds",
        "post",
        lambda w: f"/api/v1/finance/payments/{_paid_payment(w)}/refunds",
        {"platform_admin"},
        forbidden=FINANCE_FORBIDDEN,
        audience="official",
        json=lambda w: {"amount_vnd": 1000, "reason": "other", "treasury": True},
        check=_contains('"refunded_vnd": 1000'),
    ),
]


# --- organisations as applicants (ADR 0065) -------------------------------------------------------
# The two people acting for the world's company (``world.add_organisation``) are applicants for the
# expectations below, but are not among ``ACTORS``: their own cases are ``ORGANISATION_CASES``.
APPLICANT_NAMES += list(ORGANISATION_ACTORS)
ACTING = set(ORGANISATION_ACTORS)


def _company(world: World) -> str:
    """The company's id; in the shared cases (where nobody acts for it) it is not made, and any id
    is refused alike."""
    company = Applicant.objects.filter(enterprise_code=DEMO_COMPANY[0]).first()
    return str(company.public_id) if company else "6f1c2a52-9a3e-4f3b-8f0e-2b7d0c4e9a11"


def _organisations_page(world: World, response: Any) -> None:
    body = _text(response)
    assert 'id="enterprise-code"' in body  # the form to act for an enterprise, with its consent text
    acting = 'id="acting-for"' in body
    assert acting == (response.wsgi_request.user in [world.users.get(name) for name in ACTING])


def _acting_started(world: World, response: Any) -> None:
    newest = AuditEntry.objects.order_by("-id").first()
    assert newest is not None
    assert newest.type == IdentityEvent.ORGANISATION_ACTING_STARTED
    assert newest.subject_id == _company(world)


ENDPOINTS += [
    Endpoint(
        "exchange:organisations",
        "get",
        lambda w: "/ca-nhan/to-chuc/",
        set(APPLICANT_NAMES),
        check=_organisations_page,
    ),
    # the employee acts under his authorisation (the director's choice asks the registry again:
    # tests/eid/test_organisation_sign_in.py); nobody else may act for the company
    Endpoint(
        "exchange:organisation-choose",
        "post",
        lambda w: f"/ca-nhan/to-chuc/{_company(w)}/chon/",
        {"org_employee"},
        check=_acting_started,
    ),
    Endpoint(
        "exchange:organisation-leave",
        "post",
        lambda w: "/ca-nhan/to-chuc/thoi/",
        set(APPLICANT_NAMES),
        changes_for=ACTING,  # for someone acting for themself already, nothing to do
    ),
]
ORGANISATION_ENDPOINTS = {
    "exchange:organisations",
    "exchange:organisation-choose",
    "exchange:organisation-leave",
}
# Everything that belongs to applicant_a (their dossiers, drafts, files, wallet, ...), whose
# expectations are written for the world's three applicants: refused to those acting for the company.
ORGANISATION_CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.url_name}|{actor}")
    for endpoint in ENDPOINTS
    if endpoint.url_name in ORGANISATION_ENDPOINTS
    or (
        endpoint.audience == "applicant"
        and endpoint.allowed
        and endpoint.allowed <= {"applicant_a", "representative"}
    )
    for actor in ORGANISATION_ACTORS
    if not (endpoint.url_name == "exchange:organisation-choose" and actor == "org_director")
]


def _pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ban-sao.pdf", PDF, content_type="application/pdf")


def _payment_dossier(world: World) -> str:
    assert world.payment is not None
    return world.payment.dossier.code


def _state() -> tuple:
    return (
        AuditEntry.objects.count(),
        Event.objects.count(),
        RoleAssignment.objects.filter(revoked_at__isnull=True).count(),
        Representation.objects.filter(revoked_at__isnull=True).count(),
        Representation.objects.count(),
        StoredFile.objects.count(),
        Draft.objects.count(),
        Dossier.objects.count(),
        Consent.objects.count(),
        Exchange.objects.count(),
        sorted(RegistryWrite.objects.values_list("status", flat=True)),
        WalletItem.objects.filter(removed_at__isnull=True).count(),
        ShareLink.objects.filter(revoked_at__isnull=True).count(),
        Notification.objects.filter(read_at__isnull=True).count(),
        sorted(
            ContactPoint.objects.values_list(
                "channel", "address", "verified_at", "notify", "language", "code_hash"
            )
        ),
        sorted(Delivery.objects.values_list("status", "attempts")),
        sorted(str(components) for components in Draft.objects.values_list("components", flat=True)),
    )


# --- proactive offers (ADR 0064): the offers page, dismiss, take, preferences ---------------------


def _offer_for(world: World, name: str = "applicant_a") -> str:
    """An open offer to ``name`` (made as the feed's handler makes one), its public id."""
    from motcua.exchange.models import RegistryChange
    from motcua.proactive.models import Offer

    personal_id = APPLICANTS[name][0]
    change = RegistryChange.objects.create(
        registry="identity_card",
        seq=RegistryChange.objects.count() + 1,
        kind="expiring",
        subject=personal_id,
        occurred_on=datetime.date(2026, 12, 1),
        data={"valid_until": "2027-01-30"},
        change_hash="0" * 64,
    )
    offer = Offer.objects.create(
        recipient_personal_id=personal_id,
        subject_personal_id=personal_id,
        change=change,
        procedure_code="id-card-reissue",
        rule_id="card-expiring",
        level="prefilled",
        facts={
            "registry": "identity_card",
            "kind": "expiring",
            "date": "2026-12-01",
            "valid_until": "2027-01-30",
        },
        prefill={"reason": "renewal_age", "card_valid_until": "2027-01-30"},
    )
    return str(offer.public_id)


def _offer_status(status: str) -> Callable[[World, Any], None]:
    def check(world: World, response: Any) -> None:
        from motcua.proactive.models import Offer

        assert Offer.objects.get(recipient_personal_id=APPLICANTS["applicant_a"][0]).status == status

    return check


def _offers_all_off(world: World, response: Any) -> None:
    from motcua.proactive.models import OfferPreferences

    assert OfferPreferences.objects.filter(all_off=True).count() == 1


ENDPOINTS += [
    Endpoint(
        "proactive:offers",
        "get",
        lambda w: "/de-xuat/",
        set(APPLICANT_NAMES),
        check=_contains("Đề xuất cho bạn"),
    ),
    Endpoint(
        "proactive:dismiss",
        "post",
        lambda w: f"/de-xuat/{_offer_for(w)}/bo-qua/",
        {"applicant_a"},
        check=_offer_status("dismissed"),
    ),
    Endpoint(
        "proactive:take",
        "get",
        lambda w: f"/de-xuat/{_offer_for(w)}/nop-ho-so/",
        {"applicant_a"},
        check=_contains("<h1>"),
    ),
    Endpoint(
        "proactive:preferences",
        "post",
        lambda w: "/de-xuat/cai-dat/",
        set(APPLICANT_NAMES),
        data=lambda w: {"action": "all_off"},
        check=_offers_all_off,
    ),
]


def _fine_payment(world: World) -> str:
    """The obligation of a traffic fine of applicant_a's (created directly: no audit, no event)."""
    from motcua.payments.models import Due, Payment
    from motcua.payments.services import DEFAULT_ACCOUNT

    payment, _created = Payment.objects.get_or_create(
        violation_id="VPWORLD00001",
        defaults={
            "reference": "TTWORLDFINE1",
            "fine_owner": APPLICANTS["applicant_a"][0],
            "agency_code": world.payment.agency_code if world.payment else "STP.01",
            "procedure_code": "traffic-fine-payment",
            "amount_vnd": 800_000,
            "fees": [{"kind": "fine", "amount_vnd": 800_000}],
            "due": Due.BEFORE_RECEPTION,
            "account": DEFAULT_ACCOUNT,
        },
    )
    return payment.violation_id


ENDPOINTS += [
    Endpoint(
        "payments:fine",
        "get",
        lambda w: f"/ca-nhan/phat-nguoi/{_fine_payment(w)}/thanh-toan/",
        {"applicant_a"},
        check=_contains("TTWORLDFINE1", "VPWORLD00001"),
    ),
    Endpoint(
        "payments:fine",
        "post",
        lambda w: f"/ca-nhan/phat-nguoi/{_fine_payment(w)}/thanh-toan/",
        {"applicant_a"},
        data=lambda w: {},
    ),
]

CASES = [
    pytest.param(endpoint, actor, id=f"{endpoint.url_name}|{actor}")
    for endpoint in ENDPOINTS
    for actor in ACTORS
]


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_access(world: World, endpoint: Endpoint, actor: str) -> None:
    client = world.client(actor)
    before = _state()
    response = endpoint.call(client, world)
    expected = endpoint.expected(actor)
    if expected == "ok":
        assert response.status_code in {200, 201, 204, 302}, (response.status_code, response.content[:300])
        if response.status_code == 302:
            assert "dang-nhap" not in response["Location"]
        if endpoint.check is not None:
            endpoint.check(world, response)
        if endpoint.method == "get":
            assert _state() == before, "a read changed something"
        elif endpoint.changes_for is not None and actor not in endpoint.changes_for:
            assert _state() == before, "a request answered with nothing done changed something"
        else:
            assert _state() != before, "an allowed change changed nothing"
            if actor in CLIENT_NAMES:  # audited as the agency system, never as a person
                newest = AuditEntry.objects.order_by("-id").first()
                assert newest is not None
                client_id = world.clients[actor].client_id
                assert (newest.actor_kind, newest.actor_id) == ("integrator", f"client:{client_id}")
                assert newest.actor_agency_code == world.clients[actor].agency.code
        return
    if expected == "login":
        assert response.status_code == 302
        assert "dang-nhap" in response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, response.content[:300])
        if endpoint.is_api:
            assert response.json()["code"] in {"not_found", "forbidden", "unauthenticated", "invalid_token"}
            if expected == 401 and actor in CLIENT_NAMES:
                assert response.json()["code"] == "invalid_token"
                assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert _state() == before, "a refused request changed something"


@pytest.mark.parametrize(("endpoint", "actor"), ORGANISATION_CASES)
def test_access_acting_for_an_organisation(world: World, endpoint: Endpoint, actor: str) -> None:
    """The same expectations for people acting for the company: they reach its pages and nothing
    of the world's applicants (ADR 0065)."""
    company = add_organisation(world)
    shared_client = world.client

    def client(name: str) -> Client:
        if name in ORGANISATION_ACTORS:
            return acting_client(world.users[name], company)
        return shared_client(name)

    world.client = client  # type: ignore[method-assign]
    test_access(world, endpoint, actor)
