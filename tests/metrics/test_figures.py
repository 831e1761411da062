"""The figures computed from the events of dossiers driven through the real dossier services,
checked against hand-computed values, and the outbox handler's exactly-once delivery."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from motcua import catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import Event, EventDelivery
from motcua.dossiers.events import DossierEvent
from motcua.identity.models import Role
from motcua.metrics import selectors, services
from motcua.metrics.models import Counter, DossierFact, ScopeKind
from motcua.metrics.periods import Period
from tests.identity.world import AGENCY_B
from tests.metrics.world import Office, counter_rows, dispatch, this_month


def four_histories(office: Office) -> dict[str, str]:
    """A: returned with its electronic result; B: waiting for a supplement; C: withdrawn;
    D: late, apologised for, then approved."""
    a, b, c, d = (office.submit().code for _ in range(4))
    for role, decision in (
        (Role.RECEPTION, "accept"),
        (Role.HANDLER, "propose"),
        (Role.APPROVER, "approve"),
        (Role.RECEPTION, "return"),
    ):
        office.decide(a, role, decision)
    office.supplement_request(b, Role.RECEPTION)
    office.withdraw(c)
    late = office.apologise(d)
    office.decide(d, Role.RECEPTION, "accept", today=late)
    office.decide(d, Role.HANDLER, "propose", today=late)
    office.decide(d, Role.APPROVER, "approve", today=late)
    return {"a": a, "b": b, "c": c, "d": d}


def test_four_dossiers_give_the_hand_computed_figures(office):
    four_histories(office)
    dispatch()
    month = Period("month", this_month())
    values = selectors.counter_values(selectors.NATION, month)
    assert values["received"] == 4
    assert values["channel_online"] == 4
    # 2.1: A, B (its supplement request ends it, on its date), C (withdrawn on time) on time; D late
    assert (values["progress_total"], values["progress_on_time"]) == (4, 3)
    assert values["late"] == 1
    # 4.1: A and D approved, both with their electronic result (a birth extract)
    assert (values["result_required"], values["result_electronic"]) == (2, 2)
    assert values["completed"] == 2
    assert values["digitised"] == 2  # uploads and an electronic result: A and D
    assert values["personal_store"] == 1  # A's result returned into the wallet
    assert "reused" not in values  # every birth-registration component was uploaded
    report = selectors.report(selectors.NATION, month)
    got = {
        r.indicator.id: (r.figure.ratio, r.figure.score) if r.figure else "n/c"
        for g in report.groups
        for r in g.results
    }
    assert got["2.1"] == (Decimal("75.00"), Decimal("15.00"))
    assert got["4.1"] == (Decimal("100.00"), Decimal("6.00"))
    assert got["4.2"] == (Decimal("50.00"), Decimal("2.50"))
    assert got["4.3"] == (Decimal("0.00"), Decimal("0.00"))
    assert got["4.4"] == (Decimal("25.00"), Decimal("1.00"))
    assert got["5.4"] == (Decimal("75.00"), Decimal("5.00"))  # 100% − (25% late + 0% unhappy)
    assert got["5.2"] == (None, Decimal("6.00"))  # no petitions: full points
    assert got["3.6"] == (None, None)  # no fee-bearing dossier: no figure, not zero
    assert got["1.1"] == "n/c"
    assert got["1.4"] == "n/c"
    # the ward, its province and the sector see the same dossiers; the other ward none
    for scope in (("commune", "00004"), ("province", "01"), ("sector", "civil-status")):
        assert selectors.counter_values(selectors.Scope(*scope), month)["received"] == 4, scope
    assert selectors.counter_values(selectors.Scope("commune", "00008"), month) == {}


def test_each_event_is_folded_once_and_a_second_fold_changes_nothing(office):
    office.submit()
    dispatch()
    before = counter_rows()
    event = Event.objects.get(type=DossierEvent.DOSSIER_SUBMITTED)
    assert EventDelivery.objects.filter(event=event, handler="metrics.index").count() == 1
    services.apply_event(event)  # delivered again (a retry after a crash)
    assert counter_rows() == before
    assert before[("nation", "VN", "month", this_month(), "received")] == 1


def test_a_transfer_moves_the_dossier_to_the_other_wards_figures(office):
    code = office.submit().code
    dispatch()
    month = Period("month", this_month())
    office.decide(code, Role.RECEPTION, "transfer", agency_code=AGENCY_B)
    dispatch()
    assert selectors.counter_values(selectors.Scope(ScopeKind.COMMUNE, "00004"), month) == {}
    assert selectors.counter_values(selectors.Scope(ScopeKind.COMMUNE, "00008"), month)["received"] == 1
    assert selectors.counter_values(selectors.NATION, month)["received"] == 1
    assert DossierFact.objects.get(dossier_code=code).agency_code == AGENCY_B


def test_recompute_rebuilds_the_same_rows_and_is_audited(office):
    four_histories(office)
    dispatch()
    incremental = counter_rows()
    Counter.objects.all().delete()
    summary = services.recompute(actor=SYSTEM)
    assert counter_rows() == incremental
    assert summary["dossiers"] == 4
    assert Event.objects.filter(type="metrics.recomputed").count() == 1


def test_the_catalogs_own_state_is_measured_now_for_every_period(office):
    report = selectors.report(selectors.NATION, Period("year", this_month().replace(month=1)))
    offered = report.result("3.1").figure
    assert offered is not None
    # every shipped procedure, and those whose spec declares them full-process online, counted
    # here from the spec files themselves (25 and 22 when this was written)
    levels = [
        yaml.safe_load(path.read_text(encoding="utf-8")).get("online_level")
        for path in sorted((Path(catalog.__file__).parent / "specs" / "procedures").glob("*.yaml"))
    ]
    full = levels.count("full")
    assert len(levels) >= 25
    expected = (Decimal(100) * full / len(levels)).quantize(Decimal("0.01"))
    assert (offered.numerator, offered.denominator, offered.ratio) == (full, len(levels), expected)
    replaced = report.result("C.2").figure
    assert replaced is not None
    assert replaced.denominator > replaced.numerator > 0  # components, and those a registry supplies
    assert replaced.score is None  # monitoring: no points
