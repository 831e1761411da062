"""The data wallet: results land there when returned, holders keep files, reuse a result in a
later procedure (the dossier records provenance ``wallet``, Decision 766 indicator 4.4), and
share one document by a time-limited, revocable link whose every opening the holder sees.

The world is the access matrix's with its wallet (tests/identity/world.py ``add_wallet``):
applicant_a's birth registration was approved — its result really signed with the session's
development PKI — and returned, so the birth extract is in their wallet."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.core.errors import Conflict, ErrorCode, Forbidden, MotcuaError, NotFound
from motcua.core.models import AuditEntry, Event
from motcua.core.types import EventType
from motcua.documents import results, selectors, wallet
from motcua.documents.models import ShareLink, ShareOpening, WalletItem
from motcua.dossiers.models import Dossier, Draft, Provenance
from motcua.dossiers.services import drafts as draft_services
from motcua.dossiers.services import processing as processing_services
from motcua.dossiers.services import submission as submission_services
from motcua.identity.models import Role
from tests.identity.world import (
    CHILD_PERSONAL_ID,
    PDF,
    World,
    applicant_actor,
    build_world,
    make_official,
    official_actor,
    official_client,
)

CARD_ENTRIES = {
    "child_personal_id": CHILD_PERSONAL_ID,
    "child_full_name": "Nguyễn Văn Bảo",
    "child_date_of_birth": "2026-11-20",
    "child_sex": "male",
}
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def world(exchange, tmp_path) -> World:
    return build_world(tmp_path, with_wallet=True)


def _json(client: Client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def _bytes(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _ids(world: World) -> tuple[str, str]:
    assert world.result_item is not None
    assert world.kept_item is not None
    return str(world.result_item.public_id), str(world.kept_item.public_id)


def _card(world: World) -> str:
    assert world.card_draft is not None
    return str(world.card_draft.public_id)


def _audit_and_draft(world: World) -> tuple:
    draft = Draft.objects.get(public_id=_card(world))
    return AuditEntry.objects.count(), Event.objects.count(), json.dumps(draft.components, sort_keys=True)


# --- the wallet: listing, scoping, validity --------------------------------------------------------


def test_the_returned_result_is_in_the_holders_wallet_with_its_validity(world):
    result_id, kept_id = _ids(world)
    item = WalletItem.objects.get(public_id=result_id)
    assert item.kind == "result"
    assert item.document_type == "birth-extract"
    assert item.result is not None
    assert item.result.dossier == world.returned
    body = world.client("applicant_a").get("/api/v1/wallet").json()
    by_id = {row["id"]: row for row in body}
    assert set(by_id) == {result_id, kept_id}
    assert by_id[result_id]["validity"] == "valid"
    assert by_id[result_id]["issuer"] == "Ủy ban nhân dân phường Ba Đình"
    assert by_id[result_id]["number"] == item.result.number
    assert by_id[result_id]["removable"] is False
    assert by_id[kept_id]["validity"] == "unverified"
    assert by_id[kept_id]["removable"] is True
    page = world.client("applicant_a").get("/ca-nhan/kho-du-lieu/").content.decode()
    assert "<h1>Kho dữ liệu điện tử của tôi</h1>" in page
    assert "Trích lục khai sinh" in page
    assert "Còn hiệu lực" in page
    assert 'href="/ca-nhan/kho-du-lieu/"' in page  # the navigation links to the wallet


def test_the_wallet_in_english_names_the_result_and_its_issuer_in_english(world):
    """The document itself is Vietnamese; its title and issuer on an English page come from the
    catalog's and the reference data's English (ADR 0038)."""
    result_id, _kept = _ids(world)
    client = world.client("applicant_a")
    for url in ("/ca-nhan/kho-du-lieu/", f"/ca-nhan/kho-du-lieu/{result_id}/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode().replace("&#x27;", "'")
        assert "Electronic birth extract" in page, url
        assert "Trích lục khai sinh" not in page, url
        assert "Ủy ban nhân dân phường Ba Đình" not in page, url
        assert "People's Committee" in page, url
    vietnamese = client.get("/ca-nhan/kho-du-lieu/").content.decode()
    assert "Trích lục khai sinh" in vietnamese
    assert "Ủy ban nhân dân phường Ba Đình" in vietnamese


def test_another_applicants_wallet_is_never_visible(world):
    result_id, kept_id = _ids(world)
    other = world.client("applicant_b")
    assert other.get("/api/v1/wallet").json() == []
    page = other.get("/ca-nhan/kho-du-lieu/").content.decode()
    assert result_id not in page
    assert "Trích lục khai sinh" not in page
    for item_id in (result_id, kept_id):
        assert other.get(f"/api/v1/wallet/{item_id}").status_code == 404
        assert other.get(f"/api/v1/wallet/{item_id}/file").status_code == 404
        assert other.get(f"/ca-nhan/kho-du-lieu/{item_id}/").status_code == 404
    # whom applicant_a authorised sees it: they act for applicant_a
    assert {row["id"] for row in world.client("representative").get("/api/v1/wallet").json()} == {
        result_id,
        kept_id,
    }


def test_the_download_is_the_signed_pdf_unchanged(world):
    result_id, _kept = _ids(world)
    item = WalletItem.objects.select_related("file").get(public_id=result_id)
    response = world.client("applicant_a").get(f"/api/v1/wallet/{result_id}/file")
    data = _bytes(response)
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(data).hexdigest() == item.file.sha256
    assert b"/ByteRange" in data  # the PAdES signature is in it


def test_a_revoked_or_expired_result_says_so(world):
    result_id, _kept = _ids(world)
    item = WalletItem.objects.select_related("result").get(public_id=result_id)
    assert item.result is not None
    assert selectors.validity_of(item, today=datetime.date(2100, 1, 1)) == "valid"  # no end of validity
    item.result.valid_until = datetime.date(2020, 1, 1)
    assert selectors.validity_of(item) == "expired"
    _revoke(world)
    assert world.client("applicant_a").get(f"/api/v1/wallet/{result_id}").json()["validity"] == "revoked"


def _revoke(world: World) -> None:
    assert world.result_item is not None
    assert world.result_item.result is not None
    results.revoke_result(
        actor=official_actor(world.users["approver_a"]),
        public_id=str(world.result_item.result.public_id),
        reason="Cấp nhầm thông tin.",
    )


# --- keeping and removing ----------------------------------------------------------------------------


def test_keeping_a_file_again_is_the_same_document_and_a_removed_one_comes_back(world):
    _result, kept_id = _ids(world)
    assert world.file is not None
    actor = applicant_actor(world.users["applicant_a"])
    again = wallet.keep_upload(actor=actor, file_public_id=str(world.file.public_id))
    assert str(again.public_id) == kept_id
    wallet.remove_item(actor=actor, public_id=kept_id)
    assert selectors.wallet_of(actor).filter(public_id=kept_id).count() == 0
    back = wallet.keep_upload(actor=actor, file_public_id=str(world.file.public_id), title="Giấy tờ")
    assert str(back.public_id) == kept_id
    assert back.removed_at is None
    assert back.title == "Giấy tờ"
    # another applicant's file is not theirs to keep; a result's file enters only by its return
    with pytest.raises(NotFound):
        wallet.keep_upload(
            actor=applicant_actor(world.users["applicant_b"]), file_public_id=str(world.file.public_id)
        )
    assert world.result_item is not None
    with pytest.raises(MotcuaError):
        wallet.keep_upload(actor=actor, file_public_id=str(world.result_item.file.public_id))


def test_a_kept_file_can_be_removed_and_its_links_stop_a_result_cannot(world):
    result_id, kept_id = _ids(world)
    client = world.client("applicant_a")
    made = _json(client, "post", f"/api/v1/wallet/{kept_id}/shares", {"valid_for_hours": 24}).json()
    assert client.get(f"/chia-se/{made['token']}/").status_code == 200
    before = AuditEntry.objects.count()
    refused = client.delete(f"/api/v1/wallet/{result_id}")
    assert refused.status_code == 403
    assert refused.json()["code"] == ErrorCode.RESULT_NOT_REMOVABLE
    assert "không thể xóa" in refused.json()["message"]
    page = client.post(f"/ca-nhan/kho-du-lieu/{result_id}/xoa/")
    assert page.status_code == 403
    assert "không thể xóa" in page.content.decode()
    assert AuditEntry.objects.count() == before
    removed = client.delete(f"/api/v1/wallet/{kept_id}")
    assert removed.status_code == 200
    assert WalletItem.objects.get(public_id=kept_id).removed_at is not None
    assert ShareLink.objects.get(public_id=made["id"]).revoked_at is not None
    assert AuditEntry.objects.filter(type=EventType.WALLET_ITEM_REMOVED, subject_id=kept_id).count() == 1
    # one entry for the step, naming the links it stopped, not one more per link
    removal = AuditEntry.objects.get(type=EventType.WALLET_ITEM_REMOVED, subject_id=kept_id)
    assert removal.changes["shares_revoked"] == [[], [made["id"]]]
    assert not AuditEntry.objects.filter(type=EventType.SHARE_REVOKED, subject_id=made["id"]).exists()
    assert client.get(f"/chia-se/{made['token']}/").status_code == 404
    assert world.file is not None
    assert client.get(f"/tep-tin/{world.file.public_id}/").status_code == 200  # the file stays


# --- reuse in a later procedure ----------------------------------------------------------------------


def _complete_card_draft(world: World) -> None:
    """Everything but the wallet component: the requester's identity uploaded, the form filled."""
    actor = applicant_actor(world.users["applicant_a"])
    draft_services.upload_component(
        actor=actor,
        public_id=_card(world),
        component_id="requester-identity",
        chunks=[PDF],
        file_name="cccd.pdf",
        size=None,
    )
    _draft, errors = draft_services.save_entries(actor=actor, public_id=_card(world), values=CARD_ENTRIES)
    assert errors == {}


