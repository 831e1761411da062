"""Issue 15's drafts: an interconnected application's draft and a plain draft of the same
procedure at the same commune are two drafts, and an applicant can discard a draft — on a page
that asks to confirm (no JavaScript) and with ``DELETE /api/v1/drafts/{id}`` — with the data
fetched for it, audited, idempotent, never once it has become a dossier."""

from __future__ import annotations

import datetime

from motcua.core.models import AuditEntry
from motcua.core.types import EventType
from motcua.dossiers.models import Dossier, Draft
from motcua.dossiers.services import bundles as bundle_services
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import submission as submission_services
from motcua.exchange.models import Consent, Exchange
from tests.identity.world import BIRTH_ENTRIES, PDF, applicant_actor, applicant_client, make_applicant

START_BIRTH = "/thu-tuc/birth-registration/nop-ho-so/"
START_BIRTH_BUNDLE = "/lien-thong/birth-bundle/nop-ho-so/"
PLACE = {"province": "01", "commune": "00004"}


def _started(response) -> Draft:
    assert response.status_code == 302, response.content[:300]
    public_id = response["Location"].split("/ho-so-nhap/")[1].split("/")[0]
    return Draft.objects.get(public_id=public_id)


def _complete(user, draft: Draft) -> None:
    """Every component uploaded (the registries declined), as an applicant would."""
    actor = applicant_actor(user)
    draft_services.give_consent(actor=actor, public_id=str(draft.public_id), accepted=[])
    for component in draft.components:
        draft_services.upload_component(
            actor=actor,
            public_id=str(draft.public_id),
            component_id=component,
            chunks=[PDF],
            file_name="a.pdf",
            size=None,
        )


def _discards(public_id: str) -> int:
    return AuditEntry.objects.filter(type=EventType.DRAFT_DISCARDED, subject_id=public_id).count()


