"""What a dossier's pages and API show (view-models): its components with their provenance, the
answers, its history, its notices and the open supplement request. The caller has already read
the dossier through ``selectors.dossiers`` (so the actor may see it).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from motcua.catalog.labels import label_for, localised
from motcua.catalog.selectors import definition
from motcua.core.selectors import audit_trail_for_subject
from motcua.documents.pdf_safety import removal_notice
from motcua.dossiers.events import DossierSubject
from motcua.dossiers.forms import field_title, form_fields
from motcua.dossiers.models import (
    Dossier,
    Notice,
    Step,
)
from motcua.dossiers.presenters.common import (
    ISO_DATE,
    FetchedValue,
    fee_text,
    fetched_time,
    text_of,
    values_of,
)
from motcua.dossiers.selectors.dossiers import agency_name
from motcua.dossiers.selectors.lookup import lookup_pin
from motcua.exchange.sources import data_sources
from motcua.identity.models import User
from motcua.units import selectors as units


@dataclass(frozen=True)
class DossierComponentView:
    id: str
    name: str
    kind: str
    provenance: str
    provenance_label: str
    registry_label: str
    fetched_at: datetime.datetime | None
    file: str
    values: list[FetchedValue]
    scanned_by: str = ""  # the official who scanned the paper document (provenance scan)
    scanned_at: datetime.datetime | None = None
    # provenance wallet: the document taken from the applicant's data wallet, as it was then,
    # and its standing now (a result may have been revoked since)
    wallet_title: str = ""
    wallet_issuer: str = ""
    wallet_issued_on: datetime.date | None = None
    wallet_number: str = ""
    wallet_validity: str = ""
    wallet_validity_label: str = ""
    # active content the platform took out of the file before keeping it (ADR 0024)
    removed_content: list[str] = field(default_factory=list)
    notice: str = ""


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    agency_name: str
    commune_name: str
    status_label: str
    channel_label: str
    components: list[DossierComponentView]
    received_by: str  # the reception officer (counter and post), "" online
    identity_check_label: str
    answers: list[FetchedValue]  # the form as submitted, as a person reads it
    lookup_pin: str
    fee_label: str  # the fee set at submission ("No fee", an amount, or set by the agency)


def _wallet_facts(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A component taken from the data wallet: what it was, and whether it still stands."""
    if entry.get("provenance") != "wallet":
        return {}
    from motcua.documents import selectors as documents
    from motcua.documents.models import WalletItem

    item = WalletItem.objects.select_related("result").filter(public_id=str(entry.get("wallet_item"))).first()
    validity = documents.validity_of(item) if item is not None else None
    issued = str(entry.get("issued_on", ""))
    return {
        "wallet_title": str(entry.get("title", "")),
        "wallet_issuer": str(entry.get("issuer", "")),
        "wallet_issued_on": datetime.date.fromisoformat(issued) if ISO_DATE.match(issued) else None,
        "wallet_number": str(entry.get("result", "")),
        "wallet_validity": str(validity or ""),
        "wallet_validity_label": str(documents.VALIDITY_LABELS[validity]) if validity else "",
    }


