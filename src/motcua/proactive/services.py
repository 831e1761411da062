"""Proactive offers (ADR 0064, docs/proactive.md): made from the registries' changes by the
catalog's rules, dismissed, taken in one step, and turned off by the person.

``make_offers`` runs for each change the exchange received (``handlers``, at least once: an offer
is made once per change, rule and person). For each procedure rule whose trigger matches, the
people it concerns (the change's subject, or the parents the change names) get an offer, unless
they turned that kind or every offer off: then nothing is made and the skip is audited without
the person's ID. ``take_offer`` opens the application with the rule's prefill (the person then
consents to the registry data and submits, as for any draft); ``dismiss_offer`` and
``set_preferences`` are the person's control, each audited.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Procedure
from motcua.catalog.typed import ProactiveRuleSpec
from motcua.core.actors import SYSTEM
from motcua.core.errors import Conflict, MotcuaError
from motcua.core.services import record_change
from motcua.dossiers.models import Draft
from motcua.dossiers.services import drafts as draft_services
from motcua.exchange.models import RegistryChange
from motcua.identity.actors import ApplicantActor
from motcua.proactive import selectors
from motcua.proactive.events import ProactiveEvent, ProactiveSubject
from motcua.proactive.models import Offer, OfferPreferences, OfferStatus

# the change's data an offer keeps as its facts (never the parents' ID numbers)
HIDDEN_FACTS = {"father_personal_id", "mother_personal_id"}


def rule_key(procedure_code: str, rule_id: str) -> str:
    """How a person turns off one kind of offer: ``<procedure>:<rule>``."""
    return f"{procedure_code}:{rule_id}"


def _rules() -> list[tuple[str, ProactiveRuleSpec]]:
    rules = []
    for procedure in Procedure.objects.order_by("code"):
        for rule in catalog.definition(procedure).proactive:
            rules.append((procedure.code, rule))
    return rules


def _recipients(rule: ProactiveRuleSpec, change: RegistryChange) -> list[str]:
    if rule.concerns == "subject":
        return [change.subject]
    data = change.data or {}
    return sorted(
        {str(data[name]) for name in ("father_personal_id", "mother_personal_id") if data.get(name)}
    )


def _prefill(rule: ProactiveRuleSpec, change: RegistryChange) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, source in rule.prefill.items():
        if source == "event.subject":
            values[name] = change.subject
        elif source.startswith("event.data."):
            value = (change.data or {}).get(source.removeprefix("event.data."))
            if value is not None:
                values[name] = value
        elif source.startswith("value:"):
            values[name] = source.removeprefix("value:")
    return values


def _opted_out(personal_id: str, key: str) -> bool:
    preferences = OfferPreferences.objects.filter(personal_id=personal_id).first()
    return preferences is not None and (preferences.all_off or key in preferences.rules_off)


@transaction.atomic
def make_offers(change_id: int) -> list[Offer]:
    """The offers one received change calls for (none twice)."""
    change = RegistryChange.objects.get(pk=change_id)
    facts = {
        "registry": change.registry,
        "kind": change.kind,
        "date": change.occurred_on.isoformat(),
        **{key: value for key, value in (change.data or {}).items() if key not in HIDDEN_FACTS},
    }
    made: list[Offer] = []
    for procedure_code, rule in _rules():
        if not rule.trigger.matches(change.registry, change.kind, change.data or {}):
            continue
        key = rule_key(procedure_code, rule.id)
        for recipient in _recipients(rule, change):
            if _opted_out(recipient, key):
                record_change(
                    actor=SYSTEM,
                    type=ProactiveEvent.OFFER_SKIPPED,
                    subject_type=ProactiveSubject.OFFER,
                    subject_id=f"change-{change.pk}",
                    payload={"rule": key},
                )
                continue
            if Offer.objects.filter(change=change, rule_id=rule.id, recipient_personal_id=recipient).exists():
                continue
            try:
                with transaction.atomic():
                    offer = Offer.objects.create(
                        recipient_personal_id=recipient,
                        subject_personal_id=change.subject,
                        change=change,
                        procedure_code=procedure_code,
                        rule_id=rule.id,
                        level=rule.level,
                        facts=facts,
                        prefill=_prefill(rule, change),
                    )
            except IntegrityError:  # made by another dispatcher meanwhile
                continue
            record_change(
                actor=SYSTEM,
                type=ProactiveEvent.OFFER_MADE,
                subject_type=ProactiveSubject.OFFER,
                subject_id=str(offer.public_id),
                changes={"status": [None, offer.status]},
                payload={"rule": key, "level": rule.level, "change": change.pk},
            )
            made.append(offer)
    return made


def _set_status(
    actor: ApplicantActor, offer: Offer, status: str, event: ProactiveEvent, **payload: Any
) -> None:
    if offer.status != OfferStatus.OPEN:
        raise Conflict(_("This offer was already dismissed or taken."))
    old, offer.status, offer.updated_at = offer.status, status, timezone.now()
    offer.save(update_fields=["status", "updated_at", "draft_public_id"])
    record_change(
        actor=actor,
        type=event,
        subject_type=ProactiveSubject.OFFER,
        subject_id=str(offer.public_id),
        changes={"status": [old, status]},
        payload={"rule": rule_key(offer.procedure_code, offer.rule_id), **payload},
    )


@transaction.atomic
def dismiss_offer(*, actor: ApplicantActor, public_id: str) -> Offer:
    offer = selectors.get_offer(actor, public_id, for_update=True)
    _set_status(actor, offer, OfferStatus.DISMISSED, ProactiveEvent.OFFER_DISMISSED)
    return offer


@transaction.atomic
def take_offer(*, actor: ApplicantActor, public_id: str, commune_code: str) -> Draft:
    """Open the offered application at ``commune_code``, filled with the offer's prefill: one step
    from the offer to consenting and submitting."""
    offer = selectors.get_offer(actor, public_id, for_update=True)
    if offer.status != OfferStatus.OPEN:
        raise Conflict(_("This offer was already dismissed or taken."))
    if offer.level == "grant":
        raise MotcuaError(_("This service is granted without an application."))
    draft = draft_services.start_draft(
        actor=actor, procedure_code=offer.procedure_code, commune_code=commune_code
    )
    if offer.prefill:
        draft, _errors = draft_services.save_entries(
            actor=actor, public_id=str(draft.public_id), values=_as_entries(offer.prefill)
        )
    offer.draft_public_id = str(draft.public_id)
    _set_status(actor, offer, OfferStatus.TAKEN, ProactiveEvent.OFFER_TAKEN, draft=str(draft.public_id))
    return draft


def _as_entries(prefill: Mapping[str, Any]) -> dict[str, str]:
    values = {}
    for name, value in prefill.items():
        if isinstance(value, datetime.date):
            value = value.isoformat()
        values[name] = str(value)
    return values


@transaction.atomic
def set_preferences(
    *, actor: ApplicantActor, all_off: bool | None = None, rule: str = "", rule_off: bool = True
) -> OfferPreferences:
    """Turn every offer off or on (``all_off``), or one kind (``rule``, ``<procedure>:<rule>``)."""
    personal_id = selectors.personal_id_of(actor)
    if not personal_id:
        raise MotcuaError(_("Only a person with a personal ID number receives offers."))
    known = {rule_key(code, spec.id) for code, spec in _rules()}
    if rule and rule not in known:
        raise MotcuaError(_("There is no such kind of offer."))
    preferences, _created = OfferPreferences.objects.select_for_update().get_or_create(
        personal_id=personal_id
    )
    before = {"all_off": preferences.all_off, "rules_off": list(preferences.rules_off)}
    if all_off is not None:
        preferences.all_off = all_off
    if rule:
        rules = set(preferences.rules_off)
        rules = rules | {rule} if rule_off else rules - {rule}
        preferences.rules_off = sorted(rules)
    preferences.updated_at = timezone.now()
    preferences.save()
    record_change(
        actor=actor,
        type=ProactiveEvent.PREFERENCES_CHANGED,
        subject_type=ProactiveSubject.PREFERENCES,
        subject_id=actor.applicant_public_id,
        changes={
            "all_off": [before["all_off"], preferences.all_off],
            "rules_off": [before["rules_off"], preferences.rules_off],
        },
    )
    if all_off or (rule and rule_off):  # what was turned off is no longer offered
        open_offers = selectors.open_offers(actor)
        if rule and not all_off:
            code, _sep, rule_id = rule.partition(":")
            open_offers = open_offers.filter(procedure_code=code, rule_id=rule_id)
        for offer in open_offers.select_for_update():
            _set_status(actor, offer, OfferStatus.DISMISSED, ProactiveEvent.OFFER_DISMISSED, opted_out=True)
    return preferences
