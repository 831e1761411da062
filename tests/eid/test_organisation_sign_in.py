"""Organisations as applicants, end to end (ADR 0065): a company's legal representative signs in
through the bundled eID provider (a real process), the enterprise registry (a real process)
confirms, in a signed read made with her consent, that it names her; she acts for the company,
authorises an employee for one procedure and revokes him. The company's drafts, files and
"who used our data" are its own: she sees none of them while acting for herself, the employee
sees only what his authorisation covers, and nobody else sees anything. Someone the registry
does not name is refused, and a legal representation the registry no longer confirms is revoked.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from motcua.catalog.services import sync_catalog
from motcua.core.actors import SYSTEM
from motcua.core.models import AuditEntry
from motcua.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from motcua.demo.people import DEMO_COMPANY
from motcua.documents.models import StoredFile
from motcua.dossiers.models import Draft
from motcua.dossiers.services import drafts as draft_services
from motcua.exchange.models import Exchange
from motcua.identity import services
from motcua.identity.actors import acting_for_organisation
from motcua.identity.events import IdentityEvent
from motcua.identity.models import Applicant, ApplicantKind, Representation, RepresentationBasis, User
from tests.eid.server import EidServer
from tests.eid.test_eid_login import _sign_in_at_provider, platform_uses  # noqa: F401 (a fixture)
from tests.identity.world import PDF, applicant_actor, load_small_units

pytestmark = pytest.mark.django_db

DIRECTOR = DEMO_ACCOUNTS[1]  # Trần Thị Thu Hà, the demo company's legal representative
EMPLOYEE = next(account for account in DEMO_ACCOUNTS if account.personal_id == "038078052964")
OUTSIDER = DEMO_ACCOUNTS[0]  # Nguyễn Văn Minh: not the company's representative
COMPANY_CODE, COMPANY_NAME = DEMO_COMPANY
SCOPE = "motorcycle-registration"  # what the employee is authorised for
OTHER = "criminal-record-certificate"


@pytest.fixture
def ready(exchange, platform_uses: EidServer, tmp_path, settings) -> EidServer:  # noqa: F811
    settings.MOTCUA_UPLOAD_DIR = tmp_path / "uploads"
    load_small_units(tmp_path)
    sync_catalog(actor=SYSTEM)
    return platform_uses


def _signed_in(server: EidServer, personal_id: str) -> Client:
    client = Client()
    start = client.get("/oidc/authenticate/?next=/ca-nhan/")
    back = _sign_in_at_provider(server, start["Location"], personal_id, DEMO_PASSWORD)
    landed = client.get(back.headers["Location"].replace("http://testserver", ""))
    assert landed["Location"] == "/ca-nhan/"
    return client


def _company() -> Applicant:
    return Applicant.objects.get(enterprise_code=COMPANY_CODE)


def test_a_legal_representative_acts_for_the_company_and_authorises_an_employee(ready: EidServer):
    director = _signed_in(ready, DIRECTOR.personal_id)
    form = director.get("/ca-nhan/to-chuc/")
    assert form.status_code == 200
    assert 'id="enterprise-code"' in form.content.decode()
    assert not Exchange.objects.exists()  # nothing is asked before she agrees

    acted = director.post("/ca-nhan/to-chuc/", {"enterprise_code": COMPANY_CODE})
    assert acted.status_code == 302, acted.content.decode()[:2000]
    company = _company()
    assert (company.kind, company.name) == (ApplicantKind.ORGANISATION, COMPANY_NAME)  # the registry's name
    # the signed read: one exchange with the enterprise registry, answered, logged by the registry
    [read] = Exchange.objects.filter(registry="enterprise")
    assert (read.status, read.procedure_code) == ("ok", "organisation-representation")
    assert read.registry_log_entry
    legal = Representation.objects.get(represented=company, basis=RepresentationBasis.LEGAL_REPRESENTATIVE)
    assert legal.representative.personal_id == DIRECTOR.personal_id
    assert legal.valid_until == legal.valid_from + datetime.timedelta(days=1)  # asked again each day
    granted = AuditEntry.objects.get(
        type=IdentityEvent.REPRESENTATION_GRANTED, subject_id=str(legal.public_id)
    )
    assert granted.actor_id == str(legal.representative.public_id)
    assert AuditEntry.objects.filter(
        type=IdentityEvent.ORGANISATION_ACTING_STARTED, subject_id=str(company.public_id)
    ).exists()
    page = director.get("/ca-nhan/to-chuc/").content.decode()
    assert 'id="acting-for"' in page
    assert COMPANY_CODE in page

    # the company's own upload and draft, made while acting for it
    director.post("/ca-nhan/tep-tin/", {"file": _pdf("hop-dong.pdf")})
    upload = StoredFile.objects.get(original_name="hop-dong.pdf")
    assert upload.owner == company
    director_person = applicant_actor(User.objects.get(applicant=legal.representative))
    director_acting = acting_for_organisation(director_person, str(company.public_id))
    assert director_acting is not None
    in_scope = draft_services.start_draft(actor=director_acting, procedure_code=SCOPE, commune_code="00004")
    out_of_scope = draft_services.start_draft(
        actor=director_acting, procedure_code=OTHER, commune_code="00004"
    )
    assert (in_scope.applicant, out_of_scope.applicant) == (company, company)

    # she authorises an employee, by his personal ID number, for one procedure
    authorised = director.post(
        "/ca-nhan/uy-quyen/moi/",
        {
            "grantor": str(company.public_id),
            "representative_personal_id": EMPLOYEE.personal_id,
            "representative_name": EMPLOYEE.full_name,
            "valid_until": (datetime.date.today() + datetime.timedelta(days=90)).strftime("%d/%m/%Y"),
            "scope": [SCOPE],
        },
    )
    assert authorised.status_code == 302, authorised.content.decode()[:2000]
    authorisation = Representation.objects.get(represented=company, basis=RepresentationBasis.AUTHORISATION)
    assert authorisation.scope == [SCOPE]
    assert EMPLOYEE.full_name in director.get("/ca-nhan/to-chuc/").content.decode()

    # "who used our data": the company's, with the registry read made for it
    ours = director.get("/ca-nhan/du-lieu-cua-toi/")
    assert ours.status_code == 200
    assert "registry_data" not in ours.content.decode()

    # acting for herself again: none of the company's items
    director.post("/ca-nhan/to-chuc/thoi/")
    assert AuditEntry.objects.filter(type=IdentityEvent.ORGANISATION_ACTING_STOPPED).count() == 1
    drafts = director.get("/ho-so-nhap/").content.decode()
    assert str(in_scope.public_id) not in drafts
    assert str(out_of_scope.public_id) not in drafts
    assert director.get(f"/tep-tin/{upload.public_id}/").status_code == 404
    assert director.get(f"/ho-so-nhap/{in_scope.public_id}/").status_code == 404
    assert director.get(f"/ca-nhan/du-lieu-cua-toi/?cho={company.public_id}").status_code == 404

    # the employee signs in, chooses the company, and applies for it within his authorisation
    employee = _signed_in(ready, EMPLOYEE.personal_id)
    assert employee.get(f"/ho-so-nhap/{in_scope.public_id}/").status_code == 404  # the director's draft
    chosen = employee.post(f"/ca-nhan/to-chuc/{company.public_id}/chon/")
    assert chosen.status_code == 302
    started = employee.post(f"/thu-tuc/{SCOPE}/nop-ho-so/", {"commune": "00004"})
    assert started.status_code == 302, started.content.decode()[:2000]
    his = Draft.objects.get(created_by__personal_id=EMPLOYEE.personal_id)
    assert (his.applicant, his.procedure.code) == (company, SCOPE)
    assert employee.post(f"/thu-tuc/{OTHER}/nop-ho-so/", {"commune": "00004"}).status_code == 404
    assert str(his.public_id) in employee.get("/ho-so-nhap/").content.decode()
    assert employee.get(f"/tep-tin/{upload.public_id}/").status_code == 404  # not his upload
    assert employee.get("/ca-nhan/du-lieu-cua-toi/").status_code == 404  # the history is the director's
    assert employee.get("/ca-nhan/uy-quyen/moi/").status_code == 403  # he cannot authorise for it
    # acting for himself he does not see the company's draft he started
    employee.post("/ca-nhan/to-chuc/thoi/")
    assert employee.get(f"/ho-so-nhap/{his.public_id}/").status_code == 404
    employee.post(f"/ca-nhan/to-chuc/{company.public_id}/chon/")
    assert employee.get(f"/ho-so-nhap/{his.public_id}/").status_code == 200

    # she revokes him: on his next request he acts for nobody but himself
    director.post(f"/ca-nhan/to-chuc/{company.public_id}/chon/")
    revoked = director.post(f"/ca-nhan/uy-quyen/{authorisation.public_id}/thu-hoi/")
    assert revoked.status_code == 302
    assert employee.get(f"/ho-so-nhap/{his.public_id}/").status_code == 404
    assert 'id="acting-for"' not in employee.get("/ca-nhan/to-chuc/").content.decode()
    assert Draft.objects.filter(applicant=company).count() == 3  # the company's drafts are untouched


def test_someone_the_registry_does_not_name_cannot_act_for_the_company(ready: EidServer):
    outsider = _signed_in(ready, OUTSIDER.personal_id)
    refused = outsider.post("/ca-nhan/to-chuc/", {"enterprise_code": COMPANY_CODE})
    assert refused.status_code == 400
    assert 'id="acting-for"' not in refused.content.decode()
    [read] = Exchange.objects.filter(registry="enterprise")
    assert (read.status, read.error_code) == ("refused", "representation_not_verified")
    assert not Representation.objects.filter(basis=RepresentationBasis.LEGAL_REPRESENTATIVE).exists()
    assert not AuditEntry.objects.filter(type=IdentityEvent.ORGANISATION_ACTING_STARTED).exists()
    # an enterprise code that does not exist gets the same answer (codes cannot be probed)
    unknown = outsider.post("/ca-nhan/to-chuc/", {"enterprise_code": "0100000001"})
    assert unknown.status_code == 400
    assert unknown.content.decode().count('class="error-summary"') == 1


def test_a_legal_representation_the_registry_no_longer_confirms_is_revoked(ready: EidServer):
    outsider = _signed_in(ready, OUTSIDER.personal_id)
    company = services.register_organisation(actor=SYSTEM, enterprise_code=COMPANY_CODE, name=COMPANY_NAME)
    stale = services.record_representation(  # as the platform recorded it before the registry changed
        actor=SYSTEM,
        representative_personal_id=OUTSIDER.personal_id,
        representative_name=OUTSIDER.full_name,
        represented=company,
        basis=RepresentationBasis.LEGAL_REPRESENTATIVE,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date.today() + datetime.timedelta(days=365),
    )
    listed = outsider.get("/ca-nhan/to-chuc/").content.decode()
    assert COMPANY_NAME in listed
    chosen = outsider.post(f"/ca-nhan/to-chuc/{company.public_id}/chon/")
    assert chosen.status_code == 400
    stale.refresh_from_db()
    assert stale.revoked_at is not None
    revoked = AuditEntry.objects.get(
        type=IdentityEvent.REPRESENTATION_REVOKED, subject_id=str(stale.public_id)
    )
    assert revoked.changes["revoked_at"][0] is None
    assert COMPANY_NAME not in outsider.get("/ca-nhan/to-chuc/").content.decode()


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
