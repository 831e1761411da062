"""Specs as typed objects (ADR 0039): every shipped spec parses, with what its YAML says; a spec
version is parsed once per process, and read from the database only until then."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from motcua.catalog import selectors
from motcua.catalog.labels import localised
from motcua.catalog.models import Procedure, ProcedureSpecVersion
from motcua.catalog.services import sync_catalog
from motcua.catalog.specs import load_catalog
from motcua.catalog.typed import BundleDefinition, Text, parse_procedure
from motcua.core import refdata
from motcua.core.actors import SYSTEM

from .conftest import birth_spec


def test_every_shipped_spec_parses_with_what_its_yaml_says():
    catalog = load_catalog()
    for spec in catalog.procedures.values():
        typed = spec.definition
        assert typed.code == spec.code
        assert typed.sha256 == spec.sha256
        assert typed.name == Text(**spec.raw["name"])
        assert [c.id for c in typed.components] == [c["id"] for c in spec.raw.get("components", [])]
        assert list(typed.fields) == list(spec.raw.get("form", {}).get("properties", {}))
        for name, prop in typed.fields.items():
            raw = spec.raw["form"]["properties"][name]
            assert (prop.name, prop.title_vi, prop.title_en) == (name, raw["title"], raw["x-title-en"])
            assert prop.enum == (tuple(raw["enum"]) if "enum" in raw else None)
            assert prop.prefill == raw.get("x-prefill", "")
        assert typed.fee_kind == spec.raw.get("fees", {}).get("kind", "unconfirmed")
    for bundle in catalog.bundles.values():
        parsed = BundleDefinition.model_validate(bundle.raw)
        assert [m.procedure for m in parsed.members] == [m.procedure for m in bundle.members]


def test_the_birth_registration_spec_reads_as_typed_attributes():
    spec = parse_procedure(birth_spec())
    certificate = spec.component("birth-certificate")
    assert certificate is not None
    assert certificate.kind == "document"
    assert certificate.required
    assert certificate.name == Text(vi="Giấy chứng sinh", en="Medical birth certificate")
    assert spec.fields["child_full_name"].max_length == 100
    assert spec.fields["child_sex"].kind == "choice"
    assert spec.fields["child_date_of_birth"].kind == "date"
    assert "child_full_name" in spec.required_fields
    assert [c.registry for c in spec.components_of("data")] == [
        c["registry"] for c in birth_spec()["components"] if c["kind"] == "data"
    ]
    assert spec.working_days == birth_spec()["processing_time"]["working_days"]


def test_a_field_this_code_does_not_read_yet_is_ignored():
    """A spec may carry a field before the code reads it (another app adds it to the schema)."""
    spec = parse_procedure(birth_spec(fees={"kind": "fixed", "amount_vnd": 8000, "due": "at_submission"}))
    assert spec.fees is not None
    assert spec.fees.amount_vnd == 8000


def test_texts_are_read_in_the_readers_language():
    text = Text(vi="Giấy chứng sinh", en="Medical birth certificate")
    with translation.override("en"):
        assert localised(text) == "Medical birth certificate"
        assert localised(Text(vi="Chỉ tiếng Việt")) == "Chỉ tiếng Việt"
    with translation.override("vi"):
        assert localised(text) == "Giấy chứng sinh"
    assert not Text()
    assert text.as_dict() == {"vi": "Giấy chứng sinh", "en": "Medical birth certificate"}


def _procedure_reads(queries: CaptureQueriesContext) -> int:
    return sum('FROM "catalog_procedure"' in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
def test_a_version_is_parsed_once_and_read_from_the_database_only_once():
    sync_catalog(actor=SYSTEM)
    refdata.clear()  # the reload committed (the test's transaction never does)
    procedure = Procedure.objects.defer("spec").get(code="birth-registration")
    with CaptureQueriesContext(connection) as queries:
        first = selectors.definition(procedure)
    assert _procedure_reads(queries) == 1  # the spec column, once
    reloaded = Procedure.objects.defer("spec").get(code="birth-registration")
    with CaptureQueriesContext(connection) as queries:  # another request: the process's copy
        again = selectors.definition(reloaded)
    assert _procedure_reads(queries) == 0
    assert again is first
    assert (
        ProcedureSpecVersion.objects.get(sha256=procedure.spec_sha256).spec
        == Procedure.objects.get(pk=procedure.pk).spec
    )


@pytest.mark.django_db
def test_a_version_not_kept_reads_as_the_current_one():
    """A dossier filed under a version published before versions were kept, and replaced since."""
    sync_catalog(actor=SYSTEM)
    procedure = Procedure.objects.get(code="birth-registration")
    assert selectors.definition(procedure, "0" * 64).name == selectors.definition(procedure).name