def test_a_later_procedure_reuses_the_result_from_the_wallet_end_to_end(world):
    """Approve and return a birth registration → the extract in the wallet → a health-insurance
    card draft takes it in one click → the dossier's component has provenance wallet → the 766
    indicators count it → the social-insurance official sees it and opens the file."""
    result_id, _kept = _ids(world)
    client = world.client("applicant_a")
    _complete_card_draft(world)
    choices = client.get(f"/api/v1/drafts/{_card(world)}/components/birth-extract/wallet").json()
    assert [(c["id"], c["usable"], c["chosen"]) for c in choices] == [(result_id, True, False)]
    page = client.get(f"/ho-so-nhap/{_card(world)}/").content.decode()
    assert f'id="wallet-choice-{result_id}"' in page
    assert "Dùng giấy tờ này" in page
    # one click
    response = client.post(
        f"/ho-so-nhap/{_card(world)}/thanh-phan/birth-extract/kho-du-lieu/", {"item": result_id}
    )
    assert response.status_code == 302
    draft = client.get(f"/api/v1/drafts/{_card(world)}").json()
    component = next(c for c in draft["components"] if c["id"] == "birth-extract")
    assert (component["state"], component["wallet_item"]) == ("wallet", result_id)
    assert AuditEntry.objects.filter(
        type=EventType.DRAFT_COMPONENT_FROM_WALLET, subject_id=_card(world)
    ).exists()
    submitted = client.post(f"/api/v1/drafts/{_card(world)}/submit")
    assert submitted.status_code == 201, submitted.content[:500]
    dossier = Dossier.objects.get(code=submitted.json()["code"])
    item = WalletItem.objects.select_related("result", "file").get(public_id=result_id)
    assert item.result is not None
    assert dossier.components["birth-extract"] == {
        "kind": "wallet",
        "provenance": Provenance.WALLET,
        "file": str(item.file.public_id),
        "wallet_item": result_id,
        "document_type": "birth-extract",
        "title": item.title,
        "issuer": "Ủy ban nhân dân phường Ba Đình",
        "issued_on": item.issued_on.isoformat() if item.issued_on else "",
        "result": item.result.number,
    }
    assert dossier.agency_code == "BHXH.01"
    submitted_event = Event.objects.get(type=EventType.DOSSIER_SUBMITTED, subject_id=dossier.code)
    assert submitted_event.payload["reused_from_wallet"] == 1
    assert processing_services.indicators(dossier)["reused_from_wallet"] == 1
    # the social-insurance office receives it: every state change's event counts the reuse
    user, key = make_official("reception.bhxh", [(Role.RECEPTION, "BHXH.01")])
    processing_services.decide(actor=official_actor(user), code=dossier.code, decision="accept")
    accepted = Event.objects.get(type=EventType.DOSSIER_ACCEPTED, subject_id=dossier.code)
    assert accepted.payload["reused_from_wallet"] == 1
    official = official_client(user.username, key)
    page = official.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Từ kho dữ liệu" in page
    assert item.result.number in page
    file_url = f"/can-bo/ho-so/{dossier.code}/tep-tin/{item.file.public_id}/"
    assert file_url in page
    opened = official.get(file_url)
    assert hashlib.sha256(_bytes(opened)).hexdigest() == item.file.sha256
    inbox = official.get(f"/api/v1/inbox/{dossier.code}").json()
    wallet_component = next(c for c in inbox["components"] if c["id"] == "birth-extract")
    assert wallet_component["provenance"] == "wallet"
    assert wallet_component["wallet_number"] == item.result.number
    assert wallet_component["wallet_validity"] == "valid"


