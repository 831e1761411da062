"""``/api/v1/metrics/targets``: a scope's Plan 02 targets with progress (officials), set by the
supervising level only (audited, old and new values), refusals as ``{code, message}`` in the
caller's language with nothing changed."""

from __future__ import annotations

from decimal import Decimal

from motcua.core.models import AuditEntry
from motcua.identity.models import Role
from motcua.metrics.models import Target
from tests.identity.world import AGENCY_A, make_official, official_client
from tests.metrics.world import Office, dispatch, this_month

PROVINCE_AGENCY = "UBNDT.01"
BODY = {"target_percent": "90", "leader_name": "Phó Chủ tịch Lê Văn Hòa", "due_on": "2026-12-31"}


def _query() -> str:
    return f"scope=commune&code=00004&period_kind=month&period={this_month():%Y-%m}"


def test_officials_read_the_targets_with_progress_and_the_defaults(office: Office):
    office.withdraw(office.submit().code)
    dispatch()
    _user, key = make_official("lanhdao.api", [(Role.APPROVER, AGENCY_A)])
    client = official_client("lanhdao.api", key)
    response = client.get(f"/api/v1/metrics/targets?{_query()}")
    assert response.status_code == 200
    body = response.json()
    assert (body["scope"]["code"], body["period"], body["mayEdit"]) == (
        "00004",
        f"{this_month():%Y-%m}",
        False,
    )
    by_id = {t["indicator"]: t for t in body["targets"]}
    assert set(by_id) == {"3.0", "3.1", "4.1", "4.3", "5.4", "C.2"}  # the plan's defaults
    assert (by_id["5.4"]["target"], by_id["5.4"]["isDefault"]) == (95.0, True)
    assert (by_id["5.4"]["ratio"], by_id["5.4"]["behind"]) == (100.0, False)
    one = client.get(f"/api/v1/metrics/targets/5.4?{_query()}")
    assert one.json() == by_id["5.4"]
    missing = client.get(f"/api/v1/metrics/targets/2.1?{_query()}", HTTP_ACCEPT_LANGUAGE="vi")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_the_provinces_supervisor_sets_a_target_through_the_api_and_it_is_audited(office: Office):
    _user, key = make_official("giamsat.api", [(Role.SUPERVISOR, PROVINCE_AGENCY)])
    client = official_client("giamsat.api", key)
    assert client.get(f"/api/v1/metrics/targets?{_query()}").json()["mayEdit"] is True
    response = client.put(f"/api/v1/metrics/targets/2.1?{_query()}", BODY, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["target"], body["leader"], body["dueOn"], body["isDefault"]) == (
        90.0,
        "Phó Chủ tịch Lê Văn Hòa",
        "2026-12-31",
        False,
    )
    target = Target.objects.get()
    assert (target.scope_code, target.indicator, target.target_percent) == ("00004", "2.1", Decimal("90.00"))
    client.put(
        f"/api/v1/metrics/targets/2.1?{_query()}",
        {**BODY, "target_percent": "85.5"},
        content_type="application/json",
    )
    entry = AuditEntry.objects.filter(type="metrics.target_set").last()
    assert entry.changes["target_percent"] == ["90.00", "85.5"]
    assert client.get(f"/api/v1/metrics/targets/2.1?{_query()}").json()["target"] == 85.5


def test_others_are_refused_in_their_language_and_nothing_changes(office: Office):
    _user, key = make_official("lanhdao.api2", [(Role.APPROVER, AGENCY_A)])
    leader = official_client("lanhdao.api2", key)
    refused = leader.put(
        f"/api/v1/metrics/targets/2.1?{_query()}",
        BODY,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert "cấp" in refused.json()["message"]  # in Vietnamese
    _user, key = make_official("giamsat.api2", [(Role.SUPERVISOR, PROVINCE_AGENCY)])
    supervisor = official_client("giamsat.api2", key)
    own_province = supervisor.put(
        "/api/v1/metrics/targets/2.1?scope=province&code=01", BODY, content_type="application/json"
    )
    assert own_province.status_code == 403  # the province's own targets are set above it
    not_an_indicator = supervisor.put(
        f"/api/v1/metrics/targets/1.1?{_query()}", BODY, content_type="application/json"
    )
    assert (not_an_indicator.status_code, not_an_indicator.json()["code"]) == (400, "invalid_input")
    too_high = supervisor.put(
        f"/api/v1/metrics/targets/2.1?{_query()}",
        {**BODY, "target_percent": "150"},
        content_type="application/json",
    )
    assert too_high.status_code == 422
    assert set(too_high.json()) >= {"code", "message"}
    assert not Target.objects.exists()
    assert not AuditEntry.objects.filter(type="metrics.target_set").exists()
