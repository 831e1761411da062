"""Where a petition goes and what it repeats: the competent agency from the procedure and the
commune (as dossiers are routed), the agency named, or the commune's people's committee; and the
earlier petition of the same petitioner on the same matter (766 indicator 5.3 counts repeats)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.feedback.models import Petition
from motcua.units import selectors as units
from motcua.units.models import AgencyType, Level


def route(
    *, procedure: Procedure | None, commune_code: str, agency_code: str, fields: dict[str, str]
) -> tuple[str, str]:
    """(agency code, unit code): the procedure's competent agency for the commune; else the
    agency named; else the commune's people's committee."""
    commune = units.find_commune(commune_code) if commune_code else None
    if commune_code and commune is None:
        fields["commune_code"] = _("Choose the commune or ward the petition concerns.")
        return "", ""
    if agency_code:
        agency = units.agencies().filter(code=agency_code).select_related("province", "commune").first()
        if agency is None:
            fields["agency_code"] = _("Choose an agency from the list.")
            return "", ""
        unit = agency.commune.code if agency.commune else (agency.province.code if agency.province else "")
        return agency.code, unit
    if commune is None:
        fields["commune_code"] = _("Choose the commune or ward the petition concerns.")
        return "", ""
    if procedure is not None and procedure.level in (Level.COMMUNE, Level.PROVINCE):
        found = units.competent_agency(
            level=procedure.level,
            agency_type=procedure.agency_type,
            province_code=commune.province.code,
            commune_code=commune.code,
        )
        if found is not None:
            return found.code, commune.code
    committee = units.competent_agency(
        level=Level.COMMUNE,
        agency_type=AgencyType.COMMUNE_PEOPLES_COMMITTEE,
        province_code=commune.province.code,
        commune_code=commune.code,
    )
    if committee is None:
        fields["commune_code"] = _("No agency receives petitions for this commune yet.")
        return "", ""
    return committee.code, commune.code


def repeat_of(
    *, applicant_id: int | None, contact: str, dossier_id: int | None, procedure_id: int | None, category: str
) -> Petition | None:
    """The first earlier petition of the same petitioner on the same matter (the same dossier, or
    the same procedure and category) in the last year: a repeated complaint (766 indicator 5.3)."""
    if applicant_id is None and not contact:
        return None
    who = (
        Q(applicant_id=applicant_id)
        if applicant_id is not None
        else Q(contact_email=contact) | Q(contact_phone=contact)
    )
    if dossier_id is not None:
        matter = Q(dossier_id=dossier_id)
    elif procedure_id is not None:
        matter = Q(procedure_id=procedure_id, category=category)
    else:
        return None
    since = timezone.now() - datetime.timedelta(days=365)
    return Petition.objects.filter(who, matter, received_at__gte=since).order_by("received_at", "id").first()
