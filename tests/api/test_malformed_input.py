"""Malformed input never gives a server error and is refused before it is stored (issue 15).

The fuzz run's reproductions: a lone UTF-16 surrogate saved in a draft broke the applicant's and
the official's dossier pages; a multipart body without a boundary, a file name of 1,000
characters and eleven files in one request gave 500 (with ``DEBUG`` on, a plain-text traceback);
NUL characters and 100,000-character values were stored on SQLite (and refused by PostgreSQL
with a 500). Each is refused with the API's ``{code, message}`` (``fields`` naming the value),
or the site's error page, and nothing changes — on both databases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.identity.world import BIRTH_ENTRIES, PDF, World

from motcua.catalog.typed import FormSpec
from motcua.core.inputs import MAX_TEXT
from motcua.documents.models import StoredFile
from motcua.dossiers.forms import clean_entries
from motcua.dossiers.models import Dossier, Draft, Notice
from motcua.identity.models import Representation

pytestmark = pytest.mark.django_db

SURROGATE = "Bảo\ud800"
NUL = "Bảo\x00"
HUGE = "a" * 100_000


@pytest.fixture
def world(world_copy: World) -> World:
    return world_copy


def strict(world: World, name: str) -> tuple[Client, dict[str, Any]]:
    """A client that is checked for CSRF like a browser (or the fuzz run), with the header."""
    signed_in = world.client(name)
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed_in.cookies
    client.get("/")
    return client, {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def refusal(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def put_entries(client: Client, headers: dict[str, Any], draft: Draft, values: dict[str, Any]) -> Any:
    # json.dumps writes a lone surrogate as the escape "\ud800", as any JSON client would
    return client.put(
        f"/api/v1/drafts/{draft.public_id}/entries",
        json.dumps({"values": values}),
        content_type="application/json",
        **headers,
    )


# --- A lone surrogate ------------------------------------------------------------------------------


def test_a_lone_surrogate_in_a_draft_is_refused_and_every_page_still_opens(world):
    draft = world.ready_draft
    assert draft is not None
    before = Draft.objects.get(pk=draft.pk).entries
    client, headers = strict(world, "applicant_a")

    body = refusal(put_entries(client, headers, draft, {"child_full_name": SURROGATE}), 422, "invalid_input")

    assert set(body["fields"]) == {"values.child_full_name"}
    assert "Unicode" in body["fields"]["values.child_full_name"]
    assert Draft.objects.get(pk=draft.pk).entries == before
    assert client.get(reverse("dossiers:draft", args=[draft.public_id])).status_code == 200
    # the draft is submitted as it was, and both sides' dossier pages show it
    submitted = client.post(f"/api/v1/drafts/{draft.public_id}/submit", **headers)
    assert submitted.status_code == 201, submitted.content[:300]
    code = submitted.json()["code"]
    mine = client.get(reverse("dossiers:dossier", args=[code]))
    theirs = world.client("reception_a").get(reverse("backoffice:dossier", args=[code]))
    for page in (mine, theirs):
        assert page.status_code == 200
        assert BIRTH_ENTRIES["child_full_name"] in page.content.decode()


def test_a_lone_surrogate_is_refused_in_the_form_checks_themselves():
    """The same check in the draft's schema validation, for values that arrive inside a
    JSON string (the counter's and the supplement's ``entries``) or from any other caller."""
    spec = {"form": {"properties": {"name": {"type": "string"}, "notes": {"type": "array", "items": {}}}}}
    values, errors = clean_entries(
        FormSpec.model_validate(spec["form"]).fields, {"name": SURROGATE, "notes": ["ok", NUL]}
    )
    assert values == {}
    assert set(errors) == {"name", "notes"}


def test_a_lone_surrogate_at_the_counter_is_a_field_problem(world):
    client, headers = strict(world, "reception_a")
    entries = json.dumps({**BIRTH_ENTRIES, "child_full_name": SURROGATE})
    response = client.post(
        "/api/v1/counter/dossiers",
        {
            "key": "00000000-0000-4000-8000-000000000015",
            "procedure": "birth-registration",
            "channel": "counter",
            "personal_id": "001086027419",
            "full_name": "Nguyễn Văn Minh",
            "birth_date": "1986-03-15",
            "identity_check": "chip_card",
            "entries": entries,
        },
        **headers,
    )
    body = refusal(response, 422, "incomplete")
    assert "Unicode" in body["fields"]["child_full_name"]
    assert not Dossier.objects.filter(submission_key="00000000-0000-4000-8000-000000000015").exists()


def test_a_lone_surrogate_in_a_supplement_is_refused_and_changes_nothing(world):
    dossier = world.waiting
    assert dossier is not None
    client, headers = strict(world, "applicant_a")
    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/supplement",
        {"entries": json.dumps({"child_place_of_birth": SURROGATE}), "birth-certificate": _pdf("giay.pdf")},
        **headers,
    )
    body = refusal(response, 422, "incomplete")
    assert "Unicode" in body["fields"]["child_place_of_birth"]
    assert Dossier.objects.get(pk=dossier.pk).entries == dossier.entries


# --- Broken multipart ------------------------------------------------------------------------------

MULTIPART_ENDPOINTS = [
    "/api/v1/verify",
    "/api/v1/files",
    "/api/v1/drafts",
    "/api/v1/wallet",
    "/api/v1/notifications/read",
]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("path", MULTIPART_ENDPOINTS)
def test_multipart_without_a_boundary_is_an_unreadable_body(world, settings, path, debug):
    """Anonymous callers could trigger it: the CSRF check read the form before anything else."""
    settings.DEBUG = debug
    for name in ("anonymous", "applicant_a"):
        client, headers = strict(world, name)
        response = client.generic("POST", path, b"--x\r\n", content_type="multipart/form-data", **headers)
        body = refusal(response, 400, "unreadable_body")
        assert "boundary" in body["message"]


def _pdf(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _multipart(field: str, file_name: str) -> tuple[bytes, str]:
    body = (
        b'--B\r\nContent-Disposition: form-data; name="'
        + field.encode()
        + b'"; filename="'
        + file_name.encode()
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + PDF
        + b"\r\n--B--\r\n"
    )
    return body, "multipart/form-data; boundary=B"


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_file_name_of_a_thousand_characters_is_refused_without_storing_anything(world, settings, debug):
    settings.DEBUG = debug
    client, headers = strict(world, "applicant_a")
    draft = world.ready_draft
    assert draft is not None
    files_before = StoredFile.objects.count()
    for path in (
        "/api/v1/files",
        "/api/v1/verify",
        f"/api/v1/drafts/{draft.public_id}/components/birth-certificate/file",
    ):
        body, content_type = _multipart("file", "á" * 1000 + ".pdf")
        response = client.generic("POST", path, body, content_type=content_type, **headers)
        assert "tên tệp" in refusal(response, 400, "unreadable_body")["message"]
    assert StoredFile.objects.count() == files_before


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_more_than_ten_files_at_the_counter_is_too_many(world, settings, debug):
    settings.DEBUG = debug
    client, headers = strict(world, "reception_a")
    dossiers_before = Dossier.objects.count()
    files_before = StoredFile.objects.count()
    response = client.post(
        "/api/v1/counter/dossiers",
        {"key": "k", "scans": [_pdf(f"scan-{i}.pdf") for i in range(11)]},
        **headers,
    )
    body = refusal(response, 413, "too_many_files")
    assert "10" in body["message"]
    assert (Dossier.objects.count(), StoredFile.objects.count()) == (dossiers_before, files_before)


# --- NUL and enormous values: refused the same way on SQLite and PostgreSQL ------------------------


@pytest.mark.parametrize(
    ("value", "words"), [(NUL, "NUL"), (HUGE, str(MAX_TEXT)), ("x" * 101, "100")], ids=["nul", "huge", "long"]
)
def test_nul_and_overlong_draft_values_are_never_stored(world, value, words):
    """NUL and a value over the request bound are refused at the door (422); a value over the
    field's own maxLength (100 for the child's name) is refused by the form's checks: the
    answer carries the field's error and the draft keeps its previous value."""
    draft = world.ready_draft
    assert draft is not None
    client, headers = strict(world, "applicant_a")
    response = put_entries(client, headers, draft, {"child_full_name": value})
    if response.status_code == 422:
        message = refusal(response, 422, "invalid_input")["fields"]["values.child_full_name"]
    else:
        assert response.status_code == 200
        (field,) = [f for f in response.json()["fields"] if f["name"] == "child_full_name"]
        message = field["error"]
        assert field["value"] == BIRTH_ENTRIES["child_full_name"]
    assert words in message
    stored = Draft.objects.get(pk=draft.pk).entries
    assert stored["child_full_name"] == BIRTH_ENTRIES["child_full_name"]


