"""Proactive offers end to end (ADR 0064), against a real registries process of their own: the
world moves on, the platform reads the feeds, the catalog's rules make offers to the people they
concern, each saying which change and which data led to it; a person takes a prefilled offer in
one step, dismisses one, or turns offers off, and then gets none (audited)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import pytest

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.errors import MotcuaError
from motcua.core.models import AuditEntry
from motcua.core.outbox import dispatch_pending_events
from motcua.dossiers.models import Draft
from motcua.exchange import feeds
from motcua.exchange.models import AgencyKey
from motcua.proactive import services
from motcua.proactive.events import ProactiveEvent
from motcua.proactive.models import Offer, OfferStatus
from tests.conftest import copy_agency_keys, registration, reset_exchange_state
from tests.exchange.server import RegistriesServer
from tests.identity.world import applicant_actor, load_small_units, make_applicant


@pytest.fixture(scope="module")
def world_registries(
    tmp_path_factory: pytest.TempPathFactory, registered_keys: list[AgencyKey]
) -> Iterator[RegistriesServer]:
    with RegistriesServer(
        tmp_path_factory.mktemp("proactive"),
        seed=5,
        size=600,
        env={"MOTCUA_REGISTRIES_KEY_CACHE_SECONDS": "0"},
    ) as server:
        server.import_registrations(registration(registered_keys))
        server.checked("advance", "--days", "150")
        yield server


@pytest.fixture
def platform(db, settings, tmp_path, world_registries: RegistriesServer, registered_keys: list[AgencyKey]):
    copy_agency_keys(registered_keys)
    settings.MOTCUA_REGISTRIES_URL = world_registries.base_url
    settings.MOTCUA_EXCHANGE_TIMEOUT_MS = 10_000
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    reset_exchange_state()
    yield world_registries
    reset_exchange_state()


def _data(row: dict) -> dict:
    return json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]


def _take_in(registries: RegistriesServer) -> None:
    for report in feeds.consume_all():
        assert not report.error_code, report
    while dispatch_pending_events().dispatched:
        pass


def _changes(server: RegistriesServer, registry: str, kind: str) -> list[dict]:
    return server.query(
        "SELECT subject_id, data, occurred_on FROM registries_change "
        "WHERE registry = ? AND kind = ? ORDER BY seq",
        registry,
        kind,
    )


def test_changes_become_offers_to_the_people_the_rules_concern(platform):
    _take_in(platform)
    births = _changes(platform, "civil_status", "birth_registered")
    assert births
    for birth in births:
        data = _data(birth)
        parents = {p for p in (data.get("father_personal_id"), data.get("mother_personal_id")) if p}
        card = Offer.objects.filter(subject_personal_id=birth["subject_id"], rule_id="newborn-health-card")
        assert {offer.recipient_personal_id for offer in card} == parents
        for offer in card:
            assert offer.level == "prefilled"
            assert offer.prefill["child_personal_id"] == birth["subject_id"]
            assert offer.prefill["child_date_of_birth"] == data["date_of_birth"]
            assert offer.facts["kind"] == "birth_registered"
            assert "mother_personal_id" not in offer.facts  # the parents' IDs are not shown as facts
        residence = Offer.objects.filter(subject_personal_id=birth["subject_id"], rule_id="newborn-residence")
        assert {offer.recipient_personal_id for offer in residence} == parents
        assert {offer.level for offer in residence} == {"remind"}
    expiring = _changes(platform, "identity_card", "expiring")
    assert expiring
    for change in expiring:
        [offer] = Offer.objects.filter(recipient_personal_id=change["subject_id"], rule_id="card-expiring")
        assert offer.prefill == {"reason": "renewal_age", "card_valid_until": _data(change)["valid_until"]}
    assert not Offer.objects.filter(rule_id="card-expiring", change__kind="expired").exists()
    _take_in(platform)  # the same changes again: nothing new
    assert Offer.objects.filter(rule_id="card-expiring").count() == len(expiring)


def test_a_person_sees_why_takes_a_prefilled_offer_in_one_step_and_dismisses_another(platform, client):
    _take_in(platform)
    offer = Offer.objects.filter(rule_id="newborn-health-card").first()
    assert offer is not None
    user = make_applicant(offer.recipient_personal_id, "Người mẹ", datetime.date(1995, 1, 1))
    client.force_login(user)
    page = client.get("/de-xuat/").content.decode()
    assert "Thẻ bảo hiểm y tế" in page or "bảo hiểm y tế" in page
    assert datetime.date.fromisoformat(offer.facts["date"]).isoformat() in page  # the change's date
    # which change, from which registry (in Vietnamese, the default language)
    assert "Đã đăng ký khai sinh" in page
    assert "Cơ sở dữ liệu hộ tịch" in page
    answer = client.post(f"/de-xuat/{offer.public_id}/nop-ho-so/", {"province": "01", "commune": "00004"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.TAKEN
    draft = Draft.objects.get(public_id=offer.draft_public_id)
    assert draft.procedure.code == "health-insurance-card-under-6"
    assert draft.entries["child_personal_id"] == offer.subject_personal_id
    assert draft.entries["child_date_of_birth"] == offer.prefill["child_date_of_birth"]
    other = Offer.objects.get(
        recipient_personal_id=offer.recipient_personal_id, change=offer.change, rule_id="newborn-residence"
    )
    client.post(f"/de-xuat/{other.public_id}/bo-qua/")
    other.refresh_from_db()
    assert other.status == OfferStatus.DISMISSED
    assert str(other.public_id) not in client.get("/de-xuat/").content.decode()
    assert AuditEntry.objects.filter(
        type=ProactiveEvent.OFFER_TAKEN, subject_id=str(offer.public_id)
    ).exists()
    # someone else's offer is not found
    stranger = Offer.objects.exclude(recipient_personal_id=offer.recipient_personal_id).first()
    assert client.post(f"/de-xuat/{stranger.public_id}/bo-qua/").status_code == 404


def test_no_offer_to_a_person_who_turned_them_off_and_the_opt_out_is_audited(platform):
    expiring = _changes(platform, "identity_card", "expiring")
    holder, other = expiring[0]["subject_id"], expiring[1]["subject_id"]
    actor = applicant_actor(make_applicant(holder, "Người giữ thẻ", datetime.date(1980, 1, 1)))
    services.set_preferences(actor=actor, all_off=True)
    other_actor = applicant_actor(make_applicant(other, "Người khác", datetime.date(1980, 1, 1)))
    services.set_preferences(actor=other_actor, rule="id-card-reissue:card-expiring")
    _take_in(platform)
    assert not Offer.objects.filter(recipient_personal_id=holder).exists()
    assert not Offer.objects.filter(recipient_personal_id=other, rule_id="card-expiring").exists()
    assert Offer.objects.filter(rule_id="card-expiring").count() == len(expiring) - 2
    assert AuditEntry.objects.filter(type=ProactiveEvent.OFFER_SKIPPED).count() >= 2
    [opt_out] = AuditEntry.objects.filter(type=ProactiveEvent.PREFERENCES_CHANGED, actor_id=actor.actor_id)
    assert opt_out.changes["all_off"] == [False, True]
    # the registry logged the change it served about the holder: it is in their "who used my data"
    served = platform.log_entries(subject_id=holder, chain="identity_card")
    assert any(entry["fields"] == ["changes.expiring"] for entry in served)
    with pytest.raises(MotcuaError, match="Không có loại đề xuất này"):
        services.set_preferences(actor=actor, rule="id-card-reissue:nope")
