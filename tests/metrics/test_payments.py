"""Group 4 (online payment) from the payments app's real services and the reference gateway as a
process: two fee-bearing dossiers, one paid online by card through the gateway's signed
notification, folded by the same handler and equal after a recompute."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.core.actors import SYSTEM
from motcua.core.outbox import dispatch_pending_events
from motcua.metrics import selectors, services
from motcua.metrics.periods import Period
from motcua.payments.models import Payment
from tests.dossiers.conftest import minh  # noqa: F401 (a fixture)
from tests.metrics.world import counter_rows, this_month
from tests.payments.test_payments import gateway, inbox, paying, start, submitted  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_a_dossier_paid_online_counts_in_the_payment_indicators(minh, paying, inbox) -> None:  # noqa: F811
    client, paid = submitted(minh)
    _other_client, unpaid = submitted(minh)
    paying.pay(start(client, paid))
    assert [reply["RspCode"] for reply in inbox.serve(1)] == ["00"]
    assert Payment.objects.get(dossier__code=paid).status == "success"
    assert Payment.objects.get(dossier__code=unpaid).status == "created"
    dispatch_pending_events()

    month = Period("month", this_month())
    values = selectors.counter_values(selectors.NATION, month)
    assert (values["fee_due"], values["paid_online"]) == (2, 1)
    assert values["procedure_paid_online:criminal-record-certificate"] == 1
    report = selectors.report(selectors.NATION, month)
    dossiers_paid_online = report.result("3.6").figure
    assert dossiers_paid_online is not None
    # 1 of the 2 dossiers whose fee is due was paid online: 50% of 6 points (no target)
    assert (dossiers_paid_online.ratio, dossiers_paid_online.score) == (Decimal("50.00"), Decimal("3.00"))

    # the rebuild from the event log gives the same figures
    before = counter_rows()
    services.recompute(actor=SYSTEM)
    assert counter_rows() == before
