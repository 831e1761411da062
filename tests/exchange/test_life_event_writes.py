"""The writes of a procedure's approved result (ADR 0061) against the real registries, through
the platform's outbox: a death marks the person deceased, closes their residence and widows the
spouse; a marriage records both parties; each is allowed by the registries' policy only to the
agency type and legal basis it names, refused with its reason otherwise (kept for an official,
never lost), applied once however often it is sent, and shown to the person in "who used my
data"."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import translation

from motcua.core.actors import SYSTEM
from motcua.exchange import selectors, writes
from motcua.exchange.models import RegistryWrite, WriteStatus
from tests.exchange.server import RegistriesServer
from tests.identity.world import applicant_actor, make_applicant

COMMUNE = "UBND.00004"
POLICE = "CAX.00004"


def queue(registry: str, operation: str, subject: str, body: dict, **overrides: str) -> RegistryWrite:
    procedure, basis = {
        "register_death": ("death-registration", "nd-63-2024"),
        "register_marriage": ("marriage-registration", "luat-ho-tich-2014"),
        "register_permanent_residence": ("permanent-residence-registration", "luat-cu-tru-2020"),
    }[operation]
    arguments = {
        "agency_code": COMMUNE,
        "procedure_code": procedure,
        "dossier_ref": f"TEST-{operation}",
        "legal_basis_code": basis,
        "purpose": "Kiểm thử",
        **overrides,
    }
    return writes.queue_write(
        actor=SYSTEM, registry=registry, operation=operation, subject=subject, body=body, **arguments
    )


def married_couple(server: RegistriesServer) -> tuple[str, str]:
    """A living married couple, both in a household, that no other test writes about."""
    [row] = server.query(
        "SELECT p.personal_id, p.spouse_personal_id FROM registry_data_person p "
        "JOIN registry_data_person s ON s.personal_id = p.spouse_personal_id "
        "WHERE p.status = 'living' AND s.status = 'living' AND p.sex = 'male' "
        "AND p.household_number IS NOT NULL AND p.personal_id NOT LIKE ? "
        "ORDER BY p.personal_id DESC LIMIT 1",
        "0010860%",  # not the demo people
    )
    return row["personal_id"], row["spouse_personal_id"]


def single(server: RegistriesServer, sex: str) -> str:
    [row] = server.query(
        "SELECT personal_id FROM registry_data_person WHERE status = 'living' AND sex = ? "
        "AND marital_status = 'single' AND spouse_personal_id IS NULL AND date_of_birth < '2006-01-01' "
        "ORDER BY personal_id LIMIT 1",
        sex,
    )
    return str(row["personal_id"])


def singles(server: RegistriesServer) -> tuple[str, str]:
    return single(server, "male"), single(server, "female")


def person(server: RegistriesServer, personal_id: str) -> dict:
    [row] = server.query(
        "SELECT status, died_on, household_number, marital_status, spouse_personal_id, residence_history "
        "FROM registry_data_person WHERE personal_id = ?",
        personal_id,
    )
    if isinstance(row["residence_history"], str):
        row["residence_history"] = json.loads(row["residence_history"])
    row["died_on"] = str(row["died_on"])[:10] if row["died_on"] else None
    return row


def feed(server: RegistriesServer, subject: str) -> list[tuple[str, str, str]]:
    """The changes the registries' feeds (ADR 0063) hold about ``subject``, in order."""
    rows = server.query(
        "SELECT registry, kind, occurred_on FROM registries_change WHERE subject_id = ? ORDER BY id", subject
    )
    return [(row["registry"], row["kind"], str(row["occurred_on"])[:10]) for row in rows]


def test_a_death_written_back_closes_the_residence_and_widows_the_spouse_once(exchange):
    husband, wife = married_couple(exchange)
    before = person(exchange, husband)
    household = before["household_number"]
    body = {"date_of_death": "2026-11-02", "registered_on": "2026-11-05", "commune_code": "00004"}
    write = queue("population", "register_death", husband, body)
    assert person(exchange, husband)["status"] == "living"  # queued, not sent
    done = writes.send_write(str(write.public_id))
    assert done.status == WriteStatus.DONE, (done.error_code, done.error_message)
    assert isinstance(done.result, dict)
    assert done.result["status"] == "deceased"
    after = person(exchange, husband)
    assert (after["status"], after["died_on"], after["household_number"]) == ("deceased", "2026-11-02", None)
    last = after["residence_history"][-1]
    assert (last["kind"], last["to"]) == ("permanent", "2026-11-02")
    assert len(after["residence_history"]) == len(before["residence_history"] or []) + 1
    assert person(exchange, wife)["marital_status"] == "widowed"
    assert person(exchange, wife)["spouse_personal_id"] is None
    assert household is not None
    assert feed(exchange, husband) == [("civil_status", "death_registered", "2026-11-05")]
    # sent again (an official's retry of an answered write, a new request id for the same death):
    # nothing changes, and the same death on another day is refused with the registry's reason
    assert writes.send_write(str(write.public_id)).attempts == 1
    again = writes.send_write(str(queue("population", "register_death", husband, body).public_id))
    assert again.status == WriteStatus.DONE
    assert person(exchange, husband)["residence_history"] == after["residence_history"]
    other_day = queue("population", "register_death", husband, {**body, "date_of_death": "2026-11-01"})
    refused = writes.send_write(str(other_day.public_id))
    assert (refused.status, refused.error_code) == (WriteStatus.REFUSED, "write_rejected")
    assert "another date" in refused.error_message
    assert person(exchange, husband)["died_on"] == "2026-11-02"
    # listed for the commune's officials until one resolves it; never deleted
    resolved = writes.resolve_write(actor=SYSTEM, write=refused, note="Đã đối chiếu: ngày mất đúng là 02/11.")
    assert resolved.status == WriteStatus.RESOLVED
    entries = exchange.log_entries(request_id=str(write.public_id))
    assert [(e["outcome"], e["subject_id"], e["detail"]["operation"]) for e in entries] == [
        ("written", husband, "register_death")
    ]