def test_a_revoked_result_is_refused_in_vietnamese_and_the_draft_survives(world):
    result_id, _kept = _ids(world)
    client = world.client("applicant_a")
    _complete_card_draft(world)
    _revoke(world)
    before = _audit_and_draft(world)
    url = f"/api/v1/drafts/{_card(world)}/components/birth-extract/wallet"
    response = _json(client, "post", url, {"item": result_id})
    assert response.status_code == 409
    assert response.json()["code"] == "document_revoked"
    assert response.json()["message"].startswith("Cơ quan cấp đã thu hồi giấy tờ này")
    assert _audit_and_draft(world) == before
    page = client.post(
        f"/ho-so-nhap/{_card(world)}/thanh-phan/birth-extract/kho-du-lieu/", {"item": result_id}, follow=True
    )
    assert "Cơ quan cấp đã thu hồi giấy tờ này" in page.content.decode()
    assert _audit_and_draft(world) == before
    assert client.get(url).json()[0]["usable"] is False


def test_a_result_revoked_after_it_was_chosen_stops_the_submission_not_the_draft(world):
    result_id, _kept = _ids(world)
    client = world.client("applicant_a")
    _complete_card_draft(world)
    assert (
        _json(
            client,
            "post",
            f"/api/v1/drafts/{_card(world)}/components/birth-extract/wallet",
            {"item": result_id},
        ).status_code
        == 200
    )
    _revoke(world)
    response = client.post(f"/api/v1/drafts/{_card(world)}/submit")
    assert response.status_code == 422
    assert "thu hồi" in response.json()["components"]["birth-extract"]
    assert Draft.objects.filter(public_id=_card(world)).exists()
    assert not Dossier.objects.filter(procedure__code="health-insurance-card-under-6").exists()