def dossier_view(dossier: Dossier) -> DossierView:
    spec = definition(dossier.procedure, dossier.spec_sha256)  # the version it was filed under
    by_id = {source.component_id: source for source in data_sources(dossier.procedure, dossier.spec_sha256)}
    scanner_ids = {
        entry.get("scanned_by") for entry in dossier.components.values() if entry.get("scanned_by")
    }
    scanners = (
        dict(User.objects.filter(pk__in=scanner_ids).values_list("pk", "full_name")) if scanner_ids else {}
    )
    components = []
    for component in spec.components:
        component_id = component.id
        entry = dossier.components.get(component_id)
        if entry is None:
            continue
        source = by_id.get(component_id)
        values = (
            values_of(dossier.fetched[component_id], source.fields)
            if source is not None and component_id in dossier.fetched
            else []
        )
        components.append(
            DossierComponentView(
                id=component_id,
                name=localised(component.name),
                kind=component.kind,
                provenance=str(entry.get("provenance", "")),
                provenance_label=label_for("provenance", str(entry.get("provenance", ""))),
                registry_label=label_for("registry", str(entry.get("registry", "")))
                if entry.get("registry")
                else "",
                fetched_at=fetched_time(str(entry.get("fetched_at", ""))),
                file=str(entry.get("file", "")),
                values=values,
                scanned_by=scanners.get(entry.get("scanned_by"), ""),
                scanned_at=fetched_time(str(entry.get("scanned_at", ""))),
                removed_content=list(entry.get("removed_content", [])),
                notice=removal_notice(entry.get("removed_content", [])),
                **_wallet_facts(entry),
            )
        )
    commune = units.find_commune(dossier.commune_code)
    return DossierView(
        dossier=dossier,
        agency_name=agency_name(dossier.agency_code),
        commune_name=commune.full_name if commune is not None else dossier.commune_code,
        status_label=label_for("dossier_status", dossier.status),
        channel_label=label_for("channel", dossier.channel),
        components=components,
        received_by=dossier.received_by.full_name if dossier.received_by else "",
        identity_check_label=label_for("identity_check", dossier.identity_check)
        if dossier.identity_check
        else "",
        answers=[
            FetchedValue(field.label, text_of(field.value) if field.kind == "date" else field.display)
            for field in form_fields(spec.form, dossier.entries, prefilled={}, errors={})
            if field.display
        ],
        lookup_pin=lookup_pin(dossier.code),
        fee_label=fee_text(dossier.fee_vnd),
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    what: str
    actor_kind: str


def dossier_history(dossier: Dossier) -> list[HistoryEntry]:
    """What happened to the dossier, oldest first (from the audit log; the caller has already
    checked that the actor may see the dossier)."""
    return [
        HistoryEntry(entry.occurred_at, label_for("event_type", entry.type), entry.actor_kind)
        for entry in audit_trail_for_subject(subject_type=DossierSubject.DOSSIER, subject_id=dossier.code)
    ]


@dataclass(frozen=True)
class NoticeView:
    notice: Notice
    form_label: str
    step_label: str
    items: list[str]  # what is asked for (form 02), by name
    issued_by: str  # the agency's name: the applicant is not told which official

    @property
    def key(self) -> str:
        """The notice's number after its dossier's code (``02-1``): its PDF's URL segment."""
        return self.notice.number.rpartition("/")[2]


def notices_of(dossier: Dossier) -> list[NoticeView]:
    """The notices about the dossier, oldest first (the caller has checked that the actor sees it)."""
    spec = definition(dossier.procedure, dossier.spec_sha256)
    names = {c.id: localised(c.name) or c.id for c in spec.components}
    titles = {name: field_title(prop) or name for name, prop in spec.fields.items()}
    views = []
    for notice in sorted(dossier.notices.all(), key=lambda n: (n.issued_at, n.pk)):  # .all(): prefetched
        items = [
            names.get(i["component"], i["component"])
            if "component" in i
            else titles.get(i["field"], i["field"])
            for i in notice.items
        ]
        views.append(
            NoticeView(
                notice=notice,
                form_label=label_for("notice_form", notice.form),
                step_label=label_for("step", notice.step),
                items=items,
                issued_by=agency_name(notice.agency_code),
            )
        )
    return views


@dataclass(frozen=True)
class SupplementItem:
    id: str  # a component id or a field name
    name: str
    title: str = ""
    value: str = ""
    error: str = ""


@dataclass(frozen=True)
class SupplementRequest:
    components: list[SupplementItem]
    fields: list[SupplementItem]


def supplement_request(
    dossier: Dossier,
    *,
    values: Mapping[str, Any] | None = None,
    field_errors: Mapping[str, str] | None = None,
    component_errors: Mapping[str, str] | None = None,
) -> SupplementRequest | None:
    """What the open form 02 asks for, ready for the applicant's form (``None`` when nothing is
    asked). ``values`` are what the applicant typed, shown again after an error."""
    if dossier.step not in (Step.SUPPLEMENT_AT_RECEPTION, Step.SUPPLEMENT_AT_HANDLING):
        return None
    request = dossier.notices.filter(form="02").order_by("-issued_at", "-id").first()
    if request is None:
        return None
    spec = definition(dossier.procedure, dossier.spec_sha256)
    names = {c.id: localised(c.name) or c.id for c in spec.components}
    props = spec.fields
    typed = values or {}
    errors_f, errors_c = field_errors or {}, component_errors or {}
    components = [
        SupplementItem(
            id=i["component"],
            name=names.get(i["component"], i["component"]),
            error=errors_c.get(i["component"], ""),
        )
        for i in request.items
        if "component" in i
    ]
    fields = [
        SupplementItem(
            id=i["field"],
            name=i["field"],
            title=field_title(props.get(i["field"])) or i["field"],
            value=str(typed.get(i["field"], dossier.entries.get(i["field"], "")) or ""),
            error=errors_f.get(i["field"], ""),
        )
        for i in request.items
        if "field" in i
    ]
    return SupplementRequest(components=components, fields=fields)
