"""``/api/v1/metrics``: the NPSP-shaped report, the ranking, the refusals in the caller's language,
and the dossiers behind a number scoped to the official's agencies."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.identity.models import Role
from tests.identity.world import AGENCY_A, AGENCY_B, OFFICIAL_PASSWORD, make_official, official_client
from tests.metrics.world import Office, dispatch, this_month


def test_the_report_has_the_npsp_shape_with_each_groups_metrics(office: Office):
    office.withdraw(office.submit().code)  # ended on its appointment day: on time
    dispatch()
    month = this_month().strftime("%Y-%m")
    response = Client().get(
        f"/api/v1/metrics/report?scope=commune&code=00004&period_kind=month&period={month}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["scope"]["code"] == "00004"
    assert body["period"]["timeType"] == "month"
    assert [g["id"] for g in body["groups"]] == [
        "transparency",
        "dvc-progress-tree",
        "provide-online-tree",
        "formality-online-payment-tree",
        "dossier-digitized",
        "handling-satisfaction",
    ]
    progress = body["groups"][1]["metrics"][0]
    assert (progress["id"], progress["numerator"], progress["denominator"]) == ("2.1", 1, 1)
    assert (progress["ratio"], progress["score"], progress["maxScore"]) == (100.0, 20.0, 20.0)
    announced = body["groups"][0]["metrics"][0]
    assert announced["computable"] is False
    assert announced["ratio"] is None
    assert announced["notComputableReason"]


@pytest.mark.django_db
def test_bad_periods_and_scopes_are_refused_in_the_callers_language():
    response = Client().get(
        "/api/v1/metrics/report?period_kind=month&period=2026-13", HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    response = Client().get("/api/v1/metrics/report?scope=province&code=99")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_ranking_lists_every_province_best_first(office: Office):
    office.submit()
    dispatch()
    ranking = Client().get("/api/v1/metrics/ranking").json()
    assert ranking[0]["code"] == "01"  # the only province with dossiers
    assert [r["rank"] for r in ranking] == list(range(1, len(ranking) + 1))
    assert ranking[0]["score"] > ranking[1]["score"]
    assert len(ranking[0]["history"]) == 5


def test_the_dossiers_behind_a_number_are_only_those_the_official_may_see(office: Office):
    a = office.submit().code
    b = office.submit().code
    office.decide(b, Role.RECEPTION, "transfer", agency_code=AGENCY_B)
    dispatch()
    _user, key_a = make_official("only.a", [(Role.HANDLER, AGENCY_A)])
    _user, key_b = make_official("only.b", [(Role.HANDLER, AGENCY_B)])
    url = "/api/v1/metrics/dossiers?scope=province&code=01&key=received"
    assert [d["code"] for d in official_client("only.a", key_a).get(url).json()] == [a]
    assert [d["code"] for d in official_client("only.b", key_b).get(url).json()] == [b]
    assert Client().get(url).status_code == 401
    assert OFFICIAL_PASSWORD  # the officials signed in with it