def test_only_the_applicants_own_valid_documents_of_the_right_type_are_taken(world):
    result_id, kept_id = _ids(world)
    actor = applicant_actor(world.users["applicant_a"])
    before = _audit_and_draft(world)
    use = draft_services.use_wallet_item
    with pytest.raises(MotcuaError):  # a kept file has no type: it is not a birth extract
        use(actor=actor, public_id=_card(world), component_id="birth-extract", item_public_id=kept_id)
    with pytest.raises(MotcuaError):  # an uploaded-document component names no result type
        use(actor=actor, public_id=_card(world), component_id="requester-identity", item_public_id=result_id)
    with pytest.raises(NotFound):
        use(actor=actor, public_id=_card(world), component_id="no-such", item_public_id=result_id)
    with pytest.raises(NotFound):
        use(actor=actor, public_id=_card(world), component_id="birth-extract", item_public_id="not-a-uuid")
    # another applicant can neither see the draft nor the document
    other = applicant_actor(world.users["applicant_b"])
    with pytest.raises(NotFound):
        use(actor=other, public_id=_card(world), component_id="birth-extract", item_public_id=result_id)
    # the representative's own draft is theirs: applicant_a's document is not the representative's
    rep = applicant_actor(world.users["representative"])
    own = draft_services.start_draft(
        actor=rep, procedure_code="health-insurance-card-under-6", commune_code="00004"
    )
    with pytest.raises(MotcuaError) as elsewhere:
        use(actor=rep, public_id=str(own.public_id), component_id="birth-extract", item_public_id=result_id)
    assert "kho dữ liệu của người khác" in elsewhere.value.message
    assert _audit_and_draft(world)[2] == before[2]


def test_an_upload_replaces_the_wallet_document(world):
    result_id, _kept = _ids(world)
    actor = applicant_actor(world.users["applicant_a"])
    draft_services.use_wallet_item(
        actor=actor, public_id=_card(world), component_id="birth-extract", item_public_id=result_id
    )
    draft = draft_services.upload_component(
        actor=actor,
        public_id=_card(world),
        component_id="birth-extract",
        chunks=[PDF],
        file_name="tk.pdf",
        size=None,
    )
    entry = draft.components["birth-extract"]
    assert entry["state"] == "uploaded"
    assert "wallet_item" not in entry


