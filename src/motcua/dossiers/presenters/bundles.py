"""What an interconnected application's page and API show: each member's dossier and status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.catalog.labels import label_for, localised
from motcua.dossiers.models import (
    BundleApplication,
    Dossier,
    DossierStatus,
)
from motcua.dossiers.selectors.dossiers import agency_name


@dataclass(frozen=True)
class BundleMemberView:
    procedure_code: str
    procedure_name: str
    dossier_code: str  # "" until the member's dossier exists
    status: str  # the dossier's status, or "" while it waits for the members before it
    status_label: str
    agency_name: str
    due_on: datetime.date | None
    waiting_for: list[str]  # the names of the members it follows


@dataclass(frozen=True)
class BundleView:
    application: BundleApplication
    name: str
    members: list[BundleMemberView]
    complete: bool  # every chosen member has its result


def bundle_view(application: BundleApplication) -> BundleView:
    from motcua.catalog import selectors as catalog

    bundle = catalog.get_bundle(application.bundle_code)
    dossiers = {
        d.procedure.code: d
        for d in Dossier.objects.filter(bundle_application=application).select_related("procedure")
    }
    members = [m for m in catalog.bundle_members(bundle) if m.procedure.code in application.members]
    names = {
        m.procedure.code: localised({"vi": m.procedure.name_vi, "en": m.procedure.name_en}) for m in members
    }
    views = []
    for member in members:
        code = member.procedure.code
        dossier = dossiers.get(code)
        views.append(
            BundleMemberView(
                procedure_code=code,
                procedure_name=names[code],
                dossier_code=dossier.code if dossier else "",
                status=dossier.status if dossier else "",
                status_label=label_for("dossier_status", dossier.status) if dossier else _("Waiting"),
                agency_name=agency_name(dossier.agency_code) if dossier else "",
                due_on=dossier.due_on if dossier else None,
                waiting_for=[names.get(after, after) for after in member.after] if dossier is None else [],
            )
        )
    done = (DossierStatus.PROCESSED, DossierStatus.RESULT_RETURNED)
    return BundleView(
        application=application,
        name=localised({"vi": bundle.name_vi, "en": bundle.name_en}),
        members=views,
        complete=all(v.status in done for v in views),
    )
