"""The officials' patterns (ADR 0037): the overview of each role's queue with what is overdue
and due soon in colours that also carry text, overdue rows marked in the inbox, and a decision
form per decision showing only that decision's inputs (no JavaScript needed)."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from motcua.dossiers.models import Dossier
from tests.backoffice.test_processing_pages import decide, setup_people, text


def _decisions(page: str) -> dict[str, str]:
    """Each decision's <details> block, by decision."""
    blocks = page.split('<details class="decision" id="decision-')[1:]
    return {block.split('"', 1)[0]: block.split("</details>", 1)[0] for block in blocks}


def test_each_role_sees_its_queue_with_due_soon_and_overdue(db, tmp_path, settings):
    _applicant, officials, code = setup_people(tmp_path, settings)
    reception, handler = officials["tiepnhan"], officials["chuyenvien"]
    page = text(reception.get("/can-bo/tong-quan/"))
    assert "<h1>Tổng quan công việc</h1>" in page
    assert 'id="role-reception"' in page
    assert '<strong id="waiting-reception_check">1</strong>' in page
    # birth registration is due the day it is received: due soon, said in words too
    assert '<strong id="due-soon-reception_check">1</strong>' in page
    assert re.search(r'<li class="deadline-due_soon"><a [^>]*>Sắp đến hạn<strong', page)
    assert '<strong id="overdue-reception_check">0</strong>' in page
    assert "?queue=mine&amp;step=reception_check&amp;deadline=due_soon" in page
    # the handler's queue is empty, and the reception step is not theirs
    other = text(handler.get("/can-bo/tong-quan/"))
    assert '<strong id="waiting-handling">0</strong>' in other
    assert "waiting-reception_check" not in other
    # overdue: red, with the words saying what it needs
    Dossier.objects.filter(code=code).update(due_on=timezone.localdate() - datetime.timedelta(days=7))
    page = text(reception.get("/can-bo/tong-quan/"))
    assert '<strong id="overdue-reception_check">1</strong>' in page
    assert re.search(r'<li class="deadline-overdue">.*?<span class="badge deadline-overdue">', page)
    inbox = text(reception.get("/can-bo/ho-so/?queue=mine"))
    row = re.search(rf'<tr class="deadline-overdue">.*?{re.escape(code)}.*?</tr>', inbox, re.S)
    assert row
    assert '<span class="badge deadline-overdue">Quá hạn</span>' in row.group(0)


def test_each_decision_is_its_own_form_with_only_its_inputs(db, tmp_path, settings):
    _applicant, officials, code = setup_people(tmp_path, settings)
    reception, handler, leader = officials["tiepnhan"], officials["chuyenvien"], officials["lanhdao"]
    decisions = _decisions(text(reception.get(f"/can-bo/ho-so/{code}/")))
    assert {"accept", "refuse"} <= set(decisions)
    assert '<input type="hidden" name="decision" value="accept">' in decisions["accept"]
    assert "<textarea" not in decisions["accept"]  # accepting needs nothing more
    assert 'name="reason"' in decisions["refuse"]
    assert 'name="agency_code"' not in decisions["refuse"]
    if "transfer" in decisions:
        assert 'name="agency_code"' in decisions["transfer"]
    assert decide(reception, code, "accept").status_code == 302
    decisions = _decisions(text(handler.get(f"/can-bo/ho-so/{code}/")))
    supplement = decisions["supplement"]
    assert 'name="items" value="component:birth-certificate"' in supplement
    assert '<label class="choice"><input type="checkbox" name="items"' in supplement
    assert 'name="items"' not in decisions["propose"]
    # a refused decision comes back with its own form open and what was typed kept
    refused = handler.post(
        f"/can-bo/ho-so/{code}/quyet-dinh/",
        {"decision": "supplement", "reason": "", "items": ["field:child_sex"]},
    )
    assert refused.status_code == 400
    assert '<details class="decision" id="decision-supplement" open>' in text(refused)
    assert decide(handler, code, "propose").status_code == 302
    approve = _decisions(text(leader.get(f"/can-bo/ho-so/{code}/")))["approve"]
    assert 'name="result-personal_id"' in approve
