"""The pages read precomputed summaries (ADR 0059): kept by the handler with the counters, equal
to the report computed from the counters, and enough on their own for the ranking and the
dashboard (the equality with the recomputed summaries is in test_recompute.py)."""

from __future__ import annotations

from django.test import Client

from motcua.identity.models import Role
from motcua.metrics import selectors
from motcua.metrics.models import Counter, DossierFact, Summary
from motcua.metrics.periods import Period
from tests.identity.world import AGENCY_A, AGENCY_B, make_official, official_client
from tests.metrics.world import Office, dispatch, this_month


def test_the_handler_keeps_each_scopes_summary_equal_to_its_counters(office: Office):
    office.withdraw(office.submit().code)
    office.decide(office.submit().code, Role.RECEPTION, "accept")
    dispatch()
    month = Period("month", this_month())
    for scope in (selectors.NATION, selectors.Scope("province", "01"), selectors.Scope("commune", "00004")):
        row = Summary.objects.get(
            scope_kind=scope.kind, scope_code=scope.code, period_kind="month", period_start=month.start
        )
        from_counters = selectors.build_report(scope, month, selectors.counter_values(scope, month))
        assert row.total == from_counters.total, scope
        assert row.values["received"] == 2
        progress = from_counters.result("2.1").figure
        assert row.figures["2.1"] == [progress.numerator, progress.denominator]
        assert progress.denominator == 2
        assert selectors.report(scope, month).total == from_counters.total


def test_a_transfer_moves_the_summary_to_the_new_commune(office: Office):
    code = office.submit().code
    dispatch()
    month = this_month()
    assert Summary.objects.filter(scope_kind="commune", scope_code="00004", period_start=month).exists()
    office.decide(code, Role.RECEPTION, "transfer", agency_code=AGENCY_B)
    dispatch()
    assert not Summary.objects.filter(scope_kind="commune", scope_code="00004").exists()
    moved = Summary.objects.get(
        scope_kind="commune", scope_code="00008", period_kind="month", period_start=month
    )
    assert moved.values["received"] == 1


def test_the_pages_read_only_the_summaries(office: Office, django_assert_max_num_queries):
    office.withdraw(office.submit().code)
    dispatch()
    month = Period("month", this_month())
    nation = selectors.report(selectors.NATION, month)
    assert nation.result("2.1").figure.denominator == 1
    # without counters and facts, the summaries still give the same figures
    Counter.objects.all().delete()
    DossierFact.objects.all().delete()
    assert selectors.report(selectors.NATION, month).total == nation.total
    selectors.province_ranking(month)  # warm the catalog measures of empty provinces
    with django_assert_max_num_queries(4):  # provinces, this period, the five before (+ nothing per province)
        ranking = selectors.province_ranking(month)
    assert ranking[0].code == "01"
    assert ranking[0].report.total == selectors.report(selectors.Scope("province", "01"), month).total
    body = Client().get("/chi-so-766/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Hà Nội" in body.split("<tbody>")[1].split("</tr>")[0]
    _user, key = make_official("leader.sum", [(Role.APPROVER, AGENCY_A)])
    page = official_client("leader.sum", key).get(
        f"/can-bo/chi-so-766/?scope=province&code=01&period={month.label}"
    )
    assert page.status_code == 200
    assert page.context["report"].total == ranking[0].report.total
    assert [scope.code for scope, _name, _r in page.context["children"]] == ["00004"]


def test_the_public_page_says_the_band_cut_offs_are_the_platforms_convention(office: Office):
    body = Client().get("/chi-so-766/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "quy ước của nền tảng, không phải ngưỡng chính thức" in body
    assert '<a href="#bands">' in body
