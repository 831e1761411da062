"""Signed writes to the reference registries as a real HTTP server (ADR 0043), and the traffic-
fines registry they first serve: the policy decides who may write what, a request id is applied
once (the same body answers the same again, another body is refused), a replayed or forged
write is refused before anything is written, and every write is in the access log and in the
subject's "who used my data"."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from motcua import protocol
from motcua.core.ids import parse_personal_id
from motcua.protocol import AccessLogRequest, WriteRequest
from tests.exchange.requests import (
    COMMITTEE,
    DIRECTOR,
    MINH,
    PORTAL,
    Agency,
    request_for,
    send,
    signed,
    verified_answer,
)
from tests.exchange.server import RegistriesServer

MINH_PLATE = "29-E2 168.79"


def unpaid_fine(server: RegistriesServer, index: int) -> dict[str, Any]:
    """A generated unpaid violation (not the demo person's: the platform's tests use those)."""
    rows = server.query(
        "SELECT violation_id, owner_id, fine_vnd FROM registry_data_traffic_violation "
        "WHERE status = 'unpaid' AND violation_id NOT LIKE ? "
        "ORDER BY violation_id",
        "VPDEMO%",
    )
    return rows[index]


def write_for(agency: Agency, fine: dict[str, Any], **overrides: Any) -> WriteRequest:
    values: dict[str, Any] = {
        "agency": agency.code,
        "registry": "traffic_fines",
        "procedure": "traffic-fine-payment",
        "dossier": "payment-1",
        "purpose": "Ghi nhận đã nộp phạt vi phạm giao thông",
        "legal_basis": "nd-118-2021",
        "subject": fine["owner_id"],
        "operation": "mark_paid",
        "body": {
            "violation_id": fine["violation_id"],
            "payment_reference": "PAY-" + fine["violation_id"],
            "amount_vnd": int(fine["fine_vnd"]),
            "paid_on": "2026-11-02",
        },
        "request_id": str(uuid.uuid4()),
    }
    values.update(overrides)
    return WriteRequest(**values)


def post_write(
    server: RegistriesServer, agency: Agency, request: WriteRequest, *, token: str = ""
) -> tuple[int, dict]:
    token = token or protocol.sign(request.claims(), agency.key, typ=protocol.WRITE_TYPE)
    response = httpx.post(
        f"{server.base_url}/v1/{request.registry}/write",
        content=token,
        headers={"Content-Type": protocol.CONTENT_TYPE},
    )
    claims = verified_answer(server, response.text)
    assert claims["request_digest"] == protocol.digest(token)
    return response.status_code, claims


def violation(server: RegistriesServer, violation_id: str) -> dict[str, Any]:
    [row] = server.query(
        "SELECT status, paid_on, payment_reference FROM registry_data_traffic_violation "
        "WHERE violation_id = ?",
        violation_id,
    )
    return row


def test_the_portal_marks_a_fine_paid_once_and_the_same_request_gets_the_same_answer(
    registries_server, agencies
):
    portal = agencies[PORTAL]
    fine = unpaid_fine(registries_server, 0)
    request = write_for(portal, fine)
    status, answer = post_write(registries_server, portal, request)
    assert (status, answer["status"]) == (200, "ok"), answer
    assert answer["data"]["status"] == "paid"
    assert answer["data"]["payment"]["reference"] == "PAY-" + fine["violation_id"]
    stored = violation(registries_server, fine["violation_id"])
    assert stored["status"] == "paid"
    assert stored["payment_reference"] == "PAY-" + fine["violation_id"]
    # sent again (a new nonce: a transport retry), the same answer and nothing written again
    again = write_for(
        portal, fine, request_id=request.request_id, body=dict(reversed(list(request.body.items())))
    )
    status, repeated = post_write(registries_server, portal, again)
    assert (status, repeated["status"], repeated["data"]) == (200, "ok", answer["data"])
    entries = registries_server.log_entries(request_id=request.request_id)
    assert [entry["outcome"] for entry in entries] == ["written", "written"]
    assert entries[0]["subject_id"] == fine["owner_id"]
    assert entries[0]["detail"]["operation"] == "mark_paid"
    assert "repeated" not in entries[0]["detail"]
    assert entries[1]["detail"]["repeated"] is True
    assert registries_server.query(
        "SELECT COUNT(*) AS n FROM registries_writerecord WHERE request_id = ?", request.request_id
    ) == [{"n": 1}]


def test_the_same_request_id_with_another_body_is_refused_and_changes_nothing(registries_server, agencies):
    portal = agencies[PORTAL]
    fine, other = unpaid_fine(registries_server, 0), unpaid_fine(registries_server, 1)
    request = write_for(portal, fine)
    assert post_write(registries_server, portal, request)[1]["status"] == "ok"
    conflicting = write_for(portal, other, request_id=request.request_id)
    status, answer = post_write(registries_server, portal, conflicting)
    assert (status, answer["error"]["code"]) == (409, "idempotency_conflict")
    assert violation(registries_server, other["violation_id"])["status"] == "unpaid"


def test_a_replayed_write_is_refused_before_anything_is_written(registries_server, agencies):
    portal = agencies[PORTAL]
    fine = unpaid_fine(registries_server, 0)
    request = write_for(portal, fine)
    token = protocol.sign(request.claims(), portal.key, typ=protocol.WRITE_TYPE)
    assert post_write(registries_server, portal, request, token=token)[1]["status"] == "ok"
    status, answer = post_write(registries_server, portal, request, token=token)
    assert (status, answer["error"]["code"]) == (409, "replay")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"legal_basis": "qd-06-2022"}, 403, "not_covered_by_legal_basis"),
        ({"legal_basis": "no-such-law"}, 403, "unknown_legal_basis"),
        ({"procedure": "birth-registration"}, 403, "not_covered_by_legal_basis"),
        ({"operation": "delete_fine"}, 400, "unknown_operation"),
        ({"registry": "population"}, 400, "unknown_operation"),
        ({"subject": "29-E2 168.79"}, 400, "invalid_subject"),
        ({"body": {"violation_id": "X"}}, 400, "invalid_write"),
    ],
)
def test_a_write_the_policy_or_the_operation_does_not_allow_is_refused(
    registries_server, agencies, change, status, code
):
    portal = agencies[PORTAL]
    fine = unpaid_fine(registries_server, 0)
    answer = post_write(registries_server, portal, write_for(portal, fine, **change))
    assert (answer[0], answer[1]["error"]["code"]) == (status, code)
    assert violation(registries_server, fine["violation_id"])["status"] == "unpaid"


def test_another_agency_type_may_not_write_and_a_read_token_is_not_a_write(registries_server, agencies):
    committee = agencies[COMMITTEE]
    fine = unpaid_fine(registries_server, 0)
    status, answer = post_write(registries_server, committee, write_for(committee, fine))
    assert (status, answer["error"]["code"]) == (403, "not_covered_by_legal_basis")
    # a read request signed as such, posted to the write endpoint: the wrong message type
    read = signed(committee, request_for(committee))
    response = httpx.post(f"{registries_server.base_url}/v1/traffic_fines/write", content=read)
    assert verified_answer(registries_server, response.text)["error"]["code"] == "malformed_request"
    assert violation(registries_server, fine["violation_id"])["status"] == "unpaid"


def test_a_forged_write_is_refused_and_logged_unverified(registries_server, agencies):
    portal = agencies[PORTAL]
    fine = unpaid_fine(registries_server, 0)
    request = write_for(portal, fine)
    forger = Agency(PORTAL, "portal")  # claims to be the portal, with a key nobody registered
    status, answer = post_write(registries_server, forger, request)
    assert (status, answer["error"]["code"]) == (401, "unknown_key")
    [entry] = registries_server.log_entries(
        request_digest=protocol.digest(protocol.sign(request.claims(), forger.key, typ=protocol.WRITE_TYPE))
    ) or [None]
    assert entry is None or not entry["is_verified"]
    assert violation(registries_server, fine["violation_id"])["status"] == "unpaid"


def test_a_wrong_amount_or_a_second_payment_is_rejected(registries_server, agencies):
    portal = agencies[PORTAL]
    fine = unpaid_fine(registries_server, 0)
    body = write_for(portal, fine).body
    wrong = write_for(portal, fine, body={**body, "amount_vnd": int(fine["fine_vnd"]) - 1})
    status, answer = post_write(registries_server, portal, wrong)
    assert (status, answer["error"]["code"]) == (409, "write_rejected")
    assert post_write(registries_server, portal, write_for(portal, fine))[1]["status"] == "ok"
    second = write_for(portal, fine, body={**body, "payment_reference": "PAY-OTHER"})
    status, answer = post_write(registries_server, portal, second)
    assert (status, answer["error"]["code"]) == (409, "write_rejected")
    assert (
        violation(registries_server, fine["violation_id"])["payment_reference"] == body["payment_reference"]
    )


def test_a_fine_of_someone_else_is_not_found(registries_server, agencies):
    portal = agencies[PORTAL]
    fine = unpaid_fine(registries_server, 0)
    status, answer = post_write(registries_server, portal, write_for(portal, fine, subject=MINH))
    assert (status, answer["status"]) == (200, "not_found")


def test_a_person_reads_their_fines_by_id_or_by_their_own_plate_only(registries_server, agencies):
    portal = agencies[PORTAL]
    fields = ("violation_id", "plate", "fine_vnd", "status", "offence", "payment")
    common = {"registry": "traffic_fines", "procedure": "traffic-fine-payment", "legal_basis": "nd-118-2021",
              "purpose": "Tra cứu phạt nguội", "fields": fields}  # fmt: skip
    status, answer = send(registries_server, signed(portal, request_for(portal, **common)), "traffic_fines")
    assert (status, answer["status"]) == (200, "ok")
    demo = {
        fine["violation_id"]: fine for fine in answer["data"] if fine["violation_id"].startswith("VPDEMO")
    }
    assert sorted(demo) == ["VPDEMO000001", "VPDEMO000002", "VPDEMO000003"]
    assert demo["VPDEMO000003"]["status"] == "paid"
    assert demo["VPDEMO000003"]["payment"]["reference"]
    assert all(fine["plate"] == MINH_PLATE for fine in demo.values())
    by_plate = request_for(portal, subject=MINH_PLATE, requester=MINH, **common)
    status, answer = send(registries_server, signed(portal, by_plate), "traffic_fines")
    assert answer["status"] == "ok"
    assert {fine["plate"] for fine in answer["data"]} == {MINH_PLATE}
    [entry] = registries_server.log_entries(request_id=by_plate.request_id)
    assert entry["subject_id"] == MINH
    assert entry["detail"]["plate"] == MINH_PLATE
    # somebody else's plate: refused, with nothing about the vehicle
    other = unpaid_fine(registries_server, 0)
    [row] = registries_server.query(
        "SELECT plate FROM registry_data_traffic_violation WHERE violation_id = ?", other["violation_id"]
    )
    foreign = request_for(portal, subject=row["plate"], requester=MINH, **common)
    status, answer = send(registries_server, signed(portal, foreign), "traffic_fines")
    assert (status, answer["error"]["code"], answer["data"]) == (403, "not_related", None)


def test_the_owner_sees_the_write_in_who_used_my_data(registries_server, agencies):
    portal = agencies[PORTAL]
    fine = unpaid_fine(registries_server, 0)
    request = write_for(portal, fine, dossier="payment-seen")
    assert post_write(registries_server, portal, request)[1]["status"] == "ok"
    log_request = AccessLogRequest(
        agency=PORTAL, subject=fine["owner_id"], legal_basis="luat-bvdlcn-2025",
        purpose="Người dân xem ai đã dùng dữ liệu của mình", request_id=str(uuid.uuid4()),
    )  # fmt: skip
    token = protocol.sign(log_request.claims(), portal.key, typ=protocol.REQUEST_TYPE)
    response = httpx.post(f"{registries_server.base_url}/v1/access-log", content=token)
    entries = verified_answer(registries_server, response.text)["data"]["entries"]
    [entry] = [e for e in entries if e["dossier"] == "payment-seen"]
    assert (entry["registry"], entry["outcome"], entry["operation"]) == (
        "traffic_fines",
        "written",
        "mark_paid",
    )
    assert entry["agency_code"] == PORTAL


def birth_for(agency: Agency, father: str, mother: str, **body: Any) -> WriteRequest:
    return WriteRequest(
        agency=agency.code,
        registry="population",
        procedure="birth-registration",
        dossier=f"HS-{uuid.uuid4().hex[:8]}",
        purpose="Đăng ký khai sinh, cấp số định danh cá nhân",
        legal_basis="nd-63-2024",
        subject=father,
        operation="register_birth",
        body={
            "full_name": "Nguyễn Minh Khang",
            "date_of_birth": "2026-10-20",
            "sex": "male",
            "birth_commune_code": "00004",
            "registration_number": "KS-2026-000123",
            "registered_on": "2026-11-02",
            "father_personal_id": father,
            "mother_personal_id": mother,
            **body,
        },
        request_id=str(uuid.uuid4()),
    )


def a_couple(server: RegistriesServer) -> tuple[str, str]:
    """A generated married couple (not the demo people, whose family other tests count)."""
    [row] = server.query(
        "SELECT personal_id, spouse_personal_id FROM registry_data_person WHERE sex = 'male' "
        "AND status = 'living' AND spouse_personal_id IS NOT NULL AND personal_id NOT IN (?, ?) "
        "ORDER BY personal_id DESC LIMIT 1",
        MINH,
        DIRECTOR,
    )
    return row["personal_id"], row["spouse_personal_id"]


def test_a_birth_registered_by_the_commune_gets_a_personal_id_number_issued_once(registries_server, agencies):
    committee = agencies[COMMITTEE]
    father, mother = a_couple(registries_server)
    status, answer = post_write(registries_server, committee, birth_for(committee, father, mother))
    assert (status, answer["status"]) == (200, "ok"), answer
    child = answer["data"]
    parsed = parse_personal_id(child["personal_id"])
    assert (parsed.province_code, parsed.birth_year, parsed.sex) == ("001", 2026, "male")
    assert (child["full_name"], child["father_personal_id"], child["mother_personal_id"]) == (
        "Nguyễn Minh Khang",
        father,
        mother,
    )
    [row] = registries_server.query(
        "SELECT birth_registration_number, status FROM registry_data_person WHERE personal_id = ?",
        child["personal_id"],
    )
    assert row == {"birth_registration_number": "KS-2026-000123", "status": "living"}
    # the same child declared again (another request): the number issued then, no second person
    status, again = post_write(registries_server, committee, birth_for(committee, father, mother))
    assert again["data"]["personal_id"] == child["personal_id"]
    assert registries_server.query(
        "SELECT COUNT(*) AS n FROM registry_data_person WHERE full_name = ?", "Nguyễn Minh Khang"
    ) == [{"n": 1}]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"sex": "x"}, "invalid_write"),
        ({"birth_commune_code": "99999"}, "invalid_write"),
        ({"father_personal_id": "", "mother_personal_id": ""}, "invalid_write"),  # the subject is no parent
        ({"date_of_birth": "2026-11-03"}, "write_rejected"),  # born after the registration
    ],
)
def test_a_birth_the_records_or_the_body_do_not_allow_is_refused(registries_server, agencies, change, code):
    committee = agencies[COMMITTEE]
    answer = post_write(registries_server, committee, birth_for(committee, MINH, "", **change))[1]
    assert answer["error"]["code"] == code
    # the portal may not register births at all
    portal = agencies[PORTAL]
    answer = post_write(registries_server, portal, birth_for(portal, MINH, ""))[1]
    assert answer["error"]["code"] == "not_covered_by_legal_basis"