def test_a_plain_draft_is_not_the_bundle_draft_at_the_same_commune(minh):
    """The reproduction: starting a plain birth registration after a birth-bundle application
    at the same ward resumed the bundle's draft, whose submission then asked for the later
    members' fields; and starting the bundle after a plain draft turned that one into a bundle."""
    client = applicant_client(minh)
    bundle = _started(client.post(START_BIRTH_BUNDLE, PLACE))
    plain = _started(client.post(START_BIRTH, PLACE))
    assert plain.pk != bundle.pk
    assert (plain.bundle_code, plain.bundle_members) == ("", [])
    bundle.refresh_from_db()
    assert bundle.bundle_code == "birth-bundle"
    assert bundle.bundle_members == [
        "birth-registration",
        "permanent-residence-registration",
        "health-insurance-card-under-6",
    ]
    # each resumes only itself
    assert _started(client.post(START_BIRTH, PLACE)).pk == plain.pk
    assert _started(client.post(START_BIRTH_BUNDLE, PLACE)).pk == bundle.pk
    assert Draft.objects.count() == 2
    # the list tells them apart
    listing = client.get("/ho-so-nhap/").content.decode()
    assert listing.count("Đăng ký khai sinh</a>") == 2
    assert listing.count("Liên thông: Đăng ký khai sinh - Đăng ký thường trú") == 1
    # the plain one is submitted without the bundle's fields
    _complete(minh, plain)
    page = client.get(f"/ho-so-nhap/{plain.public_id}/").content.decode()
    assert "permanent-residence-registration__" not in page
    response = client.post(f"/ho-so-nhap/{plain.public_id}/", {**BIRTH_ENTRIES, "submit": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(draft_public_id=plain.public_id)
    assert dossier.bundle_application is None
    assert Draft.objects.filter(pk=bundle.pk, bundle_code="birth-bundle").exists()


def test_the_api_keeps_them_apart_too(minh):
    client = applicant_client(minh)
    bundle = client.post(
        "/api/v1/bundle-drafts",
        {"bundle": "birth-bundle", "commune_code": "00004"},
        content_type="application/json",
    ).json()
    plain = client.post(
        "/api/v1/drafts",
        {"procedure": "birth-registration", "commune_code": "00004"},
        content_type="application/json",
    ).json()
    assert plain["id"] != bundle["id"]
    assert (plain["bundle"], plain["later_members"]) == ("", [])
    assert bundle["bundle"] == "birth-bundle"
    listed = {d["id"]: d["bundle"] for d in client.get("/api/v1/drafts").json()}
    assert listed == {plain["id"]: "", bundle["id"]: "birth-bundle"}


def test_discarding_on_the_page_asks_first_then_deletes_the_draft_and_its_data(minh):
    client = applicant_client(minh)
    draft = _started(client.post(START_BIRTH, PLACE))
    public_id = str(draft.public_id)
    client.post(f"/ho-so-nhap/{public_id}/dong-y/", {"accept": ["requester-identity"]})
    draft.refresh_from_db()
    assert "requester-identity" in draft.fetched  # fetched from the population registry
    assert f'href="/ho-so-nhap/{public_id}/xoa/"' in client.get(f"/ho-so-nhap/{public_id}/").content.decode()
    assert f'href="/ho-so-nhap/{public_id}/xoa/"' in client.get("/ho-so-nhap/").content.decode()

    confirm = client.get(f"/ho-so-nhap/{public_id}/xoa/")
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "<h1>Xóa bản nháp này?</h1>" in page
    assert "Đăng ký khai sinh" in page
    assert f'<form method="post" action="/ho-so-nhap/{public_id}/xoa/"' in page
    assert Draft.objects.filter(public_id=public_id).exists()  # asking deletes nothing
    assert _discards(public_id) == 0

    done = client.post(f"/ho-so-nhap/{public_id}/xoa/")
    assert (done.status_code, done["Location"]) == (302, "/ho-so-nhap/")
    assert not Draft.objects.filter(public_id=public_id).exists()
    entry = AuditEntry.objects.get(type=EventType.DRAFT_DISCARDED, subject_id=public_id)
    assert entry.changes["fetched"] == [["requester-identity"], []]
    assert entry.actor_id == applicant_actor(minh).actor_id
    # the evidence of the pull stays (ADR 0012)
    assert Consent.objects.filter(dossier_ref=public_id).count() == 1
    assert Exchange.objects.filter(dossier_ref=public_id).count() == 1
    assert "Bản nháp và dữ liệu đã lấy cho nó đã được xóa." in client.get("/ho-so-nhap/").content.decode()
    assert client.get(f"/ho-so-nhap/{public_id}/").status_code == 404
    # again (a double click): nothing more happens
    again = client.post(f"/ho-so-nhap/{public_id}/xoa/")
    assert (again.status_code, again["Location"]) == (302, "/ho-so-nhap/")
    assert _discards(public_id) == 1
    assert client.get(f"/ho-so-nhap/{public_id}/xoa/").status_code == 404


def test_the_api_discards_idempotently_and_only_the_callers_draft(minh):
    client = applicant_client(minh)
    public_id = client.post(
        "/api/v1/drafts",
        {"procedure": "birth-registration", "commune_code": "00004"},
        content_type="application/json",
    ).json()["id"]
    other = applicant_client(make_applicant("079192031586", "Trần Thị Thu Hà", datetime.date(1992, 9, 3)))
    before = AuditEntry.objects.count()
    refused = other.delete(f"/api/v1/drafts/{public_id}")
    assert refused.status_code == 404
    assert refused.json() == {"code": "not_found", "message": refused.json()["message"]}
    assert refused.json()["message"]
    assert Draft.objects.filter(public_id=public_id).exists()
    assert AuditEntry.objects.count() == before

    first = client.delete(f"/api/v1/drafts/{public_id}")
    assert (first.status_code, first.content) == (204, b"")
    assert not Draft.objects.filter(public_id=public_id).exists()
    assert client.delete(f"/api/v1/drafts/{public_id}").status_code == 204
    assert _discards(public_id) == 1
    # the other applicant cannot learn it existed: still 404, not 204
    assert other.delete(f"/api/v1/drafts/{public_id}").status_code == 404
    assert client.delete("/api/v1/drafts/not-a-uuid").status_code == 404


def test_a_submitted_draft_cannot_be_discarded(minh):
    client = applicant_client(minh)
    draft = draft_services.start_draft(
        actor=applicant_actor(minh), procedure_code="birth-registration", commune_code="00004"
    )
    _complete(minh, draft)
    draft_services.save_entries(
        actor=applicant_actor(minh), public_id=str(draft.public_id), values=BIRTH_ENTRIES
    )
    dossier = submission_services.submit_draft(actor=applicant_actor(minh), public_id=str(draft.public_id))
    public_id = str(draft.public_id)
    before = AuditEntry.objects.count()

    answer = client.delete(f"/api/v1/drafts/{public_id}")
    assert answer.status_code == 409
    assert answer.json()["code"] == "draft_submitted"
    assert "Rút hồ sơ" in answer.json()["message"] or "rút hồ sơ" in answer.json()["message"]
    page = client.post(f"/ho-so-nhap/{public_id}/xoa/")
    assert (page.status_code, page["Location"]) == (302, f"/ho-so/{dossier.code}/")
    assert client.get(f"/ho-so-nhap/{public_id}/xoa/")["Location"] == f"/ho-so/{dossier.code}/"
    assert Dossier.objects.filter(pk=dossier.pk, status="received").exists()
    assert AuditEntry.objects.count() == before


def test_a_bundle_draft_is_discarded_like_any_other(minh):
    actor = applicant_actor(minh)
    draft = bundle_services.start_bundle_draft(
        actor=actor, bundle_code="birth-bundle", commune_code="00004", members=[]
    )
    draft_services.discard_draft(actor=actor, public_id=str(draft.public_id))
    assert not Draft.objects.exists()
    entry = AuditEntry.objects.get(type=EventType.DRAFT_DISCARDED, subject_id=str(draft.public_id))
    assert entry.agency_code == "UBND.00004"
