"""The officials' inbox and dossier page: scope, filters, counts, deadline flags, provenance and
history — signing in through the real password + TOTP pages."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.models import Dossier, DossierStatus
from motcua.identity.models import Role
from tests.dossiers.test_submission import BIRTH_FORM, prepared_draft
from tests.identity.world import applicant_client, make_official, official_client


def submitted(client) -> str:
    response = client.post(f"/ho-so-nhap/{prepared_draft(client)}/", {**BIRTH_FORM, "submit": "1"})
    assert response.status_code == 302
    return response["Location"].split("/")[-2]


def signed_in_official(username: str, agency_code: str) -> Client:
    _user, key = make_official(username, [(Role.RECEPTION, agency_code)])
    return official_client(username, key)


def officials() -> tuple[Client, Client]:
    return signed_in_official("tiepnhan.badinh", "UBND.00004"), signed_in_official(
        "tiepnhan.ngocha", "UBND.00008"
    )


def test_the_inbox_shows_the_agencys_dossiers_with_provenance_and_history(minh, exchange):
    code = submitted(applicant_client(minh))
    ba_dinh, ngoc_ha = officials()
    page = ba_dinh.get("/can-bo/ho-so/").content.decode()
    assert f'<a href="/can-bo/ho-so/{code}/">{code}</a>' in page
    assert '<strong id="count-received">1</strong>' in page
    assert "Nguyễn Văn Minh" in page
    detail = ba_dinh.get(f"/can-bo/ho-so/{code}/").content.decode()
    for expected in (
        "Đã tiếp nhận, đang giải quyết",
        "Từ cơ sở dữ liệu quốc gia",  # provenance of the registry components
        "Cơ sở dữ liệu quốc gia về dân cư",
        "Tải lên bởi người nộp hồ sơ",  # and of the upload
        "Nguyễn Minh Khôi",  # the form
        "Nộp và tiếp nhận hồ sơ",  # the history, from the audit log
        "người nộp hồ sơ",
    ):
        assert expected in detail, expected
    # another commune's official sees neither the row nor the page
    assert code not in ngoc_ha.get("/can-bo/ho-so/").content.decode()
    assert ngoc_ha.get(f"/can-bo/ho-so/{code}/").status_code == 404
    assert ngoc_ha.get(f"/api/v1/inbox/{code}").status_code == 404
    assert ngoc_ha.get("/api/v1/inbox").json()["total"] == 0
    # and an applicant cannot use the officials' API
    assert applicant_client(minh).get("/api/v1/inbox").status_code == 403


def test_filters_counts_and_deadline_flags(minh, exchange):
    client = applicant_client(minh)
    first = submitted(client)
    second = submitted(client)
    ba_dinh, _ngoc_ha = officials()
    today = timezone.localdate()
    calendar = WorkingCalendar.current()
    # one dossier is past its appointment date, the other due in two working days
    Dossier.objects.filter(code=first).update(due_on=today - datetime.timedelta(days=3))
    Dossier.objects.filter(code=second).update(due_on=calendar.add_working_days(today, 2))
    body = ba_dinh.get("/api/v1/inbox").json()
    assert body["total"] == 2
    assert body["overdue"] == 1
    assert body["due_soon"] == 0
    assert [row["code"] for row in body["dossiers"]] == [first, second]  # most urgent first
    assert [row["deadline"] for row in body["dossiers"]] == ["overdue", "on_time"]
    overdue = ba_dinh.get("/api/v1/inbox?deadline=overdue").json()
    assert [row["code"] for row in overdue["dossiers"]] == [first]
    page = ba_dinh.get("/can-bo/ho-so/?deadline=overdue").content.decode()
    assert f'<tr class="deadline-overdue"><td><input type="checkbox" name="codes" value="{first}"' in page
    assert f'<a href="/can-bo/ho-so/{first}/">' in page
    assert second not in page
    Dossier.objects.filter(code=second).update(due_on=today)
    assert ba_dinh.get("/api/v1/inbox?deadline=due_soon").json()["dossiers"][0]["code"] == second
    # a closed dossier is never late, and the status filter and counts follow it
    Dossier.objects.filter(code=first).update(status=DossierStatus.RESULT_RETURNED)
    body = ba_dinh.get("/api/v1/inbox").json()
    assert body["by_status"] == {"received": 1}  # the work queue: open dossiers
    assert [row["code"] for row in body["dossiers"]] == [second]
    assert body["overdue"] == 0
    assert ba_dinh.get("/api/v1/inbox?status=all").json()["total"] == 2
    returned = ba_dinh.get("/api/v1/inbox?status=result_returned").json()
    assert [(row["code"], row["deadline"]) for row in returned["dossiers"]] == [(first, "none")]
    assert ba_dinh.get("/api/v1/inbox?procedure=death-registration").json()["total"] == 0
    assert ba_dinh.get("/api/v1/inbox?agency=UBND.00008").json()["total"] == 0
    history = ba_dinh.get(f"/api/v1/inbox/{first}").json()["history"]
    assert [entry["what"] for entry in history] == ["Nộp và tiếp nhận hồ sơ"]


def test_one_statement_counts_the_work_queue_per_status_and_deadline(
    minh, exchange, django_assert_max_num_queries
):
    """The counts come from one grouped statement over the open dossiers; the total of the
    default queue (and of one open status) follows from them, a narrower filter counts again."""
    from motcua.dossiers.selectors import inbox as inbox_selectors
    from motcua.identity.actors import actor_for_user
    from motcua.identity.models import User

    client = applicant_client(minh)
    late, paused, soon, closed = (submitted(client) for _ in range(4))
    today = timezone.localdate()
    tomorrow = WorkingCalendar.current().add_working_days(today, 1)
    Dossier.objects.filter(code=late).update(due_on=today - datetime.timedelta(days=3))
    Dossier.objects.filter(code=paused).update(
        status=DossierStatus.SUPPLEMENT_REQUESTED, due_on=today - datetime.timedelta(days=3)
    )
    Dossier.objects.filter(code=soon).update(due_on=tomorrow)
    Dossier.objects.filter(code=closed).update(
        status=DossierStatus.RESULT_RETURNED, due_on=today - datetime.timedelta(days=9)
    )
    make_official("tiepnhan.badinh", [(Role.RECEPTION, "UBND.00004")])
    actor = actor_for_user(User.objects.get(username="tiepnhan.badinh"), verified=True)
    with django_assert_max_num_queries(4):  # calendar, counts, the page's ids, its rows
        queue = inbox_selectors.inbox(actor)
    assert queue.by_status == {"received": 2, "supplement_requested": 1}
    assert (queue.total, queue.overdue, queue.due_soon) == (3, 1, 1)  # a paused clock is neither
    assert [row.code for row in queue.rows] == [late, paused, soon]
    assert [row.deadline for row in queue.rows] == ["overdue", "paused", "due_soon"]
    waiting = inbox_selectors.inbox(actor, status="supplement_requested")
    assert (waiting.total, [row.code for row in waiting.rows]) == (1, [paused])
    assert inbox_selectors.inbox(actor, deadline="overdue").total == 1
    assert inbox_selectors.inbox(actor, status="all").total == 4
    assert inbox_selectors.inbox(actor, status="result_returned").total == 1
    assert inbox_selectors.inbox(actor, procedure="death-registration").total == 0
    # a province supervisor counts the same dossiers among all of Hà Nội's agencies
    make_official("giamsat.hanoi", [(Role.SUPERVISOR, "UBNDT.01")])
    supervisor = actor_for_user(User.objects.get(username="giamsat.hanoi"), verified=True)
    province = inbox_selectors.inbox(supervisor)
    assert (province.by_status, province.total, province.overdue) == (queue.by_status, 3, 1)
