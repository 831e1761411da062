"""Group 6 (satisfaction) from the feedback app's real services: a rating of a finished dossier,
petitions (one about a dossier, one answered late), folded by the same handler and equal after a
recompute."""

from __future__ import annotations

import datetime
from decimal import Decimal

from motcua.core.actors import SYSTEM
from motcua.feedback.services import petitions, ratings
from motcua.identity.actors import OfficialActor, actor_for_user
from motcua.identity.models import Role
from motcua.metrics import selectors, services
from motcua.metrics.periods import Period
from tests.identity.world import AGENCY_A, make_official
from tests.metrics.world import Office, counter_rows, dispatch, this_month


def test_ratings_and_petitions_give_the_satisfaction_indicators(office: Office):
    a = office.withdraw(office.submit().code).code
    b = office.submit().code
    ratings.rate_dossier(actor=office.applicant, dossier_code=a, overall="dissatisfied")
    about_b = petitions.send_petition(
        actor=office.applicant,
        category="dossier",
        subject="Hồ sơ chậm",
        content="Hồ sơ của tôi chưa được xử lý.",
        dossier_code=b,
        commune_code="00004",
    ).petition
    late = petitions.send_petition(
        actor=office.applicant,
        category="procedure",
        subject="Thủ tục khai sinh",
        content="Xin hỏi về giấy tờ cần nộp.",
        procedure_code="birth-registration",
        commune_code="00004",
    ).petition
    user, _key = make_official("pakn.a", [(Role.HANDLER, AGENCY_A)])
    handler = actor_for_user(user, verified=True)
    assert isinstance(handler, OfficialActor)
    petitions.answer_petition(
        actor=handler,
        code=late.code,
        answer="Cần tờ khai và giấy chứng sinh.",
        today=datetime.date.today() + datetime.timedelta(days=60),  # long past its 15 working days
    )
    dispatch()
    month = Period("month", this_month())
    values = selectors.counter_values(selectors.Scope("commune", "00004"), month)
    assert (values["petitions"], values["petitions_on_time"], values["petitions_satisfied"]) == (2, 1, 1)
    assert (values["received"], values["unhappy"], values["rated"]) == (2, 2, 1)
    report = selectors.report(selectors.Scope("commune", "00004"), month)
    assert report.result("5.2").figure.score == Decimal("3.00")  # 50% of 6
    assert report.result("5.3").figure.score == Decimal("3.00")
    # 100% − (0% late + 100% unhappy: A rated dissatisfied, B petitioned about)
    assert (report.result("5.4").figure.ratio, report.result("5.4").figure.score) == (
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert about_b.dossier_id is not None
    incremental = counter_rows()
    services.recompute(actor=SYSTEM)
    assert counter_rows() == incremental
