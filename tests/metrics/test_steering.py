"""Plan 02 steering: targets set by the supervising level (audited; refused to others with nothing
changed), progress against them, and the five-day follow-up report's content and files."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from django.utils import timezone

from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry, Event
from motcua.identity.models import Role
from motcua.metrics import periods, steering
from motcua.metrics.models import FollowUpReport, Target
from tests.identity.world import AGENCY_A, make_official, official_client
from tests.metrics.test_figures import four_histories
from tests.metrics.world import Office, dispatch

PROVINCE_AGENCY = "UBNDT.01"


def _form(month: str) -> tuple[str, dict[str, str]]:
    url = f"/can-bo/chi-so-766/chi-tieu/?scope=commune&code=00004&period_kind=month&period={month}"
    return url, {
        "indicator": "2.1",
        "target_percent": "90",
        "leader_name": "Phó Chủ tịch Lê Văn Hòa",
        "due_on": "2026-12-31",
    }


def test_the_provinces_supervisor_sets_a_communes_target_and_it_is_audited(office: Office):
    month = timezone.localdate().strftime("%Y-%m")
    url, data = _form(month)
    _user, key = make_official("giamsat.hn", [(Role.SUPERVISOR, PROVINCE_AGENCY)])
    client = official_client("giamsat.hn", key)
    response = client.post(url, data)
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.scope_kind, target.scope_code, target.indicator) == ("commune", "00004", "2.1")
    assert (target.target_percent, target.leader_name) == (Decimal("90.00"), "Phó Chủ tịch Lê Văn Hòa")
    entry = AuditEntry.objects.get(type="metrics.target_set")
    assert entry.changes["target_percent"] == [None, "90"]
    # changed again: the old value is in the audit record
    client.post(url, {**data, "target_percent": "85"})
    assert AuditEntry.objects.filter(type="metrics.target_set").last().changes["target_percent"] == [
        "90.00",
        "85",
    ]


def test_others_may_not_set_targets_and_nothing_changes(office: Office):
    month = timezone.localdate().strftime("%Y-%m")
    url, data = _form(month)
    _user, key = make_official("lanhdao.xa", [(Role.APPROVER, AGENCY_A)])
    leader = official_client("lanhdao.xa", key)
    _user, key = make_official("giamsat.cb", [(Role.SUPERVISOR, "UBNDT.04")])  # another province's
    other_supervisor = official_client("giamsat.cb", key)
    before = (AuditEntry.objects.count(), Event.objects.count())
    assert leader.post(url, data).status_code == 403
    assert other_supervisor.post(url, data).status_code == 403
    assert not Target.objects.exists()
    assert (AuditEntry.objects.count(), Event.objects.count()) == before


def test_a_bad_target_is_refused_with_the_reason_and_nothing_saved(office: Office):
    month = timezone.localdate().strftime("%Y-%m")
    url, data = _form(month)
    _user, key = make_official("giamsat.hn", [(Role.SUPERVISOR, PROVINCE_AGENCY)])
    client = official_client("giamsat.hn", key)
    response = client.post(url, {**data, "target_percent": "120"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "Chỉ tiêu là tỷ lệ phần trăm từ 0 đến 100." in response.content.decode()
    assert client.post(url, {**data, "due_on": "31/12"}).status_code == 400
    assert not Target.objects.exists()


def test_the_five_day_report_lists_the_scopes_behind_target_by_how_much_and_since_when(office: Office):
    four_histories(office)
    dispatch()
    today = timezone.localdate()
    month = periods.current("month", today)
    _user, key = make_official("giamsat.hn", [(Role.SUPERVISOR, PROVINCE_AGENCY)])
    client = official_client("giamsat.hn", key)
    url, data = _form(month.label)
    client.post(url, data)  # 2.1 ≥ 90% for the ward, Phó Chủ tịch Lê Văn Hòa responsible
    report = steering.issue_followup_report(actor=SYSTEM, today=today, period=month)
    assert report is not None
    rows = {(r["scope_code"], r["indicator"]): r for r in report.rows}
    ward_progress = rows[("00004", "2.1")]
    assert (ward_progress["target"], ward_progress["ratio"], ward_progress["gap"]) == (
        "90.00",
        "75.00",
        "15.00",
    )
    assert ward_progress["leader"] == "Phó Chủ tịch Lê Văn Hòa"
    assert ward_progress["since"] == month.label
    # the plan's defaults: satisfaction ≥ 95% (75% here), reuse of data 100% (none here)
    assert (rows[("00004", "5.4")]["gap"], rows[("01", "5.4")]["gap"]) == ("20.00", "20.00")
    assert rows[("00004", "4.3")]["gap"] == "100.00"
    assert ("00004", "4.1") not in rows  # both results electronic: target reached
    assert ("01", "2.1") not in rows  # no target set for the province's 2.1
    # one report per five days, however often the task runs
    assert (
        steering.issue_followup_report(actor=SYSTEM, today=today + datetime.timedelta(days=4), period=month)
        is None
    )
    assert FollowUpReport.objects.count() == 1
    assert Event.objects.filter(type="metrics.followup_issued").count() == 1
    # delivered in the platform to the steering officials, as PDF and XLSX
    page = client.get("/can-bo/chi-so-766/chi-tieu/?scope=commune&code=00004")
    assert report in page.context["reports"]
    pdf = client.get(f"/can-bo/chi-so-766/theo-doi/{report.pk}.pdf")
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/can-bo/chi-so-766/theo-doi/{report.pk}.xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        assert "Lê Văn Hòa".encode() in book.read("xl/sharedStrings.xml")
    _user, key = make_official("xuly.a", [(Role.HANDLER, AGENCY_A)])
    assert (
        official_client("xuly.a", key).get(f"/can-bo/chi-so-766/theo-doi/{report.pk}.pdf").status_code == 403
    )
