"""The one-stop processing through the pages and the API, as the officials and the applicant
use it: signed in through the real password + TOTP pages, with the forms the pages render."""

from __future__ import annotations

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import Dossier, DossierStatus, Step
from motcua.dossiers.services import submission as submission_services
from motcua.identity.models import Role
from tests.identity.world import (
    AGENCY_A,
    PDF,
    applicant_actor,
    applicant_client,
    complete_birth_draft,
    load_small_units,
    make_applicant,
    make_official,
    official_client,
)


def text(response) -> str:
    return response.content.decode()


def setup_people(tmp_path, settings):
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    applicant = make_applicant("001085012345", "Nguyễn Văn An", datetime.date(1985, 3, 2))
    clients = {}
    for name, role in [
        ("tiepnhan", Role.RECEPTION),
        ("chuyenvien", Role.HANDLER),
        ("lanhdao", Role.APPROVER),
    ]:
        _user, key = make_official(name, [(role, AGENCY_A)])
        clients[name] = official_client(name, key)
    dossier = submission_services.submit_draft(
        actor=applicant_actor(applicant),
        public_id=str(complete_birth_draft(applicant_actor(applicant)).public_id),
    )
    return applicant, clients, dossier.code


def decide(client, code: str, decision: str, **extra):
    return client.post(f"/can-bo/ho-so/{code}/quyet-dinh/", {"decision": decision, **extra})


def test_birth_registration_through_the_pages_with_a_supplement(db, tmp_path, settings):
    applicant, officials, code = setup_people(tmp_path, settings)
    reception, handler, leader = officials["tiepnhan"], officials["chuyenvien"], officials["lanhdao"]
    # the reception officer sees it in their queue, with the step's decisions and nothing else
    queue = text(reception.get("/can-bo/ho-so/?queue=mine"))
    assert f'value="{code}"' in queue
    assert "Tiếp nhận" in queue
    page = text(reception.get(f"/can-bo/ho-so/{code}/"))
    assert 'value="accept"' in page
    assert 'value="refuse"' in page
    assert 'value="approve"' not in page
    assert 'id="apology-form"' not in page  # the reception officer does not write form 04
    assert "Chuyển hồ sơ" in page or "transfer" in page
    assert text(handler.get(f"/can-bo/ho-so/{code}/")).count('name="decision"') == 0
    assert decide(reception, code, "accept").status_code == 302
    # the handler asks for a supplement; the reason is required and shown to the applicant
    refused = decide(handler, code, "supplement", items=["component:birth-certificate"])
    assert refused.status_code == 400
    assert "Nêu rõ lý do" in text(refused)
    response = decide(
        handler,
        code,
        "supplement",
        reason="Giấy chứng sinh không đọc được.",
        items=["component:birth-certificate", "field:child_place_of_birth"],
    )
    assert response.status_code == 302
    assert Dossier.objects.get(code=code).status == DossierStatus.SUPPLEMENT_REQUESTED
    mine = applicant_client(applicant)
    page = text(mine.get(f"/ho-so/{code}/"))
    assert "Giấy chứng sinh không đọc được." in page
    assert f"{code}/02-1" in page
    assert 'id="supplement-form"' in page
    assert 'name="file-birth-certificate"' in page
    assert "Thời hạn giải quyết tạm dừng" in page or "tạm dừng" in page
    # an incomplete answer is refused next to the item, nothing changes
    response = mine.post(f"/ho-so/{code}/bo-sung/", {"child_place_of_birth": "Trạm y tế"})
    assert response.status_code == 400
    assert "Tải lên giấy tờ được yêu cầu." in text(response)
    assert Dossier.objects.get(code=code).step == Step.SUPPLEMENT_AT_HANDLING
    response = mine.post(
        f"/ho-so/{code}/bo-sung/",
        {
            "child_place_of_birth": "Trạm y tế phường Ba Đình",
            "file-birth-certificate": SimpleUploadedFile("gcs.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(code=code)
    assert (dossier.step, dossier.entries["child_place_of_birth"]) == (
        Step.HANDLING,
        "Trạm y tế phường Ba Đình",
    )
    # a second supplement is not even offered, and refused if posted
    page = text(handler.get(f"/can-bo/ho-so/{code}/"))
    assert 'value="supplement"' not in page
    assert 'value="propose"' in page
    response = decide(handler, code, "supplement", reason="Lần hai.", items=["field:child_sex"])
    assert response.status_code == 409
    assert "chỉ được yêu cầu bổ sung một lần" in text(response)
    assert decide(handler, code, "propose").status_code == 302
    page = text(leader.get(f"/can-bo/ho-so/{code}/"))
    assert 'name="result-personal_id"' in page  # the birth result carries the child's new ID number
    refused = decide(leader, code, "approve")
    assert refused.status_code == 400
    assert "Số định danh" in text(refused) or "bắt buộc" in text(refused)
    assert decide(leader, code, "approve", **{"result-personal_id": "001226012345"}).status_code == 302
    assert Dossier.objects.get(code=code).result == {"personal_id": "001226012345"}
    assert decide(reception, code, "return").status_code == 302
    page = text(mine.get(f"/ho-so/{code}/"))
    assert 'id="dossier-status">Đã trả kết quả<' in page
    history = text(reception.get(f"/can-bo/ho-so/{code}/"))
    for what in ["Yêu cầu bổ sung hồ sơ (mẫu 02)", "Người nộp đã bổ sung hồ sơ", "Phê duyệt, ký kết quả"]:
        assert what in history


def test_a_late_dossier_and_the_apology_letter_through_the_api(db, tmp_path, settings):
    applicant, officials, code = setup_people(tmp_path, settings)
    handler, reception = officials["chuyenvien"], officials["tiepnhan"]
    calendar = WorkingCalendar.current()
    # arranged: it was received earlier and its appointment date has passed (the clock is the world's)
    today = datetime.date.today()
    Dossier.objects.filter(code=code).update(due_on=today - datetime.timedelta(days=7))
    response = reception.post(
        f"/api/v1/inbox/{code}/decision", {"decision": "accept"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "apology_required"
    body = handler.get(f"/api/v1/inbox/{code}").json()
    assert body["actions"]["may_apologise"] is True
    assert body["actions"]["decisions"] == []
    new_date = calendar.add_working_days(today, 3)
    response = handler.post(
        f"/api/v1/inbox/{code}/apology",
        {"reason": "Cần xác minh thêm nơi sinh.", "new_due_on": new_date.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_on"] == new_date.isoformat()
    assert [n["form"] for n in body["notices"]] == ["04"]
    # the applicant reads the apology and the new date on their dossier
    mine = applicant_client(applicant)
    page = text(mine.get(f"/ho-so/{code}/"))
    assert "Cần xác minh thêm nơi sinh." in page
    assert re.search(rf'class="new-due-on">{new_date:%d/%m/%Y}<', page)
    api = mine.get(f"/api/v1/dossiers/{code}").json()
    assert api["notices"][0]["new_due_on"] == new_date.isoformat()
    assert api["actions"]["may_withdraw"] is True
    # now it can move on
    response = reception.post(
        f"/api/v1/inbox/{code}/decision", {"decision": "accept"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["step"] == "handling"
    # the applicant withdraws it; a repeat changes nothing
    for _ in range(2):
        response = mine.post(
            f"/api/v1/dossiers/{code}/withdraw", {"reason": ""}, content_type="application/json"
        )
        assert response.status_code == 200
        assert response.json()["status"] == "withdrawn"
    response = handler.post(
        f"/api/v1/inbox/{code}/decision", {"decision": "propose"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_step"
