"""Paging numbers are bounded: a huge offset (found by the fuzz test: SQLite failed with
"datatype mismatch", a 500) is refused with a 422 naming the parameter in ``fields``."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = "388031636346066260438548480"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/units/agencies?offset={HUGE}",
        f"/api/v1/procedures?offset={HUGE}",
        "/api/v1/units/agencies?limit=638533",
        "/api/v1/procedures?limit=0",
    ],
)
def test_out_of_range_paging_is_a_validation_error(client, url):
    response = client.get(url)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert set(body["fields"]) <= {"offset", "limit"}
    assert body["fields"]


def test_the_largest_offset_is_an_empty_page(client):
    response = client.get("/api/v1/units/agencies?offset=2147483647")
    assert response.status_code == 200
    assert response.json()["items"] == []
