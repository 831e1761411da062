"""Domain vocabularies are registered with core (ADR 0032): core's columns list no choices,
record_change refuses what nobody registered, and every subject has one name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from motcua.core.actors import SYSTEM
from motcua.core.errors import ErrorCode
from motcua.core.models import AuditEntry, Event
from motcua.core.services import record_change
from motcua.core.types import CoreEvent, CoreSubject, EventKind, SubjectKind
from motcua.core.vocabulary import ERROR_CODES, EVENT_TYPES, SUBJECT_TYPES, Vocabulary
from motcua.documents.errors import DocumentErrorCode
from motcua.dossiers.errors import DossierErrorCode
from motcua.dossiers.events import DossierEvent
from motcua.identity.events import IdentityEvent, IdentitySubject

pytestmark = pytest.mark.django_db


class StrayEvent(EventKind):
    SOMETHING = "stray.something", "Something nobody registered"


class StraySubject(SubjectKind):
    APPLICANT = "applicant", "An un-namespaced subject"


def test_core_columns_list_no_choices():
    assert AuditEntry._meta.get_field("type").choices is None
    assert Event._meta.get_field("type").choices is None


def test_every_app_registered_its_event_and_subject_types():
    assert DossierEvent.DOSSIER_SUBMITTED in EVENT_TYPES
    assert EVENT_TYPES.owner(DossierEvent.DOSSIER_SUBMITTED) == "dossiers"
    assert EVENT_TYPES.owner(IdentityEvent.APPLICANT_SIGNED_IN) == "identity"
    assert SUBJECT_TYPES.owner(IdentitySubject.APPLICANT) == "identity"
    assert EVENT_TYPES.label(CoreEvent.CALENDAR_EXCEPTION_SET) == "Calendar exception set"
    assert all(value.split(".")[0] == EVENT_TYPES.owner(value) for value in EVENT_TYPES)
    assert all(value.split(".")[0] == SUBJECT_TYPES.owner(value) for value in SUBJECT_TYPES)
    # error codes keep their API values, each owned by one app
    assert ERROR_CODES.owner(DossierErrorCode.WRONG_STEP) == "dossiers"
    assert ERROR_CODES.owner(DocumentErrorCode.PDF_REFUSED) == "documents"
    assert ERROR_CODES.owner(ErrorCode.NOT_FOUND) == "core"
    assert str(DossierErrorCode.WRONG_STEP) == "wrong_step"


def test_registering_refuses_values_outside_the_app_or_claimed_by_another():
    vocabulary = Vocabulary("event type", namespaced=True)
    with pytest.raises(ImproperlyConfigured, match=r"must start with dossiers\."):
        vocabulary.register("dossiers", [CoreEvent.CALENDAR_EXCEPTION_SET])
    vocabulary.register("core", [CoreEvent.CALENDAR_EXCEPTION_SET])
    vocabulary.register("core", [CoreEvent.CALENDAR_EXCEPTION_SET])  # again, by its owner: fine
    subjects = Vocabulary("audit subject type", namespaced=True)
    with pytest.raises(ImproperlyConfigured, match=r"must start with identity\."):
        subjects.register("identity", [StraySubject.APPLICANT])


def test_record_change_refuses_an_unregistered_type_or_subject_and_writes_nothing():
    with pytest.raises(ImproperlyConfigured, match=r"Unknown event type 'stray\.something'"):
        with transaction.atomic():
            record_change(
                actor=SYSTEM,
                type=StrayEvent.SOMETHING,
                subject_type=CoreSubject.CALENDAR_EXCEPTION,
                subject_id=1,
            )
    with pytest.raises(ImproperlyConfigured, match="Unknown audit subject type 'applicant'"):
        with transaction.atomic():
            record_change(
                actor=SYSTEM,
                type=IdentityEvent.APPLICANT_SIGNED_IN,
                subject_type=StraySubject.APPLICANT,
                subject_id=1,
            )
    assert not AuditEntry.objects.exists()
    assert not Event.objects.exists()