def test_a_marriage_is_written_for_both_and_a_second_one_is_refused(exchange):
    man, woman = singles(exchange)
    body = {"spouse_personal_id": woman, "registered_on": "2026-10-10", "commune_code": "00004"}
    write = queue("civil_status", "register_marriage", man, body)
    done = writes.send_write(str(write.public_id))
    assert done.status == WriteStatus.DONE, (done.error_code, done.error_message)
    assert isinstance(done.result, dict)
    assert done.result["marriage"]["spouse_personal_id"] == woman
    assert (person(exchange, man)["marital_status"], person(exchange, man)["spouse_personal_id"]) == (
        "married",
        woman,
    )
    assert person(exchange, woman)["spouse_personal_id"] == man
    [row] = exchange.query(
        "SELECT registered_on FROM registry_data_marriage "
        "WHERE husband_personal_id = ? AND wife_personal_id = ?",
        man,
        woman,
    )
    assert str(row["registered_on"])[:10] == "2026-10-10"
    # the same marriage again: the record, unchanged; another marriage of a married person: refused
    assert writes.send_write(str(queue("civil_status", "register_marriage", man, body).public_id)).status == (
        WriteStatus.DONE
    )
    assert len(exchange.query("SELECT 1 FROM registry_data_marriage WHERE husband_personal_id = ?", man)) == 1
    # in the civil-status change feed once for each spouse (ADR 0063), not again for the repeat
    married = [("civil_status", "marriage_registered", "2026-10-10")]
    assert feed(exchange, man) == feed(exchange, woman) == married
    other_man = singles(exchange)[0]
    bigamy = queue("civil_status", "register_marriage", other_man, {**body, "registered_on": "2026-10-11"})
    refused = writes.send_write(str(bigamy.public_id))
    assert (refused.status, refused.error_code) == (WriteStatus.REFUSED, "write_rejected")
    assert woman in refused.error_message
    assert person(exchange, other_man)["marital_status"] == "single"


def test_the_policy_allows_each_write_only_to_its_agency_type(exchange):
    husband, _wife = married_couple(exchange)
    write = queue(
        "population",
        "register_death",
        husband,
        {"date_of_death": "2026-11-02", "registered_on": "2026-11-05", "commune_code": "00004"},
        agency_code=POLICE,
    )
    refused = writes.send_write(str(write.public_id))
    assert (refused.status, refused.error_code) == (WriteStatus.REFUSED, "not_covered_by_legal_basis")
    assert person(exchange, husband)["status"] == "living"
    [entry] = exchange.log_entries(request_id=str(write.public_id))
    assert (entry["outcome"], entry["error_code"]) == ("refused", "not_covered_by_legal_basis")
    # the official of the police sees it, retries it (same request id), still refused: nothing written
    retried = writes.retry_write(actor=SYSTEM, write=refused)
    assert writes.send_write(str(retried.public_id)).status == WriteStatus.REFUSED
    assert person(exchange, husband)["status"] == "living"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_person_sees_the_write_in_who_used_my_data(exchange, language):
    man, woman = singles(exchange)
    write = queue(
        "civil_status",
        "register_marriage",
        man,
        {"spouse_personal_id": woman, "registered_on": "2026-09-09", "commune_code": "00004"},
    )
    assert writes.send_write(str(write.public_id)).status == WriteStatus.DONE
    [row] = exchange.query(
        "SELECT full_name, date_of_birth FROM registry_data_person WHERE personal_id = ?", man
    )
    born = row["date_of_birth"]
    actor = applicant_actor(
        make_applicant(
            man,
            row["full_name"],
            born if isinstance(born, datetime.date) else datetime.date.fromisoformat(born),
        )
    )
    with translation.override(language):
        history = selectors.data_access_history(actor)
    # (a single person's only accepted write: an earlier test may have been refused about them)
    [access] = [a for a in history.accesses if a.outcome == "written"]
    assert access.dossier_ref == "TEST-register_marriage"
    assert access.fields == [{"vi": "Đã đăng ký kết hôn", "en": "Marriage registered"}[language]]
