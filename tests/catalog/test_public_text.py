"""Pages show the specs' public wording only; editorial markers never load (ADR 0038)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog.public_text import editorial_marker_problems
from motcua.catalog.services import sync_catalog
from motcua.catalog.specs import SpecError, load_catalog
from motcua.core.actors import SYSTEM

from .conftest import birth_spec
from .test_specs import _bundle, _child_card

MARKERS = re.compile(r"\[M|domain notes|§", re.IGNORECASE)


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda s: s["steps"].append({"vi": "Bước [M]", "en": "Step"}), "steps[5].vi"),
        (lambda s: s["description"].update(en="Registration (domain notes §4)."), "description.en"),
        (
            lambda s: s["processing_time"].update(public_note={"vi": "Ngay", "en": "Same day [M: law]"}),
            "processing_time.public_note.en",
        ),
        (lambda s: s["components"][0].update(legal_basis="Decision 06 [M]"), "components[0].legal_basis"),
        (lambda s: s["legal_basis"].append({"title": "Law on X, § 4"}), "legal_basis[2].title"),
    ],
)
def test_an_editorial_marker_in_public_text_stops_the_spec(spec_dir, mutate, where):
    spec = birth_spec()
    mutate(spec)
    spec_dir.procedure(spec)
    with pytest.raises(SpecError) as caught:
        load_catalog(spec_dir.root)
    assert [p.split(":")[1].strip() for p in caught.value.problems] == [where]
    assert "editorial marker" in caught.value.problems[0]


def test_integrators_notes_may_carry_markers(spec_dir):
    spec = birth_spec()
    spec["processing_time"]["note"] = "Same day (domain notes §4) [M: Law on Civil Status]."
    spec["fees"]["note"] = "135,000 VND is commonly cited [M]"
    spec["notes"] = ["Not in the domain notes: §9."]
    spec_dir.procedure(spec)
    spec_dir.procedure(_child_card())
    bundle = _bundle()
    bundle["members"][1]["deadline_note"] = "Not in the domain notes (§4 group a)."
    bundle["members"][1]["public_note"] = {"vi": "Sau khi có trích lục.", "en": "After the extract."}
    spec_dir.bundle(bundle)
    catalog = load_catalog(spec_dir.root)
    assert catalog.bundles["test-bundle"].raw["members"][1]["public_note"]["en"] == "After the extract."


def test_a_marker_in_a_bundle_members_public_note_stops_the_bundle(spec_dir):
    spec_dir.procedure(birth_spec())
    spec_dir.procedure(_child_card())
    bundle = _bundle()
    bundle["members"][1]["public_note"] = {"vi": "Chưa rõ [M]", "en": "Not known [M]"}
    spec_dir.bundle(bundle)
    with pytest.raises(SpecError) as caught:
        load_catalog(spec_dir.root)
    assert len(caught.value.problems) == 2
    assert caught.value.problems[0].startswith("test-bundle.yaml: members[1].public_note.vi: ")


def test_catalog_lint_refuses_a_marker_in_public_text(spec_dir):
    spec = birth_spec()
    spec["fees"]["public_note"] = {"vi": "Không thu phí", "en": "No fee [M]"}
    spec_dir.procedure(spec)
    with pytest.raises(CommandError, match=r"fees\.public_note\.en: public text carries the editorial"):
        call_command("catalog", "lint", "--dir", str(spec_dir.root))


def test_the_shipped_specs_keep_markers_in_notes_only():
    catalog = load_catalog()
    for code, raw in [
        *((p.code, p.raw) for p in catalog.procedures.values()),
        *((b.code, b.raw) for b in catalog.bundles.values()),
    ]:
        assert editorial_marker_problems(raw) == [], code


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalog_pages_show_no_editorial_notes(client, language):
    """Every shipped procedure and bundle page, in both languages: public wording only."""
    catalog = load_catalog()
    sync_catalog(actor=SYSTEM)
    pages = ["/thu-tuc/"]
    pages += [f"/thu-tuc/{code}/" for code in catalog.procedures]
    pages += [f"/lien-thong/{code}/" for code in catalog.bundles]
    for page in pages:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert not MARKERS.search(html), (page, MARKERS.search(html))
        assert "→" not in html, page  # no raw "result.x → form.y" mappings
        assert "Not in the domain notes" not in html


@pytest.mark.django_db
def test_public_notes_and_received_fields_are_shown_in_the_readers_language(client):
    sync_catalog(actor=SYSTEM)
    html = client.get("/lien-thong/birth-bundle/").content.decode()
    assert "Công an cấp xã tiếp nhận khi đã có trích lục khai sinh" in html
    # the residence form's field title, not form.registered_person_personal_id
    assert "Số định danh cá nhân" in html
    assert "registered_person_personal_id" not in html
    html = client.get("/lien-thong/birth-bundle/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The commune police receive it once the birth extract" in html
    assert "Registered person&#x27;s personal ID number" in html
    marriage = client.get("/thu-tuc/marriage-registration/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Both parties appear together to sign the marriage register" in marriage
    driving = client.get("/thu-tuc/driving-licence-exchange/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The agency tells you the amount when it receives the dossier." in driving
    assert "135,000" not in driving
