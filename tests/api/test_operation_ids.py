"""Operation ids are part of the API's contract (clients generated from the OpenAPI document use
them as method names): an app's API split into a package by audience keeps naming its ``api``
module (ADR 0029)."""

from __future__ import annotations

from motcua.api.api import api


def test_operation_ids_name_the_apps_api_module_wherever_the_handler_lives():
    schema = api.get_openapi_schema()
    operations = [operation for path in schema["paths"].values() for operation in path.values()]
    ids = [operation["operationId"] for operation in operations]
    assert len(set(ids)) == len(ids)  # unique
    # handlers in dossiers/api/applicant.py, official.py, counter.py and public.py
    for handler in ("submit_draft", "official_inbox", "receive_at_counter", "lookup_dossier"):
        assert f"motcua_dossiers_api_{handler}" in ids
