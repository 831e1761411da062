"""The dossier's representations that every audience's API shares: a dossier as its applicant and
its officials see it, with its components, notices and the actions the caller may take.
"""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from motcua.api.errors import ErrorOut
from motcua.catalog.labels import label_for
from motcua.dossiers.models import Dossier
from motcua.dossiers.presenters import dossiers as dossier_presenters
from motcua.dossiers.selectors import actions as action_selectors
from motcua.identity.actors import RequestActor


class FetchedValueOut(Schema):
    label: str
    value: str


class IncompleteOut(ErrorOut):
    fields: dict[str, str]  # form field -> what is wrong
    components: dict[str, str]  # component id -> what is missing


class DossierComponentOut(Schema):
    id: str
    name: str
    kind: str
    provenance: str  # registry | upload | wallet | scan | none
    provenance_label: str
    registry_label: str
    fetched_at: datetime.datetime | None
    file: str
    values: list[FetchedValueOut]
    scanned_by: str  # the official who scanned it (provenance scan)
    scanned_at: datetime.datetime | None
    # provenance wallet: the document taken from the applicant's data wallet, and its standing now
    wallet_title: str = ""
    wallet_issuer: str = ""
    wallet_issued_on: datetime.date | None = None
    wallet_number: str = ""
    wallet_validity: str = ""  # valid | expired | revoked
    removed_content: list[str] = []  # active content taken out of the file before it was kept
    notice: str = ""


class DossierSummaryOut(Schema):
    code: str
    procedure: str
    applicant: str
    agency_code: str
    commune_code: str
    channel: str
    status: str
    status_label: str
    step: str  # the process step waiting for a decision, or "done"
    step_label: str
    submitted_at: datetime.datetime
    received_at: datetime.datetime
    due_on: datetime.date | None
    original_due_on: datetime.date | None  # the date on the receipt, before any apology
    paused: bool  # the clock stands still (a supplement is awaited)
    fee_vnd: int | None  # the fee set at submission (0: none); null when the catalog does not set it


class NoticeOut(Schema):
    number: str
    form: str  # 02 supplement, 03 refusal, 04 apology, 05 stop, transfer, withdrawal
    form_label: str
    step: str
    reason: str
    items: list[str]  # form 02: what to supplement, by name
    requested: list[dict[str, str]]  # form 02: [{"component": id} | {"field": name}]
    new_due_on: datetime.date | None  # form 04
    issued_by: str  # the agency
    issued_at: datetime.datetime


class ActionsOut(Schema):
    step_role: str
    decisions: list[str]
    may_claim: bool
    may_assign: bool
    may_apologise: bool
    may_supplement: bool
    may_withdraw: bool


class DossierOut(DossierSummaryOut):
    agency_name: str
    received_by: str  # the reception officer, for a dossier received at the counter or by post
    identity_check: str  # chip_card | paper_id | post_copy ("" online)
    working_days: int | None
    lookup_pin: str
    entries: dict[str, Any]
    components: list[DossierComponentOut]
    notices: list[NoticeOut]
    actions: ActionsOut  # what the caller may do now


def dossier_summary(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "applicant": str(dossier.applicant.public_id),
        "agency_code": dossier.agency_code,
        "commune_code": dossier.commune_code,
        "channel": dossier.channel,
        "status": dossier.status,
        "status_label": label_for("dossier_status", dossier.status),
        "step": dossier.step,
        "step_label": label_for("step", dossier.step),
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_on": dossier.due_on,
        "original_due_on": dossier.original_due_on,
        "paused": dossier.paused_since is not None,
        "fee_vnd": dossier.fee_vnd,
    }


def _notices_out(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        {
            "number": v.notice.number,
            "form": v.notice.form,
            "form_label": v.form_label,
            "step": v.notice.step,
            "reason": v.notice.reason,
            "items": v.items,
            "requested": v.notice.items,
            "new_due_on": v.notice.new_due_on,
            "issued_by": v.issued_by,
            "issued_at": v.notice.issued_at,
        }
        for v in dossier_presenters.notices_of(dossier)
    ]


def _actions_out(actor: RequestActor | None, dossier: Dossier) -> dict[str, Any]:
    actions = action_selectors.available_actions(actor, dossier)
    return {
        **{k: v for k, v in vars(actions).items() if k != "assignable"},
        "decisions": list(actions.decisions),
    }


def dossier_out(dossier: Dossier, actor: RequestActor | None) -> dict[str, Any]:
    view = dossier_presenters.dossier_view(dossier)
    return {
        "notices": _notices_out(dossier),
        "actions": _actions_out(actor, dossier),
        **dossier_summary(dossier),
        "agency_name": view.agency_name,
        "received_by": view.received_by,
        "identity_check": dossier.identity_check,
        "working_days": dossier.working_days,
        "lookup_pin": view.lookup_pin,
        "entries": dossier.entries,
        "components": [{**vars(c), "values": [vars(v) for v in c.values]} for c in view.components],
    }


class HistoryOut(Schema):
    at: datetime.datetime
    what: str
    actor_kind: str


class OfficialDossierOut(DossierOut):
    history: list[HistoryOut]


def official_out(dossier: Dossier, actor: RequestActor | None) -> dict[str, Any]:
    return {
        **dossier_out(dossier, actor),
        "history": [vars(h) for h in dossier_presenters.dossier_history(dossier)],
    }