# --- sharing --------------------------------------------------------------------------------------------


def test_a_share_link_shows_the_document_logs_each_opening_and_stores_only_the_tokens_hash(world):
    result_id, _kept = _ids(world)
    holder = world.client("applicant_a")
    made = _json(
        holder, "post", f"/api/v1/wallet/{result_id}/shares", {"recipient": "Trường mầm non Hoa Sen"}
    )
    assert made.status_code == 201
    body = made.json()
    token = body["token"]
    assert body["url"].endswith(f"/chia-se/{token}/")
    link = ShareLink.objects.get(public_id=body["id"])
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(list(AuditEntry.objects.values("changes")), ensure_ascii=False)
    assert link.expires_at - link.created_at == datetime.timedelta(days=7)
    # the token is shown once: the holder's views of the link never carry it again
    detail = holder.get(f"/api/v1/wallet/{result_id}").content.decode()
    assert token not in detail
    assert body["id"] in detail
    assert token not in holder.get(f"/ca-nhan/kho-du-lieu/{result_id}/").content.decode()
    visitor = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT=BROWSER)
    page = visitor.get(f"/chia-se/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trích lục khai sinh" in text
    assert "Ủy ban nhân dân phường Ba Đình" in text
    assert "Còn hiệu lực" in text
    assert "Nguyễn Văn An" not in text  # nor the holder's name, nor the note
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    download = visitor.get(f"/chia-se/{token}/tai-ve/")
    item = WalletItem.objects.select_related("file").get(public_id=result_id)
    assert hashlib.sha256(_bytes(download)).hexdigest() == item.file.sha256
    openings = list(ShareOpening.objects.filter(link=link).order_by("id"))
    assert [(o.network, o.user_agent, o.downloaded) for o in openings] == [
        ("203.0.113.0/24", "Firefox 128, Windows", False),
        ("203.0.113.0/24", "Firefox 128, Windows", True),
    ]
    assert AuditEntry.objects.filter(type=EventType.SHARE_OPENED, subject_id=str(link.public_id)).count() == 2
    shares = holder.get(f"/api/v1/wallet/{result_id}").json()["shares"]
    mine = next(s for s in shares if s["id"] == body["id"])
    assert [o["downloaded"] for o in mine["openings"]] == [True, False]  # newest first
    assert mine["openings"][0]["network"] == "203.0.113.0/24"
    item_page = holder.get(f"/ca-nhan/kho-du-lieu/{result_id}/").content.decode()
    assert "Trường mầm non Hoa Sen" in item_page
    assert "203.0.113.0/24" in item_page
    assert "Firefox 128, Windows" in item_page


def test_an_expired_a_revoked_and_an_unknown_link_give_the_same_page(world):
    result_id, _kept = _ids(world)
    holder = world.client("applicant_a")
    expired = _json(holder, "post", f"/api/v1/wallet/{result_id}/shares", {"valid_for_hours": 1}).json()
    revoked = _json(holder, "post", f"/api/v1/wallet/{result_id}/shares", {}).json()
    ShareLink.objects.filter(public_id=expired["id"]).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert holder.post(f"/api/v1/shares/{revoked['id']}/revoke").json()["state"] == "revoked"
    assert holder.post(f"/api/v1/shares/{revoked['id']}/revoke").status_code == 200  # again: nothing changes
    assert AuditEntry.objects.filter(type=EventType.SHARE_REVOKED, subject_id=revoked["id"]).count() == 1
    visitor = Client()
    answers = []
    for token in (expired["token"], revoked["token"], "x" * 43):
        for suffix in ("", "tai-ve/"):
            response = visitor.get(f"/chia-se/{token}/{suffix}")
            assert response.status_code == 404
            page = response.content.decode()  # the main part (the header has the language form)
            answers.append(page[page.index("<main") : page.index("</main>")])
    assert len(set(answers)) == 1
    assert "Liên kết không tồn tại hoặc không còn hiệu lực" in answers[0]
    assert not ShareOpening.objects.exists()


def test_share_bounds_and_a_revoked_document(world):
    result_id, _kept = _ids(world)
    actor = applicant_actor(world.users["applicant_a"])
    for hours in (0, 721):
        with pytest.raises(MotcuaError):
            wallet.create_share(
                actor=actor, item_public_id=result_id, valid_for=datetime.timedelta(hours=hours)
            )
    assert (
        _json(
            world.client("applicant_a"),
            "post",
            f"/api/v1/wallet/{result_id}/shares",
            {"valid_for_hours": 721},
        ).status_code
        == 422
    )
    for hours in (1, 720):
        wallet.create_share(actor=actor, item_public_id=result_id, valid_for=datetime.timedelta(hours=hours))
    with pytest.raises(NotFound):  # only whom the holder authorised may share the holder's document
        wallet.create_share(actor=applicant_actor(world.users["applicant_b"]), item_public_id=result_id)
    assert world.share is not None
    with pytest.raises(NotFound):
        wallet.revoke_share(
            actor=applicant_actor(world.users["applicant_b"]), public_id=str(world.share.public_id)
        )
    _revoke(world)
    with pytest.raises(Conflict):
        wallet.create_share(actor=actor, item_public_id=result_id)
    # a link made before the revocation shows it, and no longer hands the file out
    page = Client().get(f"/chia-se/{world.share_token}/")
    assert page.status_code == 200
    assert "Bị cơ quan cấp thu hồi" in page.content.decode()
    assert Client().get(f"/chia-se/{world.share_token}/tai-ve/").status_code == 404


def test_the_public_page_is_rate_limited_after_dead_links(world, settings):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "share_failures_address": "3/h"}
    visitor = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(3):
        assert visitor.get(f"/chia-se/{'y' * 43}/").status_code == 404
    blocked = visitor.get(f"/chia-se/{world.share_token}/")  # even a valid link, from that address
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="198.51.100.10").get(f"/chia-se/{world.share_token}/").status_code == 200


