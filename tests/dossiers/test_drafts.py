"""Declare only once, as an applicant sees it: consent screen, prefilled form with sources,
uploads instead, a registry outage that loses nothing, purge of abandoned drafts, and the
"who used my data" page — with the platform and the reference registries as two HTTP servers."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry, Event
from motcua.dossiers.events import DossierEvent
from motcua.dossiers.models import Draft
from motcua.dossiers.services import drafts as draft_services
from motcua.exchange.events import ExchangeEvent
from motcua.exchange.models import Consent, Exchange
from motcua.identity.models import RepresentationBasis
from tests.conftest import reset_exchange_state
from tests.exchange.server import free_port
from tests.identity.world import PDF, applicant_actor, applicant_client, make_applicant

MINH = ("001086027419", "Nguyễn Văn Minh", datetime.date(1986, 4, 12))
CHILD = "001318046203"
START_BIRTH = "/thu-tuc/birth-registration/nop-ho-so/"
START_RESIDENCE = "/thu-tuc/permanent-residence-registration/nop-ho-so/"


def draft_id(location: str) -> str:
    match = re.search(r"/ho-so-nhap/([0-9a-f-]{36})/", location)
    assert match, location
    return match.group(1)


def start(client, url=START_BIRTH, commune="00004") -> str:
    response = client.post(url, {"province": "01", "commune": commune})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].endswith("/dong-y/")
    return draft_id(response["Location"])


def text(response) -> str:
    return response.content.decode()


def test_the_consent_screen_says_what_from_where_for_what_and_why(minh):
    client = applicant_client(minh)
    public_id = start(client)
    page = text(client.get(f"/ho-so-nhap/{public_id}/dong-y/"))
    # what will be fetched, from which registry, for which procedure and why, under which law
    for expected in (
        "Thông tin nhân thân người yêu cầu",
        "Họ và tên",
        "Ngày sinh",
        "Nơi thường trú",
        "Cơ sở dữ liệu quốc gia về dân cư",
        "Cơ sở dữ liệu hộ tịch",
        "Cơ sở dữ liệu về cư trú",
        "Đăng ký khai sinh",
        "Xác định người yêu cầu đăng ký khai sinh",
        "Quyết định số 06/QĐ-TTg",
    ):
        assert expected in page, expected
    assert page.count('name="accept"') == 3  # the three data components, each declinable
    # nothing was fetched or consented just by looking
    assert not Consent.objects.exists()
    assert not Exchange.objects.exists()


def test_consenting_prefills_the_form_from_the_registries_with_sources_marked(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    response = client.post(
        f"/ho-so-nhap/{public_id}/dong-y/",
        {"accept": ["requester-identity", "parents-marriage", "parents-residence"]},
    )
    assert response.status_code == 302
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert "Nguồn: Cơ sở dữ liệu quốc gia về dân cư" in page
    assert "Nguồn: Cơ sở dữ liệu hộ tịch" in page
    assert "12/04/1986" in page or "1986-04-12" in page
    # the prefilled form field is shown read-only, not as an input the applicant could change
    assert re.search(r'<p id="field-requester_full_name" class="read-only">Nguyễn Văn Minh</p>', page)
    assert 'name="requester_full_name"' not in page
    draft = Draft.objects.get(public_id=public_id)
    assert draft.fetched["requester-identity"]["full_name"] == "Nguyễn Văn Minh"
    assert draft.fetched["parents-residence"]["permanent_residence"]["commune_code"] == "00004"
    assert {c["state"] for c in draft.components.values() if c["kind"] == "data"} == {"fetched"}
    # a commune code reads as its name; the time of the fetch is local (Vietnam) time
    assert "Phường Ba Đình, Thành phố Hà Nội (00004)" in page
    fetched_at = datetime.datetime.fromisoformat(draft.components["parents-residence"]["fetched_at"])
    assert f"lấy lúc {timezone.localtime(fetched_at):%d/%m/%Y %H:%M}" in page
    # both sides logged the exchange, and each log points at the other and at the draft
    rows = list(Exchange.objects.filter(dossier_ref=public_id).order_by("component_id"))
    assert [row.registry for row in rows] == ["civil_status", "residence", "population"]
    for row in rows:
        assert row.status == "ok"
        assert row.agency_code == "UBND.00004"
        assert row.subject_masked == "001******419"
        [entry] = exchange.log_entries(request_id=str(row.public_id))
        assert entry["dossier_ref"] == public_id
        assert entry["consent_ref"] == str(draft.consent.public_id)
        assert row.registry_log_entry == f"{entry['chain']}-{entry['id']}"
    assert (
        AuditEntry.objects.filter(
            type=ExchangeEvent.DATA_PULLED, subject_id=str(draft.consent.public_id)
        ).count()
        == 1
    )
    assert Event.objects.filter(type=DossierEvent.DRAFT_DATA_RECEIVED, subject_id=public_id).count() == 1


def test_a_declined_component_is_not_fetched_and_asks_for_an_upload(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity", "parents-residence"]})
    draft = Draft.objects.get(public_id=public_id)
    assert draft.components["parents-marriage"]["state"] == "declined"
    assert "parents-marriage" not in draft.fetched
    assert not Exchange.objects.filter(dossier_ref=public_id, component_id="parents-marriage").exists()
    assert draft.consent.declined == ["parents-marriage"]
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert "Bạn đã chọn tự tải giấy tờ này lên." in page
    assert f"/ho-so-nhap/{public_id}/thanh-phan/parents-marriage/" in page
    # and the upload instead
    upload = client.post(
        f"/ho-so-nhap/{public_id}/thanh-phan/parents-marriage/",
        {"file": _pdf()},
    )
    assert upload.status_code == 302
    draft.refresh_from_db()
    assert draft.components["parents-marriage"]["state"] == "uploaded"
    assert draft.components["parents-marriage"]["file"]


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("giay-dang-ky-ket-hon.pdf", PDF, content_type="application/pdf")


def test_a_registry_outage_loses_nothing_and_a_retry_recovers(minh, exchange, settings):
    client = applicant_client(minh)
    public_id = start(client)
    saved = client.post(
        f"/ho-so-nhap/{public_id}/", {"child_full_name": "Nguyễn Minh Khôi", "child_sex": "male"}
    )
    assert saved.status_code == 302
    settings.MOTCUA_REGISTRIES_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.MOTCUA_EXCHANGE_RETRIES = 1
    reset_exchange_state()
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity", "parents-residence"]})
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert "Không lấy được các thành phần sau:" in page
    assert "Thông tin nhân thân người yêu cầu (Cơ sở dữ liệu quốc gia về dân cư)" in page
    assert "Nguyễn Minh Khôi" in page  # what the applicant typed is still there
    draft = Draft.objects.get(public_id=public_id)
    assert draft.components["requester-identity"]["state"] == "failed"
    assert draft.entries["child_full_name"] == "Nguyễn Minh Khôi"
    assert {row.status for row in Exchange.objects.filter(dossier_ref=public_id)} == {"unavailable"}
    # the registries are back
    settings.MOTCUA_REGISTRIES_URL = exchange.base_url
    reset_exchange_state()
    retried = client.post(f"/ho-so-nhap/{public_id}/lay-lai/")
    assert retried.status_code == 302
    draft.refresh_from_db()
    assert draft.components["requester-identity"]["state"] == "fetched"
    assert draft.components["parents-residence"]["state"] == "fetched"
    assert draft.components["parents-marriage"]["state"] == "declined"
    assert draft.entries["child_full_name"] == "Nguyễn Minh Khôi"
    assert "Không lấy được" not in text(client.get(f"/ho-so-nhap/{public_id}/"))


def test_what_the_applicant_types_is_kept_even_when_wrong_and_registry_values_stay(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity"]})
    response = client.post(
        f"/ho-so-nhap/{public_id}/",
        {
            "child_full_name": "K",  # too short
            "child_date_of_birth": "31/02/2026",  # no such day
            "mother_personal_id": "12345",
            "requester_full_name": "Someone Else",  # from the registry: not the applicant's to change
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "Cần nhập ít nhất 2 ký tự." in page
    assert "Ngày không hợp lệ" in page
    assert "12 chữ số" in page
    draft = Draft.objects.get(public_id=public_id)
    assert draft.entries["child_full_name"] == "K"
    assert draft.entries["mother_personal_id"] == "12345"
    assert "requester_full_name" not in draft.entries
    assert "Nguyễn Văn Minh" in page
    assert "Someone Else" not in page


def test_starting_twice_resumes_the_same_draft(minh):
    client = applicant_client(minh)
    assert start(client) == start(client)
    assert Draft.objects.count() == 1
    # two starts racing past the resume check cannot both create one: the database refuses the second
    draft = Draft.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Draft.objects.create(
            procedure=draft.procedure,
            spec_sha256=draft.spec_sha256,
            applicant=draft.applicant,
            created_by=draft.created_by,
            commune_code=draft.commune_code,
            agency_code=draft.agency_code,
            expires_at=draft.expires_at,
        )


def test_abandoned_drafts_are_purged_with_their_data_but_the_evidence_stays(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity"]})
    consent = Consent.objects.get(dossier_ref=public_id)
    assert draft_services.purge_expired_drafts(actor=SYSTEM) == 0
    later = timezone.now() + datetime.timedelta(hours=7 * 24 + 1)
    assert draft_services.purge_expired_drafts(actor=SYSTEM, now=later) == 1
    assert not Draft.objects.filter(public_id=public_id).exists()
    assert Consent.objects.filter(pk=consent.pk).exists()
    assert Exchange.objects.filter(dossier_ref=public_id).count() == 1
    assert AuditEntry.objects.filter(type=DossierEvent.DRAFTS_PURGED).count() == 1
    assert client.get(f"/ho-so-nhap/{public_id}/").status_code == 404


def test_who_used_my_data_lists_the_pulls_from_the_registries_logs(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity", "parents-residence"]})
    page = text(client.get("/ca-nhan/du-lieu-cua-toi/"))
    assert "Ai đã sử dụng dữ liệu của tôi" in page
    assert page.count("Ủy ban nhân dân phường Ba Đình") >= 2
    assert "Xác định người yêu cầu đăng ký khai sinh" in page
    assert "Xác định cơ quan có thẩm quyền đăng ký" in page
    assert "Cơ sở dữ liệu quốc gia về dân cư" in page
    assert "Cơ sở dữ liệu về cư trú" in page
    assert f'href="/ho-so-nhap/{public_id}/"' in page
    api = client.get("/api/v1/me/data-access").json()
    mine = [access for access in api["accesses"] if access["dossier_ref"] == public_id]
    assert {access["registry"] for access in mine} == {"population", "residence"}
    assert all(access["agency_code"] == "UBND.00004" and access["outcome"] == "served" for access in mine)


def test_a_parent_sees_who_used_the_childs_data_but_not_a_strangers(minh, exchange):
    from motcua.identity import services as identity

    child = identity.ensure_individual(
        personal_id=CHILD, name="Nguyễn Minh Anh", birthdate=datetime.date(2018, 6, 15)
    )
    identity.record_representation(
        actor=SYSTEM,
        representative_personal_id=MINH[0],
        representative_name=MINH[1],
        represented=child,
        basis=RepresentationBasis.PARENT,
        valid_from=datetime.date(2018, 6, 15),
    )
    client = applicant_client(minh)
    response = client.get(f"/ca-nhan/du-lieu-cua-toi/?cho={child.public_id}")
    assert response.status_code == 200
    assert "Nguyễn Minh Anh" in text(response)
    stranger = identity.ensure_individual(personal_id="038078052964", name="Lê Văn Hùng")
    assert client.get(f"/ca-nhan/du-lieu-cua-toi/?cho={stranger.public_id}").status_code == 404
    assert client.get(f"/api/v1/me/data-access?applicant={stranger.public_id}").status_code == 404


def test_a_residence_procedure_is_prefilled_for_the_commune_police(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client, START_RESIDENCE)
    client.post(
        f"/ho-so-nhap/{public_id}/dong-y/",
        {"accept": ["registered-person", "current-residence", "family-relationship"]},
    )
    draft = Draft.objects.get(public_id=public_id)
    assert draft.agency_code == "CAX.00004"
    assert draft.fetched["current-residence"]["household"]["members"][0] == MINH[0]  # the head first
    assert CHILD in draft.fetched["family-relationship"]["children_personal_ids"]
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert re.search(r'id="field-registered_person_personal_id" class="read-only">001086027419<', page)
    assert "Nguồn: Cơ sở dữ liệu về cư trú" in page


def test_data_about_someone_else_needs_their_valid_id_number(minh, exchange):
    """(A relative's: the registries serve nobody else's, tests/dossiers/test_third_party.py.)"""
    client = applicant_client(minh)
    public_id = start(client, "/thu-tuc/death-registration/nop-ho-so/")
    page = text(client.get(f"/ho-so-nhap/{public_id}/dong-y/"))
    assert 'name="deceased_personal_id"' in page
    wrong = client.post(
        f"/ho-so-nhap/{public_id}/dong-y/",
        {"accept": ["requester-identity", "deceased-record"], "deceased_personal_id": "00108602741"},
    )
    assert wrong.status_code == 400
    assert "12 chữ số" in text(wrong)
    assert not Consent.objects.filter(dossier_ref=public_id).exists()
    client.post(
        f"/ho-so-nhap/{public_id}/dong-y/",
        {"accept": ["requester-identity", "deceased-record"], "deceased_personal_id": CHILD},
    )
    draft = Draft.objects.get(public_id=public_id)
    assert draft.fetched["deceased-record"]["full_name"] == "Nguyễn Minh Anh"
    assert draft.fetched["requester-identity"]["full_name"] == "Nguyễn Văn Minh"
    [entry] = exchange.log_entries(dossier_ref=public_id, subject_id=CHILD)
    assert entry["agency_code"] == "UBND.00004"
    assert entry["detail"]["relation"] == "parent"  # the registry found it: he is her father
    assert entry["detail"]["requester"] == MINH[0]


def test_the_api_does_what_the_pages_do(minh, exchange):
    client = applicant_client(minh)
    created = client.post(
        "/api/v1/drafts",
        {"procedure": "birth-registration", "commune_code": "00004"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    components = {c["id"]: c for c in body["components"]}
    assert components["requester-identity"]["state"] == "awaiting_consent"
    assert components["requester-identity"]["registry_label"] == "Cơ sở dữ liệu quốc gia về dân cư"
    assert "Họ và tên" in components["requester-identity"]["fields"]
    consented = client.post(
        f"/api/v1/drafts/{body['id']}/consent",
        {"accept": ["requester-identity"]},
        content_type="application/json",
    ).json()
    fetched = {c["id"]: c for c in consented["components"]}["requester-identity"]
    assert datetime.datetime.fromisoformat(fetched["fetched_at"]) <= timezone.now()
    assert {"label": "Họ và tên", "value": "Nguyễn Văn Minh"} in fetched["values"]
    fields = {f["name"]: f for f in consented["fields"]}
    assert fields["requester_full_name"] == {
        **fields["requester_full_name"],
        "value": "Nguyễn Văn Minh",
        "read_only": True,
        "source": "Cơ sở dữ liệu quốc gia về dân cư",
    }
    saved = client.put(
        f"/api/v1/drafts/{body['id']}/entries",
        {"values": {"child_full_name": "Nguyễn Minh Khôi", "child_sex": "unknown"}},
        content_type="application/json",
    ).json()
    fields = {f["name"]: f for f in saved["fields"]}
    assert fields["child_full_name"]["value"] == "Nguyễn Minh Khôi"
    assert fields["child_sex"]["error"] == "Hãy chọn một giá trị trong danh sách."
    bad = client.post(
        f"/api/v1/drafts/{body['id']}/consent",
        {"accept": ["no-such-component"]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_input"


def test_someone_elses_draft_is_not_found(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    other = applicant_client(make_applicant("079192031586", "Trần Thị Thu Hà", datetime.date(1992, 9, 3)))
    before = (AuditEntry.objects.count(), Exchange.objects.count())
    assert other.get(f"/ho-so-nhap/{public_id}/").status_code == 404
    assert (
        other.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity"]}).status_code == 404
    )
    assert other.get(f"/api/v1/drafts/{public_id}").status_code == 404
    assert (AuditEntry.objects.count(), Exchange.objects.count()) == before


def test_data_no_document_can_replace_cannot_be_swapped_for_an_upload(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client, "/thu-tuc/death-registration/nop-ho-so/")
    consent_page = text(client.get(f"/ho-so-nhap/{public_id}/dong-y/"))
    assert "Không có giấy tờ nào thay thế được dữ liệu này" in consent_page
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity"]})
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert "Dữ liệu này chỉ lấy được từ cơ sở dữ liệu" in page
    assert f"/ho-so-nhap/{public_id}/thanh-phan/deceased-record/" not in page
    assert f"/ho-so-nhap/{public_id}/thanh-phan/deceased-residence/" in page  # an upload may replace that one


def test_who_used_my_data_in_english_names_agencies_procedures_and_purposes_in_english(minh, exchange):
    """The reference data and the catalog carry English; an English page uses it (ADR 0038)."""
    client = applicant_client(minh)
    public_id = start(client)
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity", "parents-residence"]})
    page = text(client.get("/ca-nhan/du-lieu-cua-toi/", HTTP_ACCEPT_LANGUAGE="en")).replace("&#x27;", "'")
    assert "Ủy ban nhân dân phường Ba Đình" not in page
    assert page.count("People's Committee") >= 2
    assert "Birth registration" in page
    assert "Đăng ký khai sinh" not in page
    assert "Identify the person requesting the registration" in page
    assert "Xác định người yêu cầu đăng ký khai sinh" not in page


def test_a_revoked_authorisation_takes_the_drafts_it_allowed_away_from_the_representative(minh, exchange):
    from motcua.identity import services as identity

    ha = make_applicant("079192031586", "Trần Thị Thu Hà", datetime.date(1992, 9, 3))
    authorisation = identity.authorise(
        actor=applicant_actor(ha),
        representative_personal_id=MINH[0],
        representative_name=MINH[1],
        valid_until=datetime.date.today() + datetime.timedelta(days=30),
    )
    draft = draft_services.start_draft(
        actor=applicant_actor(minh),
        procedure_code="permanent-residence-registration",
        commune_code="00004",
        applicant_public_id=applicant_actor(ha).applicant_public_id,
    )
    assert draft.applicant_id == applicant_actor(ha).applicant_id
    client = applicant_client(minh)
    assert client.get(f"/ho-so-nhap/{draft.public_id}/").status_code == 200
    assert client.get(f"/api/v1/drafts/{draft.public_id}").status_code == 200
    own = start(client)

    identity.revoke_representation(actor=applicant_actor(ha), public_id=str(authorisation.public_id))
    assert client.get(f"/ho-so-nhap/{draft.public_id}/").status_code == 404
    assert client.get(f"/api/v1/drafts/{draft.public_id}").status_code == 404
    changed = client.post(f"/ho-so-nhap/{draft.public_id}/dong-y/", {"accept": ["requester-identity"]})
    assert changed.status_code == 404
    listed = {item["id"] for item in client.get("/api/v1/drafts").json()}
    assert listed == {own}
    # the representative's own draft is untouched, and the draft itself is kept for its owner
    assert client.get(f"/ho-so-nhap/{own}/").status_code == 200
    assert Draft.objects.filter(public_id=draft.public_id).exists()
