"""Incremental and recomputed figures are equal after randomised dossier histories (supplements,
transfers, apologies, withdrawals, late results, refusals, stops), driven through the real dossier
services with the outbox dispatched at random moments (ADR 0047)."""

from __future__ import annotations

import datetime
import random

import pytest

from motcua.core.actors import SYSTEM
from motcua.dossiers.models import Dossier, DossierStatus, Step
from motcua.identity.models import Role
from motcua.metrics import services, summaries
from motcua.metrics.models import DossierFact
from tests.identity.world import AGENCY_A, AGENCY_B
from tests.metrics.world import Office, counter_rows, dispatch, fact_rows, summary_rows


def _moves(office: Office, dossier: Dossier, late: dict[str, datetime.date]) -> list[tuple[str, object]]:
    """The moves the dossier's step allows, each a (name, thunk)."""
    code, day = dossier.code, late.get(dossier.code)
    other = AGENCY_B if dossier.agency_code == AGENCY_A else AGENCY_A

    def decide(role: str, decision: str, **extra: str) -> tuple[str, object]:
        return decision, lambda: office.decide(code, role, decision, today=day, **extra)

    moves: list[tuple[str, object]] = []
    if dossier.step == Step.RECEPTION:
        moves += [decide(Role.RECEPTION, "accept"), decide(Role.RECEPTION, "refuse")]
        moves.append(decide(Role.RECEPTION, "transfer", agency_code=other))
        if dossier.supplement_requests == 0:
            moves.append(("supplement", lambda: office.supplement_request(code, Role.RECEPTION)))
    elif dossier.step == Step.HANDLING:
        moves += [decide(Role.HANDLER, "propose"), decide(Role.HANDLER, "stop")]
        moves.append(decide(Role.HANDLER, "transfer", agency_code=other))
        if dossier.supplement_requests == 0:
            moves.append(("supplement", lambda: office.supplement_request(code, Role.HANDLER)))
        if code not in late:
            moves.append(("apology", lambda: late.__setitem__(code, office.apologise(code))))
    elif dossier.step == Step.APPROVAL:
        moves += [decide(Role.APPROVER, "approve"), decide(Role.APPROVER, "send_back")]
    elif dossier.step == Step.RESULT_RETURN:
        moves.append(decide(Role.RECEPTION, "return"))
    elif dossier.step in (Step.SUPPLEMENT_AT_RECEPTION, Step.SUPPLEMENT_AT_HANDLING):
        moves.append(("supplemented", lambda: office.supplement(code)))
    if (
        dossier.status in (DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED)
        and dossier.step != Step.DONE
    ):
        moves.append(("withdraw", lambda: office.withdraw(code)))
    return moves


@pytest.mark.parametrize("seed", [7, 2026])
def test_incremental_figures_equal_the_recomputed_ones(office, seed):
    rng = random.Random(seed)
    late: dict[str, datetime.date] = {}
    codes = [office.submit().code for _ in range(6)]
    taken: list[str] = []
    for _ in range(40):
        if rng.random() < 0.15:
            codes.append(office.submit().code)
        open_dossiers = [d for d in Dossier.objects.filter(code__in=codes) if d.step != Step.DONE]
        if not open_dossiers:
            break
        dossier = rng.choice(sorted(open_dossiers, key=lambda d: d.code))
        name, move = rng.choice(_moves(office, dossier, late))
        move()  # type: ignore[operator]
        taken.append(name)
        if rng.random() < 0.3:
            dispatch()
    dispatch()
    assert {"supplement", "transfer"} & set(taken), taken  # the histories vary
    incremental, incremental_facts, incremental_summaries = counter_rows(), fact_rows(), summary_rows()
    assert incremental_summaries  # the handler kept the pages' summaries …
    services.recompute(actor=SYSTEM)
    assert counter_rows() == incremental
    assert fact_rows() == incremental_facts
    assert summary_rows() == incremental_summaries  # … equal to the rebuilt ones
    # and to the summaries rebuilt from the counters alone
    summaries.rebuild_from_counters()
    assert summary_rows() == incremental_summaries
    # and the facts agree with the dossiers themselves
    for dossier in Dossier.objects.filter(code__in=codes):
        fact = DossierFact.objects.get(dossier_code=dossier.code)
        assert (fact.agency_code, fact.data["status"]) == (dossier.agency_code, dossier.status), dossier.code
        assert fact.data["supplement_requests"] == dossier.supplement_requests
