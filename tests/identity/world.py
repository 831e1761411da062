"""A small world for identity and access tests: two real provinces (Hà Nội with three wards,
Cao Bằng with three communes), applicants, a representation, a file, and officials with every
role at commune A (Ba Đình), commune B (Ngọc Hà) and the province — all made through the
services, as production code would make them. Officials sign in through the real password +
TOTP pages; applicants get a session for the user the eID login service created (the eID
login itself is tested end to end against the bundled provider in test_eid_login.py)."""

from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import Event
from motcua.documents import services as documents
from motcua.documents import wallet
from motcua.documents.models import ShareLink, StoredFile, WalletItem
from motcua.dossiers.models import Dossier, Draft
from motcua.dossiers.services import bundles as bundle_services
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.exchange import writes as exchange_writes
from motcua.exchange.models import RegistryWrite, WriteStatus
from motcua.feedback.models import Petition
from motcua.feedback.services import petitions as petition_services
from motcua.identity import integrators, services
from motcua.identity.actors import ApplicantActor, OfficialActor, actor_for_user
from motcua.identity.models import Applicant, IntegratorClient, Representation, Role, RoleAssignment, User
from motcua.notify import services as notify
from motcua.notify.models import Notification, NotificationKind
from motcua.payments.models import Due, Payment
from motcua.payments.services import DEFAULT_ACCOUNT
from motcua.units.dataset import DEFAULT_SOURCE
from motcua.units.services import reload_units

OFFICIAL_PASSWORD = "correct horse battery staple 2025"
AGENCY_A = "UBND.00004"  # Ba Đình ward, Hà Nội
AGENCY_A_POLICE = "CAX.00004"
AGENCY_B = "UBND.00008"  # Ngọc Hà ward, Hà Nội
PROVINCE_AGENCY = "UBNDT.01"  # Hà Nội People's Committee
OTHER_PROVINCE_AGENCY = "UBNDT.04"  # Cao Bằng
# a one-page, well-formed PDF (the platform refuses one it cannot read)
PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n203\n%%EOF\n"
)

