"""A dossier keeps the spec version it was filed under (ADR 0039): publishing a procedure again
with other labels never relabels the dossiers filed before, on their pages, in the API or in the
PDF forms; a dossier filed after reads the new labels."""

from __future__ import annotations

import re
import shutil

import yaml

from motcua.catalog.models import Procedure, ProcedureSpecVersion
from motcua.catalog.services import sync_catalog
from motcua.catalog.specs import SPECS_DIR
from motcua.core.actors import SYSTEM
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import submission as submission_services
from tests.backoffice.test_processing_pages import decide, setup_people, text
from tests.dossiers.test_form_pdfs import _pdf_text
from tests.identity.world import applicant_actor, applicant_client, complete_birth_draft

OLD_COMPONENT, NEW_COMPONENT = "Giấy chứng sinh", "Giấy chứng nhận sinh của cơ sở y tế"
OLD_FIELD, NEW_FIELD = "Họ, chữ đệm và tên của trẻ", "Họ và tên khai sinh của trẻ"
NEW_COMPONENT_EN = "Birth certificate from the hospital"


def _publish_relabelled(tmp_path) -> None:
    """Publish the catalog again, with birth registration's certificate and child's name renamed."""
    specs = tmp_path / "specs-v2"
    shutil.copytree(SPECS_DIR, specs)
    path = specs / "procedures" / "birth-registration.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    (certificate,) = [c for c in spec["components"] if c["id"] == "birth-certificate"]
    certificate["name"] = {"vi": NEW_COMPONENT, "en": NEW_COMPONENT_EN}
    spec["form"]["properties"]["child_full_name"]["title"] = NEW_FIELD
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert sync_catalog(actor=SYSTEM, directory=specs).updated == ["birth-registration"]


def _flat(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def test_a_dossier_keeps_the_labels_of_the_spec_it_was_filed_under(db, tmp_path, settings):
    applicant, officials, old_code = setup_people(tmp_path, settings)
    first_version = Procedure.objects.get(code="birth-registration").spec_sha256
    _publish_relabelled(tmp_path)
    procedure = Procedure.objects.get(code="birth-registration")
    assert procedure.spec_sha256 != first_version
    # both versions are kept, and the old dossier names the first
    assert set(procedure.spec_versions.values_list("sha256", flat=True)) == {
        first_version,
        procedure.spec_sha256,
    }
    assert Dossier.objects.get(code=old_code).spec_sha256 == first_version
    assert ProcedureSpecVersion.objects.get(sha256=first_version).procedure == procedure

    # a supplement request (form 02) on the old dossier names the certificate as it was filed
    assert decide(officials["tiepnhan"], old_code, "accept").status_code == 302
    assert (
        decide(
            officials["chuyenvien"],
            old_code,
            "supplement",
            reason="Không đọc được.",
            items=["component:birth-certificate"],
        ).status_code
        == 302
    )
    new_code = submission_services.submit_draft(
        actor=applicant_actor(applicant),
        public_id=str(complete_birth_draft(applicant_actor(applicant)).public_id),
    ).code
    assert Dossier.objects.get(code=new_code).spec_sha256 == procedure.spec_sha256

    mine = applicant_client(applicant)
    old_page, new_page = text(mine.get(f"/ho-so/{old_code}/")), text(mine.get(f"/ho-so/{new_code}/"))
    assert OLD_COMPONENT in old_page
    assert OLD_FIELD in old_page
    assert NEW_COMPONENT not in old_page
    assert NEW_FIELD not in old_page
    assert NEW_COMPONENT in new_page
    assert NEW_FIELD in new_page
    assert OLD_FIELD not in new_page

    # the officials' page: the components and fields they may ask to supplement
    handler = officials["chuyenvien"]
    official_old = text(handler.get(f"/can-bo/ho-so/{old_code}/"))
    assert OLD_COMPONENT in official_old
    assert NEW_COMPONENT not in official_old

    # the API, in both languages
    old_api = mine.get(f"/api/v1/dossiers/{old_code}").json()
    new_api = mine.get(f"/api/v1/dossiers/{new_code}").json()
    names = {c["id"]: c["name"] for c in old_api["components"]}
    assert names["birth-certificate"] == OLD_COMPONENT
    assert old_api["notices"][-1]["items"] == [OLD_COMPONENT]
    assert {c["id"]: c["name"] for c in new_api["components"]}["birth-certificate"] == NEW_COMPONENT
    english = mine.get(f"/api/v1/dossiers/{old_code}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {c["id"]: c["name"] for c in english["components"]}[
        "birth-certificate"
    ] == "Medical birth certificate"

    # the PDF of form 02
    pdf = _flat(_pdf_text(mine.get(f"/ho-so/{old_code}/thong-bao/02-1.pdf")))
    assert OLD_COMPONENT in pdf
    assert NEW_COMPONENT not in pdf