def test_removing_a_result_is_forbidden_by_the_service(world):
    result_id, _kept = _ids(world)
    with pytest.raises(Forbidden) as refused:
        wallet.remove_item(actor=applicant_actor(world.users["applicant_a"]), public_id=result_id)
    assert refused.value.code == ErrorCode.RESULT_NOT_REMOVABLE


# --- what an opening keeps of the visitor --------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("10.1.2.3", "10.1.2.0/24"),
        ("2001:db8:1234:5678:9abc::1", "2001:db8:1234::/48"),
        ("fe80::1%eth0", "fe80::/48"),
        ("::ffff:198.51.100.23", "198.51.100.0/24"),  # IPv4 written as IPv6
        ("", ""),
        ("not an address", ""),
    ],
)
def test_the_address_is_kept_as_its_network(address, network):
    assert wallet.truncated_network(address) == network


@pytest.mark.parametrize(
    ("user_agent", "short"),
    [
        (BROWSER, "Firefox 128, Windows"),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.6778.81 Mobile Safari/537.36",
            "Chrome 131, Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17, iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
            "Edge 131, Windows",
        ),
        ("curl/8.5.0", "curl 8"),
        ("", ""),
        ("something else", ""),
    ],
)
def test_the_browser_is_kept_as_its_family_and_system(user_agent, short):
    assert wallet.short_user_agent(user_agent) == short


def test_a_wallet_component_without_fallback_takes_no_upload(world):
    """``fallback: none`` on a wallet component: only a wallet document will do."""
    from motcua.catalog.models import Procedure

    procedure = Procedure.objects.get(code="health-insurance-card-under-6")
    for component in procedure.spec["components"]:
        if component["id"] == "birth-extract":
            component["fallback"] = "none"
    procedure.save(update_fields=["spec"])
    actor = applicant_actor(world.users["applicant_a"])
    with pytest.raises(MotcuaError) as refused:
        draft_services.upload_component(
            actor=actor,
            public_id=_card(world),
            component_id="birth-extract",
            chunks=[PDF],
            file_name="tk.pdf",
            size=None,
        )
    assert "chỉ có thể lấy từ kho dữ liệu" in refused.value.message
    _complete_card_draft(world)
    with pytest.raises(submission_services.IncompleteDossier) as incomplete:
        submission_services.submit_draft(actor=actor, public_id=_card(world))
    assert incomplete.value.components == {
        "birth-extract": "Hãy chọn giấy tờ này từ kho dữ liệu điện tử của bạn."
    }
    page = world.client("applicant_a").get(f"/ho-so-nhap/{_card(world)}/").content.decode()
    assert 'id="upload-birth-extract"' not in page