APPLICANTS = {
    "applicant_a": ("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2)),
    "applicant_b": ("079190067890", "Trần Thị Bình", datetime.date(1990, 7, 9)),
    "representative": ("038088011111", "Lê Văn Cường", datetime.date(1988, 1, 20)),
}
OFFICIALS: dict[str, list[tuple[str, str]]] = {
    "reception_a": [(Role.RECEPTION, AGENCY_A)],
    "handler_a": [(Role.HANDLER, AGENCY_A), (Role.HANDLER, AGENCY_A_POLICE)],
    "approver_a": [(Role.APPROVER, AGENCY_A)],
    "admin_a": [(Role.AGENCY_ADMIN, AGENCY_A)],
    "reception_b": [(Role.RECEPTION, AGENCY_B)],
    "admin_b": [(Role.AGENCY_ADMIN, AGENCY_B)],
    "supervisor_province": [(Role.SUPERVISOR, PROVINCE_AGENCY)],
    "supervisor_b": [(Role.SUPERVISOR, AGENCY_B)],
    "supervisor_other_province": [(Role.SUPERVISOR, OTHER_PROVINCE_AGENCY)],
    "platform_admin": [(Role.PLATFORM_ADMIN, "")],
}
# agency systems (integrator clients) with bearer tokens: one role each, like the officials above;
# the last two hold a token of commune A's reception that no longer works (client revoked, expired)
CLIENTS: dict[str, tuple[str, str]] = {
    "client_reception_a": (Role.RECEPTION, AGENCY_A),
    "client_handler_a": (Role.HANDLER, AGENCY_A),
    "client_reception_b": (Role.RECEPTION, AGENCY_B),
    "client_supervisor_province": (Role.SUPERVISOR, PROVINCE_AGENCY),
    "client_revoked": (Role.RECEPTION, AGENCY_A),
    "client_expired": (Role.RECEPTION, AGENCY_A),
}


def load_small_units(directory: Path) -> None:
    raw = json.loads(DEFAULT_SOURCE.read_text(encoding="utf-8"))[:2]
    for province in raw:
        province["Wards"] = province["Wards"][:3]
    path = directory / "units.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    reload_units(actor=SYSTEM, source=path)


def make_applicant(personal_id: str, name: str, birthdate: datetime.date, level: int = 2) -> User:
    return services.sign_in_applicant(
        identity=services.EidIdentity(
            issuer="https://eid.test/o",
            subject=f"sub-{personal_id}",
            personal_id=personal_id,
            name=name,
            birthdate=birthdate,
            assurance_level=level,
        )
    )


def applicant_actor(user: User) -> ApplicantActor:
    actor = actor_for_user(user, verified=False)
    assert isinstance(actor, ApplicantActor)
    return actor


def applicant_client(user: User) -> Client:
    client = Client()
    client.force_login(user, backend="motcua.identity.auth.EidBackend")
    return client


def make_official(username: str, grants: list[tuple[str, str]]) -> tuple[User, str]:
    user = services.create_official(
        actor=SYSTEM, username=username, full_name=f"Cán bộ {username}", password=OFFICIAL_PASSWORD
    )
    for role, agency_code in grants:
        services.grant_role(actor=SYSTEM, username=username, role=role, agency_code=agency_code)
    key = random_hex(20)
    assert services.confirm_totp_device(user=user, key_hex=key, token=totp(key))
    return user, key


def totp(key_hex: str, drift: int = 0) -> str:
    return f"{TOTP(bytes.fromhex(key_hex), drift=drift).token():06d}"


def official_client(username: str, key_hex: str) -> Client:
    """Sign in through the real pages: password, then the next TOTP code (the current one was
    spent confirming the device and cannot be replayed)."""
    client = Client()
    response = client.post(
        reverse("identity:official-sign-in"), {"username": username, "password": OFFICIAL_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    assert "xac-thuc" in response["Location"]
    _allow_another_sign_in_this_step(username)
    response = client.post(reverse("identity:official-second-factor"), {"token": totp(key_hex, drift=1)})
    assert response.status_code == 302, response.content[:500]
    return client


def _allow_another_sign_in_this_step(username: str) -> None:
    """The next code (drift 1) is refused as a replay when the same official already signed in
    during this 30-second step: a person would wait for the next code. Rather than sleep, the test
    moves the device's replay mark back to the current step (replay refusal itself is tested in
    tests/identity with a device that is left alone)."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    current = (int(time.time()) - device.t0) // device.step
    if device.last_t is not None and device.last_t > current:
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=current)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    representation: Representation | None = None
    file: StoredFile | None = None
    draft: Draft | None = None  # applicant_a's death registration: consent given, one component waiting
    ready_draft: Draft | None = None  # applicant_a's birth registration, complete, not submitted
    dossier: Dossier | None = None  # applicant_a's birth registration, submitted at commune A
    # another, the first of a birth-bundle application, in handling, waiting for applicant_a's supplement
    waiting: Dossier | None = None
    # the waiting dossier's payment request (50.000 đ, due at result), as if the catalog priced it
    payment: Payment | None = None
    assignment: RoleAssignment | None = None  # handler_a's role at commune A
    # with_wallet: applicant_a's birth registration, approved (its result signed) and returned,
    # so the birth extract is in their data wallet; the world's file kept there too; a link
    # sharing the extract; and a health-insurance card draft whose wallet component can take it
    returned: Dossier | None = None
    result_item: WalletItem | None = None
    kept_item: WalletItem | None = None
    share: ShareLink | None = None
    share_token: str = ""
    card_draft: Draft | None = None
    notification: Notification | None = None  # applicant_a's, unread: the world's dossier received
    petition: Petition | None = None  # applicant_a's, about birth registration at commune A, with the file
    asked_petition: Petition | None = None  # applicant_a's, at commune A, waiting for their information
    clients: dict[str, IntegratorClient] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # an access token of each client
    # a write of commune A to a registry that the registry refused: for an official to act on
    registry_write: RegistryWrite | None = None

    def applicant(self, name: str) -> Applicant:
        return Applicant.objects.get(user=self.users[name])

    def client(self, name: str) -> Client:
        if name == "anonymous":
            return Client()
        if name in self.tokens:
            return Client(headers={"Authorization": f"Bearer {self.tokens[name]}"})
        if name in self.keys:
            return official_client(self.users[name].username, self.keys[name])
        return applicant_client(self.users[name])


BIRTH_ENTRIES = {
    "child_full_name": "Nguyễn Văn Bảo",
    "child_date_of_birth": "2026-11-20",
    "child_sex": "male",
    "child_place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    "requester_relationship": "father",
    "requester_full_name": "Nguyễn Văn An",
}


LATER_BIRTH_ENTRIES = {
    "permanent-residence-registration__registration_case": "join_relative_household",
    "permanent-residence-registration__new_address": "12 Phố Đội Cấn",
    "permanent-residence-registration__new_commune_code": "00004",
}


def complete_birth_draft(actor: ApplicantActor, *, bundle: bool = False) -> Draft:
    """A birth-registration draft at commune A ready to submit (with ``bundle``, the first member
    of a birth-bundle application): the registries declined, every component uploaded instead,
    the form filled."""
    draft = (
        bundle_services.start_bundle_draft(
            actor=actor, bundle_code="birth-bundle", commune_code="00004", members=[]
        )
        if bundle
        else draft_services.start_draft(
            actor=actor, procedure_code="birth-registration", commune_code="00004"
        )
    )
    public_id = str(draft.public_id)
    draft_services.give_consent(actor=actor, public_id=public_id, accepted=[])
    for component in draft.components:
        draft_services.upload_component(
            actor=actor,
            public_id=public_id,
            component_id=component,
            chunks=[PDF],
            file_name="a.pdf",
            size=None,
        )
    draft, errors = draft_services.save_entries(actor=actor, public_id=public_id, values=BIRTH_ENTRIES)
    assert not errors, errors
    return draft


CHILD_PERSONAL_ID = "001226012345"


def return_birth_result(world: World, dossier: Dossier) -> Dossier:
    """Take a birth registration of commune A through reception, handling, approval (its result
    signed) and return: the birth extract lands in the applicant's wallet."""
    steps = [("reception_a", "accept"), ("handler_a", "propose"), ("approver_a", "approve")]
    for name, decision in steps:
        processing_services.decide(
            actor=official_actor(world.users[name]),
            code=dossier.code,
            decision=decision,
            result={"personal_id": CHILD_PERSONAL_ID} if decision == "approve" else None,
        )
    return processing_services.decide(
        actor=official_actor(world.users["reception_a"]), code=dossier.code, decision="return"
    )


def add_wallet(world: World) -> None:
    actor_a = applicant_actor(world.users["applicant_a"])
    # the open birth draft at commune A is the world's ready draft: submit it, and open another
    returned = submission_services.submit_draft(
        actor=actor_a, public_id=str(complete_birth_draft(actor_a).public_id)
    )
    world.ready_draft = complete_birth_draft(actor_a)
    world.returned = return_birth_result(world, returned)
    world.result_item = WalletItem.objects.get(result__dossier=world.returned)
    assert world.file is not None
    world.kept_item = wallet.keep_upload(actor=actor_a, file_public_id=str(world.file.public_id))
    made = wallet.create_share(
        actor=actor_a, item_public_id=str(world.result_item.public_id), recipient="Ngân hàng"
    )
    world.share, world.share_token = made.link, made.token
    card = draft_services.start_draft(
        actor=actor_a, procedure_code="health-insurance-card-under-6", commune_code="00004"
    )
    world.card_draft = draft_services.give_consent(actor=actor_a, public_id=str(card.public_id), accepted=[])


def build_world(directory: Path, *, with_wallet: bool = False) -> World:
    load_small_units(directory)
    sync_catalog(actor=SYSTEM)
    world = World()
    for name, (personal_id, full_name, birthdate) in APPLICANTS.items():
        world.users[name] = make_applicant(personal_id, full_name, birthdate)
    world.representation = services.authorise(
        actor=applicant_actor(world.users["applicant_a"]),
        representative_personal_id=APPLICANTS["representative"][0],
        representative_name=APPLICANTS["representative"][1],
        valid_until=datetime.date.today() + datetime.timedelta(days=30),
    )
    world.file = documents.upload_file(
        actor=applicant_actor(world.users["applicant_a"]), chunks=[PDF], file_name="giay-to.pdf"
    )
    actor_a = applicant_actor(world.users["applicant_a"])
    draft = draft_services.start_draft(
        actor=actor_a, procedure_code="death-registration", commune_code="00004"
    )
    # the deceased's ID number is not given yet, so that component waits (a retry has work to do)
    world.draft = draft_services.give_consent(
        actor=actor_a, public_id=str(draft.public_id), accepted=["requester-identity", "deceased-record"]
    )
    world.dossier = submission_services.submit_draft(
        actor=actor_a, public_id=str(complete_birth_draft(actor_a).public_id)
    )
    # the first member of a birth-bundle application (the later two wait for its result)
    first = complete_birth_draft(actor_a, bundle=True)
    draft_services.save_entries(actor=actor_a, public_id=str(first.public_id), values=LATER_BIRTH_ENTRIES)
    waiting = submission_services.submit_draft(actor=actor_a, public_id=str(first.public_id))
    world.ready_draft = complete_birth_draft(actor_a)
    for name, grants in OFFICIALS.items():
        world.users[name], world.keys[name] = make_official(name.replace("_", "."), grants)
    world.assignment = RoleAssignment.objects.get(
        user=world.users["handler_a"], agency__code=AGENCY_A, revoked_at__isnull=True
    )
    processing_services.decide(
        actor=official_actor(world.users["reception_a"]), code=waiting.code, decision="accept"
    )
    world.waiting = processing_services.decide(
        actor=official_actor(world.users["handler_a"]),
        code=waiting.code,
        decision="supplement",
        reason="Giấy chứng sinh bị mờ.",
        items=[{"component": "birth-certificate"}, {"field": "child_place_of_birth"}],
    )
    world.payment = Payment.objects.create(
        reference="TTWORLD000001",
        dossier=world.waiting,
        agency_code=world.waiting.agency_code,
        unit_code=world.waiting.commune_code,
        procedure_code=world.waiting.procedure.code,
        amount_vnd=50_000,
        fees=[{"kind": "le_phi", "amount_vnd": 50_000}],
        due=Due.AT_RESULT,
        account=DEFAULT_ACCOUNT,
    )
    # what the event-log dispatcher would have made of the dossiers' events
    for event in Event.objects.filter(
        subject_id__in=[world.dossier.code, waiting.code], type__in=list(notify.KIND_OF_EVENT)
    ).order_by("id"):
        notify.notify_applicants(event=event)
    world.notification = Notification.objects.get(dossier=world.dossier, kind=NotificationKind.RECEIVED)
    world.petition = petition_services.send_petition(
        actor=actor_a,
        category="procedure",
        subject="Chờ kết quả quá lâu",
        content="Hồ sơ khai sinh của con tôi chờ quá lâu chưa có kết quả.",
        procedure_code="birth-registration",
        commune_code="00004",
        attachments=[str(world.file.public_id)],
    ).petition
    asked = petition_services.send_petition(
        actor=actor_a,
        category="conduct",
        subject="Thái độ cán bộ",
        content="Cán bộ tiếp nhận không hướng dẫn rõ ràng cho người dân.",
        commune_code="00004",
    ).petition
    world.asked_petition = petition_services.request_information(
        actor=official_actor(world.users["reception_a"]), code=asked.code, question="Ngày nào?"
    )
    if with_wallet:
        add_wallet(world)
    add_clients(world)
    add_refused_registry_write(world)
    return world


def add_refused_registry_write(world: World) -> None:
    """A write commune A queued (the send is not run here) that the registry then refused."""
    write = exchange_writes.queue_write(
        actor=SYSTEM,
        registry="traffic_fines",
        operation="mark_paid",
        subject=APPLICANTS["applicant_a"][0],
        body={
            "violation_id": "VP0100000001",
            "payment_reference": "P-1",
            "amount_vnd": 1,
            "paid_on": "2026-11-01",
        },
        agency_code=AGENCY_A,
        procedure_code="traffic-fine-payment",
        dossier_ref="P-1",
        legal_basis_code="nd-118-2021",
        purpose="Ghi nhận đã nộp phạt",
    )
    RegistryWrite.objects.filter(pk=write.pk).update(status=WriteStatus.REFUSED, error_code="write_rejected")
    world.registry_write = RegistryWrite.objects.get(pk=write.pk)


def make_client(name: str, role: str, agency_code: str) -> tuple[IntegratorClient, str]:
    """A client_secret_basic client and its secret, registered as the operators' command does."""
    registered = integrators.create_client(
        actor=SYSTEM, name=f"Hệ thống {name}", agency_code=agency_code, roles=[role]
    )
    return registered.client, registered.secret


def client_token(client: IntegratorClient, secret: str, *, now: datetime.datetime | None = None) -> str:
    asked = integrators.TokenRequest(grant_type="client_credentials", basic=(client.client_id, secret))
    return integrators.issue_token(asked, now=now).access_token


def add_clients(world: World) -> None:
    # the tokens outlive a long test module (a real token lives MOTCUA_INTEGRATOR_TOKEN_SECONDS)
    with override_settings(MOTCUA_INTEGRATOR_TOKEN_SECONDS=2 * 86400):
        for name, (role, agency_code) in CLIENTS.items():
            client, secret = make_client(name, role, agency_code)
            long_ago = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=3)
            world.tokens[name] = client_token(
                client, secret, now=long_ago if name == "client_expired" else None
            )
            world.clients[name] = client
    integrators.revoke_client(actor=SYSTEM, client_id=world.clients["client_revoked"].client_id)


def official_actor(user: User) -> OfficialActor:
    actor = actor_for_user(user, verified=True)
    assert isinstance(actor, OfficialActor)
    return actor


# --- organisations as applicants (ADR 0065) -------------------------------------------------------
# The demo company (the registries know it too), its legal representative and an employee she
# authorised for one procedure; each actor acts for the company (``acting_client``).
ORGANISATION_ACTORS: dict[str, tuple[str, str, datetime.date]] = {
    "org_director": ("079192031586", "Trần Thị Thu Hà", datetime.date(1992, 9, 3)),
    "org_employee": ("038078052964", "Lê Văn Hùng", datetime.date(1978, 1, 25)),
}
ORGANISATION_SCOPE = ["birth-registration"]


def add_organisation(world: World) -> Applicant:
    """The company, its legal representative (as a registry read records it: one day) and an
    employee authorised for ``ORGANISATION_SCOPE``; both are added to ``world.users``."""
    from motcua.demo.people import DEMO_COMPANY
    from motcua.identity.models import RepresentationBasis

    for name, (personal_id, full_name, birthdate) in ORGANISATION_ACTORS.items():
        world.users[name] = make_applicant(personal_id, full_name, birthdate)
    company = services.register_organisation(
        actor=SYSTEM, enterprise_code=DEMO_COMPANY[0], name=DEMO_COMPANY[1]
    )
    today = datetime.date.today()
    services.record_representation(
        actor=SYSTEM,
        representative_personal_id=ORGANISATION_ACTORS["org_director"][0],
        representative_name=ORGANISATION_ACTORS["org_director"][1],
        represented=company,
        basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
        valid_from=today,
        valid_until=today + datetime.timedelta(days=1),
    )
    services.authorise(
        actor=applicant_actor(world.users["org_director"]),
        grantor_public_id=str(company.public_id),
        representative_personal_id=ORGANISATION_ACTORS["org_employee"][0],
        representative_name=ORGANISATION_ACTORS["org_employee"][1],
        valid_until=today + datetime.timedelta(days=30),
        scope=ORGANISATION_SCOPE,
    )
    return company


def acting_client(user: User, organisation: Applicant) -> Client:
    """A browser signed in as ``user`` who chose to act for ``organisation``."""
    from motcua.identity.actors import SESSION_ORGANISATION_KEY

    client = applicant_client(user)
    session = client.session
    session[SESSION_ORGANISATION_KEY] = str(organisation.public_id)
    session.save()
    return client