def test_a_nul_typed_into_a_page_form_gets_the_error_page_and_is_not_stored(world):
    draft = world.ready_draft
    assert draft is not None
    client = world.client("applicant_a")
    response = client.post(
        reverse("dossiers:draft", args=[draft.public_id]), {**BIRTH_ENTRIES, "child_full_name": NUL}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không thể tiếp nhận biểu mẫu" in page
    assert 'class="site-header"' in page
    assert Draft.objects.get(pk=draft.pk).entries["child_full_name"] == BIRTH_ENTRIES["child_full_name"]


def test_free_text_of_the_services_is_bounded_alike_for_pages_and_the_api(world):
    """A reason, a name: refused over their bound by the service, whichever door they came
    through, instead of a 500 on PostgreSQL (a column too small) and storage on SQLite."""
    dossier = world.dossier
    assert dossier is not None
    notices_before = Notice.objects.count()
    client, headers = strict(world, "reception_a")
    response = client.post(
        f"/api/v1/inbox/{dossier.code}/decision",
        json.dumps({"decision": "refuse", "reason": "x" * 4001}),
        content_type="application/json",
        **headers,
    )
    assert refusal(response, 422, "invalid_input")["fields"] == {"reason": "Chỉ được nhập tối đa 4000 ký tự."}
    page = client.post(
        reverse("backoffice:decide", args=[dossier.code]),
        {"decision": "refuse", "reason": "x" * 4001},
        **headers,
    )
    assert page.status_code == 400
    assert "4000" in page.content.decode()
    assert Notice.objects.count() == notices_before
    assert Dossier.objects.get(pk=dossier.pk).status == dossier.status

    applicant, applicant_headers = strict(world, "applicant_a")
    response = applicant.post(
        "/api/v1/me/authorisations",
        json.dumps(
            {
                "representative_personal_id": "001090012345",
                "representative_name": "Ă" * 201,
                "valid_until": "2030-01-01",
            }
        ),
        content_type="application/json",
        **applicant_headers,
    )
    refusal(response, 422, "invalid_input")
    assert not Representation.objects.filter(representative__personal_id="001090012345").exists()


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/procedures?q=%00", 422, "invalid_input"),
        ("/api/v1/inbox?procedure=a%01b", 422, "invalid_input"),
        ("/api/v1/inbox/%00", 404, "not_found"),
        ("/api/v1/dossiers/a%00b", 404, "not_found"),
    ],
)
def test_control_characters_in_addresses_are_refused(world, url, status, code):
    client = world.client("reception_a") if "inbox" in url else world.client("applicant_a")
    refusal(client.get(url), status, code)


def test_control_characters_in_a_page_address_get_the_error_page(client):
    response = client.get("/thu-tuc/?q=%00")
    assert response.status_code == 400
    assert "Không thể tiếp nhận biểu mẫu" in response.content.decode()
