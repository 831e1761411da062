"""Every answer under /api/v1 that is not a success is JSON ``{code, message}`` in the caller's
language — a failed CSRF check, an unparseable body, an unknown address or method, a body too
large, a rate limit, a server error — declared for every operation in the OpenAPI document; the
API writes UTF-8 (not ``\\u``-escaped Vietnamese). With the API's defects of issue 15: the draft's
choice fields list their options, a retried pull needs no body, the supplement's files are in
its declared body."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.identity.world import World

from motcua.api.api import api

pytestmark = pytest.mark.django_db

VI: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "vi"}
EN: dict[str, Any] = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world(world_copy: World) -> World:
    return world_copy


def shaped(response: Any, status: int, code: str) -> str:
    """The answer's message, after checking it has the one error shape."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content.decode("utf-8"))
    assert body["code"] == code
    assert {"code", "message"} <= set(body)
    assert body["message"]
    return str(body["message"])


def csrf_client(world: World, name: str) -> tuple[Client, dict[str, Any]]:
    signed_in = world.client(name)
    client = Client(enforce_csrf_checks=True)
    client.cookies = signed_in.cookies
    client.get("/")
    return client, {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def test_a_failed_csrf_check_is_shaped_and_translated(world):
    client, _headers = csrf_client(world, "applicant_a")
    body = json.dumps({"procedure": "birth-registration", "commune_code": "00004"})
    vietnamese = client.post("/api/v1/drafts", body, content_type="application/json", **VI)
    english = client.post("/api/v1/drafts", body, content_type="application/json", **EN)
    assert "mã CSRF" in shaped(vietnamese, 403, "csrf_failed")
    assert "CSRF token is missing" in shaped(english, 403, "csrf_failed")


def test_an_unparseable_body_is_shaped(world):
    client, headers = csrf_client(world, "applicant_a")
    response = client.post("/api/v1/drafts", "{bad", content_type="application/json", **headers, **EN)
    assert shaped(response, 400, "unreadable_body") == "The request body is not valid JSON."


def test_a_body_that_does_not_validate_names_each_field_in_the_callers_language(world):
    client, headers = csrf_client(world, "applicant_a")
    response = client.post("/api/v1/drafts", "{}", content_type="application/json", **headers)
    shaped(response, 422, "invalid_input")
    assert response.json()["fields"] == {
        "procedure": "Trường này là bắt buộc.",
        "commune_code": "Trường này là bắt buộc.",
    }
    english = client.post(
        "/api/v1/drafts",
        json.dumps({"procedure": "x" * 65, "commune_code": "00004"}),
        content_type="application/json",
        **headers,
        **EN,
    )
    shaped(english, 422, "invalid_input")
    assert english.json()["fields"] == {"procedure": "Enter at most 64 characters."}


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_unknown_address_and_method_are_shaped(client, settings, debug):
    settings.DEBUG = debug
    vietnamese, english = client.get("/api/v1/no-such-thing", **VI), client.get("/api/v1/no-such-thing", **EN)
    assert shaped(vietnamese, 404, "not_found") == "Không có gì ở địa chỉ này."
    assert shaped(english, 404, "not_found") == "There is nothing at this address."
    not_allowed = client.delete("/api/v1/procedures", **EN)
    assert shaped(not_allowed, 405, "method_not_allowed") == "This address does not accept this method."
    assert "GET" in not_allowed["Allow"]


def test_a_missing_object_is_named_in_the_callers_language(world):
    client = world.client("applicant_a")
    url = f"/api/v1/drafts/{uuid.uuid4()}"
    assert shaped(client.get(url, **VI), 404, "not_found") == "Không có hồ sơ nháp này."
    assert shaped(client.get(url, **EN), 404, "not_found") == "No such draft."


def test_a_body_too_large_is_shaped(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client, headers = csrf_client(world, "applicant_a")
    body = json.dumps({"procedure": "birth-registration", "commune_code": "00004", "pad": "x" * 2000})
    response = client.post("/api/v1/drafts", body, content_type="application/json", **headers, **EN)
    assert "too large" in shaped(response, 413, "too_large")


def test_a_large_form_sent_to_an_operation_that_reads_json_is_the_wrong_media_type(world, settings):
    """A form past the in-memory size is streamed to files as Django does, so its raw bytes are
    gone when an operation wants to read JSON."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client, headers = csrf_client(world, "applicant_a")
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"x" * 4096, content_type="application/pdf")
    response = client.post("/api/v1/drafts", {"file": upload}, **headers, **EN)
    assert shaped(response, 415, "unsupported_media_type") == "This operation reads a JSON body, not a form."


def test_a_rate_limit_is_shaped_and_translated(settings):
    settings.MOTCUA_RATE_LIMITS = {**settings.MOTCUA_RATE_LIMITS, "api_address": "1/m"}
    client = Client(REMOTE_ADDR="10.15.0.1")
    assert client.get("/api/v1/procedures").status_code == 200
    limited = client.get("/api/v1/procedures", **VI)
    assert "Quá nhiều yêu cầu" in shaped(limited, 429, "rate_limited")
    assert int(limited["Retry-After"]) > 0


@pytest.mark.urls("tests.api.defect_urls")
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("url", ["/api/v1/defect/operation", "/api/v1/defect/nowhere"])
def test_a_server_error_is_shaped_even_in_debug(settings, url, debug):
    """A defect in an operation (ninja would answer a plain-text traceback with DEBUG on)."""
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    response = client.get(url, **EN)
    if url.endswith("nowhere"):
        shaped(response, 404, "not_found")
        return
    message = shaped(response, 500, "server_error")
    assert message == "Something went wrong on our side. Please try again later."
    assert b"Traceback" not in response.content


def test_the_api_answers_utf8_json(client):
    response = client.get("/api/v1/procedures?q=khai+sinh")
    assert response.status_code == 200
    assert "Đăng ký khai sinh".encode() in response.content
    assert b"\\u0110" not in response.content


# --- The OpenAPI document ---------------------------------------------------------------------------


def _has_the_shape(document: dict, ref: str) -> bool:
    """The schema ``ref`` names requires a string ``code`` and ``message`` (ErrorOut, or a schema
    extending it: InvalidInputOut's ``fields``, the token endpoint's OAuth ``error``)."""
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    properties = schema.get("properties", {})
    return {"code", "message"} <= set(schema.get("required", [])) and all(
        properties.get(name, {}).get("type") == "string" for name in ("code", "message")
    )


def _refs(schema: dict[str, Any]) -> set[str]:
    if "$ref" in schema:
        return {schema["$ref"]}
    return {ref for option in schema.get("anyOf", []) for ref in _refs(option)}


def test_every_operation_declares_the_errors_any_operation_can_give():
    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 40
    for method, path, operation in operations:
        responses = operation["responses"]
        wanted = {"400", "422", "429", "500"}
        if method in {"post", "put", "patch", "delete"}:
            wanted.add("413")
        assert wanted <= set(responses), (method, path)
        for status, response in responses.items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                refs = _refs(schema)
                assert refs, (method, path, status)
                assert all(_has_the_shape(document, ref) for ref in refs), (method, path, status, refs)
    assert document["components"]["schemas"]["InvalidInputOut"]["required"] == ["code", "message", "fields"]


def test_the_supplement_declares_its_files():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    body = document["paths"]["/api/v1/dossiers/{code}/supplement"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["entries"]["type"] == "string"
    assert schema["additionalProperties"] == {
        "type": "string",
        "format": "binary",
        "description": "A file for a component asked for; the part is named after its id",
    }


def test_a_retried_pull_needs_no_body(world):
    draft = world.draft
    assert draft is not None
    client, headers = csrf_client(world, "applicant_a")
    url = f"/api/v1/drafts/{draft.public_id}/pull"
    for response in (
        client.generic("POST", url, b"", **headers),  # no body at all
        client.post(url, content_type="application/json", **headers),  # an empty JSON body
        client.post(url, {}, content_type="application/json", **headers),  # {}, as before
    ):
        assert response.status_code == 200, response.content[:300]
        assert response.json()["id"] == str(draft.public_id)
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    assert document["paths"]["/api/v1/drafts/{draft_id}/pull"]["post"]["requestBody"]["required"] is False


def test_the_drafts_choice_fields_list_their_options(world):
    draft = world.ready_draft
    assert draft is not None
    answer = world.client("applicant_a").get(f"/api/v1/drafts/{draft.public_id}", **VI).json()
    fields = {field["name"]: field for field in answer["fields"]}
    assert fields["child_sex"]["kind"] == "choice"
    assert [c["value"] for c in fields["child_sex"]["choices"]] == ["male", "female"]
    assert all(c["label"] for c in fields["child_sex"]["choices"])
    assert fields["child_full_name"]["choices"] == []
    assert fields["child_full_name"]["max_length"] == 100
    assert fields["child_nationality"]["max_length"] == 1000  # no maxLength in the spec: the default
