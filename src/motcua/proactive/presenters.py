"""What the offers page shows of an offer: the procedure, why (the rule's reason with the
change's facts), which registry change and which data led to it, and what is prefilled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Procedure
from motcua.exchange.labels import field_label
from motcua.proactive.models import Offer
from motcua.proactive.services import rule_key

REGISTRY_LABELS: dict[str, Promise] = {
    "civil_status": _("Civil-status registry"),
    "residence": _("Residence registry"),
    "population": _("Population registry"),
    "identity_card": _("Identity-card registry"),
    "driving_licence": _("Driving-licence registry"),
    "health_insurance": _("Health-insurance registry"),
    "passport": _("Passport registry"),
}
CHANGE_LABELS: dict[str, Promise] = {
    "birth_registered": _("Birth registered"),
    "death_registered": _("Death registered"),
    "marriage_registered": _("Marriage registered"),
    "moved": _("Moved"),
    "reached_age": _("Age reached"),
    "issued": _("Document issued"),
    "expiring": _("Document expiring"),
    "expired": _("Document expired"),
}
FACT_LABELS: dict[str, Promise] = {
    "age": _("Age"),
    "valid_until": _("Valid until"),
    "birth_commune_code": _("Commune of birth"),
    "from_commune_code": _("Commune moved from"),
    "to_commune_code": _("Commune moved to"),
}


def _label(table: dict[str, Promise], code: str) -> str:
    label = table.get(code)
    return str(label) if label is not None else code


@dataclass(frozen=True)
class OfferView:
    public_id: str
    procedure_code: str
    procedure_name: str
    reason: str
    level: str
    registry: str
    kind: str
    date: str
    data_used: list[tuple[str, str]]
    prefilled: list[tuple[str, str]]
    rule: str


class _Facts(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def offer_views(offers: list[Offer]) -> list[OfferView]:
    english = (get_language() or "vi").startswith("en")
    codes = sorted({offer.procedure_code for offer in offers})
    names = catalog.procedure_titles(codes)
    definitions = {p.code: catalog.definition(p) for p in Procedure.objects.filter(code__in=codes)}
    views = []
    for offer in offers:
        definition = definitions.get(offer.procedure_code)
        rule = next((r for r in definition.proactive if r.id == offer.rule_id), None) if definition else None
        template = (rule.reason.en if english and rule.reason.en else rule.reason.vi) if rule else ""
        facts = dict(offer.facts or {})
        reason = template.format_map(_Facts(facts))
        shown = {"registry", "kind", "date"}
        titles = definition.fields if definition else {}
        views.append(
            OfferView(
                public_id=str(offer.public_id),
                procedure_code=offer.procedure_code,
                procedure_name=names.get(offer.procedure_code, offer.procedure_code),
                reason=reason,
                level=offer.level,
                registry=_label(REGISTRY_LABELS, str(facts.get("registry", ""))),
                kind=_label(CHANGE_LABELS, str(facts.get("kind", ""))),
                date=str(facts.get("date", "")),
                data_used=[
                    (str(FACT_LABELS[key]) if key in FACT_LABELS else field_label(key), str(value))
                    for key, value in sorted(facts.items())
                    if key not in shown
                ],
                prefilled=[
                    (
                        (
                            titles[name].title.en
                            if english and titles[name].title.en
                            else titles[name].title_vi
                        )
                        if name in titles
                        else name,
                        str(value),
                    )
                    for name, value in (offer.prefill or {}).items()
                ],
                rule=rule_key(offer.procedure_code, offer.rule_id),
            )
        )
    return views
