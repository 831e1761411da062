"""Another person's data only with a legal relation the registries find in their own records.

A procedure that names a second person (the deceased, the other party of a marriage, ...) asks
for that person's ID number; the registries decide, from what they hold, whether the applicant
may receive that person's data, and a refusal carries no personal data at all. The applicant
then types the details (the official checks them) or uploads a document; nothing is lost.
Requests about other people are limited per applicant. The platform and the reference
registries run as two HTTP servers (ADR 0021).
"""

from __future__ import annotations

import datetime
import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.actors import SYSTEM
from motcua.dossiers.models import Dossier, Draft
from motcua.exchange.models import Consent
from motcua.identity import services as identity
from motcua.identity.models import RepresentationBasis
from tests.identity.world import PDF, applicant_client, make_applicant

START_DEATH = "/thu-tuc/death-registration/nop-ho-so/"
START_MARRIAGE = "/thu-tuc/marriage-registration/nop-ho-so/"
START_BIRTH = "/thu-tuc/birth-registration/nop-ho-so/"
MINH = "001086027419"
CHILD = ("001318046203", "Nguyễn Minh Anh", datetime.date(2018, 6, 15))  # Minh's daughter
LAN = ("048195018347", "Phạm Thị Lan", datetime.date(1995, 11, 30))  # no relation to Minh
HOA = ("040161069230", "Đặng Thị Hoa", datetime.date(1961, 7, 8))  # widowed in 2021
DEATH_COMPONENTS = ["requester-identity", "deceased-record", "deceased-residence"]
NOT_RELATED = "Cơ sở dữ liệu không ghi nhận bạn là người thân hoặc người cùng hộ của người này"


def start(client, url: str = START_DEATH, commune: str = "00004", **extra: str) -> str:
    response = client.post(url, {"province": "01", "commune": commune, **extra})
    assert response.status_code == 302, response.content[:500]
    return response["Location"].split("/ho-so-nhap/")[1].split("/")[0]


def consent_to_death_registration(client, public_id: str, deceased: str):
    return client.post(
        f"/ho-so-nhap/{public_id}/dong-y/", {"accept": DEATH_COMPONENTS, "deceased_personal_id": deceased}
    )


def text(response) -> str:
    return response.content.decode()


def submit_death_registration(client, public_id: str, deceased: str, deceased_name: str) -> str:
    """Type the form, attach the death notice, submit; the dossier's code."""
    upload = client.post(
        f"/ho-so-nhap/{public_id}/thanh-phan/death-notice/",
        {"file": SimpleUploadedFile("giay-bao-tu.pdf", PDF, content_type="application/pdf")},
    )
    assert upload.status_code == 302
    response = client.post(
        f"/ho-so-nhap/{public_id}/",
        {
            "deceased_personal_id": deceased,
            "deceased_full_name": deceased_name,
            "date_of_death": "2026-12-01",
            "place_of_death": "Bệnh viện Bạch Mai",
            "cause_of_death": "Bệnh",
            "requester_relationship": "other",
            "submit": "1",
        },
    )
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]*)<', text(response))
    return response["Location"].rstrip("/").split("/")[-1]


def test_an_unrelated_living_persons_data_is_not_served_through_a_death_registration(minh, exchange):
    """The leak of issue 15: any signed-in citizen read anyone's name, birth date, sex and
    address by naming them as the deceased."""
    client = applicant_client(minh)
    public_id = start(client)
    consent_to_death_registration(client, public_id, LAN[0])
    draft = Draft.objects.get(public_id=public_id)
    assert "deceased-record" not in draft.fetched
    assert "deceased-residence" not in draft.fetched
    assert "Phạm Thị Lan" not in json.dumps(draft.fetched, ensure_ascii=False)
    assert draft.components["deceased-record"]["state"] == "refused"
    assert draft.components["deceased-record"]["error"] == "not_related"
    assert draft.fetched["requester-identity"]["full_name"] == "Nguyễn Văn Minh"  # his own, as before
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert "Phạm Thị Lan" not in page
    assert "Hải Châu" not in page  # her address
    entries = exchange.log_entries(dossier_ref=public_id, subject_id=LAN[0])
    assert {(entry["outcome"], entry["error_code"]) for entry in entries} == {("refused", "not_related")}
    assert {entry["detail"]["requester"] for entry in entries} == {MINH}
    # the API says the same, in a typed code
    api = client.get(f"/api/v1/drafts/{public_id}").json()
    components = {component["id"]: component for component in api["components"]}
    assert components["deceased-record"]["refusal"] == "not_related"
    assert components["deceased-record"]["values"] == []
    assert "Phạm Thị Lan" not in json.dumps(api, ensure_ascii=False)


