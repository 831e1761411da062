"""The index's pages: the public ranking, the exports, the leaders' dashboard with its SVG charts
and data tables (no script), the drill-down and the scoped list of dossiers."""

from __future__ import annotations

import csv
import io
import zipfile

from django.test import Client

from motcua.identity.models import Role
from tests.identity.world import AGENCY_A, AGENCY_B, make_official, official_client
from tests.metrics.world import Office, dispatch, this_month


def test_the_public_index_ranks_the_provinces_in_vietnamese(office: Office):
    office.withdraw(office.submit().code)
    dispatch()
    response = Client().get("/chi-so-766/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script" not in body
    first_row = body.split("<tbody>")[1].split("</tr>")[0]
    assert "Hà Nội" in first_row  # the only province with dossiers comes first
    assert response.context["ranking"][0].code == "01"


def test_the_exports_hold_every_indicator(office: Office):
    office.withdraw(office.submit().code)
    dispatch()
    query = f"scope=commune&code=00004&period_kind=month&period={this_month():%Y-%m}"
    response = Client().get(f"/chi-so-766/bao-cao.csv?{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["scope", "scope_code", "period", "group", "indicator"]
    progress = next(row for row in rows if row[4] == "2.1")
    assert progress[7:11] == ["1", "1", "100.00", "20.00"]
    announced = next(row for row in rows if row[4] == "1.1")
    assert announced[9] == ""  # not computable: no ratio …
    assert announced[12].startswith("Danh mục chưa lưu")  # … and says why (in Vietnamese by default)
    xlsx = Client().get(f"/chi-so-766/bao-cao.xlsx?{query}")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
        assert b"DVC_PROGRESS_ON_TIME" in book.read("xl/sharedStrings.xml")
    assert Client().get("/chi-so-766/bao-cao.csv?scope=province&code=99").status_code == 404


def test_the_dashboard_draws_accessible_charts_with_tables_and_drills_down(office: Office):
    a = office.submit().code
    b = office.submit().code
    office.decide(b, Role.RECEPTION, "transfer", agency_code=AGENCY_B)
    dispatch()
    _user, key = make_official("leader.a", [(Role.APPROVER, AGENCY_A)])
    client = official_client("leader.a", key)
    home = client.get("/can-bo/chi-so-766/")
    assert home.context["scope"].code == "00004"  # the official's own commune first
    nation = client.get("/can-bo/chi-so-766/?scope=nation&code=VN").content.decode()
    assert nation.count('role="img"') == 5
    assert (
        nation.count("<figure") == nation.count("<table>") - 6 - 1
    )  # a table per chart; 6 groups, 1 by unit
    assert "<script" not in nation
    province = client.get("/can-bo/chi-so-766/?scope=province&code=01")
    assert [child.code for child, _name, _report in province.context["children"]] == ["00004", "00008"]
    commune = client.get("/can-bo/chi-so-766/?scope=commune&code=00004")
    assert [code for code, _report in commune.context["procedures"]] == ["birth-registration"]
    listed = client.get("/can-bo/chi-so-766/ho-so/?scope=province&code=01&key=received")
    assert [d.code for d in listed.context["dossiers"]] == [a]  # b is at ward B: not theirs to see
    _user, key_b = make_official("leader.b", [(Role.APPROVER, AGENCY_B)])
    listed_b = official_client("leader.b", key_b).get("/can-bo/chi-so-766/ho-so/?scope=province&code=01")
    assert [d.code for d in listed_b.context["dossiers"]] == [b]