def test_after_a_refusal_the_applicant_types_the_details_and_the_official_checks_them(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    consent_to_death_registration(client, public_id, LAN[0])
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert NOT_RELATED in page
    # no document replaces the deceased's record in the spec, but a refusal for the relation
    # leaves it to what the applicant types or uploads
    assert f"/ho-so-nhap/{public_id}/thanh-phan/deceased-record/" in page
    code = submit_death_registration(client, public_id, LAN[0], LAN[1])
    dossier = Dossier.objects.get(code=code)
    assert dossier.components["deceased-record"] == {
        "kind": "data",
        "provenance": "declared",
        "refusal": "not_related",
    }
    assert dossier.components["requester-identity"]["provenance"] == "registry"
    assert dossier.entries["deceased_full_name"] == "Phạm Thị Lan"  # typed, for the official to check
    assert "deceased-record" not in dossier.fetched
    dossier_page = text(client.get(f"/ho-so/{code}/"))
    assert "Do người nộp nhập" in dossier_page


def test_the_refusal_is_in_the_subjects_who_used_my_data_without_the_applicant(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    consent_to_death_registration(client, public_id, LAN[0])
    lan = applicant_client(make_applicant(*LAN))
    page = text(lan.get("/ca-nhan/du-lieu-cua-toi/"))
    assert "Bị từ chối: người yêu cầu không được ghi nhận là người thân hoặc người cùng hộ của bạn" in page
    assert "Đăng ký khai tử" in page
    assert "Ủy ban nhân dân phường Ba Đình" in page
    assert "Nguyễn Văn Minh" not in page
    assert MINH not in page
    api = lan.get("/api/v1/me/data-access").json()
    mine = [access for access in api["accesses"] if access["dossier_ref"] == public_id]
    assert {(access["outcome"], access["error_code"]) for access in mine} == {("refused", "not_related")}
    assert {access["registry"] for access in mine} == {"population", "residence"}
    assert all(not access["own"] and access["dossier_code"] == "" for access in mine)
    assert MINH not in json.dumps(api)


def test_a_widow_registers_her_husbands_death_with_his_data_prefilled(minh, exchange):
    [husband] = exchange.query(
        "SELECT husband_personal_id AS id FROM registry_data_marriage WHERE wife_personal_id = ?", HOA[0]
    )
    client = applicant_client(make_applicant(*HOA))
    public_id = start(client)
    consent_to_death_registration(client, public_id, husband["id"])
    draft = Draft.objects.get(public_id=public_id)
    assert draft.components["deceased-record"]["state"] == "fetched"
    assert draft.fetched["deceased-record"]["personal_id"] == husband["id"]
    [entry] = exchange.log_entries(dossier_ref=public_id, subject_id=husband["id"], chain="population")
    assert entry["detail"]["relation"] == "spouse"


def test_a_party_to_a_marriage_gets_only_the_other_partys_marital_status(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client, START_MARRIAGE)
    client.post(
        f"/ho-so-nhap/{public_id}/dong-y/",
        {
            "accept": ["parties-identity", "parties-residence", "marital-status", "partner-marital-status"],
            "partner_personal_id": LAN[0],
        },
    )
    draft = Draft.objects.get(public_id=public_id)
    assert draft.fetched["partner-marital-status"] == {"marital_status": "single"}
    assert draft.fetched["parties-identity"]["full_name"] == "Nguyễn Văn Minh"
    page = text(client.get(f"/ho-so-nhap/{public_id}/"))
    assert "Tình trạng hôn nhân của bên kia" in page
    assert "Phạm Thị Lan" not in page
    assert "Hải Châu" not in page
    [entry] = exchange.log_entries(dossier_ref=public_id, subject_id=LAN[0])
    assert (entry["outcome"], entry["fields"], entry["detail"]["relation"]) == (
        "served",
        ["marital_status"],
        "named_party",
    )


def _child_applicant():
    child = identity.ensure_individual(personal_id=CHILD[0], name=CHILD[1], birthdate=CHILD[2])
    identity.record_representation(
        actor=SYSTEM,
        representative_personal_id=MINH,
        representative_name="Nguyễn Văn Minh",
        represented=child,
        basis=RepresentationBasis.PARENT,
        valid_from=CHILD[2],
    )
    return child


def test_a_parents_representation_is_asserted_by_the_platform_and_checked_by_the_registries(minh, exchange):
    child = _child_applicant()
    client = applicant_client(minh)
    public_id = start(client, START_BIRTH, applicant=str(child.public_id))
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity"]})
    draft = Draft.objects.get(public_id=public_id)
    assert draft.fetched["requester-identity"]["full_name"] == "Nguyễn Minh Anh"
    [entry] = exchange.log_entries(dossier_ref=public_id, subject_id=CHILD[0])
    assert entry["detail"]["relation"] == "represented"
    assert entry["detail"]["requester"] == MINH
    assert entry["detail"]["on_behalf_of"]["basis"] == "parent"
    assert entry["detail"]["on_behalf_of"]["sub"] == CHILD[0]


def test_a_parenthood_the_registries_do_not_hold_is_refused(minh, exchange):
    """The platform records Minh as the parent of a minor who is not his child; the registries,
    which hold the civil-status records, refuse, and nothing about the minor reaches the draft."""
    [minor] = exchange.query(
        "SELECT personal_id, full_name, date_of_birth FROM registry_data_person "
        "WHERE date_of_birth > '2012-01-01' AND died_on IS NULL "
        "AND COALESCE(father_personal_id, '') <> ? AND COALESCE(mother_personal_id, '') <> ? "
        "ORDER BY personal_id LIMIT 1",
        MINH,
        MINH,
    )
    born = minor["date_of_birth"]
    born = born if isinstance(born, datetime.date) else datetime.date.fromisoformat(born)
    stranger = identity.ensure_individual(personal_id=minor["personal_id"], name="Trẻ em", birthdate=born)
    identity.record_representation(
        actor=SYSTEM,
        representative_personal_id=MINH,
        representative_name="Nguyễn Văn Minh",
        represented=stranger,
        basis=RepresentationBasis.PARENT,
        valid_from=born,
    )
    client = applicant_client(minh)
    public_id = start(client, START_BIRTH, applicant=str(stranger.public_id))
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity"]})
    draft = Draft.objects.get(public_id=public_id)
    assert draft.components["requester-identity"]["state"] == "refused"
    assert draft.components["requester-identity"]["error"] == "representation_not_verified"
    assert draft.fetched == {}
    assert minor["full_name"] not in text(client.get(f"/ho-so-nhap/{public_id}/"))


def test_requests_about_other_people_are_limited_per_applicant(minh, exchange, settings):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "third_party_applicant": "3/h"}
    client = applicant_client(minh)
    public_id = start(client)
    # two requests about the deceased (population, residence): within the limit
    assert consent_to_death_registration(client, public_id, CHILD[0]).status_code == 302
    saved = client.post(
        f"/ho-so-nhap/{public_id}/", {"deceased_personal_id": CHILD[0], "cause_of_death": "Bệnh"}
    )
    assert saved.status_code == 302
    before = Draft.objects.get(public_id=public_id)
    # two more would go over it: refused before anything is consented or sent
    response = consent_to_death_registration(client, public_id, LAN[0])
    assert response.status_code == 429
    assert "Bạn đã yêu cầu dữ liệu của người khác quá nhiều lần" in text(response)
    assert LAN[0] in text(response)  # what the applicant typed is still in the form
    after = Draft.objects.get(public_id=public_id)
    assert after.entries == before.entries
    assert after.entries["deceased_personal_id"] == CHILD[0]
    assert after.entries["cause_of_death"] == "Bệnh"
    assert Consent.objects.filter(dossier_ref=public_id).count() == 1
    assert exchange.log_entries(dossier_ref=public_id, subject_id=LAN[0]) == []
    # the API answers 429 in the one error shape, with Retry-After
    api = client.post(
        f"/api/v1/drafts/{public_id}/consent",
        {"accept": DEATH_COMPONENTS, "subjects": {"deceased_personal_id": LAN[0]}},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert api.json()["code"] == "rate_limited"
    assert "quá nhiều lần" in api.json()["message"]
    assert int(api["Retry-After"]) > 0
    # the applicant's own data is not limited
    own = client.post(
        f"/api/v1/drafts/{public_id}/consent",
        {"accept": ["requester-identity"]},
        content_type="application/json",
    )
    assert own.status_code == 200


def test_who_used_my_data_shows_the_dossier_code_linked_when_it_is_ones_own(minh, exchange):
    client = applicant_client(minh)
    public_id = start(client)
    consent_to_death_registration(client, public_id, CHILD[0])
    code = submit_death_registration(client, public_id, CHILD[0], CHILD[1])
    # Minh's own data was used for his own dossier: its code, linked
    page = text(client.get("/ca-nhan/du-lieu-cua-toi/"))
    assert f'<a href="/ho-so/{code}/">{code}</a>' in page
    assert public_id not in page
    api = client.get("/api/v1/me/data-access").json()
    [own] = [access for access in api["accesses"] if access["dossier_ref"] == public_id]
    assert (own["dossier_code"], own["own"], own["relation"]) == (code, True, "self")
    # his daughter's data was used for his dossier: she sees its code, not a link, and how he was related
    daughter = applicant_client(make_applicant(*CHILD, level=1))
    page = text(daughter.get("/ca-nhan/du-lieu-cua-toi/"))
    assert f"hồ sơ {code}" in page
    assert f'href="/ho-so/{code}/"' not in page
    assert "Cha hoặc mẹ của bạn" in page
    api = daughter.get("/api/v1/me/data-access").json()
    theirs = [access for access in api["accesses"] if access["dossier_ref"] == public_id]
    assert {(access["dossier_code"], access["own"], access["relation"]) for access in theirs} == {
        (code, False, "parent")
    }
